/**
 * Secrets never land in output, files, the state store or logs (DESIGN.md decision 6, issue 12):
 * a unique canary password is supplied through the environment, a secrets file and connection
 * URLs, every command runs through the built CLI (with and without --json), and stdout, stderr,
 * every file written (definitions, drawings, .etlctl/state.db, logs, local S3) and every request
 * sent to the loopback AWS are searched for it.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, awsTestEnv } from '../aws/fake-aws.js';
import { startS3 } from '../aws/s3-server.js';
import type { TestS3 } from '../aws/s3-server.js';
import { MY_DB, PG_DB } from '../db.js';
import { BIN, ROOT, tempDir } from '../helpers.js';

const CANARY = `Canary${randomBytes(6).toString('hex')}Pw`;

const CONFIG = `target: local
aws:
  region: us-east-1
  s3_bucket: acme-etl
  s3_base_path: etlctl
alerts:
  failure_topic: arn:aws:sns:us-east-1:123456789012:etl-failures
  warning_topic: arn:aws:sns:us-east-1:123456789012:etl-warnings
defaults:
  warehouse: warehouse
  load_time: "02:00"
  resource_base_path: ../pipelines
secrets_file: secrets.yaml
databases:
  app_db:
    engine: mysql
    rds_instance_id: app-prod
    database: app
    user: etl_reader
    password: \${file:app_db_password}
    seed: seed/app_db.sql
  warehouse:
    engine: redshift
    cluster_id: analytics
    restricted: true               # as in config/etlctl.yaml: the sample tables hold personal data
    database: analytics
    user: etl
    password: \${env:WAREHOUSE_PASSWORD}
  reporting_db:
    engine: postgres
    rds_instance_id: reporting-prod
    database: reporting
    user: etl_writer
    password: \${env:REPORTING_DB_PASSWORD}
modes:
  local:
    target: local
  unreachable:                     # connection URLs holding the password, to no server
    databases:
      app_db:
        url: mysql://etl:${CANARY}@127.0.0.1:9/app
      warehouse:
        url: postgres://etl:${CANARY}@127.0.0.1:9/wh
  denied:                          # real servers; MariaDB refuses the password
    databases:
      app_db:
        url: mysql://root:${CANARY}@127.0.0.1:3306/${MY_DB}
      warehouse:
        url: postgres://postgres:${CANARY}@127.0.0.1:5432/${PG_DB}
  servers:                         # real servers; PostgreSQL (trust) takes any password
    databases:
      app_db:                      # the secrets-file password is put into this URL
        url: postgres://postgres@127.0.0.1:5432/${PG_DB}
      warehouse:
        url: postgres://postgres:${CANARY}@127.0.0.1:5432/${PG_DB}
  production:
    target: aws
    aws:
      s3_base_path: prod
`;

/** A small pipeline touching a source, a warehouse statement and the QA task (a subprocess). */
const CANARY_PIPELINE = `name: canary
frequency: one-time
steps:
  - step_type: extract-rds
    name: extract
    host_name: app_db
    sql: SELECT 1 AS x
  - step_type: sql-command
    name: ping
    depends_on: []
    command: SELECT 1
  - step_type: qa-check
    name: check
    depends_on: [ping]
    checks:
      - check: sql
        sql: SELECT 1 AS x WHERE 1 = 0
`;

const fake = new FakeAws();
let s3: TestS3;
let work: string;
let env: NodeJS.ProcessEnv;
const outputs: { args: string[]; code: number; stdout: string; stderr: string }[] = [];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const r = { code: code ?? -1, stdout, stderr };
      if (process.env.CANARY_DEBUG)
        process.stderr.write(`${args.join(' ')} → ${code} ${Date.now() - t0}ms\n${stderr.slice(0, 600)}\n`);
      outputs.push({ args, ...r });
      done(r);
    });
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

beforeAll(async () => {
  const url = await fake.start();
  s3 = await startS3(['acme-etl']);
  work = tempDir('etlctl-canary-');
  mkdirSync(join(work, 'config'));
  cpSync(join(ROOT, 'config', 'seed'), join(work, 'config', 'seed'), { recursive: true });
  cpSync(join(ROOT, 'pipelines'), join(work, 'pipelines'), { recursive: true });
  writeFileSync(join(work, 'config', 'etlctl.yaml'), CONFIG);
  writeFileSync(join(work, 'config', 'secrets.yaml'), `app_db_password: ${CANARY}\n`);
  writeFileSync(join(work, 'pipelines', 'canary.yaml'), CANARY_PIPELINE);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('ETLCTL_')),
  );
  env = {
    ...clean,
    ...awsTestEnv(url, s3.url),
    WAREHOUSE_PASSWORD: CANARY,
    REPORTING_DB_PASSWORD: CANARY,
  };
});

afterAll(async () => {
  await fake.stop();
  await s3.stop();
  rmSync(work, { recursive: true, force: true });
});

