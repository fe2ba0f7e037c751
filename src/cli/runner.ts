/**
 * Runs one command the Terraform way: the command's function turns typed arguments into one
 * library call and returns an Outcome; this prints it with the command's human view, or as the
 * one JSON envelope (--json), and sets the exit code. Errors from any layer end here too, so a
 * failure prints the same envelope as a success.
 */
import type { Diagnostic } from '../diagnostics/index.js';
import { EtlError, ExitCode } from '../diagnostics/index.js';
import type { Io } from './io.js';
import { io as currentIo } from './io.js';
import type { Outcome } from './outcome.js';
import { unshown } from './outcome.js';
import { printDiagnostics } from './views/diagnostics.js';
import { printEnvelope, printStreamLine, envelope } from './views/envelope.js';

export interface OutputFlags {
  json?: boolean;
  jsonStream?: boolean;
}

export interface CommandContext {
  io: Io;
  /** No human output: the envelope (--json) or NDJSON events and the envelope (--json-stream). */
  json: boolean;
  /** --json-stream: events as they happen, one JSON object per line. */
  stream: boolean;
}

export interface View<R> {
  /** Print a result for humans (diagnostics included; the runner prints them alone when result is null). */
  human(o: Outcome<R>, io: Io): void | Promise<void>;
}

/** A view, or how to load it: views load when a command prints, not when etlctl starts. */
export type ViewRef<R> = View<R> | (() => Promise<View<R>>);

export function internalError(e: unknown): Diagnostic {
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: 'ETL9000',
    severity: 'error',
    message: `internal error: ${message}`,
    hint:
      process.env.ETLCTL_DEBUG && e instanceof Error && e.stack
        ? e.stack
        : 'this is a bug in etlctl; run again with ETLCTL_DEBUG=1 for the stack trace and report it',
  };
}

/** An Outcome for an error thrown by any layer. */
export function failureOutcome(e: unknown): Outcome<never> {
  if (e instanceof EtlError) return { exitCode: e.exitCode, diagnostics: e.diagnostics, result: null };
  return { exitCode: ExitCode.FAILURE, diagnostics: [internalError(e)], result: null };
}

export function setExit(code: number): void {
  if (process.exitCode === undefined || Number(process.exitCode) < code) process.exitCode = code;
}

export async function printOutcome<R>(o: Outcome<R>, ctx: CommandContext, view?: ViewRef<R>): Promise<void> {
  if (ctx.stream) printStreamLine(ctx.io, envelope(o));
  else if (ctx.json) printEnvelope(ctx.io, o);
  else if (o.result === null || !view) printDiagnostics(ctx.io, unshown(o), o.sources);
  else await (typeof view === 'function' ? await view() : view).human(o, ctx.io);
  setExit(o.exitCode);
}

export function contextFor(flags: OutputFlags): CommandContext {
  return {
    io: currentIo(),
    json: Boolean(flags.json || flags.jsonStream),
    stream: Boolean(flags.jsonStream),
  };
}

export async function runCommand<R>(
  flags: OutputFlags,
  fn: (ctx: CommandContext) => Promise<Outcome<R>>,
  view: ViewRef<R>,
): Promise<void> {
  const ctx = contextFor(flags);
  let o: Outcome<R>;
  try {
    o = await fn(ctx);
  } catch (e) {
    o = failureOutcome(e);
  }
  await printOutcome(o, ctx, view);
}
