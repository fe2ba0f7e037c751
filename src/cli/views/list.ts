/** `pipeline list` for humans: a table of deployed (AWS) or locally activated pipelines. */
import type { AwsPipelineRow } from '../../aws/status.js';
import type { LocalList } from '../../local/manage.js';
import type { Io } from '../io.js';
import type { View } from '../runner.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function local(r: LocalList, io: Io): void {
  if (r.pipelines.length === 0) {
    io.out(`no pipelines activated locally (state in ${r.stateDir})`);
    return;
  }
  const w = Math.max(4, ...r.pipelines.map((p) => p.name.length));
  io.out(`${pad('NAME', w)}  ${pad('STATE', 11)}  ${pad('LAST RUN', 26)}  MODE`);
  for (const p of r.pipelines) {
    const last = p.lastRun ? `#${p.lastRun.id} ${p.lastRun.status} ${p.lastRun.startedAt.slice(0, 16)}` : '-';
    io.out(
      `${pad(p.name, w)}  ${pad(p.active ? 'ACTIVE' : 'INACTIVE', 11)}  ${pad(last, 26)}  ${p.mode ?? '-'}`,
    );
  }
}

export const listView: View<{ all: boolean; pipelines: AwsPipelineRow[] } | LocalList> = {
  human(o, io) {
    const res = o.result!;
    if ('target' in res) return local(res, io);
    const { all, pipelines: rows } = res;
    if (rows.length === 0) {
      io.out(
        all
          ? 'no pipelines in this account and region'
          : 'no pipelines deployed by etlctl (use --all to list every pipeline)',
      );
      return;
    }
    const w = Math.max(4, ...rows.map((r) => r.name.length));
    io.out(`${pad('NAME', w)}  ${pad('PIPELINE ID', 28)}  ${pad('STATE', 12)}  MODE`);
    for (const r of rows)
      io.out(`${pad(r.name, w)}  ${pad(r.pipelineId, 28)}  ${pad(r.state ?? '-', 12)}  ${r.mode ?? '-'}`);
  },
};
