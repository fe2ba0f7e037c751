/**
 * State store concurrency (issue 12, item 9): two `pipeline activate` of one pipeline at once,
 * and `etlctl agent` beside an `activate`, on a new state directory each trial. No instance runs
 * twice, no "database is locked" (nor ETL9000) reaches the user, and the store ends with every
 * run closed and every instance FINISHED. FAULT_CONCURRENCY_TRIALS sets the trials (default 3).
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { openStateStore } from '../../src/local/state/open.js';
import type { Project } from './harness.js';
import { run, start, waitFor } from './harness.js';

const TRIALS = Number(process.env.FAULT_CONCURRENCY_TRIALS ?? 3);
const PERIODS = 6;

/** A scheduled pipeline of PERIODS due 15-minute periods whose one step appends its period to ran.txt. */
function scheduledProject(): Project & { ran: string; periods: string[] } {
  const dir = tempDir('etlctl-conc-');
  const ran = join(dir, 'ran.txt');
  const first = Math.floor(Date.now() / 900_000) * 900_000 - (PERIODS - 1) * 900_000;
  const startText = new Date(first).toISOString().slice(0, 19);
  writeFileSync(
    join(dir, 'conc.json'),
    JSON.stringify({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Every15' } },
        { id: 'Every15', name: 'Every15', type: 'Schedule', period: '15 minutes', startDateTime: startText },
        {
          id: 'Tick',
          name: 'Tick',
          type: 'ShellCommandActivity',
          workerGroup: 'local',
          command: `sleep 0.2; echo "$1" >> ${ran}`,
          scriptArgument: '#{@scheduledStartTime}',
        },
      ],
    }),
  );
  const periods = Array.from({ length: PERIODS }, (_, i) =>
    new Date(first + i * 900_000).toISOString().slice(0, 19),
  );
  return { dir, env: {}, ran, periods };
}

const NEVER = /database is locked|SQLITE_BUSY|ETL9000|ETL7300|ETL7510/;

async function storeTruth(dir: string): Promise<{ runningRuns: number; statuses: string[] }> {
  const store = await openStateStore({ stateDir: join(dir, '.etlctl') });
  try {
    const p = await store.pipeline('conc');
    const runs = await store.runs('conc', 1000);
    const instances = p ? await store.instances('conc', p.generation) : [];
    return {
      runningRuns: runs.filter((r) => r.status === 'RUNNING').length,
      statuses: instances.map((i) => i.status),
    };
  } finally {
    await store.close();
  }
}

function ranOnce(p: { ran: string; periods: string[] }): void {
  const lines = existsSync(p.ran) ? readFileSync(p.ran, 'utf8').trim().split('\n').sort() : [];
  expect(lines).toEqual([...p.periods].sort());
}

describe('two processes on one new state directory', () => {
  it(`two \`pipeline activate\` of one pipeline at once (${TRIALS} trials): every period runs once`, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const p = scheduledProject();
      const [a, b] = await Promise.all([
        run(p, ['pipeline', 'activate', 'conc.json', '--yes']),
        run(p, ['pipeline', 'activate', 'conc.json', '--yes']),
      ]);
      for (const r of [a, b]) {
        expect(r.out).not.toMatch(NEVER);
        // One ran it; the other either found it running (ETL7547) or found nothing left to do.
        if (r.code !== 0) expect(r.out).toMatch(/ETL7547/);
      }
      expect(a.code === 0 || b.code === 0).toBe(true);
      ranOnce(p);
      const truth = await storeTruth(p.dir);
      expect(truth.runningRuns).toBe(0);
      expect(truth.statuses).toEqual(p.periods.map(() => 'FINISHED'));
    }
  }, 600_000);

  it(`\`etlctl agent\` and \`pipeline activate\` at once (${TRIALS} trials): every period runs once`, async () => {
    for (let t = 0; t < TRIALS; t++) {
      const p = scheduledProject();
      // Registered (active) with nothing run: the horizon is before the schedule's start.
      const reg = await run(p, ['definition', 'run', 'conc.json', '--until', '2000-01-01T00:00:00Z']);
      expect(reg.code, reg.out).toBe(0);
      const agent = start(p, ['agent', '--poll', '1']);
      const activate = await run(p, ['pipeline', 'activate', 'conc.json', '--yes']);
      expect(activate.out).not.toMatch(NEVER);
      if (activate.code !== 0) expect(activate.out).toMatch(/ETL7547/);
      // Whoever ran them, every period ends up run, once.
      await waitFor(
        async () => (await storeTruth(p.dir)).statuses.filter((s) => s === 'FINISHED').length === PERIODS,
      );
      await waitFor(async () => (await storeTruth(p.dir)).runningRuns === 0);
      process.kill(agent.pid, 'SIGTERM');
      const stopped = await agent.done;
      expect(stopped.code, stopped.out).toBe(0);
      expect(stopped.out).not.toMatch(NEVER);
      ranOnce(p);
      expect((await storeTruth(p.dir)).runningRuns).toBe(0);
    }
  }, 600_000);
});
