/** How the engine turns a thrown error into the text recorded on an instance. */
import type { Diagnostic } from '../diagnostics.js';
import { EtlError, ExitCode } from '../diagnostics.js';

/** The error's text (diagnostics as `CODE: message`), and whether it is an environment problem (exit 3). */
export function errorText(e: unknown): { message: string; env: boolean } {
  if (e instanceof EtlError) {
    return {
      message: e.diagnostics.map((d: Diagnostic) => `${d.code}: ${d.message}`).join('; '),
      env: e.exitCode === ExitCode.ENVIRONMENT,
    };
  }
  return { message: e instanceof Error ? e.message : String(e), env: false };
}
