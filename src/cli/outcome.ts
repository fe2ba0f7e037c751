/**
 * What every command ends with: the one value its views print. The JSON view prints it as the
 * envelope `{"ok", "exitCode", "diagnostics", "result"}` (src/cli/schemas/envelope.schema.json).
 */
import type { Diagnostic, SourceTexts } from '../diagnostics/index.js';
import { ExitCode, hasErrors } from '../diagnostics/index.js';

export interface Outcome<R = unknown> {
  exitCode: number;
  diagnostics: Diagnostic[];
  /** The command's result; null when it failed before producing one. */
  result: R | null;
  /** Source texts for excerpts under diagnostics (human view only). */
  sources?: SourceTexts;
  /** Diagnostics a long-running command already printed as it went (human view only). */
  shown?: ReadonlySet<Diagnostic>;
}

/** The diagnostics a human view has still to print. */
export function unshown(o: Outcome): Diagnostic[] {
  return o.shown ? o.diagnostics.filter((d) => !o.shown!.has(d)) : o.diagnostics;
}

export function outcome<R>(
  result: R | null,
  diagnostics: Diagnostic[] = [],
  exitCode?: number,
  sources?: SourceTexts,
): Outcome<R> {
  const code = exitCode ?? (hasErrors(diagnostics) ? ExitCode.FAILURE : ExitCode.OK);
  return { exitCode: code, diagnostics, result, sources };
}

export function worst(...codes: number[]): number {
  // Signals (130/143) outrank everything; among 1–3 the highest wins (environment > usage > failure).
  return codes.reduce((a, b) => Math.max(a, b), 0);
}
