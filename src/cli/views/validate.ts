/** `pipeline validate` for humans: the findings, then one ok/FAIL line per pipeline. */
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface ValidatedPipeline {
  file: string;
  name: string;
  ok: boolean;
  objects: number;
  errors: number;
  warnings: number;
}

export interface ValidateResult {
  pipelines: ValidatedPipeline[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const validateView: View<ValidateResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const list = o.result!.pipelines;
    for (const p of list) {
      const detail = p.ok
        ? ` (${p.objects} objects${p.warnings ? `, ${plural(p.warnings, 'warning')}` : ''})`
        : '';
      io.out(`${p.ok ? 'ok  ' : 'FAIL'} ${p.file}${detail}`);
    }
    const failed = list.filter((p) => !p.ok).length;
    if (failed > 0) io.err(`${failed} of ${plural(list.length, 'pipeline')} failed validation`);
  },
};
