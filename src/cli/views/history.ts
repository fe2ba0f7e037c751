/** `pipeline history` for humans: one line per run. */
import type { LocalHistory } from '../../local/status.js';
import type { View } from '../runner.js';
import { runDuration } from './status.js';
import { table } from './table.js';

export const historyView: View<LocalHistory> = {
  human(o, io) {
    const h = o.result!;
    if (h.runs.length === 0) {
      io.out(`${h.pipeline}: no runs yet`);
      return;
    }
    io.out(
      table([
        ['RUN', 'KIND', 'STARTED', 'DURATION', 'STATUS', 'OK', 'FAILED', 'SKIPPED'],
        ...h.runs.map((r) => [
          `#${r.id}`,
          r.kind,
          `${r.startedAt.slice(0, 19)}Z`,
          runDuration(r),
          r.status,
          String(r.ok),
          String(r.failed),
          String(r.skipped),
        ]),
      ]),
    );
  },
};
