/**
 * The datasets of catalog.json (issue 16): every table and file the pipelines touch, with the
 * columns of its table definition file (or, without one, the columns lineage learned), its owner,
 * its writers and readers, its place in the lineage graph and its freshness.
 *
 * Owner: the table definition's `-- etlctl: owner=…`, else the `meta.owner` of the first pipeline
 * writing it, else the config's `catalog.default_owner`. Tables only read (an application's
 * database) are external: owned where they are written, not here.
 */
import type { DatasetId } from './datasets.js';
import type { ColumnInfo } from './definition-lineage.js';
import type { LineageGraph } from './graph.js';
import type { CatalogColumn, CatalogDataset, CatalogEdge, Freshness } from './model.js';
import type { PipelineInput } from './analyze.js';
import type { CatalogSettings } from './settings.js';
import type { TableFile, TableFiles } from './tables.js';

export interface AssembleInput {
  graph: LineageGraph;
  inputs: readonly PipelineInput[];
  tables: TableFiles;
  settings: CatalogSettings;
  tableFreshness: ReadonlyMap<string, Freshness>;
}

/** The table definition file of a table name as the catalog keys it (`public.` added for schemaless names). */
export function definitionOf(tables: TableFiles, table: string | undefined): TableFile | undefined {
  if (!table) return undefined;
  return tables.byName.get(table)?.[0] ?? tables.byName.get(table.replace(/^public\./, ''))?.[0];
}

export function assembleDatasets(args: AssembleInput): { datasets: CatalogDataset[]; edges: CatalogEdge[] } {
  const { graph, inputs, tables, settings } = args;
  const ids = new Map<string, DatasetId>();
  const known = new Map<string, ColumnInfo[]>();
  for (const p of inputs) {
    for (const [k, d] of p.lineage.datasets) if (!ids.has(k)) ids.set(k, d);
    for (const [k, cols] of p.lineage.columns) {
      const prev = known.get(k);
      if (!prev || (prev.every((c) => !c.type) && cols.some((c) => c.type))) known.set(k, cols);
    }
  }
  const kindOf = (k: string) => ids.get(k)?.kind ?? 'table';
  const edges = graph.edges(kindOf);
  const ownerOf = new Map(inputs.map((p) => [p.name, p.meta.owner]));
  const ups = new Map<string, Set<string>>();
  const downs = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!ups.has(e.to)) ups.set(e.to, new Set());
    ups.get(e.to)!.add(e.from);
    if (!downs.has(e.from)) downs.set(e.from, new Set());
    downs.get(e.from)!.add(e.to);
  }
  const datasets: CatalogDataset[] = [];
  for (const d of ids.values()) {
    if (graph.isIntermediate(d.key, d.kind)) continue;
    const def = d.kind === 'table' ? definitionOf(tables, d.table) : undefined;
    const writers = [...(graph.writers.get(d.key) ?? [])];
    const readers = [...(graph.readers.get(d.key) ?? [])];
    const external = writers.length === 0 && !def;
    const upstreamOf = (c: string) => graph.columnUpstream(d.key, c, kindOf);
    let columns: CatalogColumn[];
    if (def) {
      columns = def.table.columns.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: c.nullable,
        primaryKey: def.table.primaryKey.includes(c.name),
        ...(c.description !== undefined ? { description: c.description } : {}),
        pii: c.pii ?? null,
        line: c.line,
        upstream: upstreamOf(c.name),
      }));
    } else {
      const names = [...(known.get(d.key)?.map((c) => c.name) ?? [])];
      for (const c of graph.producedColumns(d.key)) if (!names.includes(c)) names.push(c);
      const types = new Map(known.get(d.key)?.map((c) => [c.name, c.type]));
      columns = names.map((name) => ({
        name,
        ...(types.get(name) ? { type: types.get(name) } : {}),
        pii: null,
        upstream: upstreamOf(name),
      }));
    }
    const writerOwner = writers.map((w) => ownerOf.get(w.pipeline)).find((o): o is string => !!o);
    const owner: Pick<CatalogDataset, 'owner' | 'ownerSource'> = def?.table.owner
      ? { owner: def.table.owner, ownerSource: 'table' }
      : writerOwner
        ? { owner: writerOwner, ownerSource: 'pipeline' }
        : !external && settings.defaultOwner
          ? { owner: settings.defaultOwner, ownerSource: 'config' }
          : {};
    const fresh = args.tableFreshness.get(d.key);
    datasets.push({
      id: d.key,
      kind: d.kind,
      name: d.table ?? d.uri ?? d.key,
      ...(d.connection ? { connection: d.connection } : {}),
      ...(d.engine ? { engine: d.engine } : {}),
      namespace: d.namespace,
      qualifiedName: d.name,
      external,
      ...(def ? { definition: { file: def.file, line: def.table.line } } : {}),
      ...(def?.table.description !== undefined ? { description: def.table.description } : {}),
      ...owner,
      tags: def?.table.tags ?? [],
      columns,
      writers: sortRefs(writers),
      readers: sortRefs(readers),
      upstream: [...(ups.get(d.key) ?? [])].sort(),
      downstream: [...(downs.get(d.key) ?? [])].sort(),
      ...(fresh ? { freshness: fresh } : {}),
    });
  }
  return { datasets: datasets.sort((a, b) => a.id.localeCompare(b.id)), edges };
}

function sortRefs<T extends { pipeline: string; step: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list
    .filter((r) => {
      const k = `${r.pipeline}\0${r.step}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.pipeline.localeCompare(b.pipeline) || a.step.localeCompare(b.step));
}
