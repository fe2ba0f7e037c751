/**
 * What the catalog keeps of each pipeline (issue 16), worked out right after the pipeline is
 * compiled and in the same thread: its `meta:` block (read from the compiler's parse of the file),
 * its schedule and steps, and the lineage of its Definition. Only this summary leaves the thread —
 * never the Definition — so a large project's worker threads (src/catalog/compile-pool.ts) do the
 * per-pipeline work in parallel and send the main thread a fraction of the data.
 *
 * Lineage looks up the columns of tables in the table definition files of *all* the pipelines
 * (the first file naming a table wins): the caller reads them first and hands every thread the
 * same columns, so the result does not depend on how the files were split.
 */
import { readFileSync } from 'node:fs';
import type { CompileFileOptions, CompiledPipeline } from '../compile/index.js';
import { compileFiles } from '../compile/index.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Definition, DefinitionMeta } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseDurationMs } from '../local/period.js';
import type { ColumnInfo, DefinitionLineage, LineageContext } from './definition-lineage.js';
import { definitionLineage } from './definition-lineage.js';
import type { PipelineMeta } from './meta.js';
import { readPipelineMeta } from './meta.js';
import type { CatalogSettings } from './settings.js';
import { catalogSettings } from './settings.js';
import { TableFiles } from './tables.js';

/** One compiled pipeline as the catalog assembles it. */
export interface PipelineInput {
  name: string;
  file: string;
  /** The pipeline's own `description:` (the `meta:` description wins in the catalog). */
  description?: string;
  schedule: { text: string; periodMs?: number };
  steps: DefinitionMeta['steps'];
  meta: PipelineMeta;
  lineage: DefinitionLineage;
}

export interface AnalyzedPipeline {
  file: string;
  /** The compiler's errors: any of them stops the build. */
  errors: Diagnostic[];
  /** Problems of the `meta:` block (time zone, tag vocabulary). */
  metaDiagnostics: Diagnostic[];
  /** Absent when the pipeline did not compile. */
  input?: PipelineInput;
}

export interface AnalyzedFiles {
  pipelines: AnalyzedPipeline[];
  /** Source texts by display path (the config's included), for diagnostic excerpts. */
  sources: Map<string, string>;
}

function schedule(def: Definition): PipelineInput['schedule'] {
  const s = def.objects.find((o) => o.id === 'DefaultSchedule');
  if (!s) return { text: 'on-demand' };
  if (s.fields.occurrences === '1') return { text: 'one-time' };
  const period = typeof s.fields.period === 'string' ? s.fields.period : '';
  return { text: period, periodMs: parseDurationMs(period) };
}

/** Columns of each table name, from the first table definition file naming it. */
export type TableColumns = Map<string, ColumnInfo[]>;

export function tableColumns(tables: TableFiles): TableColumns {
  const out: TableColumns = new Map();
  for (const [name, defs] of tables.byName)
    out.set(
      name,
      defs[0].table.columns.map((c) => ({ name: c.name, type: c.type })),
    );
  return out;
}

interface Parsed {
  compiled: CompiledPipeline;
  meta: { meta: PipelineMeta; diagnostics: Diagnostic[] };
}

export class PipelineAnalyzer {
  private readonly settings: CatalogSettings;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly cwd: string,
  ) {
    this.settings = catalogSettings(config).settings;
  }

  /** The table definition files of `files` (absolute pipeline paths, in order), read from disk. */
  tablesOf(files: readonly string[]): TableFiles {
    const tables = new TableFiles(this.cwd, this.config.defaults.resourceBasePath);
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue; // the compiler reports an unreadable pipeline
      }
      tables.addPipeline(f, text);
    }
    return tables;
  }

  /** Compile `files` and summarize each pipeline; `columns`: those of every pipeline's tables. */
  analyze(files: string[], opts: CompileFileOptions, columns: TableColumns): AnalyzedFiles {
    const pipelines: AnalyzedPipeline[] = [];
    // As assemble.ts's definitionOf: a schemaless table file also names the table in `public`.
    const columnsOf = (_connection: string, table: string): ColumnInfo[] | undefined =>
      columns.get(table) ?? columns.get(table.replace(/^public\./, ''));
    const r = compileFiles(files, {
      ...opts,
      config: this.config,
      cwd: this.cwd,
      onCompiled: (compiled, { text, yaml }) => {
        const meta = compiled.definition
          ? readPipelineMeta(compiled.file, text, this.settings, yaml)
          : { meta: { tags: [], line: 1 }, diagnostics: [] };
        pipelines.push(this.summary({ compiled, meta }, columnsOf));
      },
    });
    return { pipelines, sources: r.sources };
  }

  private summary(p: Parsed, columnsOf: LineageContext['columnsOf']): AnalyzedPipeline {
    const { compiled, meta } = p;
    const def = compiled.definition;
    const out: AnalyzedPipeline = {
      file: compiled.file,
      errors: compiled.diagnostics.filter((d) => d.severity === 'error'),
      metaDiagnostics: meta.diagnostics,
    };
    if (!def) return out;
    out.input = {
      name: def.meta?.pipelineName ?? compiled.file,
      file: compiled.file,
      ...(def.meta?.description !== undefined ? { description: def.meta.description } : {}),
      schedule: schedule(def),
      steps: def.meta?.steps ?? [],
      meta: meta.meta,
      lineage: definitionLineage(def, {
        databases: this.config.databases,
        region: this.config.aws.region,
        columnsOf,
      }),
    };
    return out;
  }
}
