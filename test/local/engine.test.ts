import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDefinition } from '../../src/local/engine.js';
import { openStateStore } from '../../src/local/state/open.js';
import { definition, onDemandDefault, shell, tempDir } from './helpers.js';

const config = { databases: {} };

describe('local engine: retries', () => {
  it('an activity failing twice then succeeding with maximumRetries 2 ends OK after three attempts', async () => {
    const dir = tempDir();
    const counter = join(dir, 'count');
    const def = definition('retry-demo', [
      onDemandDefault({ maximumRetries: '2' }),
      shell(
        'Flaky',
        `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ]`,
      ),
    ]);
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl'), retryDelayMs: 10 });
    expect(summary).toMatchObject({ ok: 1, failed: 0, skipped: 0, exitCode: 0 });
    expect(summary.instances[0]).toMatchObject({ objectId: 'Flaky', status: 'FINISHED', attempts: 3 });
    const store = await openStateStore({ stateDir: join(dir, '.etlctl') });
    const attempts = await store.attempts(summary.instances[0].id);
    await store.close();
    expect(attempts.map((a) => a.status)).toEqual(['FAILED', 'FAILED', 'FINISHED']);
    expect(attempts.every((a) => a.log_path && existsSync(a.log_path))).toBe(true);
  });

  it('gives up after maximumRetries and reports the failure', async () => {
    const dir = tempDir();
    const def = definition('retry-fail', [
      onDemandDefault({ maximumRetries: '1' }),
      shell('Broken', 'echo nope >&2; exit 7'),
    ]);
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl'), retryDelayMs: 0 });
    expect(summary).toMatchObject({ ok: 0, failed: 1, exitCode: 1 });
    expect(summary.instances[0]).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(summary.instances[0].error).toMatch(/exited with code 7/);
    expect(readFileSync(summary.instances[0].logPath!, 'utf8')).toMatch(/\[stderr\] nope/);
  });
});

