/**
 * OpenLineage run events (spec 2-0-2) for a local run (issue 16). Each attempt of an activity is
 * a run of the job `<pipeline>.<object id>`: START when it starts, then COMPLETE, FAIL or ABORT.
 * The pipeline run is their parent job `<pipeline>` (START at the plan, COMPLETE/FAIL/ABORT at the
 * end), linked from every task event by the ParentRunFacet. Inputs and outputs are the datasets
 * src/catalog/definition-lineage.ts finds in the Definition, named as src/catalog/datasets.ts
 * explains, with the schema facet (columns and types) and, on outputs, the column-lineage facet.
 */
import type { DatasetId } from './datasets.js';
import type { ActivityLineage, DefinitionLineage, InputField } from './definition-lineage.js';

export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const FACETS = 'https://openlineage.io/spec/facets';
export const FACET_SCHEMA_URLS = {
  schema: `${FACETS}/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  columnLineage: `${FACETS}/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet`,
  parent: `${FACETS}/1-0-1/ParentRunFacet.json#/$defs/ParentRunFacet`,
  nominalTime: `${FACETS}/1-0-1/NominalTimeRunFacet.json#/$defs/NominalTimeRunFacet`,
  errorMessage: `${FACETS}/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet`,
  jobType: `${FACETS}/2-0-2/JobTypeJobFacet.json#/$defs/JobTypeJobFacet`,
} as const;

export type EventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

export interface Facet {
  _producer: string;
  _schemaURL: string;
  [k: string]: unknown;
}

export interface OlDataset {
  namespace: string;
  name: string;
  facets?: Record<string, Facet>;
}

export interface RunEvent {
  eventType: EventType;
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets?: Record<string, Facet> };
  job: { namespace: string; name: string; facets?: Record<string, Facet> };
  inputs: OlDataset[];
  outputs: OlDataset[];
}

export function producerUri(version: string): string {
  return `https://www.npmjs.com/package/etlctl/v/${version}`;
}

export interface EventContext {
  namespace: string;
  producer: string;
  pipeline: string;
  lineage: DefinitionLineage;
}

const SUBTYPE = {
  identity: 'IDENTITY',
  transformation: 'TRANSFORMATION',
  aggregation: 'AGGREGATION',
} as const;

export class OpenLineageEvents {
  private readonly byObject: Map<string, ActivityLineage>;

  constructor(private readonly ctx: EventContext) {
    this.byObject = new Map(ctx.lineage.activities.map((a) => [a.objectId, a]));
  }

  private facet(kind: keyof typeof FACET_SCHEMA_URLS, body: Record<string, unknown>): Facet {
    return { _producer: this.ctx.producer, _schemaURL: FACET_SCHEMA_URLS[kind], ...body };
  }

  private jobType(jobType: 'DAG' | 'TASK'): Record<string, Facet> {
    return { jobType: this.facet('jobType', { processingType: 'BATCH', integration: 'ETLCTL', jobType }) };
  }

  private dataset(key: string): DatasetId | undefined {
    return this.ctx.lineage.datasets.get(key);
  }

  private withSchema(d: DatasetId, key: string): OlDataset {
    const cols = this.ctx.lineage.columns.get(key);
    return {
      namespace: d.namespace,
      name: d.name,
      ...(cols && cols.length > 0
        ? {
            facets: {
              schema: this.facet('schema', {
                fields: cols.map((c) => ({ name: c.name, ...(c.type ? { type: c.type } : {}) })),
              }),
            },
          }
        : {}),
    };
  }

  private inputField(f: InputField) {
    const d = this.dataset(f.dataset);
    return d
      ? {
          namespace: d.namespace,
          name: d.name,
          field: f.column,
          transformations: [{ type: 'DIRECT', subtype: SUBTYPE[f.kind] }],
        }
      : undefined;
  }

  /** Inputs and outputs of an activity, with schema and column-lineage facets. */
  datasets(objectId: string): { inputs: OlDataset[]; outputs: OlDataset[] } {
    const a = this.byObject.get(objectId);
    if (!a) return { inputs: [], outputs: [] };
    const inputs = a.inputs.flatMap((k) => {
      const d = this.dataset(k);
      return d ? [this.withSchema(d, k)] : [];
    });
    const outputs = a.outputs.flatMap((k) => {
      const d = this.dataset(k);
      if (!d) return [];
      const out = this.withSchema(d, k);
      const flows = a.columns.get(k);
      if (flows && flows.size > 0) {
        const fields: Record<
          string,
          { inputFields: NonNullable<ReturnType<OpenLineageEvents['inputField']>>[] }
        > = {};
        for (const [col, srcs] of flows) {
          const inputFields = srcs.map((s) => this.inputField(s)).filter((x) => x !== undefined);
          if (inputFields.length > 0) fields[col] = { inputFields };
        }
        if (Object.keys(fields).length > 0)
          out.facets = { ...out.facets, columnLineage: this.facet('columnLineage', { fields }) };
      }
      return [out];
    });
    return { inputs, outputs };
  }

  /** The language of the failing job: its SQL or shell command, else etlctl's own runner. */
  private errorFacet(message: string, activityType?: string): Facet {
    const programmingLanguage =
      activityType === 'SqlActivity'
        ? 'SQL'
        : activityType === 'ShellCommandActivity'
          ? 'shell'
          : 'TypeScript';
    return this.facet('errorMessage', { message, programmingLanguage });
  }

  pipelineEvent(eventType: EventType, runId: string, at: Date, error?: string): RunEvent {
    return {
      eventType,
      eventTime: at.toISOString(),
      producer: this.ctx.producer,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: {
        runId,
        ...(error ? { facets: { errorMessage: this.errorFacet(error) } } : {}),
      },
      job: { namespace: this.ctx.namespace, name: this.ctx.pipeline, facets: this.jobType('DAG') },
      inputs: [],
      outputs: [],
    };
  }

  taskEvent(
    eventType: EventType,
    task: { objectId: string; runId: string; scheduledStart: string; parentRunId?: string },
    at: Date,
    error?: string,
  ): RunEvent {
    const facets: Record<string, Facet> = {
      nominalTime: this.facet('nominalTime', {
        nominalStartTime: new Date(task.scheduledStart).toISOString(),
      }),
    };
    if (task.parentRunId)
      facets.parent = this.facet('parent', {
        run: { runId: task.parentRunId },
        job: { namespace: this.ctx.namespace, name: this.ctx.pipeline },
      });
    if (error) facets.errorMessage = this.errorFacet(error, this.byObject.get(task.objectId)?.type);
    return {
      eventType,
      eventTime: at.toISOString(),
      producer: this.ctx.producer,
      schemaURL: RUN_EVENT_SCHEMA_URL,
      run: { runId: task.runId, facets },
      job: {
        namespace: this.ctx.namespace,
        name: `${this.ctx.pipeline}.${task.objectId}`,
        facets: this.jobType('TASK'),
      },
      ...this.datasets(task.objectId),
    };
  }
}
