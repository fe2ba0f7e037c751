/** `pipeline clear` for humans: what was forgotten. */
import type { LocalCleared } from '../../local/manage.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export const clearView: View<LocalCleared | { target: 'local'; name: string; cleared: false }> = {
  human(o, io) {
    const r = o.result!;
    if (!r.cleared) return printDiagnostics(io, o.diagnostics);
    io.out(
      `cleared ${r.name}: ${r.runs} runs, ${r.instances} instances, ${r.attempts} attempts forgotten (logs kept)`,
    );
  },
};
