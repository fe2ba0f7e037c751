/**
 * `task copy`'s progress (issue 18): a plain line on stderr every interval while rows flow, so a
 * step's log (where a transforms step's copy writes) shows a long copy moving. stdout keeps the
 * report alone.
 */
import type { Io } from '../io.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, progressDetail } from './progress-line.js';
import { formatDuration } from '../../duration.js';

export interface CopyProgress {
  watch(counted: { readonly rows: number; readonly bytes: number }): void;
  stop(): void;
}

export function copyProgress(io: Io, step: string, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS): CopyProgress {
  let timer: NodeJS.Timeout | undefined;
  return {
    watch(counted) {
      const started = Date.now();
      timer = setInterval(() => {
        const elapsedMs = Date.now() - started;
        const stamp = new Date().toISOString().slice(11, 19);
        io.err(
          `${stamp} PROG  ${step} ${progressDetail({ rows: counted.rows, bytes: counted.bytes, elapsedMs })} (running ${formatDuration(elapsedMs)})`,
        );
      }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
