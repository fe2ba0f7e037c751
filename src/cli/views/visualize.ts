/** `pipeline visualize` / `definition visualize` for humans: the findings, then what was written. */
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface DrawResult {
  /** Absolute path of the picture written. */
  output: string;
  /** The path as given with -o. */
  shown: string;
  format: string;
  nodes: number;
  edges: number;
}

export const visualizeView: View<DrawResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    io.out(`wrote ${r.shown} (${r.nodes} nodes, ${r.edges} edges)`);
  },
};
