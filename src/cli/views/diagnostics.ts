/** Diagnostics for humans, on stderr: the one printer of src/diagnostics, sorted, with a count. */
import type { Diagnostic, SourceTexts } from '../../diagnostics/index.js';
import { formatDiagnostics, sortDiagnostics, summarize } from '../../diagnostics/index.js';
import type { Io } from '../io.js';

export function printDiagnostics(
  io: Io,
  diagnostics: readonly Diagnostic[],
  sources?: SourceTexts,
  opts: { summary?: boolean } = {},
): void {
  if (diagnostics.length === 0) return;
  const sorted = sortDiagnostics(diagnostics);
  io.err(formatDiagnostics(sorted, sources));
  if (opts.summary) io.err(summarize(sorted));
}