describe('local engine: failure handling', () => {
  it('a failing step fires its onFail alert, cascades, and runs nothing downstream', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const def = definition('cascade-demo', [
      onDemandDefault({ failureAndRerunMode: 'cascade' }),
      {
        id: 'FailureAlarm',
        name: 'FailureAlarm',
        type: 'SnsAlarm',
        topicArn: 'arn:aws:sns:us-east-1:123:etl',
        subject: 'Failed: #{node.name}',
        message: 'Step #{node.name} failed: #{node.errorMessage}',
      },
      shell('Extract', 'exit 3', { onFail: { ref: 'FailureAlarm' } }),
      shell('Load', `touch ${join(dir, 'load-ran')}`, { dependsOn: { ref: 'Extract' } }),
      shell('Check', `touch ${join(dir, 'check-ran')}`, { dependsOn: { ref: 'Load' } }),
      shell('Independent', `touch ${join(dir, 'independent-ran')}`),
    ]);
    const summary = await runDefinition(def, { config, stateDir });
    expect(summary).toMatchObject({ ok: 1, failed: 1, skipped: 2, exitCode: 1 });
    const status = Object.fromEntries(summary.instances.map((i) => [i.objectId, i.status]));
    expect(status).toEqual({
      Extract: 'FAILED',
      Load: 'CASCADE_FAILED',
      Check: 'CASCADE_FAILED',
      Independent: 'FINISHED',
    });
    expect(existsSync(join(dir, 'load-ran'))).toBe(false);
    expect(existsSync(join(dir, 'check-ran'))).toBe(false);
    expect(existsSync(join(dir, 'independent-ran'))).toBe(true);
    const alerts = readFileSync(join(stateDir, 'alerts.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      event: 'onFail',
      alarm: 'FailureAlarm',
      object: 'Extract',
      subject: 'Failed: Extract',
    });
    expect(alerts[0].message).toMatch(/exited with code 3/);
  });

  it('activities that need EMR are rejected before anything runs', async () => {
    const dir = tempDir();
    const def = definition('emr', [
      onDemandDefault(),
      shell('Before', `touch ${join(dir, 'ran')}`),
      { id: 'Hive', name: 'Hive', type: 'HiveActivity', hiveScript: 'select 1', runsOn: { ref: 'Emr' } },
    ]);
    await expect(runDefinition(def, { config, stateDir: join(dir, '.etlctl') })).rejects.toThrow(
      /HiveActivity 'Hive' is not runnable locally/,
    );
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('attemptTimeout kills a hung attempt', async () => {
    const dir = tempDir();
    const def = definition('timeout', [
      onDemandDefault(),
      shell('Hang', 'sleep 30', { attemptTimeout: '1 seconds' }),
    ]);
    const t0 = Date.now();
    const summary = await runDefinition(def, { config, stateDir: join(dir, '.etlctl') });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(summary.instances[0].status).toBe('FAILED');
    expect(summary.instances[0].error).toMatch(/timed out/);
  });
});

describe('local engine: schedules', () => {
  it('a 15-minute schedule backfilled over 2 hours runs 8 instances in order with their scheduled times', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const order = join(dir, 'order.txt');
    const def = definition('backfill', [
      { id: 'Default', name: 'Default', scheduleType: 'timeseries', schedule: { ref: 'Every15' } },
      {
        id: 'Every15',
        name: 'Every15',
        type: 'Schedule',
        period: '15 minutes',
        startDateTime: '2024-03-01T00:00:00',
      },
      {
        id: 'Out',
        name: 'Out',
        type: 'S3DataNode',
        directoryPath: "s3://lake/events/#{format(@scheduledStartTime,'YYYY-MM-dd-HH-mm')}",
      },
      shell('Export', 'echo "$1" >> ' + order + '; echo "$1" > "$OUTPUT1_STAGING_DIR/part-0.txt"', {
        stage: 'true',
        output: { ref: 'Out' },
        scriptArgument: '#{@scheduledStartTime}',
      }),
    ]);
    const summary = await runDefinition(def, {
      config,
      stateDir,
      now: new Date('2024-03-01T02:00:00Z'),
      until: new Date('2024-03-01T02:00:00Z'),
    });
    expect(summary).toMatchObject({ ok: 8, failed: 0, exitCode: 0 });
    const expected = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2024, 2, 1, 0, 15 * i)));
    expect(readFileSync(order, 'utf8').trim().split('\n')).toEqual(
      expected.map((d) => d.toISOString().slice(0, 19)),
    );
    const dirs = readdirSync(join(stateDir, 's3', 'lake', 'events')).sort();
    expect(dirs).toEqual(expected.map((d) => d.toISOString().slice(0, 16).replace(/[T:]/g, '-')));
    expect(readFileSync(join(stateDir, 's3/lake/events/2024-03-01-01-45/part-0.txt'), 'utf8').trim()).toBe(
      '2024-03-01T01:45:00',
    );

    // Activating again with nothing new due runs nothing; a later horizon runs only the new periods.
    const again = await runDefinition(def, { config, stateDir, now: new Date('2024-03-01T02:00:00Z') });
    expect(again.nothingToDo).toBe(true);
    const later = await runDefinition(def, { config, stateDir, now: new Date('2024-03-01T02:31:00Z') });
    expect(later.instances.map((i) => i.scheduledStart)).toEqual([
      '2024-03-01T02:00:00.000Z',
      '2024-03-01T02:15:00.000Z',
    ]);
  });

  it('refuses a backfill above the limit unless confirmed', async () => {
    const dir = tempDir();
    const def = definition('big-backfill', [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'S' } },
      { id: 'S', name: 'S', type: 'Schedule', period: '15 minutes', startDateTime: '2024-01-01T00:00:00' },
      shell('Noop', 'true'),
    ]);
    await expect(
      runDefinition(def, {
        config,
        stateDir: join(dir, '.etlctl'),
        now: new Date('2024-01-03T00:00:00Z'),
        backfillLimit: 10,
        markActive: true,
      }),
    ).rejects.toThrow(/would backfill 192 scheduled periods/);
    const store = await openStateStore({ stateDir: join(dir, '.etlctl') });
    // Refused, so not handed to the agent either.
    expect((await store.pipeline('big-backfill'))?.active).toBe(0);
    await store.close();
  });

  it('runs a one-time pipeline again as a new run once the previous run finished', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const log = join(dir, 'runs.txt');
    const def = definition('one-time', [onDemandDefault(), shell('Hello', `echo hi >> ${log}`)]);
    const first = await runDefinition(def, { config, stateDir });
    const second = await runDefinition(def, { config, stateDir });
    expect([first.ok, second.ok]).toEqual([1, 1]);
    expect(second.generation).toBe(first.generation + 1);
    expect(readFileSync(log, 'utf8')).toBe('hi\nhi\n');
  });
});

