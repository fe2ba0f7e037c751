/** `etlctl pipeline status` and `etlctl pipeline history` for local targets: read-only views of the state store. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError, ExitCode, diag, didYouMean, formatDiagnostics } from '../diagnostics.js';
import { err, out } from '../cli/common.js';
import { formatDuration } from './period.js';
import { openStateStore } from './state/open.js';
import type { InstanceRow, PipelineRow, RunRow, StateStore } from './state/store.js';
import { pidAlive } from './state/store.js';

export interface LocalStatusOptions {
  /** Pipeline name; absent → all pipelines in the state directory. */
  name?: string;
  mode?: string;
  configPath?: string;
  json?: boolean;
  /** Status: how many latest instances to show; history: how many runs (default 20 each). */
  limit?: number;
}

async function openStore(opts: LocalStatusOptions): Promise<StateStore | undefined> {
  const { loadConfig } = await import('../config/load.js');
  const { stateDirOf } = await import('./activate.js');
  const stateDir = stateDirOf(loadConfig({ configPath: opts.configPath, mode: opts.mode }));
  if (!existsSync(join(stateDir, 'state.db'))) return undefined;
  return openStateStore({ stateDir });
}

async function requirePipeline(store: StateStore, name: string): Promise<PipelineRow> {
  const row = await store.pipeline(name);
  if (row) return row;
  throw new EtlError(
    diag('ETL7560', `no local runs of pipeline '${name}'`, {
      hint:
        didYouMean(
          name,
          (await store.pipelines()).map((p) => p.name),
        ) ?? 'activate it first: etlctl pipeline activate <file>',
    }),
  );
}

function runDuration(r: RunRow): string {
  const end = r.ended_at ? Date.parse(r.ended_at) : Date.now();
  return formatDuration(end - Date.parse(r.started_at));
}

function runState(r: RunRow): string {
  return r.status === 'RUNNING' && !pidAlive(r.pid) ? 'INTERRUPTED' : r.status;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
    .join('\n');
}

function instanceTable(list: InstanceRow[]): string {
  return table([
    ['SCHEDULED', 'STEP', 'STATUS', 'ATTEMPTS', 'ROWS', 'ERROR'],
    ...list.map((i) => [
      i.scheduled_start.slice(0, 16),
      i.object_id,
      i.status,
      String(i.attempts),
      i.rows === null ? '' : String(i.rows),
      (i.error ?? '').slice(0, 80),
    ]),
  ]);
}

async function withStore(
  opts: LocalStatusOptions,
  fn: (store: StateStore | undefined) => Promise<void>,
): Promise<number> {
  let store: StateStore | undefined;
  try {
    store = await openStore(opts);
    await fn(store);
    return ExitCode.OK;
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    if (opts.json) out(JSON.stringify({ ok: false, diagnostics: e.diagnostics }, null, 2));
    else err(formatDiagnostics(e.diagnostics));
    return e.exitCode;
  } finally {
    await store?.close();
  }
}

export async function statusLocally(opts: LocalStatusOptions): Promise<number> {
  return withStore(opts, async (store) => {
    if (!store) {
      if (opts.name) requirePipelineMissing(opts.name);
      if (opts.json) out(JSON.stringify({ pipelines: [] }, null, 2));
      else out('No local runs yet.');
      return;
    }
    const names = opts.name
      ? [(await requirePipeline(store, opts.name)).name]
      : (await store.pipelines()).map((p) => p.name);
    const views = [];
    for (const name of names) {
      const p = (await store.pipeline(name))!;
      const lastRun = (await store.runs(name, 1))[0];
      const instances = await store.instances(name, p.generation);
      views.push({ pipeline: p, lastRun, instances });
    }
    if (opts.json) {
      out(
        JSON.stringify(
          {
            pipelines: views.map((v) => ({
              name: v.pipeline.name,
              active: v.pipeline.active === 1,
              version: v.pipeline.version,
              lastRun: v.lastRun ? { ...v.lastRun, status: runState(v.lastRun) } : null,
              instances: v.instances,
            })),
          },
          null,
          2,
        ),
      );
      return;
    }
    if (views.length === 0) out('No local runs yet.');
    for (const v of views) {
      const p = v.pipeline;
      out(
        `${p.name}  (definition v${p.version}${p.mode ? `, mode ${p.mode}` : ''}, ${p.active ? 'scheduled: active for `etlctl agent`' : 'not scheduled'})`,
      );
      if (v.lastRun) {
        const r = v.lastRun;
        out(
          `  last run #${r.id} ${runState(r)}  started ${r.started_at.slice(0, 19)}Z, ${runDuration(r)}  OK=${r.ok} FAILED=${r.failed} SKIPPED=${r.skipped}`,
        );
      }
      const recent = v.instances.slice(-(opts.limit ?? 20));
      if (recent.length > 0) out(instanceTable(recent).replace(/^/gm, '  '));
      if (v.instances.length > recent.length)
        out(
          `  … ${v.instances.length - recent.length} earlier instances (see etlctl pipeline history ${p.name})`,
        );
    }
  });
}

function requirePipelineMissing(name: string): never {
  throw new EtlError(
    diag('ETL7560', `no local runs of pipeline '${name}'`, {
      hint: 'activate it first: etlctl pipeline activate <file>',
    }),
  );
}

export async function historyLocally(opts: LocalStatusOptions & { name: string }): Promise<number> {
  return withStore(opts, async (store) => {
    if (!store) requirePipelineMissing(opts.name);
    await requirePipeline(store, opts.name);
    const runs = await store.runs(opts.name, opts.limit ?? 20);
    if (opts.json) {
      const detail = [];
      for (const r of runs) {
        const instances = [];
        for (const i of await store.instancesOfRun(r.id)) {
          instances.push({ ...i, attempts: (await store.attempts(i.id)).filter((a) => a.run_id === r.id) });
        }
        detail.push({ ...r, status: runState(r), instances });
      }
      out(JSON.stringify({ pipeline: opts.name, runs: detail }, null, 2));
      return;
    }
    if (runs.length === 0) {
      out(`${opts.name}: no runs yet`);
      return;
    }
    out(
      table([
        ['RUN', 'KIND', 'STARTED', 'DURATION', 'STATUS', 'OK', 'FAILED', 'SKIPPED'],
        ...runs.map((r) => [
          `#${r.id}`,
          r.kind,
          `${r.started_at.slice(0, 19)}Z`,
          runDuration(r),
          runState(r),
          String(r.ok),
          String(r.failed),
          String(r.skipped),
        ]),
      ]),
    );
  });
}
