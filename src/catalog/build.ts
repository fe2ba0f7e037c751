/**
 * `etlctl catalog build` as a library call (issue 16): compile the pipelines (the one front end),
 * read their `meta:` blocks and trace lineage through every Definition (src/catalog/analyze.ts, in
 * worker threads on large projects), read the table definition files they use and freshness from
 * the local state store, and assemble catalog.json. Problems
 * (`catalog check`) are computed by src/catalog/check.ts from the assembled catalog.
 */
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import { etlctlVersion } from '../compile/index.js';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { PipelineInput } from './analyze.js';
import { assembleDatasets } from './assemble.js';
import { catalogProblems } from './check.js';
import { analyzeAll } from './compile-pool.js';
import { freshness } from './freshness.js';
import { LineageGraph } from './graph.js';
import type { Catalog, CatalogPipeline, Freshness } from './model.js';
import { CATALOG_VERSION } from './model.js';
import type { CatalogSettings } from './settings.js';
import { catalogSettings } from './settings.js';
import { readHistory } from './state.js';
import type { TableFiles } from './tables.js';

export interface CatalogBuildOptions {
  /** Pipeline files and folders (default: `pipelines`). */
  paths?: string[];
  mode?: string;
  configPath?: string;
  cwd?: string;
  /** The clock freshness is judged at (default: now). */
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /** Worker threads compiling the pipelines (default: one per core, up to 4, on large projects). */
  jobs?: number;
}

export interface CatalogBuildResult {
  catalog?: Catalog;
  /** Errors that stopped the build (compile, metadata), or the problems of a built catalog. */
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export type { PipelineInput } from './analyze.js';

/** The state directory the local engine uses with this config (same rule as `pipeline activate`). */
function stateDirOf(config: ResolvedConfig, cwd: string): string {
  return resolve(cwd, process.env.ETLCTL_STATE_DIR_OVERRIDE || config.local.stateDir);
}

function worst(list: (Freshness | undefined)[]): Freshness | undefined {
  const order = ['late', 'unknown', 'not_scheduled', 'on_time'];
  return list
    .filter((f): f is Freshness => !!f)
    .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status))[0];
}

export async function buildCatalog(opts: CatalogBuildOptions = {}): Promise<CatalogBuildResult> {
  const cwd = opts.cwd ?? process.cwd();
  const now = opts.now ?? new Date();
  const analyzed = await analyzeAll(opts.paths && opts.paths.length > 0 ? opts.paths : ['pipelines'], {
    mode: opts.mode,
    configPath: opts.configPath,
    cwd,
    env: opts.env,
    now,
    jobs: opts.jobs,
  });
  const sources = analyzed.sources;
  const errors = analyzed.pipelines.flatMap((p) => p.errors);
  if (errors.length > 0) return { diagnostics: errors, sources };
  const config = analyzed.config;
  const { settings, diagnostics } = catalogSettings(config);
  const tables = analyzed.tables;
  for (const t of tables.all()) if (!sources.has(t.file)) sources.set(t.file, t.text);
  const inputs: PipelineInput[] = [];
  for (const p of analyzed.pipelines) {
    if (!p.input) continue;
    diagnostics.push(...p.metaDiagnostics);
    inputs.push(p.input);
  }
  if (hasErrors(diagnostics)) return { diagnostics, sources };
  const catalog = await assemble(inputs, tables, config, settings, now, cwd);
  const findings = catalogProblems(catalog, tables, settings);
  const problems: Diagnostic[] = [];
  for (const { dataset, pipeline, ...d } of findings) {
    problems.push(d);
    catalog.problems.push({
      code: d.code,
      severity: d.severity,
      message: d.message,
      ...(d.file ? { file: d.file } : {}),
      ...(d.line ? { line: d.line } : {}),
      ...(d.hint ? { hint: d.hint } : {}),
      ...(dataset ? { dataset } : {}),
      ...(pipeline ? { pipeline } : {}),
    });
  }
  return { catalog, diagnostics: [...diagnostics, ...problems], sources };
}

async function assemble(
  inputs: PipelineInput[],
  tables: TableFiles,
  config: ResolvedConfig,
  settings: CatalogSettings,
  now: Date,
  cwd: string,
): Promise<Catalog> {
  const graph = new LineageGraph(inputs.map((p) => ({ pipeline: p.name, activities: p.lineage.activities })));
  const history = await readHistory(
    stateDirOf(config, cwd),
    inputs.map((p) => p.name),
  );
  const pipelines: CatalogPipeline[] = [];
  const tableFreshness = new Map<string, Freshness>();
  for (const p of inputs) {
    const sched = p.schedule;
    const written = new Map<string, string[]>();
    for (const a of p.lineage.activities)
      for (const o of a.outputs) written.set(o, [...(written.get(o) ?? []), a.objectId]);
    const judged = [...written].map(([key, writers]) => {
      const f = freshness({
        sla: p.meta.sla,
        periodMs: sched.periodMs,
        writers,
        history: history?.get(p.name),
        now,
      });
      if (f && !tableFreshness.has(key)) tableFreshness.set(key, f);
      return f;
    });
    const overall =
      judged.length > 0
        ? worst(judged)
        : freshness({
            sla: p.meta.sla,
            periodMs: sched.periodMs,
            writers: p.lineage.activities.map((a) => a.objectId),
            history: history?.get(p.name),
            now,
          });
    const steps = p.steps;
    pipelines.push({
      name: p.name,
      file: p.file,
      line: p.meta.line,
      ...((p.meta.description ?? p.description) ? { description: p.meta.description ?? p.description } : {}),
      ...(p.meta.owner ? { owner: p.meta.owner, ownerSource: 'pipeline' as const } : {}),
      ...(!p.meta.owner && settings.defaultOwner
        ? { owner: settings.defaultOwner, ownerSource: 'config' as const }
        : {}),
      tags: p.meta.tags,
      ...(p.meta.sla ? { sla: p.meta.sla } : {}),
      schedule: sched.text,
      steps: steps.map((s) => {
        const acts = p.lineage.activities.filter((a) => s.objectIds.includes(a.objectId));
        return {
          name: s.name,
          type: s.type,
          line: s.line,
          reads: [...new Set(acts.flatMap((a) => a.inputs))],
          writes: [...new Set(acts.flatMap((a) => a.outputs))],
        };
      }),
      ...(overall ? { freshness: overall } : {}),
    });
  }
  const { datasets, edges } = assembleDatasets({
    graph,
    inputs,
    tables,
    settings,
    tableFreshness,
  });
  return {
    $schema: './catalog.schema.json',
    catalogVersion: CATALOG_VERSION,
    generatedAt: now.toISOString(),
    etlctlVersion: etlctlVersion(),
    mode: config.mode ?? null,
    pipelines: pipelines.sort((a, b) => a.name.localeCompare(b.name)),
    datasets,
    edges,
    problems: [],
  };
}