describe('local engine: preconditions, staging, lateness, parallelism', () => {
  it('waits for an S3KeyExists precondition up to preconditionTimeout, and fails when it never holds', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const objects = (key: string) => [
      onDemandDefault(),
      { id: 'Ready', name: 'Ready', type: 'S3KeyExists', s3Key: key, preconditionTimeout: '1 seconds' },
      shell('Consume', `touch ${join(dir, 'consumed')}`, { precondition: { ref: 'Ready' } }),
    ];
    const missing = await runDefinition(definition('pre-missing', objects('s3://in/none.csv')), {
      config,
      stateDir,
    });
    expect(missing.instances[0]).toMatchObject({ status: 'FAILED' });
    expect(missing.instances[0].error).toMatch(
      /precondition 'Ready' not met: s3:\/\/in\/none.csv does not exist/,
    );
    expect(existsSync(join(dir, 'consumed'))).toBe(false);

    mkdirSync(join(stateDir, 's3', 'in'), { recursive: true });
    writeFileSync(join(stateDir, 's3', 'in', 'ready.csv'), 'x\n');
    const present = await runDefinition(definition('pre-present', objects('s3://in/ready.csv')), {
      config,
      stateDir,
    });
    expect(present.ok).toBe(1);
    expect(existsSync(join(dir, 'consumed'))).toBe(true);
  });

  it('stages S3 input nodes into INPUTn_STAGING_DIR and uploads OUTPUTn_STAGING_DIR', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    mkdirSync(join(stateDir, 's3', 'raw', 'orders'), { recursive: true });
    writeFileSync(join(stateDir, 's3', 'raw', 'orders', 'part-0.csv'), 'a\nb\n');
    writeFileSync(join(stateDir, 's3', 'raw', 'orders', 'part-1.csv'), 'c\n');
    const def = definition('staging', [
      onDemandDefault(),
      { id: 'In', name: 'In', type: 'S3DataNode', directoryPath: 's3://raw/orders' },
      { id: 'Out', name: 'Out', type: 'S3DataNode', directoryPath: 's3://clean/orders' },
      shell('Upper', 'cat "$INPUT1_STAGING_DIR"/*.csv | tr a-z A-Z > "$OUTPUT1_STAGING_DIR/all.csv"', {
        stage: 'true',
        input: { ref: 'In' },
        output: { ref: 'Out' },
      }),
    ]);
    const s = await runDefinition(def, { config, stateDir });
    expect(s.ok).toBe(1);
    expect(readFileSync(join(stateDir, 's3', 'clean', 'orders', 'all.csv'), 'utf8')).toBe('A\nB\nC\n');
  });

  it('fires onLateAction when a step is not done within lateAfterTimeout, and Terminate cancels it', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const start = new Date(Date.now() - 60_000);
    const def = definition('late', [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'S' } },
      {
        id: 'S',
        name: 'S',
        type: 'Schedule',
        period: '1 day',
        startDateTime: start.toISOString().slice(0, 19),
      },
      {
        id: 'LateAlarm',
        name: 'LateAlarm',
        type: 'SnsAlarm',
        topicArn: 'arn:x',
        subject: 'late: #{node.name}',
        message: 'm',
      },
      { id: 'Stop', name: 'Stop', type: 'Terminate' },
      shell('Slow', 'sleep 20', {
        lateAfterTimeout: '1 seconds',
        onLateAction: [{ ref: 'LateAlarm' }, { ref: 'Stop' }],
      }),
    ]);
    const t0 = Date.now();
    const s = await runDefinition(def, { config, stateDir });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(s.instances[0].status).toBe('CANCELED');
    expect(s.exitCode).toBe(1);
    const alert = JSON.parse(readFileSync(join(stateDir, 'alerts.ndjson'), 'utf8').trim());
    expect(alert).toMatchObject({ event: 'onLateAction', subject: 'late: Slow' });
  });

  it('runs independent activities in parallel, bounded by parallel', async () => {
    const dir = tempDir();
    const objects = [onDemandDefault(), ...['A', 'B', 'C', 'D'].map((id) => shell(id, 'sleep 0.6'))];
    const t0 = Date.now();
    const wide = await runDefinition(definition('parallel', objects), {
      config,
      stateDir: join(dir, 'a'),
      parallel: 4,
    });
    const wideMs = Date.now() - t0;
    const t1 = Date.now();
    const narrow = await runDefinition(definition('serial', objects), {
      config,
      stateDir: join(dir, 'b'),
      parallel: 1,
    });
    const narrowMs = Date.now() - t1;
    expect([wide.ok, narrow.ok]).toEqual([4, 4]);
    expect(narrowMs).toBeGreaterThanOrEqual(2400);
    expect(wideMs).toBeLessThan(narrowMs - 1000);
  });
});

