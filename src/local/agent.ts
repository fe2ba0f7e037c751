/**
 * `etlctl agent`: the long-running scheduler for every active local pipeline of one state
 * directory (one agent per directory, enforced by a lock file). It runs each pipeline's due
 * instances as they fall due, with the definition and config recorded at activation. Aborting
 * `signal` stops it cleanly: nothing new starts, running attempts get `graceSeconds` to finish,
 * then are killed and left for retry. Prints nothing: it reports through `onEvent`.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromFileJson } from '../definition/json.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { EtlError, ExitCode, diag } from '../diagnostics/index.js';
import { stateDirOf, unfinished } from './activate.js';
import type { Reporter, RunSummary } from './engine.js';
import { runDefinition } from './engine.js';
import { openStateStore } from './state/open.js';
import type { StateStore } from './state/store.js';
import { pidAlive } from './state/store.js';

export type AgentEvent =
  | { kind: 'agent-started'; stateDir: string; pid: number }
  | { kind: 'agent-run'; pipeline: string; summary: RunSummary; unfinished: number[] }
  | { kind: 'agent-error'; pipeline: string; diagnostics: Diagnostic[] }
  | { kind: 'agent-stopped' };

export interface AgentOptions {
  mode?: string;
  configPath?: string;
  /** Seconds between looks for newly activated pipelines (default 30). */
  pollSeconds?: number;
  /** Seconds running attempts get to finish after a stop (default 30). */
  graceSeconds?: number;
  parallel?: number;
  retryDelayMs?: number;
  /** The worker id attempts record (`--id`; default host:pid). */
  workerId?: string;
  /** Worker groups served (`--worker-group`); absent: every activity. */
  workerGroups?: string[];
  /** How long a claimed instance stays this agent's without a heartbeat (`--lease`, default 60 s). */
  leaseMs?: number;
  /** Abort to stop (the CLI wires SIGTERM/SIGINT to it). */
  signal: AbortSignal;
  /** The engine's events of one pipeline's run. */
  reporter: (pipeline: string) => Reporter;
  onEvent: (e: AgentEvent) => void;
}

export interface AgentResult {
  stateDir: string;
  /** Runs that did something, and runs that could not start. */
  runs: number;
  failedRuns: number;
  errors: number;
}

function acquireLock(stateDir: string): () => void {
  const path = join(stateDir, 'agent.lock');
  // With a shared state store nothing else creates the directory.
  mkdirSync(stateDir, { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pidAlive(pid) && pid !== process.pid) {
        throw new EtlError(
          diag('ETL7580', `an agent is already running for ${stateDir} (pid ${pid})`, {
            hint: 'one agent per state directory; stop it first (kill -TERM ' + pid + ')',
          }),
        );
      }
      rmSync(path, { force: true }); // left by an agent that died
    }
  }
  throw new EtlError(diag('ETL7580', `cannot take the agent lock in ${stateDir}`));
}

