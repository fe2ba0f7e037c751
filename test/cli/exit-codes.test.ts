/**
 * The README's exit-code table, as a user sees it (built CLI): usage 2, a wrong pipeline or a
 * failed run 1, an unreachable database, S3 or AWS 3, Ctrl-C 130, SIGTERM 143 — with one message
 * on a signal, the unfinished steps INTERRUPTED (not SKIPPED), and a second Ctrl-C ending at once.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers.js';
import { BAD_PIPELINE, DOWN_CONFIG, DOWN_PIPELINE, ondemand, sh } from './fixtures.js';

let dir: string;
const leftovers: number[] = [];

beforeAll(() => {
  dir = tempDir('etlctl-exit-');
  writeFileSync(join(dir, 'failing.json'), JSON.stringify({ objects: [ondemand, sh('Bad', 'exit 2')] }));
  writeFileSync(join(dir, 'bad.yaml'), BAD_PIPELINE);
  writeFileSync(join(dir, 'down.yaml'), DOWN_CONFIG);
  writeFileSync(join(dir, 'down-pipeline.yaml'), DOWN_PIPELINE);
  writeFileSync(join(dir, 's3-down.yaml'), 'target: local\nlocal:\n  s3_endpoint: http://127.0.0.1:1\n');
  writeFileSync(
    join(dir, 's3.json'),
    JSON.stringify({
      objects: [
        ondemand,
        { id: 'In', name: 'In', type: 'S3DataNode', directoryPath: 's3://bkt/in/' },
        sh('A', 'ls ${INPUT1_STAGING_DIR}', { input: { ref: 'In' }, stage: 'true' }),
      ],
    }),
  );
});

afterAll(() => {
  // Steps that ignore SIGTERM, left behind on purpose by the second-Ctrl-C test.
  for (const pid of leftovers) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env });

describe('exit codes (README table)', () => {
  it.each([
    ['a bad flag', ['pipeline', 'validate', 'bad.yaml', '--bogus'], 'ETL8101'],
    ['a bad -t', ['pipeline', 'validate', join(ROOT, 'pipelines/enrollments.yaml'), '-t', '3x'], 'ETL8001'],
    ['a huge -t', ['pipeline', 'activate', 'failing.json', '-t', '99999999d'], 'ETL8001'],
    ['a bad --retry-delay', ['pipeline', 'activate', 'failing.json', '--retry-delay', 'soon'], 'ETL8001'],
    ['a missing file', ['pipeline', 'validate', 'nope.yaml'], 'ETL8003'],
    ['a missing definition', ['pipeline', 'activate', 'nope.json'], 'ETL8003'],
    ['an unknown mode', ['pipeline', 'validate', 'bad.yaml', '-m', 'nope'], 'ETL2004'],
    ['an unknown command', ['pipeline', 'valdiate', 'bad.yaml'], 'ETL8100'],
  ])('%s: 2', (_what, args, code) => {
    const r = cli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error ${code}:`);
    expect(r.stderr).not.toContain('ETL9000');
  });

  it('a wrong pipeline or a failed run: 1', () => {
    expect(cli(['pipeline', 'validate', 'bad.yaml']).code).toBe(1);
    const run = cli(['pipeline', 'activate', 'failing.json']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Done\. OK=0 FAILED=1 SKIPPED=0 TOTAL=1/);
  });

  it('a database, S3 or AWS that cannot be reached: 3', () => {
    const db = cli(['pipeline', 'activate', 'down-pipeline.yaml', '-c', 'down.yaml']);
    expect(db.code, db.stdout + db.stderr).toBe(3);
    expect(db.stdout).toMatch(/ETL7001: cannot connect/);
    const s3 = cli(['definition', 'run', 's3.json', '-c', 's3-down.yaml']);
    expect(s3.code, s3.stdout + s3.stderr).toBe(3);
    expect(s3.stdout).toMatch(/ETL7012: S3 endpoint/);
    const aws = runCli(['pipeline', 'list', '-m', 'production'], {
      env: {
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'y',
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_ENDPOINT_URL_DATA_PIPELINE: 'http://127.0.0.1:1',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    expect(aws.code, aws.stderr).toBe(3);
    expect(aws.stderr).toMatch(/error ETL6004: ListPipelines: cannot reach the AWS endpoint/);
  });
});

/** Start a local run of a step that takes a while; resolves once the step has started. */
async function startSlowRun(
  name: string,
  command: string,
  json = false,
): Promise<{ child: ChildProcess; out: () => string; err: () => string }> {
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({
      objects: [ondemand, sh('Slow', command), sh('After', 'echo after', { dependsOn: { ref: 'Slow' } })],
    }),
  );
  const started = join(dir, `${name}.started`);
  const child = spawn(
    process.execPath,
    [BIN, 'pipeline', 'activate', `${name}.json`, ...(json ? ['--json'] : [])],
    {
      cwd: dir,
      env: { ...process.env, ETLCTL_CONFIG: '', SLOW_STARTED: started },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const until = Date.now() + 20_000;
  while (!existsSync(started)) {
    if (Date.now() > until) throw new Error(`the step never started:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, out: () => stdout, err: () => stderr };
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));

describe('signals', () => {
  it('Ctrl-C: one message, the unfinished steps INTERRUPTED, exit 130; the next activate resumes', async () => {
    const run = await startSlowRun('int', 'touch "$SLOW_STARTED"; sleep 30');
    run.child.kill('SIGINT');
    expect(await exitOf(run.child)).toBe(130);
    expect(run.err().match(/Stopping/g)).toHaveLength(1);
    expect(run.out()).not.toMatch(/stopping:/);
    expect(run.out()).toMatch(/STOP {2}Slow INTERRUPTED/);
    expect(run.out()).toMatch(/Done\. OK=0 FAILED=0 SKIPPED=0 INTERRUPTED=2 TOTAL=2/);

    const history = JSON.parse(cli(['pipeline', 'history', 'int', '--json']).stdout);
    expect(history.result.runs[0].status).toBe('INTERRUPTED');
    writeFileSync(
      join(dir, 'int.json'),
      readFileSync(join(dir, 'int.json'), 'utf8').replace('sleep 30', 'true'),
    );
    const again = cli(['pipeline', 'activate', 'int.json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/2 resumed from an earlier run/);
  });

  it('SIGTERM: exit 143; with --json the envelope says INTERRUPTED', async () => {
    const run = await startSlowRun('term', 'touch "$SLOW_STARTED"; sleep 30', true);
    run.child.kill('SIGTERM');
    expect(await exitOf(run.child)).toBe(143);
    const doc = JSON.parse(run.out());
    expect(doc).toMatchObject({ ok: false, exitCode: 143, result: { stopped: true } });
    expect(doc.diagnostics.map((d: { code: string }) => d.code)).toContain('ETL8141');
    expect(doc.result.runs[0].instances.map((i: { status: string }) => i.status)).toEqual([
      'INTERRUPTED',
      'INTERRUPTED',
    ]);
    expect(run.err()).toBe('');
  });

  it('a second Ctrl-C ends at once, without waiting for a step that ignores the first', async () => {
    const pidFile = join(dir, 'stubborn.pid');
    const run = await startSlowRun(
      'stubborn',
      `echo $$ > ${pidFile}; trap '' TERM INT; touch "$SLOW_STARTED"; sleep 20`,
    );
    leftovers.push(Number(readFileSync(pidFile, 'utf8')));
    run.child.kill('SIGINT');
    const until = Date.now() + 10_000;
    while (!/Stopping/.test(run.err()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGINT');
    expect(await exitOf(run.child)).toBe(130);
    // It did not wait for the step to be killed and the run summed up.
    expect(run.out()).not.toMatch(/Done\./);
  });
});
