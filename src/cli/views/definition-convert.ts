/** `definition convert` for humans: the converted definition on stdout, or where it was written. */
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface ConvertResult {
  from: 'file' | 'api';
  to: 'file' | 'api';
  /** The file written (-o), or null when the definition is in `definition`. */
  output: string | null;
  /** The converted definition (a JSON object, not a string) when not written to a file. */
  definition?: unknown;
}

export const definitionConvertView: View<ConvertResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    if (r.output) io.err(`wrote ${r.output} (${r.to} format)`);
    else io.out(JSON.stringify(r.definition, null, 2) + '\n');
  },
};
