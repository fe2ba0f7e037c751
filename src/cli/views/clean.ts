/** `etlctl clean` for humans: one line per item, then what was kept and why. */
import type { CleanReport } from '../../retention/clean.js';
import type { View } from '../runner.js';
import { unshown } from '../outcome.js';
import { printDiagnostics } from './diagnostics.js';

export const cleanView: View<CleanReport> = {
  human(o, io) {
    const r = o.result!;
    const items = r.dryRun ? r.plan.items : r.deleted;
    const verb = r.dryRun ? 'would delete' : 'deleted';
    for (const i of items)
      io.out(`${verb} ${i.kind} ${i.id}${i.pipeline ? ` (${i.pipeline})` : ''}: ${i.reason}`);
    for (const s of r.skipped) io.out(`skipped ${s.item.kind} ${s.item.id}: ${s.reason}`);
    for (const k of r.plan.kept) io.out(`kept everything of ${k.pipeline}: ${k.reason}`);
    if (Object.keys(r.plan.ages).length === 0)
      io.out('no retention configured: set `retention:` in the config, or give --older-than');
    io.out(`${items.length} item(s) ${verb}`);
    printDiagnostics(io, unshown(o), o.sources);
  },
};
