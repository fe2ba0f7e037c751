/**
 * Preconditions as Data Pipeline checks them: one that does not hold is checked again,
 * `retryDelay` apart, until its `preconditionTimeout` has passed, and without a
 * preconditionTimeout until it holds ("system-managed preconditions run until their condition is
 * true"); the activity's attemptTimeout counts from when its preconditions hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/local/engine.js';
import { runDefinition } from '../../src/local/engine.js';
import { definition, onDemandDefault, shell, tempDir } from '../local/helpers.js';

const config = { databases: {} };

/** A ShellCommandPrecondition that counts its checks in a file and holds from check `holdsAt` on. */
function countingPrecondition(counter: string, holdsAt: number, extra: Record<string, string> = {}) {
  return {
    id: 'Ready',
    name: 'Ready',
    type: 'ShellCommandPrecondition',
    command: `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge ${holdsAt} ]`,
    ...extra,
  };
}

function checks(counter: string): number {
  return Number(readFileSync(counter, 'utf8').trim());
}

describe('precondition re-checks', () => {
  it('without preconditionTimeout it is checked until it holds, and attemptTimeout starts only then', async () => {
    const dir = tempDir('etlctl-parity-pre-');
    const counter = join(dir, 'checks');
    const notes: string[] = [];
    const def = definition('pre-until', [
      onDemandDefault(),
      countingPrecondition(counter, 4),
      shell('Consume', `touch ${join(dir, 'consumed')}`, {
        precondition: { ref: 'Ready' },
        // Shorter than the three 1 s waits for the precondition: waiting is not the attempt's work.
        attemptTimeout: '1 seconds',
      }),
    ]);
    const summary = await runDefinition(def, {
      config,
      stateDir: join(dir, '.etlctl'),
      retryDelayMs: 1000,
      reporter: {
        event(e: EngineEvent) {
          if (e.kind === 'note') notes.push(e.message);
        },
      },
    });
    expect(summary.instances[0]).toMatchObject({ objectId: 'Consume', status: 'FINISHED', attempts: 1 });
    expect(checks(counter)).toBe(4);
    // The console hears once that the step waits, and how.
    expect(notes.filter((n) => n.includes('Ready'))).toEqual([
      "precondition 'Ready' of 'Consume' not met yet (command failed: ETL7531: command exited with code 1); checking again in 1.0s, until it holds (no preconditionTimeout)",
    ]);
  });

  it('re-checks its retryDelay apart until preconditionTimeout, then fails; the last check is at the deadline', async () => {
    const dir = tempDir('etlctl-parity-pre-');
    const counter = join(dir, 'checks');
    const def = definition('pre-timeout', [
      onDemandDefault(),
      countingPrecondition(counter, 99, { preconditionTimeout: '2 seconds', retryDelay: '1 seconds' }),
      shell('Consume', `touch ${join(dir, 'consumed')}`, { precondition: { ref: 'Ready' } }),
    ]);
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl') });
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED' });
    // At 0 s, 1 s and at the deadline (2 s).
    expect(checks(counter)).toBe(3);
    expect(summary.instances[0].error).toMatch(
      /precondition 'Ready' not met: command failed: .* \(checked 3 times within its preconditionTimeout 2 seconds\)/,
    );
  });

  it('without retryDelay the re-check waits the default retry delay, cut short by preconditionTimeout', async () => {
    const dir = tempDir('etlctl-parity-pre-');
    const counter = join(dir, 'checks');
    const def = definition('pre-default', [
      onDemandDefault(),
      countingPrecondition(counter, 99, { preconditionTimeout: '1 seconds' }),
      shell('Consume', 'true', { precondition: { ref: 'Ready' } }),
    ]);
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl') });
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED' });
    // Once at the start, once at the deadline: the default retry delay (10 minutes) is longer.
    expect(checks(counter)).toBe(2);
  });
});
