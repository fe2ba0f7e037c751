/** `pipeline status` for humans: local state (per pipeline: last run, instance table) or AWS (latest instances). */
import type { AwsStatus } from '../../aws/status.js';
import { formatDuration } from '../../duration.js';
import type { InstanceView, LocalStatus, RunView } from '../../local/status.js';
import type { Io } from '../io.js';
import type { View } from '../runner.js';
import { pad, table } from './table.js';

export type StatusResult = ({ target: 'local' } & LocalStatus) | ({ target: 'aws' } & AwsStatus);

export function runDuration(r: RunView): string {
  const end = r.endedAt ? Date.parse(r.endedAt) : Date.now();
  return formatDuration(end - Date.parse(r.startedAt));
}

function instanceTable(list: InstanceView[]): string {
  return table([
    ['SCHEDULED', 'STEP', 'STATUS', 'ATTEMPTS', 'ROWS', 'ERROR'],
    ...list.map((i) => [
      i.scheduledStart.slice(0, 16),
      i.objectId,
      i.status,
      String(i.attempts.length),
      i.rows === null ? '' : String(i.rows),
      (i.error ?? '').slice(0, 80),
    ]),
  ]);
}

function local(s: LocalStatus, io: Io): void {
  if (s.pipelines.length === 0) io.out('No local runs yet.');
  for (const p of s.pipelines) {
    io.out(
      `${p.name}  (definition v${p.version}${p.mode ? `, mode ${p.mode}` : ''}, ${p.active ? 'scheduled: active for `etlctl agent`' : 'not scheduled'})`,
    );
    const r = p.lastRun;
    if (r)
      io.out(
        `  last run #${r.id} ${r.status}  started ${r.startedAt.slice(0, 19)}Z, ${runDuration(r)}  OK=${r.ok} FAILED=${r.failed} SKIPPED=${r.skipped}`,
      );
    if (p.instances.length > 0) io.out(instanceTable(p.instances).replace(/^/gm, '  '));
    if (p.earlier > 0) io.out(`  … ${p.earlier} earlier instances (see etlctl pipeline history ${p.name})`);
  }
}

function aws(s: AwsStatus, io: Io): void {
  io.out(`${s.name}  ${s.pipelineId}  ${s.state ?? 'UNKNOWN'}`);
  io.out(`console: ${s.consoleUrl}`);
  if (s.instances.length === 0) {
    io.out('no instances yet');
    return;
  }
  io.out(`latest ${s.instances.length} instance${s.instances.length === 1 ? '' : 's'}:`);
  io.out(`  ${pad('SCHEDULED START', 20)} ${pad('STATUS', 24)} ${pad('OBJECT', 28)} ENDED`);
  for (const i of s.instances) {
    io.out(
      `  ${pad(i.scheduledStartTime ?? '-', 20)} ${pad(i.status ?? '-', 24)} ${pad(i.component ?? i.name, 28)} ${i.actualEndTime ?? '-'}`,
    );
    if (i.errorMessage) io.out(`      error: ${i.errorMessage.split('\n')[0]}`);
  }
}

export const statusView: View<StatusResult> = {
  human(o, io) {
    const r = o.result!;
    if (r.target === 'aws') aws(r, io);
    else local(r, io);
  },
};
