/** `pipeline diff` for humans: the deployed state, the changes, and what AWS would refuse. */
import type { AwsDiff } from '../../aws/status.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export const diffView: View<AwsDiff> = {
  async human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    const { formatDiff } = await import('../../aws/diff.js');
    io.out(
      r.deployed
        ? `${r.name} (${r.pipelineId}, ${r.state ?? 'UNKNOWN'})`
        : `${r.name}: not deployed yet; activate would create it`,
    );
    io.out(formatDiff(r.diff));
    for (const id of r.keptScheduleStart)
      io.out(`note: the deployed start of ${id} is kept (AWS does not change an activated schedule's start)`);
    for (const x of r.refused)
      io.out(
        `refused by AWS on an activated pipeline: ${x.objectId}${x.field ? `.${x.field}` : ''}: ${x.reason} (activate --force recreates)`,
      );
  },
};
