/** `worker` for humans: started, each task as it starts and ends, notes, stopped. */
import type { WorkerEvent, WorkerResult } from '../../aws/worker/worker.js';
import type { Io } from '../io.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function printWorkerEvent(io: Io, e: WorkerEvent): void {
  switch (e.kind) {
    case 'worker-started':
      io.out(
        `Worker ${e.taskrunnerId} polling worker group '${e.workerGroup}' in ${e.region}` +
          (e.endpoint ? ` (${e.endpoint})` : '') +
          '.',
      );
      break;
    case 'worker-task-start':
      io.out(`START ${e.type} ${e.objectId} (pipeline ${e.pipelineId})`);
      break;
    case 'worker-task-progress':
      if (e.canceled) io.out(`CANCELED by Data Pipeline: stopping ${e.taskId.slice(0, 12)}…`);
      break;
    case 'worker-task-end': {
      const t = e.task;
      const sent = t.reported
        ? `reported ${t.reported}`
        : t.end === 'CANCELED'
          ? 'not reported'
          : 'NOT reported';
      io.out(`${t.end} ${t.type || 'task'} ${t.objectId} in ${seconds(t.durationMs)} (${sent})`);
      if (t.errorMessage) {
        const first = t.errorMessage.split('\n')[0];
        io.out(`  ${t.errorId && !first.startsWith(t.errorId) ? `${t.errorId}: ` : ''}${first}`);
      }
      if (t.logPath) io.out(`  log: ${t.logPath}`);
      break;
    }
    case 'worker-note':
      printDiagnostics(io, [e.diagnostic]);
      break;
    case 'worker-stopped':
      io.out(`Worker stopped (${e.reason}).`);
      break;
  }
}

export const workerView: View<WorkerResult> = {
  // Everything was said as it happened; the count closes it.
  human: (o, io) => {
    const tasks = o.result?.tasks ?? [];
    const failed = tasks.filter((t) => t.end !== 'FINISHED' && t.end !== 'FALSE').length;
    io.out(`${tasks.length} task(s) run, ${failed} not finished.`);
  },
};
