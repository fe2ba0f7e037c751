/** `pipeline wait` for humans: the run's end, and its instances by status. */
import type { WaitResult } from '../../local/wait.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export const waitView: View<WaitResult> = {
  human(o, io) {
    const r = o.result;
    if (r) {
      const counts = Object.entries(r.counts)
        .map(([s, n]) => `${s}=${n}`)
        .join(' ');
      io.out(`${r.pipeline} (generation ${r.generation}): ${r.status} ${counts}`);
    }
    printDiagnostics(io, o.diagnostics);
  },
};
