/** `pipeline list` for humans: a table of deployed pipelines. */
import type { AwsPipelineRow } from '../../aws/status.js';
import type { View } from '../runner.js';

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export const listView: View<{ all: boolean; pipelines: AwsPipelineRow[] }> = {
  human(o, io) {
    const { all, pipelines: rows } = o.result!;
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
