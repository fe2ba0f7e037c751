/** The engine on the store's worker model: attempts record their worker; a silent worker's attempt times out and retries. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/local/engine.js';
import { runDefinition } from '../../src/local/engine.js';
import { openStateStore } from '../../src/local/state/open.js';
import type { WorkerRef } from '../../src/local/state/store.js';
import { definition, onDemandDefault, shell, tempDir } from './helpers.js';

const config = { databases: {} };
const elsewhere: WorkerRef = { id: 'agent-b@other-host', host: 'other-host', pid: 4242 };

describe('local engine: workers', () => {
  it('every attempt records the worker that ran it', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const def = definition('workers', [onDemandDefault(), shell('Who', 'true')]);
    const summary = await runDefinition(def, { config, stateDir, workerId: 'agent-a' });
    expect(summary.exitCode).toBe(0);
    const store = await openStateStore({ stateDir });
    try {
      const [attempt] = await store.attempts(summary.instances[0].id);
      expect(attempt).toMatchObject({ status: 'FINISHED', worker_id: 'agent-a', pid: null });
      const [instance] = await store.instancesOfRun(summary.runId!);
      expect(instance).toMatchObject({ status: 'FINISHED', worker_id: null, lease_expires_at: null });
    } finally {
      await store.close();
    }
  });

  it('a step sees its worker id as ETLCTL_WORKER_ID, and an etlctl it runs does not take it for a config key', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const seen = join(dir, 'worker.txt');
    const explained = join(dir, 'explain.json');
    const def = definition('worker-env', [
      onDemandDefault(),
      shell(
        'Who',
        `printf %s "$ETLCTL_WORKER_ID" > ${seen} && etlctl config explain local --json > ${explained}`,
      ),
    ]);
    const summary = await runDefinition(def, { config, stateDir, cwd: dir, workerId: 'agent-env' });
    expect(summary.instances[0]).toMatchObject({ status: 'FINISHED' });
    expect(readFileSync(seen, 'utf8')).toBe('agent-env');
    const explain = JSON.parse(readFileSync(explained, 'utf8')) as { ok: boolean; diagnostics: unknown[] };
    expect(explain).toMatchObject({ ok: true, diagnostics: [] });
  });

  /** A scheduled pipeline whose 00:00 instance a worker on another host claimed and then went silent. */
  async function claimedElsewhere(name: string, maximumRetries: string) {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const out = join(dir, 'ran.txt');
    const def = definition(name, [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Daily' }, maximumRetries },
      {
        id: 'Daily',
        name: 'Daily',
        type: 'Schedule',
        period: '1 days',
        startDateTime: '2024-03-01T00:00:00',
      },
      shell('Load', `echo ran >> ${out}`),
    ]);
    const store = await openStateStore({ stateDir });
    try {
      const p = await store.saveDefinition(name, '{}', {});
      const run = await store.planRun({
        pipeline: name,
        version: p.version,
        kind: 'agent',
        worker: elsewhere,
        exclusive: true,
        generation: 1,
        instances: [
          {
            objectId: 'Load',
            objectType: 'ShellCommandActivity',
            scheduledStart: '2024-03-01T00:00:00.000Z',
            scheduledEnd: '2024-03-02T00:00:00.000Z',
            take: true,
            maxRetries: Number(maximumRetries),
            retryDelayMs: 0,
          },
        ],
      });
      if (run.busy) throw new Error('busy');
      const claim = { instanceId: run.instances[0].id, runId: run.runId, worker: elsewhere, logPath: 'x' };
      expect(await store.claimInstance({ ...claim, leaseMs: 1 })).toBeDefined();
      // The lease is a millisecond long: wait until it has certainly run out.
      const until = Date.now() + 5;
      while (Date.now() <= until) await new Promise((r) => setTimeout(r, 1));
    } finally {
      await store.close();
    }
    return { def, stateDir, out };
  }

  it("a silent worker's attempt fails as TIMEDOUT and the instance runs again, within maximumRetries", async () => {
    const { def, stateDir, out } = await claimedElsewhere('silent-retry', '1');
    const events: EngineEvent[] = [];
    const summary = await runDefinition(def, {
      config,
      stateDir,
      now: new Date('2024-03-01T12:00:00Z'),
      rerunFailed: false,
      reporter: { event: (e) => events.push(e) },
    });
    expect(summary).toMatchObject({ ok: 1, failed: 0, exitCode: 0 });
    expect(summary.instances[0]).toMatchObject({ objectId: 'Load', status: 'FINISHED', attempts: 2 });
    expect(readFileSync(out, 'utf8')).toBe('ran\n');
    expect(events.find((e) => e.kind === 'note')).toMatchObject({
      message: expect.stringMatching(/Load .*agent-b@other-host stopped reporting progress.*it runs again/),
    });
    const store = await openStateStore({ stateDir });
    try {
      const attempts = await store.attempts(summary.instances[0].id);
      expect(attempts.map((a) => [a.status, a.worker_id])).toEqual([
        ['TIMEDOUT', elsewhere.id],
        ['FINISHED', expect.stringMatching(/:\d+$/)],
      ]);
      // The silent worker's run is closed, not left RUNNING.
      expect((await store.runs('silent-retry')).map((r) => r.status)).toEqual(['FINISHED', 'INTERRUPTED']);
    } finally {
      await store.close();
    }
  });

  it('…and with no retries left the instance FAILED: the agent (no reruns) leaves it', async () => {
    const { def, stateDir } = await claimedElsewhere('silent-failed', '0');
    const summary = await runDefinition(def, {
      config,
      stateDir,
      now: new Date('2024-03-01T12:00:00Z'),
      rerunFailed: false,
    });
    expect(summary.nothingToDo).toBe(true);
    const store = await openStateStore({ stateDir });
    try {
      const [row] = await store.instances('silent-failed', 1);
      expect(row).toMatchObject({ status: 'FAILED', failures: 1 });
      expect(row.error).toMatch(/stopped reporting progress/);
    } finally {
      await store.close();
    }
  });
});
