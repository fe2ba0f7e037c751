/** Views of the personal-data commands: `task copy` (what the engine's run report reads) and `transforms decrypt`. */
import type { CopyTaskReport } from '../../tasks/copy.js';
import { copyReportLines } from '../../tasks/copy.js';
import type { DecryptResult } from '../../transforms/decrypt.js';
import type { View } from '../runner.js';

/**
 * One `ETLCTL-TRANSFORM` line per transformed column: the local engine lifts these lines from the
 * attempt log into the run report, as it does SQL translations.
 */
export const copyTaskView: View<CopyTaskReport> = {
  human(o, io) {
    for (const line of copyReportLines(o.result!)) io.out(line);
  },
};

export const decryptView: View<DecryptResult> = {
  human(o, io) {
    for (const v of o.result!.values) io.out(v.value);
  },
};
