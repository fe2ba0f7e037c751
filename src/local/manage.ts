/**
 * Housekeeping of locally activated pipelines (issue 18): `pipeline list`, `deactivate`, `clear`
 * and `alerts test` on a local target — what the same commands do on AWS, against the state
 * store and the local alert sink (`<stateDir>/alerts.ndjson` and stderr).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { diag, EtlError, ExitCode } from '../diagnostics/index.js';
import type { AlertRecord } from './alerts.js';
import type { LocalStatusOptions } from './status.js';
import { openStore, requirePipeline, runView } from './status.js';
import type { RunView } from './status.js';
import { localWorker } from './state/store.js';

export interface LocalPipelineRow {
  name: string;
  /** Scheduled by `etlctl agent` (true until deactivated). */
  active: boolean;
  version: number;
  mode: string | null;
  sourceFile: string | null;
  lastRun: RunView | null;
}

export interface LocalList {
  target: 'local';
  stateDir: string;
  pipelines: LocalPipelineRow[];
}

export async function listLocally(opts: LocalStatusOptions): Promise<LocalList> {
  const { stateDir, store } = await openStore(opts);
  if (!store) return { target: 'local', stateDir, pipelines: [] };
  try {
    const pipelines: LocalPipelineRow[] = [];
    for (const p of await store.pipelines()) {
      const last = (await store.runs(p.name, 1))[0];
      pipelines.push({
        name: p.name,
        active: p.active === 1,
        version: p.version,
        mode: p.mode,
        sourceFile: p.source_file,
        lastRun: last ? runView(last) : null,
      });
    }
    return { target: 'local', stateDir, pipelines };
  } finally {
    await store.close();
  }
}

export interface LocalDeactivated {
  target: 'local';
  name: string;
  deactivated: true;
  /** It was active before (false: deactivating again changed nothing). */
  wasActive: boolean;
}

/** Stop `etlctl agent` scheduling the pipeline; a run in progress finishes. `activate` resumes it. */
export async function deactivateLocally(
  opts: LocalStatusOptions & { name: string },
): Promise<LocalDeactivated> {
  opts = { ...opts, name: await localName(opts.name) };
  const { store } = await openStore(opts);
  if (!store) return requirePipelineMissing(opts.name);
  try {
    const row = await requirePipeline(store, opts.name);
    await store.setActive(row.name, false);
    return { target: 'local', name: row.name, deactivated: true, wasActive: row.active === 1 };
  } finally {
    await store.close();
  }
}

/** A pipeline name, or a pipeline file's `name:` (the same argument the AWS commands take). */
async function localName(arg: string): Promise<string> {
  if (!/\.ya?ml$/i.test(arg) || !existsSync(arg)) return arg;
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(arg, 'utf8')) as { name?: unknown } | null;
  if (!doc || typeof doc.name !== 'string')
    throw new EtlError(diag('ETL8113', `${arg} has no top-level 'name:'`, { file: arg }), ExitCode.USAGE);
  return doc.name;
}

/** No state store yet: nothing was activated locally. */
function requirePipelineMissing(name: string): never {
  throw new EtlError(
    diag('ETL7560', `no local runs of pipeline '${name}'`, {
      hint: 'activate it first: etlctl pipeline activate <file>',
    }),
  );
}

export interface LocalCleared {
  target: 'local';
  name: string;
  cleared: true;
  runs: number;
  instances: number;
  attempts: number;
}

/**
 * Forget a local pipeline: its runs, instances, attempts and stored definitions, so the next
 * `activate` starts from the first period again. Logs and data are left alone.
 */
export async function clearLocally(
  opts: LocalStatusOptions & {
    name: string;
    yes?: boolean;
    ask?: (question: string) => Promise<boolean>;
  },
): Promise<LocalCleared | { target: 'local'; name: string; cleared: false }> {
  const { confirmOrRefuse } = await import('../aws/command.js');
  opts = { ...opts, name: await localName(opts.name) };
  const { store } = await openStore(opts);
  if (!store) return requirePipelineMissing(opts.name);
  try {
    const row = await requirePipeline(store, opts.name);
    const live = await store.liveRun(row.name, localWorker());
    if (live)
      throw new EtlError(
        diag('ETL8302', `pipeline '${row.name}' is running (run #${live.id}); it cannot be cleared now`, {
          hint: 'wait for the run to end or stop it (Ctrl-C), then clear',
        }),
      );
    const question = `Forget every local run of ${row.name} (the next activate starts from its first period)?`;
    if (!(await confirmOrRefuse(question, opts.yes, opts.ask)))
      return { target: 'local', name: row.name, cleared: false };
    if (!store.forgetPipeline)
      throw new EtlError(diag('ETL8303', `the state store at ${store.location} cannot forget pipelines`));
    return { target: 'local', name: row.name, cleared: true, ...(await store.forgetPipeline(row.name)) };
  } finally {
    await store.close();
  }
}

export interface LocalAlertTest {
  target: 'local';
  /** The file the local alert sink appends to. */
  sink: string;
  published: { role: 'failure' | 'warning' | 'late' | 'success'; topicArn?: string }[];
  records: AlertRecord[];
}

/**
 * A clearly marked test record per configured topic (the failure topic alone when none is set)
 * in the local alert sink, where local runs write their alerts.
 */
export async function alertsTestLocally(opts: LocalStatusOptions & { now?: Date }): Promise<LocalAlertTest> {
  const { loadConfig } = await import('../config/load.js');
  const { stateDirOf } = await import('./activate.js');
  const { configuredTopics } = await import('../aws/alerts.js');
  const config = loadConfig({ configPath: opts.configPath, mode: opts.mode });
  const stateDir = stateDirOf(config);
  const topics = configuredTopics(config.alerts);
  const published: LocalAlertTest['published'] = topics.length > 0 ? topics : [{ role: 'failure' }];
  const now = (opts.now ?? new Date()).toISOString();
  const records: AlertRecord[] = published.map((t) => ({
    time: now,
    pipeline: '(alerts test)',
    event: 'test',
    alarm: `${t.role}-test`,
    object: '-',
    ...(t.topicArn ? { topicArn: t.topicArn } : {}),
    subject: `[etlctl TEST] ${t.role} alert test${config.mode ? ` (${config.mode})` : ''}`,
    message:
      'THIS IS A TEST MESSAGE from `etlctl alerts test`. No pipeline failed; no action is needed. ' +
      `Sent from ${hostname()}.`,
  }));
  mkdirSync(stateDir, { recursive: true });
  const sink = join(stateDir, 'alerts.ndjson');
  appendFileSync(sink, records.map((r) => JSON.stringify(r) + '\n').join(''));
  return { target: 'local', sink, published, records };
}