const json = (args: string[]) => [args, [...args, '--json']];

/** Runs each command, recording its output for the search at the end. */
async function runAll(commands: string[][]): Promise<void> {
  for (const args of commands) await run(args);
}

const ran = (line: string) => outputs.find((o) => o.args.join(' ') === line);

describe('the canary password', () => {
  it('validate, compile, visualize, definition commands and config explain', async () => {
    await runAll([
      ...json(['pipeline', 'validate', 'pipelines']),
      ...json(['pipeline', 'validate', 'pipelines/canary.yaml', '-m', 'unreachable']),
      ...json(['pipeline', 'compile', 'pipelines', '-o', 'out']),
      ['pipeline', 'compile', 'pipelines', '-o', 'out-api', '--format', 'api', '-m', 'production'],
      ...json(['pipeline', 'visualize', 'pipelines/enrollments.yaml', '-o', 'draw/enrollments.svg']),
      ['pipeline', 'visualize', 'pipelines/enrollments.yaml', '-o', 'draw/enrollments.html'],
      ['pipeline', 'visualize', 'pipelines/canary.yaml', '-o', 'draw/canary.dot', '-m', 'denied'],
      ...json(['definition', 'validate', 'out/enrollments.json']),
      ['definition', 'visualize', 'out/canary.json', '-o', 'draw/canary-def.svg'],
      ...json(['definition', 'convert', 'out/canary.json', '--to', 'api', '-o', 'out/canary-api.json']),
      ...json(['config', 'explain']),
      ...json(['config', 'explain', '-m', 'unreachable']),
      ...json(['config', 'explain', 'databases', '-m', 'denied']),
    ]);
    expect(ran('pipeline compile pipelines -o out')?.code).toBe(0);
    expect(ran('config explain -m unreachable')?.stdout).toMatch(
      /databases\.app_db\.url\s+"mysql:\/\/etl:\*\*\*@127/,
    );
  }, 240_000);

  it('local runs: successful, failing with the password in the URL, and their status', async () => {
    await runAll([
      ['pipeline', 'activate', 'pipelines/enrollments.yaml'],
      ...json(['pipeline', 'activate', 'pipelines/canary.yaml', '-m', 'servers']),
      ...json(['pipeline', 'activate', 'pipelines/canary.yaml', '-m', 'unreachable']),
      ...json(['pipeline', 'activate', 'pipelines/canary.yaml', '-m', 'denied']),
      ...json(['pipeline', 'status']),
      ...json(['pipeline', 'history', 'canary']),
    ]);
    expect(ran('pipeline activate pipelines/enrollments.yaml')?.code).toBe(0);
    expect(ran('pipeline activate pipelines/canary.yaml -m servers')?.code).toBe(0);
    // The failures name the connection, with the password hidden.
    const unreachable = ran('pipeline activate pipelines/canary.yaml -m unreachable');
    expect(unreachable?.code).toBe(3);
    expect(`${unreachable?.stdout}${unreachable?.stderr}`).toMatch(/etl:\*\*\*@127\.0\.0\.1:9/);
    expect(ran('pipeline activate pipelines/canary.yaml -m denied')?.code).not.toBe(0);
  }, 240_000);

  it('AWS: activate --dry-run and diff against the loopback fake send nothing mutating', async () => {
    await runAll([
      ...json(['pipeline', 'activate', 'pipelines/enrollments.yaml', '-m', 'production', '--dry-run']),
      ...json(['pipeline', 'diff', 'pipelines/canary.yaml', '-m', 'production']),
    ]);
    expect(ran('pipeline activate pipelines/enrollments.yaml -m production --dry-run')?.code).toBe(0);
    expect(fake.operations().filter((op) => !/^(List|Describe|Get|Query)/.test(op))).toEqual([]);
  }, 240_000);

  it('appears nowhere: output, files, state store, logs, AWS requests', () => {
    const leaks: string[] = [];
    for (const o of outputs) {
      if (o.stdout.includes(CANARY)) leaks.push(`stdout of ${o.args.join(' ')}`);
      if (o.stderr.includes(CANARY)) leaks.push(`stderr of ${o.args.join(' ')}`);
    }
    const inputs = new Set([join(work, 'config', 'etlctl.yaml'), join(work, 'config', 'secrets.yaml')]);
    const written = [...allFiles(work).filter((f) => !inputs.has(f)), ...allFiles(s3.directory)];
    expect(written.some((f) => f.endsWith('state.db'))).toBe(true);
    expect(written.some((f) => f.includes(join('.etlctl', 'logs')))).toBe(true);
    for (const f of written) if (readFileSync(f, 'latin1').includes(CANARY)) leaks.push(relative(work, f));
    for (const r of fake.requests) if (r.body.includes(CANARY)) leaks.push(`AWS request ${r.operation}`);
    expect(leaks).toEqual([]);
  });
});
