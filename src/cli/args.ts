/**
 * Typed arguments from command-line strings: the shared flags, and values that must be read
 * before any work (durations, date-times, counts). A bad value is a usage error (exit 2) with an
 * ETL8xxx code, printed like any other diagnostic (and inside the envelope with --json).
 */
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../diagnostics/index.js';
import { requireDuration } from '../duration.js';

export interface CommonFlags {
  mode?: string;
  config?: string;
  json?: boolean;
}

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-m, --mode <name>', 'config mode to apply (e.g. local, production)')
    .option('-c, --config <path>', 'config file (default: $ETLCTL_CONFIG or config/etlctl.yaml)')
    .option('--json', 'print one JSON document (the envelope: ok, exitCode, diagnostics, result)');
}

/** `--json` alone, for commands without -m/-c. */
export function withJson(cmd: Command): Command {
  return cmd.option('--json', 'print one JSON document (the envelope: ok, exitCode, diagnostics, result)');
}

/** A command group (`pipeline`, `definition` …), created on first use. */
export function group(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

function usage(code: string, message: string, hint?: string): EtlError {
  return new EtlError(diag(code, message, hint ? { hint } : {}), ExitCode.USAGE);
}

/** A whole number ≥ 1 (counts, limits, seconds). */
export function positiveInt(text: string | number | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = typeof text === 'number' ? text : /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw usage('ETL8111', `${flag} must be a positive whole number, got '${String(text)}'`);
  return n;
}

/** A duration in milliseconds (etlctl's one grammar, src/duration.ts). */
export function durationMs(text: string | undefined, flag: string, sign = false): number | undefined {
  return text === undefined ? undefined : requireDuration(text, flag, { sign });
}

/** An ISO 8601 date-time (UTC unless it has a zone) or a date. */
export function dateTime(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  // The same forms as the compiler's --start (src/compile/schedule.ts parseStart).
  const ok = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  const d = ok ? new Date(zoned ? s : s.length === 10 ? `${s}T00:00:00Z` : `${s}Z`) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw usage('ETL8002', `${flag} '${text}' is not a date-time`, 'use ISO 8601, e.g. 2026-03-01T02:00:00Z');
  return d;
}
