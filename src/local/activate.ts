/**
 * `etlctl pipeline activate` / `definition run` for local targets: run the due instances of
 * definitions the front end (src/front.ts) compiled and checked, in the foreground, and register
 * scheduled pipelines for `etlctl agent`. Prints nothing: the engine's events go to the reporter
 * the CLI passes (wrapped by the OpenLineage emitter when the config has `lineage:`), and the
 * summaries are returned.
 *
 * Re-activation (documented in the README): a one-time pipeline whose last run ended runs again
 * as a new run (making the data idempotent is the pipeline's job — loads are atomic); a run that
 * was interrupted (crash, SIGKILL, Ctrl-C) is resumed instead: finished steps are kept, the rest
 * run. For scheduled pipelines, finished periods are never re-run; failed ones run again.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { EtlError, ExitCode } from '../diagnostics/index.js';
import type { LineageRun } from '../catalog/emitter.js';
import type { Reporter, RunSummary, StepSelection } from './engine.js';
import { runDefinition } from './engine.js';
import { openStateStore } from './state/open.js';
import type { AttemptRow } from './state/store.js';
import { TERMINAL } from './state/store.js';
import { packageRoot } from './workspace.js';

export interface LocalRunInput {
  name: string;
  file: string;
  definition: Definition;
}

export interface LocalRunOptions {
  pipelines: LocalRunInput[];
  config: ResolvedConfig;
  stateDir: string;
  until?: Date;
  retryDelayMs?: number;
  parallel?: number;
  /** `--select`, `--from`, `--rerun` (issue 18). */
  selection?: StepSelection;
  mode?: string;
  cwd: string;
  /** The run kind recorded in the state store (default 'activate'). */
  kind?: 'activate' | 'definition-run';
  /** Asked before a scheduled pipeline is registered with the agent (absent: registered). */
  confirmRegister?: (pipeline: string) => Promise<boolean>;
  /** Asked when a backfill is above the limit (--yes answers for scripts). */
  confirmBackfill: (pipeline: string, periods: number, limit: number) => Promise<boolean>;
  /** The engine's events of one pipeline's run. */
  reporter: (pipeline: string) => Reporter;
  /** Abort to stop: nothing new starts, running steps are killed and left to resume. */
  signal?: AbortSignal;
  /** Each pipeline's run as it ends, and each pipeline that could not run, as it happens. */
  onRunEnd?: (summary: RunSummary, attempts: Map<number, AttemptView[]>) => void;
  onRunError?: (pipeline: string, diagnostics: Diagnostic[]) => void;
}

/** One attempt of an instance, as every command shows it. */
export interface AttemptView {
  number: number;
  runId: number;
  status: string;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  rows: number | null;
  error: string | null;
  logPath: string | null;
}

export interface LocalRunResult {
  /** One per pipeline that ran (or had nothing to do). */
  runs: { summary: RunSummary; attempts: Map<number, AttemptView[]> }[];
  /** Pipelines that could not run (already running, not runnable locally …). */
  diagnostics: Diagnostic[];
  exitCode: number;
  stopped: boolean;
}

export function attemptView(a: AttemptRow): AttemptView {
  return {
    number: a.number,
    runId: a.run_id,
    status: a.status,
    startedAt: a.started_at,
    endedAt: a.ended_at,
    exitCode: a.exit_code,
    rows: a.rows,
    error: a.error,
    logPath: a.log_path,
  };
}

export function stateDirOf(config: Pick<ResolvedConfig, 'local'>, cwd = process.cwd()): string {
  return resolve(cwd, process.env.ETLCTL_STATE_DIR_OVERRIDE || config.local.stateDir);
}

/** Instances a stopped run did not finish (INTERRUPTED, not skipped): they run again on the next activate. */
export function unfinished(summary: RunSummary): Set<number> {
  return new Set(
    summary.interrupted ? summary.instances.filter((i) => !TERMINAL.has(i.status)).map((i) => i.id) : [],
  );
}

/** The attempts of each instance of a run, read back from the state store. */
async function attemptsOf(
  stateDir: string,
  summary: RunSummary,
  url?: string,
): Promise<Map<number, AttemptView[]>> {
  const byInstance = new Map<number, AttemptView[]>();
  if (summary.instances.length === 0) return byInstance;
  const store = await openStateStore({ stateDir, url });
  try {
    for (const i of summary.instances)
      byInstance.set(
        i.id,
        (await store.attempts(i.id)).filter((a) => a.run_id === summary.runId).map(attemptView),
      );
  } finally {
    await store.close();
  }
  return byInstance;
}

export async function runLocally(opts: LocalRunOptions): Promise<LocalRunResult> {
  const result: LocalRunResult = { runs: [], diagnostics: [], exitCode: ExitCode.OK, stopped: false };
  for (const d of opts.pipelines) {
    let summary: RunSummary;
    // OpenLineage events when the config has `lineage:`: the emitter wraps the command's reporter.
    let lineage: LineageRun | undefined;
    try {
      lineage = (await import('../catalog/emitter.js')).withLineage(
        opts.reporter(d.name),
        d.definition,
        opts.config,
        d.name,
        opts.cwd,
      );
      summary = await runDefinition(d.definition, {
        config: opts.config,
        stateDir: opts.stateDir,
        until: opts.until,
        pipelineName: d.name,
        kind: opts.kind ?? 'activate',
        retryDelayMs: opts.retryDelayMs,
        parallel: opts.parallel,
        selection: opts.selection,
        rerunFailed: true,
        markActive: true,
        confirmRegister: opts.confirmRegister ? () => opts.confirmRegister!(d.name) : undefined,
        confirmBackfill: (periods, limit) => opts.confirmBackfill(d.name, periods, limit),
        cwd: opts.cwd,
        mode: opts.mode,
        configPath: opts.config.file,
        sourceFile: d.file,
        reporter: lineage.reporter,
        signal: opts.signal,
        graceMs: 0,
      });
    } catch (e) {
      await lineage?.close();
      if (!(e instanceof EtlError)) throw e;
      const found = e.diagnostics.map((x) => ({ ...x, file: x.file ?? d.file }));
      result.diagnostics.push(...found);
      result.exitCode = Math.max(result.exitCode, e.exitCode);
      opts.onRunError?.(d.name, found);
      continue;
    }
    const attempts = await attemptsOf(opts.stateDir, summary, opts.config.local.stateUrl);
    result.runs.push({ summary, attempts });
    opts.onRunEnd?.(summary, attempts);
    await lineage.close(summary);
    result.exitCode = Math.max(result.exitCode, summary.exitCode);
    if (opts.signal?.aborted) {
      result.stopped = true;
      break;
    }
  }
  return result;
}

/**
 * Start the same activation in the background (`args`: the command line to run, without
 * --detach), output to a log file under the state directory; the state store shows progress.
 */
export function detachActivation(args: string[], stateDir: string): { pid?: number; logPath: string } {
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `activate-${new Date().toISOString().replace(/[:.]/g, '')}.log`);
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'etlctl'), ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  child.unref();
  closeSync(fd);
  return { pid: child.pid, logPath };
}
