/**
 * `etlctl task wait-for-pipelines` against the local engine's state database: waits while a
 * dependency has no run that day or is still running, passes when every instance FINISHED,
 * fails on FAILED/CASCADE_FAILED/CANCELED unless the pipeline is ok to fail, and times out.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/types.js';
import { loadConfig } from '../../src/config/load.js';
import { EtlError } from '../../src/diagnostics.js';
import { openStateStore } from '../../src/local/state/open.js';
import { localWorker } from '../../src/local/state/store.js';
import { waitForPipelines } from '../../src/tasks/wait-for-pipelines.js';
import type { WaitOptions } from '../../src/tasks/wait-for-pipelines.js';
import { runCli, tempDir } from '../helpers.js';

let stateDir: string;
let config: ResolvedConfig;

beforeEach(() => {
  const dir = tempDir('etlctl-wait-');
  stateDir = join(dir, 'state');
  config = loadConfig({ cwd: dir, env: { ETLCTL_LOCAL__STATE_DIR: stateDir } });
});

/** Put a pipeline's instances for one day into the state database, as the engine would. */
async function seed(
  name: string,
  day: string,
  statuses: string[],
): Promise<(status: string) => Promise<void>> {
  const store = await openStateStore({ stateDir });
  const p = await store.saveDefinition(name, `{"objects":[],"n":"${name}"}`, {});
  const planned = await store.planRun({
    pipeline: name,
    version: p.version,
    kind: 'test',
    worker: localWorker(),
    exclusive: false,
    generation: p.generation,
    instances: statuses.map((_, i) => ({
      objectId: `Act${i}`,
      objectType: 'ShellCommandActivity',
      scheduledStart: `${day}T02:00:00.000Z`,
      scheduledEnd: `${day}T03:00:00.000Z`,
      take: true,
      maxRetries: 0,
      retryDelayMs: 0,
    })),
  });
  if (planned.busy) throw new Error('busy');
  const ids = planned.instances.map((row) => row.id);
  for (const [i, id] of ids.entries()) await store.setInstanceStatus([id], statuses[i] as never);
  await store.close();
  return async (status: string) => {
    const s = await openStateStore({ stateDir });
    await s.setInstanceStatus(ids, status as never);
    await s.close();
  };
}

async function wait(
  opts: Partial<WaitOptions>,
  onSleep: (n: number) => void | Promise<void> = () => undefined,
) {
  const out: string[] = [];
  const errs: string[] = [];
  let sleeps = 0;
  let clock = 0;
  const run = waitForPipelines({
    dependencies: [],
    okToFail: [],
    refreshRateSeconds: 60,
    startDate: '2026-03-10',
    config,
    env: {},
    stdout: (l) => out.push(l),
    stderr: (l) => errs.push(l),
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      await onSleep(++sleeps);
    },
    ...opts,
  });
  return { run, out, errs, sleeps: () => sleeps };
}

describe('wait-for-pipelines (local state)', () => {
  it('passes at once when every instance of that day FINISHED', async () => {
    await seed('wfp_a', '2026-03-10', ['FINISHED', 'FINISHED']);
    const w = await wait({ dependencies: ['wfp_a'] });
    const r = await w.run;
    expect(r.exitCode).toBe(0);
    expect(r.polls).toBe(1);
    expect(w.out).toContain('FINISHED wfp_a (2026-03-10)');
  });

  it('waits while instances run, and while the day has no run yet', async () => {
    const finish = await seed('wfp_b', '2026-03-10', ['RUNNING', 'WAITING_ON_DEPENDENCIES']);
    await seed('wfp_c', '2026-03-09', ['FINISHED']);
    let finishC: ((s: string) => Promise<void>) | undefined;
    const w = await wait({ dependencies: ['wfp_b', 'wfp_c'] }, async (n) => {
      if (n === 1) await finish('FINISHED');
      if (n === 2) finishC = await seed('wfp_c', '2026-03-10', ['FINISHED']);
    });
    const r = await w.run;
    expect(finishC).toBeDefined();
    expect(r.polls).toBe(3);
    expect(w.out).toContain('waiting: wfp_b (0/2 finished), wfp_c (no run scheduled on 2026-03-10 yet)');
    expect(r.finished).toEqual(['wfp_b', 'wfp_c']);
  });

  it('fails when a dependency failed that day', async () => {
    await seed('wfp_d', '2026-03-10', ['FINISHED', 'CASCADE_FAILED']);
    const w = await wait({ dependencies: ['wfp_d'] });
    await expect(w.run).rejects.toSatisfy(
      (e: unknown) => e instanceof EtlError && e.diagnostics[0].code === 'ETL7931' && e.exitCode === 1,
    );
  });

  it('an ok-to-fail failure warns (ETLCTL-ALERT) and is not waited for', async () => {
    await seed('wfp_e', '2026-03-10', ['FAILED']);
    await seed('wfp_f', '2026-03-10', ['FINISHED']);
    const w = await wait({ dependencies: ['wfp_f'], okToFail: ['wfp_e'], pipeline: 'me' });
    const r = await w.run;
    expect(r.exitCode).toBe(0);
    expect(r.failedOk).toEqual(['wfp_e']);
    expect(w.errs[0]).toMatch(/^ETLCTL-ALERT \{"kind":"dependency-warning"/);
    expect(JSON.parse(w.errs[0].slice('ETLCTL-ALERT '.length))).toMatchObject({
      pipeline: 'me',
      dependency: 'wfp_e',
    });
  });

  it('gives up after the timeout, naming what it waited for', async () => {
    await seed('wfp_g', '2026-03-10', ['RUNNING']);
    const w = await wait({ dependencies: ['wfp_g', 'wfp_unknown'], timeoutMs: 150_000 });
    await expect(w.run).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof EtlError &&
        e.diagnostics[0].code === 'ETL7932' &&
        /wfp_g \(0\/1 finished\), wfp_unknown \(not activated yet\)/.test(e.diagnostics[0].message),
    );
    expect(w.sleeps()).toBe(3); // 60 + 60 + 30 s
    expect(
      w.errs.some((l) => l.includes("pipeline 'wfp_unknown' is not known to the local engine yet")),
    ).toBe(true);
  });

  it('accepts a timestamp as start date (its day counts)', async () => {
    await seed('wfp_h', '2026-03-10', ['FINISHED']);
    const r = await (await wait({ dependencies: ['wfp_h'], startDate: '2026-03-10T02:00:00' })).run;
    expect(r.exitCode).toBe(0);
  });
});

describe('etlctl task wait-for-pipelines (CLI)', () => {
  it('exits 0 when the dependency finished, 1 when it failed, 2 on a bad date', async () => {
    await seed('wfp_cli_ok', '2026-03-10', ['FINISHED']);
    await seed('wfp_cli_bad', '2026-03-10', ['FAILED']);
    const env = { ETLCTL_LOCAL__STATE_DIR: stateDir };
    const args = ['task', 'wait-for-pipelines', '--start-date', '2026-03-10', '--refresh-rate', '1'];
    const ok = runCli([...args, '--dependency', 'wfp_cli_ok'], { env, cwd: stateDir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('all dependencies finished for 2026-03-10');
    const bad = runCli([...args, '--dependency', 'wfp_cli_bad'], { env, cwd: stateDir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error ETL7931: dependency 'wfp_cli_bad' failed on 2026-03-10: Act0 FAILED/);
    const usage = runCli(['task', 'wait-for-pipelines', '--dependency', 'x', '--start-date', 'yesterday'], {
      env,
      cwd: stateDir,
    });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('ETL7930');
  });
});
