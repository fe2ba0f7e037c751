/** `pipeline compile` for humans: the findings and their count, then one line per file written. */
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface CompiledFile {
  pipeline: string;
  /** The pipeline file it was compiled from. */
  source: string;
  /** The definition written. */
  path: string;
  objects: number;
}

export interface CompileResult {
  format: 'file' | 'api';
  outDir: string;
  /** Every file written (none when a pipeline has an error). */
  files: CompiledFile[];
}

export const compileView: View<CompileResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources, { summary: true });
    for (const f of o.result!.files) io.out(`wrote ${f.path}`);
  },
};
