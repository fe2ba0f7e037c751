/**
 * `etlctl pipeline activate` for local targets: compile (or read a definition JSON), then run the
 * due instances in the foreground with live progress and a summary, and register scheduled
 * pipelines for `etlctl agent`.
 *
 * Re-activation (documented in the README): a one-time pipeline whose last run ended runs again
 * as a new run (making the data idempotent is the pipeline's job — loads are atomic); a run that
 * was interrupted (crash, SIGKILL, Ctrl-C) is resumed instead: finished steps are kept, the rest
 * run. For scheduled pipelines, finished periods are never re-run; failed ones run again.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { ResolvedConfig } from '../config/types.js';
import { fromApiJson, fromFileJson, isApiJson } from '../definition/json.js';
import type { Definition } from '../definition/model.js';
import { EtlError, ExitCode, diag, formatDiagnostics } from '../diagnostics.js';
import { err, out, reportDiagnostics } from '../cli/common.js';
import type { LineageRun } from '../catalog/emitter.js';
import type { RunSummary } from './engine.js';
import { runDefinition } from './engine.js';
import { packageRoot } from './workspace.js';
import { parseDurationMs } from './period.js';
import { ProgressPrinter } from './progress.js';

export interface LocalActivateOptions {
  files: string[];
  mode?: string;
  configPath?: string;
  timeDelta?: string;
  backfill?: boolean;
  until?: string;
  detach?: boolean;
  json?: boolean;
  yes?: boolean;
  retryDelay?: string;
  parallel?: number;
}

export interface LoadedDefinition {
  name: string;
  file: string;
  definition: Definition;
}

/** Read a Data Pipeline definition JSON file (file or API format). */
export function readDefinitionFile(path: string): Definition {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EtlError(
      diag('ETL7570', `cannot read definition ${path}: ${(e as Error).message}`, {
        file: path,
        hint: 'pass a Data Pipeline definition JSON file ({"objects": [...]}) or a pipeline YAML file',
      }),
      ExitCode.USAGE,
    );
  }
  if (isApiJson(json)) return fromApiJson(json);
  if (typeof json === 'object' && json !== null && Array.isArray((json as { objects?: unknown }).objects)) {
    return fromFileJson(json as Parameters<typeof fromFileJson>[0]);
  }
  throw new EtlError(
    diag('ETL7570', `${path} is not a Data Pipeline definition (no "objects" list)`, { file: path }),
    ExitCode.USAGE,
  );
}

export function stateDirOf(config: Pick<ResolvedConfig, 'local'>, cwd = process.cwd()): string {
  return resolve(cwd, process.env.ETLCTL_STATE_DIR_OVERRIDE || config.local.stateDir);
}

/** Compile YAML pipelines / read JSON definitions. Prints diagnostics; returns undefined on errors. */
export async function loadDefinitions(
  opts: Pick<LocalActivateOptions, 'files' | 'mode' | 'configPath' | 'timeDelta' | 'backfill' | 'json'>,
): Promise<{ config: ResolvedConfig; defs: LoadedDefinition[] } | undefined> {
  const { loadConfig } = await import('../config/load.js');
  const json = opts.files.filter((f) => extname(f).toLowerCase() === '.json');
  const yaml = opts.files.filter((f) => extname(f).toLowerCase() !== '.json');
  let config: ResolvedConfig;
  const defs: LoadedDefinition[] = [];
  if (yaml.length > 0) {
    const { compileFiles } = await import('../compile/index.js');
    const result = compileFiles(yaml, {
      mode: opts.mode,
      configPath: opts.configPath,
      timeDelta: opts.timeDelta,
      backfill: opts.backfill,
    });
    const all = result.pipelines.flatMap((p) => p.diagnostics);
    if (
      !reportDiagnostics(all, {
        sources: result.sources,
        quietSummary: true,
        json: opts.json && all.some((d) => d.severity === 'error'),
      })
    ) {
      return undefined;
    }
    config = result.config;
    for (const p of result.pipelines) {
      if (p.definition)
        defs.push({
          name: p.definition.meta?.pipelineName ?? basename(p.file, extname(p.file)),
          file: p.file,
          definition: p.definition,
        });
    }
  } else {
    config = loadConfig({ configPath: opts.configPath, mode: opts.mode });
  }
  for (const f of json) {
    const definition = readDefinitionFile(resolve(f));
    defs.push({ name: definition.meta?.pipelineName ?? basename(f, extname(f)), file: f, definition });
  }
  return { config, defs };
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function parseUntil(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) || !text.includes('T') ? text : `${text}Z`);
  if (Number.isNaN(d.getTime())) {
    throw new EtlError(
      diag('ETL7571', `--until '${text}' is not a date-time`, {
        hint: 'use ISO 8601, e.g. 2024-03-01T02:00:00Z',
      }),
      ExitCode.USAGE,
    );
  }
  return d;
}

