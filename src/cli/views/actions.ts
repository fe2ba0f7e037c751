/** Run actions for humans: what was recorded, what runs again, and the run `--now` started. */
import type { ActionView } from '../../local/actions.js';
import type { View } from '../runner.js';
import type { ActionOutcome } from '../commands/action-options.js';
import { printDiagnostics } from './diagnostics.js';
import { table } from './table.js';

function describe(a: ActionView): string {
  const what =
    a.action === 'backfill'
      ? `backfill ${a.rangeStart} – ${a.rangeEnd}`
      : a.instanceId !== null
        ? `${a.action} instance ${a.instanceId}`
        : a.action;
  return `${what}${a.note ? ` (${a.note})` : ''}`;
}

export const actionView: View<ActionOutcome> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics);
    const r = o.result;
    if (!r) return;
    io.out(`${r.pipeline}: ${describe(r.action)} — recorded as action #${r.action.id} by ${r.action.actor}`);
    if (r.active !== undefined)
      io.out(r.active ? 'etlctl agent schedules it again' : 'etlctl agent no longer schedules it (paused)');
    if (r.action.action === 'rerun' || r.action.action === 'backfill') {
      if (r.reset.length === 0) io.out('nothing has ended in that range: nothing to run again');
      for (const i of r.reset)
        io.out(
          `  runs again: ${i.objectId} ${i.scheduledStart} (was ${i.was}${i.reason === 'chosen' ? '' : `, ${i.reason}`})`,
        );
      if (!r.run && r.reset.length > 0)
        io.out('the agent or the next `etlctl pipeline activate` runs them (or pass --now)');
    }
    if (r.run)
      io.out(`run #${r.run.runId ?? '-'}: ${r.run.ok} ok, ${r.run.failed} failed, ${r.run.skipped} skipped`);
  },
};

export const actionListView: View<{ actions: ActionView[] }> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics);
    const list = o.result?.actions;
    if (!list) return;
    if (list.length === 0) {
      io.out('no actions recorded');
      return;
    }
    io.out(
      table([
        ['#', 'AT', 'WHO', 'PIPELINE', 'ACTION'],
        ...list.map((a) => [String(a.id), `${a.at.slice(0, 19)}Z`, a.actor, a.pipeline, describe(a)]),
      ]),
    );
  },
};