describe('local engine: stopping', () => {
  it('a stop kills running attempts and leaves them for the next run, which finishes them', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const out = join(dir, 'out.txt');
    const def = definition('stoppable', [
      onDemandDefault(),
      shell('First', `echo first >> ${out}`),
      shell('Slow', `sleep 20; echo slow >> ${out}`, { dependsOn: { ref: 'First' } }),
    ]);
    const stop = new AbortController();
    const events: string[] = [];
    const running = runDefinition(def, {
      config,
      stateDir,
      signal: stop.signal,
      graceMs: 0,
      reporter: {
        event: (e) => {
          if (e.kind === 'start') {
            events.push(e.instance.objectId);
            if (e.instance.objectId === 'Slow') setTimeout(() => stop.abort(), 100);
          }
        },
      },
    });
    const stopped = await running;
    expect(stopped).toMatchObject({ interrupted: true, ok: 1, failed: 0, exitCode: 0 });
    expect(events).toEqual(['First', 'Slow']);

    const fast = definition('stoppable', [
      onDemandDefault(),
      shell('First', `echo first >> ${out}`),
      shell('Slow', `echo slow >> ${out}`, { dependsOn: { ref: 'First' } }),
    ]);
    const resumed = await runDefinition(fast, { config, stateDir });
    expect(resumed.instances.map((i) => `${i.objectId}:${i.status}`)).toEqual(['Slow:FINISHED']);
    expect(resumed.generation).toBe(stopped.generation);
    expect(readFileSync(out, 'utf8')).toBe('first\nslow\n');
  });
});

describe('local engine: assets', () => {
  it("puts the definition's assets on local S3 first, so a scriptUri script runs with its arguments", async () => {
    const dir = tempDir();
    const out = join(dir, 'out.txt');
    const def = definition('assets', [
      onDemandDefault(),
      {
        id: 'Script',
        name: 'Script',
        type: 'ShellCommandActivity',
        workerGroup: 'local',
        scriptUri: 's3://acme/assets/hello.sh',
        scriptArgument: ['a b', out],
      },
    ]);
    def.meta!.assets.push({
      uri: 's3://acme/assets/hello.sh',
      content: 'echo "hello $1" > "$2"\n',
      sha256: 'x',
      kind: 'script',
    });
    const s = await runDefinition(def, { config, stateDir: join(dir, '.etlctl') });
    expect(s.ok).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('hello a b\n');
  });
});

describe('local engine: agent passes', () => {
  it('does not retry failed instances, nor start a run for steps stuck behind them', async () => {
    const dir = tempDir();
    const stateDir = join(dir, '.etlctl');
    const def = definition('stuck', [
      { id: 'Default', name: 'Default', scheduleType: 'timeseries', schedule: { ref: 'S' } },
      { id: 'S', name: 'S', type: 'Schedule', period: '1 hour', startDateTime: '2024-01-01T00:00:00' },
      shell('A', 'exit 1'),
      shell('B', 'true', { dependsOn: { ref: 'A' } }),
    ]);
    const now = new Date('2024-01-01T01:00:00Z');
    const first = await runDefinition(def, { config, stateDir, now, rerunFailed: false });
    expect(first).toMatchObject({ ok: 0, failed: 1, skipped: 1, exitCode: 1 });
    expect(first.instances.find((i) => i.objectId === 'B')?.status).toBe('WAITING_ON_DEPENDENCIES');
    const second = await runDefinition(def, { config, stateDir, now, rerunFailed: false });
    expect(second.nothingToDo).toBe(true);
    // An explicit activation retries the failed step (and what waits on it).
    const third = await runDefinition(def, { config, stateDir, now });
    expect(third.instances.map((i) => i.objectId).sort()).toEqual(['A', 'B']);
  });
});