/** Start the same activation in the background, output to a log file; the state store shows progress. */
function detach(opts: LocalActivateOptions, stateDir: string): number {
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `activate-${new Date().toISOString().replace(/[:.]/g, '')}.log`);
  const args = ['pipeline', 'activate', ...opts.files, '--yes'];
  if (opts.mode) args.push('--mode', opts.mode);
  if (opts.configPath) args.push('--config', opts.configPath);
  if (opts.timeDelta) args.push('--time-delta', opts.timeDelta);
  if (opts.backfill) args.push('--backfill');
  if (opts.until) args.push('--until', opts.until);
  if (opts.retryDelay) args.push('--retry-delay', opts.retryDelay);
  if (opts.parallel) args.push('--parallel', String(opts.parallel));
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'etlctl'), ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: process.env,
  });
  child.unref();
  closeSync(fd);
  out(`Started in the background (pid ${child.pid}). Log: ${logPath}`);
  out(`Follow it with: etlctl pipeline status <name>`);
  return ExitCode.OK;
}

export async function activateLocally(opts: LocalActivateOptions): Promise<number> {
  try {
    const until = parseUntil(opts.until);
    const retryDelayMs = opts.retryDelay !== undefined ? parseDurationMs(opts.retryDelay) : undefined;
    if (opts.retryDelay !== undefined && retryDelayMs === undefined) {
      throw new EtlError(
        diag('ETL7572', `--retry-delay '${opts.retryDelay}' is not a duration`, {
          hint: "e.g. 0, 500ms, 5s, '2 minutes'",
        }),
        ExitCode.USAGE,
      );
    }
    if (opts.parallel !== undefined && (!Number.isInteger(opts.parallel) || opts.parallel < 1)) {
      throw new EtlError(diag('ETL7573', `--parallel must be a positive whole number`), ExitCode.USAGE);
    }
    const loaded = await loadDefinitions(opts);
    if (!loaded) return ExitCode.FAILURE;
    const stateDir = stateDirOf(loaded.config);
    if (opts.detach) return detach(opts, stateDir);

    const tty = Boolean(process.stdout.isTTY) && !opts.json;
    let code: number = ExitCode.OK;
    const stop = new AbortController();
    const onSignal = (): void => {
      if (stop.signal.aborted) process.exit(130);
      err('\nStopping: killing running steps; run the same command again to resume.');
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      for (const d of loaded.defs) {
        const printer = new ProgressPrinter({ json: opts.json, tty });
        let summary: RunSummary;
        // OpenLineage events when the config has `lineage:` (src/catalog/emitter.ts).
        let lineage: LineageRun | undefined;
        try {
          lineage = (await import('../catalog/emitter.js')).withLineage(
            printer,
            d.definition,
            loaded.config,
            d.name,
          );
          summary = await runDefinition(d.definition, {
            config: loaded.config,
            stateDir,
            until,
            pipelineName: d.name,
            kind: 'activate',
            retryDelayMs,
            parallel: opts.parallel,
            rerunFailed: true,
            markActive: true,
            confirmBackfill: async (periods, limit) => {
              if (opts.yes) return true;
              if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
              return confirm(`${d.name}: backfill ${periods} scheduled periods (more than ${limit})? [y/N] `);
            },
            cwd: process.cwd(),
            mode: opts.mode,
            configPath: loaded.config.file,
            sourceFile: d.file,
            reporter: lineage.reporter,
            signal: stop.signal,
            graceMs: 0,
          });
        } catch (e) {
          await lineage?.close();
          if (!(e instanceof EtlError)) throw e;
          if (opts.json) out(JSON.stringify({ ok: false, pipeline: d.name, diagnostics: e.diagnostics }));
          else err(formatDiagnostics(e.diagnostics));
          code = Math.max(code, e.exitCode);
          continue;
        }
        printer.summary(summary);
        await lineage?.close(summary);
        // A run stopped by Ctrl-C did not complete: not a success, even if nothing failed.
        code = Math.max(code, summary.exitCode, summary.interrupted ? ExitCode.FAILURE : ExitCode.OK);
        if (stop.signal.aborted) break;
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    return code;
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    err(formatDiagnostics(e.diagnostics));
    return e.exitCode;
  }
}
