/** End-to-end: the CLI as a user runs it (runs dist/, built by the global setup). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStateStore } from '../../src/local/state/open.js';
import { tempDir } from './helpers.js';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin', 'etlctl');

function etlctl(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ETLCTL_CONFIG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function writeDef(dir: string, name: string, objects: unknown[]): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ objects }));
  return path;
}

const sh = (id: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  type: 'ShellCommandActivity',
  workerGroup: 'local',
  command,
  ...extra,
});

describe('etlctl definition run / pipeline history (local engine)', () => {
  it('a run killed with SIGKILL mid-step is resumed by the next run: correct data, no duplicates', async () => {
    const dir = tempDir();
    const data = join(dir, 'data.txt');
    const marker = join(dir, 'b-started');
    writeDef(dir, 'resume', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      sh('A', `echo A >> ${data}`),
      // Long enough for the next run to start and stop it, also on a loaded machine or a remote store.
      sh('B', `touch ${marker}; sleep 5; echo B >> ${data}`, { dependsOn: { ref: 'A' } }),
      sh('C', `echo C >> ${data}`, { dependsOn: { ref: 'B' } }),
    ]);
    const child = spawn(process.execPath, [bin, 'definition', 'run', 'resume.json'], {
      cwd: dir,
      stdio: 'ignore',
    });
    await waitFor(() => existsSync(marker));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));

    const second = etlctl(dir, ['definition', 'run', 'resume.json']);
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /2 step instances to run, 2 resumed from an earlier run, 1 already finished/,
    );
    expect(second.stdout).toMatch(/Done\. OK=2 FAILED=0 SKIPPED=0/);

    const history = etlctl(dir, ['pipeline', 'history', 'resume', '--json']);
    const runs = JSON.parse(history.stdout).result.runs as { id: number; status: string }[];
    expect(runs.map((r) => r.status)).toEqual(['FINISHED', 'INTERRUPTED']);
    // The orphaned attempt of the killed run must not finish behind our back: once its process
    // (a shell that would still append B) is gone, the data is what one run writes.
    const store = await openStateStore({ stateDir: join(dir, '.etlctl') });
    const b = (await store.instances('resume', 1)).find((i) => i.object_id === 'B')!;
    const [orphan] = await store.attempts(b.id);
    await store.close();
    expect(orphan).toMatchObject({ status: 'INTERRUPTED', pid: expect.any(Number) });
    await waitFor(() => !alive(orphan.pid!));
    expect(readFileSync(data, 'utf8')).toBe('A\nB\nC\n');
  });

  it('pipeline activate: a failing step exits 1 with the summary, its alert on stderr and in alerts.ndjson', () => {
    const dir = tempDir();
    writeDef(dir, 'failing', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand', failureAndRerunMode: 'cascade' },
      {
        id: 'Alarm',
        name: 'Alarm',
        type: 'SnsAlarm',
        topicArn: 'arn:x',
        subject: '#{node.name} failed',
        message: 'see logs',
      },
      sh('Bad', 'exit 2', { onFail: { ref: 'Alarm' } }),
      sh('After', `touch ${join(dir, 'after')}`, { dependsOn: { ref: 'Bad' } }),
    ]);
    const r = etlctl(dir, ['pipeline', 'activate', 'failing.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Done\. OK=0 FAILED=1 SKIPPED=1 TOTAL=2/);
    expect(r.stderr).toMatch(/ALERT \[onFail\] Bad failed — see logs/);
    expect(existsSync(join(dir, 'after'))).toBe(false);
    expect(readFileSync(join(dir, '.etlctl', 'alerts.ndjson'), 'utf8')).toMatch(/"subject":"Bad failed"/);
    const status = etlctl(dir, ['pipeline', 'status', 'failing']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/last run #\d+ FAILED/);
    expect(status.stdout).toMatch(/After\s+CASCADE_FAILED/);
  });

  it('`etlctl task …` commands inside activities run this etlctl, whatever is on PATH', () => {
    const dir = tempDir();
    writeDef(dir, 'tasks', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      sh('Version', `etlctl --version > ${join(dir, 'version.txt')}`),
    ]);
    const r = spawnSync(process.execPath, [bin, 'definition', 'run', 'tasks.json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PATH: '/usr/bin:/bin' },
    });
    expect(r.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(readFileSync(join(dir, 'version.txt'), 'utf8').trim()).toBe(pkg.version);
  });
});

/** Run `definition run FILE` in `dir` as a separate process; resolves with its exit code and output. */
function runAsync(dir: string, file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'definition', 'run', file], {
      cwd: dir,
      env: { ...process.env, ETLCTL_CONFIG: '' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('two processes on one state directory', () => {
  it('two pipelines starting at once on a new state directory both run; the database is never "locked"', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const dir = tempDir();
      for (const name of ['one', 'two'])
        writeDef(dir, name, [
          { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
          ...['S1', 'S2', 'S3'].map((id) => sh(id, 'true')),
        ]);
      const runs = await Promise.all([runAsync(dir, 'one.json'), runAsync(dir, 'two.json')]);
      for (const r of runs) {
        expect(r.out).not.toMatch(/locked|ETL9000/);
        expect(r.code, r.out).toBe(0);
      }
    }
  });

  it('the same pipeline started twice at once runs once: the other process says it is already running', async () => {
    for (let trial = 0; trial < 3; trial++) {
      const dir = tempDir();
      const ran = join(dir, 'ran.txt');
      writeDef(dir, 'twice', [
        { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
        sh('A', `echo A >> ${ran}; sleep 0.5`),
        sh('B', `echo B >> ${ran}`, { dependsOn: { ref: 'A' } }),
      ]);
      const runs = await Promise.all([runAsync(dir, 'twice.json'), runAsync(dir, 'twice.json')]);
      for (const r of runs) expect(r.out).not.toMatch(/locked|ETL9000/);
      const loser = runs.find((r) => r.code !== 0);
      if (loser) {
        // It found the first one running and refused; the steps ran once.
        expect(loser.out).toMatch(/ETL7547: pipeline 'twice' is already running/);
        expect(readFileSync(ran, 'utf8')).toBe('A\nB\n');
      } else {
        // (A machine so busy that the second started after the first ended: then it is a new run
        // of the one-time pipeline, after the first, never beside it.)
        expect(readFileSync(ran, 'utf8')).toBe('A\nB\nA\nB\n');
      }
      expect(runs.some((r) => r.code === 0)).toBe(true);
    }
  });
});

describe('etlctl pipeline activate --detach', () => {
  it('returns at once and runs the pipeline in the background', async () => {
    const dir = tempDir();
    const out = join(dir, 'bg.txt');
    writeDef(dir, 'background', [
      { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
      sh('Work', `sleep 0.5; echo done > ${out}`),
    ]);
    const r = etlctl(dir, ['pipeline', 'activate', 'background.json', '--detach']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Started in the background \(pid \d+\)\. Log: .*activate-.*\.log/);
    await waitFor(() => existsSync(out));
    await waitFor(() =>
      /last run #\d+ FINISHED/.test(etlctl(dir, ['pipeline', 'status', 'background']).stdout),
    );
  });
});

describe('etlctl agent', () => {
  it('runs a due instance of an active pipeline and stops cleanly on SIGTERM, letting the step finish', async () => {
    const dir = tempDir();
    const out = join(dir, 'ran.txt');
    const started = join(dir, 'started');
    const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const startText = start.toISOString().slice(0, 19);
    writeDef(dir, 'scheduled', [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Every15' } },
      { id: 'Every15', name: 'Every15', type: 'Schedule', period: '15 minutes', startDateTime: startText },
      sh('Tick', `touch ${started}; sleep 1; echo "$1" >> ${out}`, {
        scriptArgument: '#{@scheduledStartTime}',
      }),
    ]);
    // Activating with a horizon before the start registers the pipeline without running anything.
    const reg = etlctl(dir, [
      'definition',
      'run',
      'scheduled.json',
      '--until',
      '2000-01-01T00:00:00Z',
      '--register',
    ]);
    expect(reg.code).toBe(0);
    expect(existsSync(out)).toBe(false);

    const agent = spawn(process.execPath, [bin, 'agent', '--poll', '1'], { cwd: dir });
    let stdout = '';
    agent.stdout.on('data', (c) => (stdout += String(c)));
    await waitFor(() => existsSync(started));
    const second = etlctl(dir, ['agent']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/ETL7580: an agent is already running/);

    // Stopped mid-step: the running attempt gets its grace period and finishes.
    agent.kill('SIGTERM');
    const code = await new Promise((r) => agent.on('exit', r));
    expect(code).toBe(0);
    expect(stdout).toMatch(/Done\. OK=1 FAILED=0 SKIPPED=0/);
    expect(stdout).toMatch(/Agent stopped\./);
    expect(readFileSync(out, 'utf8')).toBe(`${startText}\n`);
    expect(existsSync(join(dir, '.etlctl', 'agent.lock'))).toBe(false);
  });
});
