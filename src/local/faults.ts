/**
 * Deterministic fault injection for the fault-injection tests (issue 12, item 4): the engine
 * reads ETLCTL_FAULT, and nothing else does. `ETLCTL_FAULT=after-target-commit:LoadStage` kills
 * this process with SIGKILL right after the step LoadStage committed on its target database and
 * before the state store hears of it — the moment a timed kill can only hope to hit.
 * Entries are comma-separated `POINT:OBJECT_ID` (`*` for any object); points:
 * - `after-target-commit`: a data runner's transaction on the target committed;
 * - `after-s3-commit`: an S3 output object was published.
 * Unset (always, outside tests) it costs one environment lookup.
 */
export type FaultPoint = 'after-target-commit' | 'after-s3-commit';

export function faultPoint(point: FaultPoint, objectId: string): void {
  const spec = process.env.ETLCTL_FAULT;
  if (!spec) return;
  for (const entry of spec.split(',')) {
    const i = entry.indexOf(':');
    const name = (i < 0 ? entry : entry.slice(0, i)).trim();
    const target = i < 0 ? '*' : entry.slice(i + 1).trim();
    if (name === point && (target === '*' || target === objectId)) {
      process.kill(process.pid, 'SIGKILL');
      // Nothing after the fault point may run while the signal is being delivered.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
  }
}
