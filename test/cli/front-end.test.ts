/**
 * One front end (src/front.ts): the same YAML gives the same diagnostics from validate, compile,
 * visualize, activate --dry-run on AWS and a local activate; --dry-run on a local target runs
 * nothing; `etlctl --help` and a command's --help load no SDK, driver or YAML parser; the agent's
 * --json is one envelope and --json-stream NDJSON lines ending with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers.js';

let dir: string;

const CONFIG = `target: local
aws:
  s3_bucket: acme-etl
  region: us-east-1
alerts:
  failure_topic: arn:aws:sns:us-east-1:123456789012:f
databases:
  down:
    engine: postgres
    database: x
    user: u
    url: postgres://postgres@127.0.0.1:1/x
`;

// Compiles, but AWS would refuse it (no password on the database: ETL4040), and one step warns.
const PIPELINE = `name: same_findings
frequency: one-time
steps:
  - step_type: sql-command
    name: query
    database: down
    command: SELECT 1
  - step_type: primary-key-check
    name: pk
    database: down
    table_definition: t.sql
    script_arguments: [--ignored]
`;

beforeAll(() => {
  dir = tempDir('etlctl-front-');
  writeFileSync(join(dir, 'etlctl.yaml'), CONFIG);
  writeFileSync(join(dir, 'p.yaml'), PIPELINE);
  writeFileSync(join(dir, 't.sql'), 'CREATE TABLE dev.t (id INTEGER PRIMARY KEY);\n');
  writeFileSync(
    join(dir, 'broken.yaml'),
    'name: broken\nsteps:\n  - step_type: sql-command\n    name: q\n    database: nope\n    command: SELECT 1\n  - step_type: extract-rdz\n',
  );
});

function diagnosticsOf(args: string[]): { code: number; diagnostics: unknown[] } {
  const r = runCli([...args, '--json', '-c', 'etlctl.yaml'], { cwd: dir });
  const doc = JSON.parse(r.stdout) as { diagnostics: unknown[] };
  return { code: r.code, diagnostics: doc.diagnostics };
}

describe('the same file gets the same findings from every command', () => {
  it.each(['p.yaml', 'broken.yaml'])('%s', (file) => {
    const validate = diagnosticsOf(['pipeline', 'validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.diagnostics.length).toBeGreaterThan(0);
    const others = {
      compile: diagnosticsOf(['pipeline', 'compile', file, '-o', 'out']),
      visualize: diagnosticsOf(['pipeline', 'visualize', file, '-o', 'out/p.svg']),
      'activate --dry-run (AWS)': diagnosticsOf([
        'pipeline',
        'activate',
        file,
        '--target',
        'aws',
        '--dry-run',
      ]),
      'activate (local)': diagnosticsOf(['pipeline', 'activate', file, '--target', 'local']),
    };
    for (const [what, r] of Object.entries(others)) expect(r.diagnostics, what).toEqual(validate.diagnostics);
    // AWS is sent nothing with an error; the local engine ran what compiled (and could not connect).
    expect(others['activate --dry-run (AWS)'].code).toBe(1);
    expect(others['activate (local)'].code).toBe(file === 'p.yaml' ? 3 : 1);
    expect(existsSync(join(dir, 'out', 'same_findings.json'))).toBe(false);
  });
});

describe('pipeline activate --dry-run on a local target', () => {
  it('compiles, checks and prints what would run, and runs nothing', () => {
    const work = tempDir('etlctl-dry-');
    const marker = join(work, 'ran');
    writeFileSync(
      join(work, 'd.json'),
      JSON.stringify({
        objects: [
          { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
          {
            id: 'A',
            name: 'A',
            type: 'ShellCommandActivity',
            workerGroup: 'local',
            command: `touch ${marker}`,
          },
          { id: 'B', name: 'B', type: 'EmrActivity', step: 'x.jar', runsOn: { ref: 'C' } },
          { id: 'C', name: 'C', type: 'EmrCluster' },
        ],
      }),
    );
    const r = runCli(['pipeline', 'activate', 'd.json', '--dry-run'], {
      cwd: work,
      env: { ETLCTL_CONFIG: '' },
    });
    expect(r.stdout).toMatch(/Plan for d \(d\.json\): 2 step instances would run; nothing was run/);
    expect(r.stdout).toMatch(/RUN {2}A \[ShellCommandActivity\]/);
    // What the local engine cannot run is said before anything runs.
    expect(r.stderr).toMatch(/error ETL7540: EmrActivity 'B' is not runnable locally/);
    expect(r.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    // Not even the state store is created.
    expect(existsSync(join(work, '.etlctl'))).toBe(false);
  });

  it("plans the same instances a real run starts (the engine's plan), and skips the finished ones", () => {
    const work = tempDir('etlctl-dry-plan-');
    writeFileSync(
      join(work, 'daily.json'),
      JSON.stringify({
        objects: [
          { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Daily' } },
          {
            id: 'Daily',
            name: 'Daily',
            type: 'Schedule',
            period: '1 day',
            startDateTime: '2024-03-01T00:00:00',
          },
          { id: 'A', name: 'A', type: 'ShellCommandActivity', workerGroup: 'local', command: 'true' },
          {
            id: 'B',
            name: 'B',
            type: 'ShellCommandActivity',
            workerGroup: 'local',
            command: 'true',
            dependsOn: { ref: 'A' },
          },
        ],
      }),
    );
    const env = { ETLCTL_CONFIG: '' };
    type Plan = {
      wouldRun: number;
      activities: { id: string; dueCount: number; finished: number; wouldRun: number }[];
    };
    const plan = (until: string): Plan => {
      const r = runCli(['pipeline', 'activate', 'daily.json', '--dry-run', '--json', '--until', until], {
        cwd: work,
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { result: { plans: Plan[] } }).result.plans[0];
    };
    const run = (until: string): { scheduledStart: string; objectId: string }[] => {
      const r = runCli(['pipeline', 'activate', 'daily.json', '--yes', '--json', '--until', until], {
        cwd: work,
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      return (
        JSON.parse(r.stdout) as {
          result: { runs: { instances: { scheduledStart: string; objectId: string }[] }[] };
        }
      ).result.runs[0].instances;
    };

    const before = plan('2024-03-03T12:00:00Z');
    expect(existsSync(join(work, '.etlctl'))).toBe(false);
    const ran = run('2024-03-03T12:00:00Z');
    expect(ran.length).toBeGreaterThan(0);
    expect(before.wouldRun).toBe(ran.length);
    for (const a of before.activities) {
      expect(a).toMatchObject({ finished: 0, wouldRun: ran.filter((i) => i.objectId === a.id).length });
    }

    // After the run the same horizon has nothing left to run: every due instance finished.
    const after = plan('2024-03-03T12:00:00Z');
    expect(after.wouldRun).toBe(0);
    for (const a of after.activities) expect(a.finished).toBe(a.dueCount);

    // One day further: only the new period would run, and a real run starts exactly that.
    const later = plan('2024-03-04T12:00:00Z');
    const ranLater = run('2024-03-04T12:00:00Z');
    expect(later.wouldRun).toBe(ranLater.length);
    expect(later.activities.map((a) => a.wouldRun)).toEqual([1, 1]);
    expect(later.activities.map((a) => a.finished)).toEqual(after.activities.map((a) => a.dueCount));
  });
});

describe('lazy loading', () => {
  it("`etlctl --help` and a command's --help load no AWS SDK, database driver or YAML parser", () => {
    const work = tempDir('etlctl-lazy-');
    const trace = join(work, 'trace.log');
    const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) {
  appendFileSync(${JSON.stringify(trace)}, spec + '\\n');
  return next(spec, ctx);
}`;
    const hook = join(work, 'hook.mjs');
    writeFileSync(
      hook,
      `import { register } from 'node:module';\nregister(${JSON.stringify('data:text/javascript,' + encodeURIComponent(hooks))});\n`,
    );
    const heavy =
      /^(@aws-sdk\/|pg$|pg-copy-streams|mysql2|better-sqlite3|yaml$|@electric-sql\/|@hpcc-js\/|@resvg\/|handlebars)/;
    for (const args of [['--help'], ['pipeline', 'activate', '--help'], ['definition', '--help']]) {
      writeFileSync(trace, '');
      const r = spawnSync(process.execPath, ['--import', hook, BIN, ...args], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, ETLCTL_NO_HELP_CACHE: '1' },
      });
      expect(r.status, r.stderr).toBe(0);
      const loaded = readFileSync(trace, 'utf8').split('\n');
      expect(loaded.some((s) => s.includes('commander'))).toBe(true); // the hook works
      expect(loaded.filter((s) => heavy.test(s))).toEqual([]);
    }
  });
});

describe('--json and --json-stream of the long-running commands', () => {
  const schemas = resolve(ROOT, 'src/cli/schemas');
  const ajv = new Ajv({ strict: false });
  for (const f of readdirSync(schemas)) ajv.addSchema(JSON.parse(readFileSync(join(schemas, f), 'utf8')));
  const line = ajv.getSchema('https://etlctl.dev/schemas/stream.schema.json')!;
  const envelope = ajv.getSchema('https://etlctl.dev/schemas/envelope.schema.json')!;

  async function agent(flag: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const work = tempDir('etlctl-agent-json-');
    const child = spawn(process.execPath, [BIN, 'agent', '--poll', '1', flag], {
      cwd: work,
      env: { ...process.env, ETLCTL_CONFIG: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    const until = Date.now() + 20_000;
    while (!existsSync(join(work, '.etlctl', 'agent.lock'))) {
      if (Date.now() > until) throw new Error(`the agent never started:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    return { code, stdout, stderr };
  }

  it('--json: one envelope when it stops', async () => {
    const r = await agent('--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(envelope(doc), ajv.errorsText(envelope.errors)).toBe(true);
    expect(doc).toMatchObject({ ok: true, result: { runs: 0 } });
  });

  it('--json-stream: NDJSON events, the envelope last', async () => {
    const r = await agent('--json-stream');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(line(l), ajv.errorsText(line.errors)).toBe(true);
    expect(lines.map((l) => l.kind ?? 'envelope')).toEqual(['agent-started', 'agent-stopped', 'envelope']);
  });

  it('definition run --json-stream: the engine events, the summary, then the envelope', () => {
    const work = tempDir('etlctl-stream-');
    writeFileSync(
      join(work, 's.json'),
      JSON.stringify({
        objects: [
          { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
          { id: 'A', name: 'A', type: 'ShellCommandActivity', workerGroup: 'local', command: 'echo a' },
        ],
      }),
    );
    const r = runCli(['definition', 'run', 's.json', '--json-stream'], {
      cwd: work,
      env: { ETLCTL_CONFIG: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of lines) expect(line(l), ajv.errorsText(line.errors)).toBe(true);
    expect(lines.map((l) => l.kind ?? 'envelope')).toEqual(['plan', 'start', 'end', 'summary', 'envelope']);
    expect(lines.every((l) => l.kind === undefined || l.pipeline === 's')).toBe(true);
  });
});
