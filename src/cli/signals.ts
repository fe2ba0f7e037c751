/**
 * Ctrl-C and SIGTERM for commands that run steps: the first signal prints one message and stops
 * the run (running steps are stopped, the rest is left to resume); a second one ends the process
 * at once. The command then exits 130 (SIGINT) or 143 (SIGTERM).
 */
import type { Diagnostic } from '../diagnostics/index.js';
import { ExitCode } from '../diagnostics/index.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Stopper {
  signal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  readonly stoppedBy: StopSignal | undefined;
  dispose(): void;
}

const EXIT: Record<StopSignal, number> = { SIGINT: ExitCode.INTERRUPTED, SIGTERM: ExitCode.TERMINATED };

export function stopOnSignals(onFirst: (s: StopSignal) => void): Stopper {
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const handler = (s: StopSignal) => (): void => {
    if (stoppedBy) process.exit(EXIT[s]);
    stoppedBy = s;
    onFirst(s);
    controller.abort();
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get stoppedBy() {
      return stoppedBy;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

export function signalExit(s: StopSignal): number {
  return EXIT[s];
}

/** The warning that goes into the result (and the envelope) of a stopped run. */
export function stoppedDiagnostic(s: StopSignal): Diagnostic {
  return s === 'SIGINT'
    ? {
        code: 'ETL8140',
        severity: 'warning',
        message: 'interrupted by Ctrl-C: unfinished steps are INTERRUPTED and run again on the next activate',
      }
    : {
        code: 'ETL8141',
        severity: 'warning',
        message: 'stopped by SIGTERM: unfinished steps are INTERRUPTED and run again on the next activate',
      };
}
