/** `definition validate` for humans: the findings and their count, or that there were none. */
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface DefinitionValidateResult {
  files: { file: string; ok: boolean; objects: number; errors: number; warnings: number }[];
}

export const definitionValidateView: View<DefinitionValidateResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources, { summary: true });
    const n = o.result!.files.length;
    if (o.exitCode === 0) io.err(`${n} definition file${n === 1 ? '' : 's'} checked: no errors`);
  },
};
