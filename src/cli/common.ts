/** Helpers shared by the command modules: common flags, output, exit codes. */
import type { Command } from 'commander';
import type { Diagnostic, SourceTexts } from '../diagnostics.js';
import { ExitCode, formatDiagnostics, hasErrors, sortDiagnostics, summarize } from '../diagnostics.js';

export interface CommonOptions {
  mode?: string;
  config?: string;
  json?: boolean;
}

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-m, --mode <name>', 'config mode to apply (e.g. local, production)')
    .option('-c, --config <path>', 'config file (default: $ETLCTL_CONFIG or config/etlctl.yaml)')
    .option('--json', 'print machine-readable JSON instead of text');
}

// `etlctl … | head` closes our stdout early; a long run must go on (and finish its steps) rather
// than die on EPIPE, so writes to a closed stream are dropped.
const closed = new Set<NodeJS.WriteStream>();
function guard(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed.add(stream);
    else throw e;
  });
}

function write(stream: NodeJS.WriteStream, text: string): void {
  guard(stream);
  if (closed.has(stream)) return;
  stream.write(text.endsWith('\n') ? text : text + '\n');
}

export function out(text: string): void {
  write(process.stdout, text);
}

export function err(text: string): void {
  write(process.stderr, text);
}

export function setExit(code: number): void {
  if (process.exitCode === undefined || Number(process.exitCode) < code) process.exitCode = code;
}

/**
 * Print diagnostics (errors and warnings to stderr, or JSON to stdout with --json),
 * and set exit code 1 when any is an error.
 */
export function reportDiagnostics(
  diagnostics: readonly Diagnostic[],
  opts: { json?: boolean; sources?: SourceTexts; quietSummary?: boolean } = {},
): boolean {
  const sorted = sortDiagnostics(diagnostics);
  const failed = hasErrors(sorted);
  if (opts.json) {
    out(JSON.stringify({ ok: !failed, diagnostics: sorted }, null, 2));
  } else if (sorted.length > 0) {
    err(formatDiagnostics(sorted, opts.sources));
    if (!opts.quietSummary) err(summarize(sorted));
  }
  if (failed) setExit(ExitCode.FAILURE);
  return !failed;
}
