/** Views of the personal-data commands: `task copy` (what the engine's run report reads) and `transforms decrypt`. */
import type { CopyTaskReport } from '../../tasks/copy.js';
import type { DecryptResult } from '../../transforms/decrypt.js';
import type { View } from '../runner.js';

/**
 * One `ETLCTL-TRANSFORM` line per transformed column: the local engine lifts these lines from the
 * attempt log into the run report, as it does SQL translations.
 */
export const copyTaskView: View<CopyTaskReport> = {
  human(o, io) {
    const r = o.result!;
    for (const t of r.transforms)
      io.out(`ETLCTL-TRANSFORM ${r.step}: column ${t.column}: ${t.transform}, ${t.values} values`);
    io.out(`copied ${r.rows} rows to ${r.output} (columns: ${r.columns.join(', ')})`);
  },
};

export const decryptView: View<DecryptResult> = {
  human(o, io) {
    for (const v of o.result!.values) io.out(v.value);
  },
};
