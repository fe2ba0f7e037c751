/** How the engine turns a thrown error into the text recorded on an instance. */
import type { Diagnostic } from '../diagnostics.js';
import { EtlError, ExitCode } from '../diagnostics.js';

/** The error's text (diagnostics as `CODE: message`), and whether it is an environment problem (exit 3). */
export function errorText(e: unknown, opts: { hints?: boolean } = {}): { message: string; env: boolean } {
  if (e instanceof EtlError) {
    // A failed attempt's error is all the run report shows of it: its hints (what to paste into
    // the config for an unmatched database) go with it.
    const text = (d: Diagnostic) =>
      `${d.code}: ${d.message}` + (opts.hints && d.hint ? `\nhint: ${d.hint}` : '');
    return {
      message: e.diagnostics.map(text).join('; '),
      env: e.exitCode === ExitCode.ENVIRONMENT,
    };
  }
  return { message: e instanceof Error ? e.message : String(e), env: false };
}
