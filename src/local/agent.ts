/**
 * `etlctl agent`: the long-running scheduler for every active local pipeline of one state
 * directory (one agent per directory, enforced by a lock file). It runs each pipeline's due
 * instances as they fall due, with the definition and config recorded at activation. SIGTERM or
 * SIGINT stops it cleanly: nothing new starts, running attempts get `--grace` to finish, then are
 * killed and left for retry.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fromFileJson } from '../definition/json.js';
import { EtlError, ExitCode, diag, formatDiagnostics } from '../diagnostics.js';
import { err, out } from '../cli/common.js';
import { stateDirOf } from './activate.js';
import { runDefinition } from './engine.js';
import { ProgressPrinter } from './progress.js';
import { StateStore, pidAlive } from './state.js';

export interface AgentOptions {
  mode?: string;
  configPath?: string;
  /** Seconds between looks for newly activated pipelines (default 30). */
  pollSeconds?: number;
  /** Seconds running attempts get to finish after a stop signal (default 30). */
  graceSeconds?: number;
  parallel?: number;
  retryDelayMs?: number;
  json?: boolean;
  /** Stop after this signal aborts (tests); the CLI wires SIGTERM/SIGINT. */
  signal?: AbortSignal;
}

function acquireLock(stateDir: string): () => void {
  const path = join(stateDir, 'agent.lock');
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

export async function runAgent(opts: AgentOptions): Promise<number> {
  const { loadConfig } = await import('../config/load.js');
  let release: (() => void) | undefined;
  let store: StateStore | undefined;
  try {
    const baseConfig = loadConfig({ configPath: opts.configPath, mode: opts.mode });
    const stateDir = stateDirOf(baseConfig);
    store = new StateStore(stateDir);
    release = acquireLock(stateDir);
    const stop = new AbortController();
    const onSignal = (): void => {
      if (!stop.signal.aborted)
        out('Agent stopping: waiting for running steps (SIGTERM again is not needed).');
      stop.abort();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    opts.signal?.addEventListener('abort', onSignal, { once: true });
    out(`Agent started for ${stateDir} (pid ${process.pid}).`);

    const inFlight = new Map<string, Promise<void>>();
    const nextDue = new Map<string, number>();
    const pollMs = (opts.pollSeconds ?? 30) * 1000;
    let wake: () => void = () => undefined;
    stop.signal.addEventListener('abort', () => wake(), { once: true });

    const runOnce = async (name: string): Promise<void> => {
      const row = store!.pipeline(name);
      const json = row && store!.definitionJson(name, row.version);
      if (!row || !json) return;
      try {
        const config =
          row.config_path || row.mode
            ? loadConfig({
                configPath: row.config_path ?? undefined,
                mode: row.mode ?? undefined,
                cwd: row.cwd ?? undefined,
              })
            : baseConfig;
        const printer = new ProgressPrinter({ json: opts.json });
        const def = fromFileJson(JSON.parse(json));
        // OpenLineage events when the config has `lineage:` (src/catalog/emitter.ts).
        const lineage = (await import('../catalog/emitter.js')).withLineage(printer, def, config, name);
        const summary = await runDefinition(def, {
          config,
          stateDir,
          pipelineName: name,
          kind: 'agent',
          rerunFailed: false,
          parallel: opts.parallel,
          retryDelayMs: opts.retryDelayMs,
          cwd: row.cwd ?? undefined,
          mode: row.mode ?? undefined,
          configPath: row.config_path ?? undefined,
          sourceFile: row.source_file ?? undefined,
          reporter: lineage.reporter,
          signal: stop.signal,
          graceMs: (opts.graceSeconds ?? 30) * 1000,
          // The backfill was confirmed when the pipeline was activated.
          confirmBackfill: async () => true,
          store,
        }).catch(async (e: unknown) => {
          await lineage.close();
          throw e;
        });
        await lineage.close(summary);
        if (!summary.nothingToDo) printer.summary(summary);
        nextDue.set(name, summary.nextDue?.getTime() ?? Infinity);
      } catch (e) {
        if (!(e instanceof EtlError)) throw e;
        err(`${name}: ${formatDiagnostics(e.diagnostics)}`);
        nextDue.set(name, Date.now() + pollMs);
      }
    };

    while (!stop.signal.aborted) {
      const now = Date.now();
      for (const p of store.pipelines()) {
        if (!p.active || inFlight.has(p.name)) continue;
        // A foreground `pipeline activate` of this pipeline is running; look again later.
        if (store.liveRun(p.name)) continue;
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
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    out('Agent stopped.');
    return ExitCode.OK;
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    err(formatDiagnostics(e.diagnostics));
    return e.exitCode;
  } finally {
    release?.();
    store?.close();
  }
}