export async function runAgent(opts: AgentOptions): Promise<AgentResult> {
  const { loadConfig } = await import('../config/load.js');
  let release: (() => void) | undefined;
  let store: StateStore | undefined;
  try {
    const baseConfig = loadConfig({ configPath: opts.configPath, mode: opts.mode });
    const stateDir = stateDirOf(baseConfig);
    const result: AgentResult = { stateDir, runs: 0, failedRuns: 0, errors: 0 };
    // A shared store: this is one of many agents (any machine), run side by side per pipeline.
    const shared = baseConfig.local.stateUrl !== undefined;
    if (shared) {
      const { sharedStoreProblems } = await import('./shared.js');
      const problems = sharedStoreProblems(baseConfig);
      if (problems.length > 0) throw new EtlError(problems);
    }
    store = await openStateStore({ stateDir, url: baseConfig.local.stateUrl });
    release = acquireLock(stateDir);
    const stop = opts.signal;
    opts.onEvent({ kind: 'agent-started', stateDir, pid: process.pid });

    const inFlight = new Map<string, Promise<void>>();
    const nextDue = new Map<string, number>();
    const pollMs = (opts.pollSeconds ?? 30) * 1000;
    let wake: () => void = () => undefined;
    stop.addEventListener('abort', () => wake(), { once: true });

    /** When to look at a pipeline again after a run. */
    const due = (summary: RunSummary): number => {
      const next = summary.nextDue?.getTime() ?? Infinity;
      if (!shared) return next;
      // Something ran: what it unblocked may be ready now. Others at work: look again soon.
      // Otherwise another machine may enqueue at any time: at the latest, the next poll.
      if (!summary.nothingToDo) return Date.now();
      if ((summary.pending ?? 0) > 0) return Math.min(next, Date.now() + Math.min(pollMs, 1000));
      return Math.min(next, Date.now() + pollMs);
    };

    const runOnce = async (name: string): Promise<void> => {
      const row = await store!.pipeline(name);
      const json = row && (await store!.definitionJson(name, row.version));
      if (!row || !json) return;
      try {
        // Shared: the paths recorded at activation are the activating machine's; this agent's own config stands.
        const config = shared
          ? baseConfig
          : row.config_path || row.mode
            ? loadConfig({
                configPath: row.config_path ?? undefined,
                mode: row.mode ?? undefined,
                cwd: row.cwd ?? undefined,
              })
            : baseConfig;
        const def = fromFileJson(JSON.parse(json));
        // OpenLineage events when the config has `lineage:`: the emitter wraps the command's reporter.
        const lineage = (await import('../catalog/emitter.js')).withLineage(
          opts.reporter(name),
          def,
          config,
          name,
          row.cwd ?? undefined,
        );
        const summary = await runDefinition(def, {
          config,
          stateDir,
          pipelineName: name,
          kind: 'agent',
          rerunFailed: false,
          parallel: opts.parallel,
          retryDelayMs: opts.retryDelayMs,
          shared,
          workerGroups: opts.workerGroups,
          workerId: opts.workerId,
          leaseMs: opts.leaseMs,
          cwd: shared ? process.cwd() : (row.cwd ?? undefined),
          mode: row.mode ?? undefined,
          configPath: row.config_path ?? undefined,
          sourceFile: row.source_file ?? undefined,
          reporter: lineage.reporter,
          signal: stop,
          graceMs: (opts.graceSeconds ?? 30) * 1000,
          // The backfill was confirmed when the pipeline was activated.
          confirmBackfill: async () => true,
          store,
        }).catch(async (e: unknown) => {
          await lineage.close();
          throw e;
        });
        if (!summary.nothingToDo) {
          result.runs++;
          if (summary.exitCode !== ExitCode.OK) result.failedRuns++;
          opts.onEvent({ kind: 'agent-run', pipeline: name, summary, unfinished: [...unfinished(summary)] });
        }
        await lineage.close(summary);
        nextDue.set(name, due(summary));
      } catch (e) {
        if (!(e instanceof EtlError)) throw e;
        result.errors++;
        opts.onEvent({ kind: 'agent-error', pipeline: name, diagnostics: e.diagnostics });
        nextDue.set(name, Date.now() + pollMs);
      }
    };

    // Retention (issue 17): the janitor cleans up as the agent goes.
    const tidy = (await import('../retention/janitor.js')).janitor(baseConfig, stateDir, store);
    while (!stop.aborted) {
      await tidy.tick();
      const now = Date.now();
      for (const p of await store.pipelines()) {
        if (!p.active || inFlight.has(p.name)) continue;
        // A foreground `pipeline activate` of this pipeline is running; look again later.
        if (!shared && (await store.liveRun(p.name))) continue;
        if ((nextDue.get(p.name) ?? 0) > now) continue;
        const task = runOnce(p.name).finally(() => {
          inFlight.delete(p.name);
          wake();
        });
        inFlight.set(p.name, task);
      }
      const soonest = Math.min(now + pollMs, ...[...nextDue.values()].filter((t) => t > now));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(50, soonest - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await Promise.all(inFlight.values());
    opts.onEvent({ kind: 'agent-stopped' });
    return result;
  } finally {
    release?.();
    await store?.close();
  }
}
