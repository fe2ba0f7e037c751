/**
 * catalog.json (issue 16): the data catalog `etlctl catalog build` writes, versioned by
 * `catalogVersion` and described by src/catalog/catalog.schema.json (written next to it). A
 * change that removes or retypes a field raises the version; adding an optional field does not.
 */
import type { PiiLevel } from '../compile/table-comments.js';
import type { FlowKind } from './sql-lineage.js';

export const CATALOG_VERSION = 1;

export type FreshnessStatus = 'on_time' | 'late' | 'unknown' | 'not_scheduled';

export interface Freshness {
  status: FreshnessStatus;
  /** The latest deadline (ready_by in its time zone) at or before the catalog's clock. */
  deadline?: string;
  /** When the latest successful write finished (local state store). */
  lastSuccess?: string;
  message: string;
}

export interface SourceRef {
  file: string;
  line: number;
}

export interface StepRef {
  pipeline: string;
  step: string;
  /** The Data Pipeline object that does the work. */
  objectId: string;
}

export interface ColumnUpstream {
  dataset: string;
  column: string;
  kind: FlowKind;
  /** `pipeline.step` of each step the value passes through. */
  via: string[];
}

export interface CatalogColumn {
  name: string;
  type?: string;
  nullable?: boolean;
  primaryKey?: boolean;
  description?: string;
  /** Declared PII level; null when the definition declares none. */
  pii: PiiLevel | null;
  line?: number;
  upstream: ColumnUpstream[];
}

export interface CatalogDataset {
  id: string;
  kind: 'table' | 'file';
  /** `schema.table`, or the S3 location. */
  name: string;
  connection?: string;
  engine?: string;
  /** OpenLineage dataset namespace and name (what lineage events call it). */
  namespace: string;
  qualifiedName: string;
  /** Read by the pipelines but neither written nor defined by them (an application's database, a partner's feed). */
  external: boolean;
  definition?: SourceRef;
  description?: string;
  owner?: string;
  ownerSource?: 'table' | 'pipeline' | 'config';
  tags: string[];
  columns: CatalogColumn[];
  writers: StepRef[];
  readers: StepRef[];
  upstream: string[];
  downstream: string[];
  freshness?: Freshness;
}

export interface CatalogStep {
  name: string;
  type: string;
  line: number;
  reads: string[];
  writes: string[];
}

export interface CatalogPipeline {
  name: string;
  file: string;
  line: number;
  description?: string;
  owner?: string;
  ownerSource?: 'pipeline' | 'config';
  tags: string[];
  sla?: { readyBy: string; timezone: string; line: number; column?: number };
  /** Schedule period (`1 Days`), `one-time` or `on-demand`. */
  schedule: string;
  steps: CatalogStep[];
  freshness?: Freshness;
}

/** A table-level lineage edge (intermediate files between two steps are folded into `via`). */
export interface CatalogEdge {
  from: string;
  to: string;
  pipeline: string;
  steps: string[];
  via: string[];
}

export interface CatalogProblem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  line?: number;
  hint?: string;
  dataset?: string;
  pipeline?: string;
}

export interface Catalog {
  $schema: string;
  catalogVersion: typeof CATALOG_VERSION;
  generatedAt: string;
  etlctlVersion: string;
  mode: string | null;
  pipelines: CatalogPipeline[];
  datasets: CatalogDataset[];
  edges: CatalogEdge[];
  problems: CatalogProblem[];
}
