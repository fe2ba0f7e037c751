/**
 * Issue 12, large inputs: validation memory stays bounded (a 20,000-step pipeline under a 512 MB
 * heap), findings on thousands of objects print a bounded amount (the excerpt used to print whole
 * lines and re-split the file per finding), and a picture too large to draw is ETL5100 with what
 * to do instead of ETL9000 "AST node count exceeds maximum". Timings are bench/'s job
 * (scenario checker-scale), not asserted here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { etlctlInProcess } from '../cli/inprocess.js';

let dir: string;
const CONFIG = join(ROOT, 'config/etlctl.yaml');

/** A pipeline of `n` sql-command steps, each after the one before. */
function steps(n: number): string {
  const out = ['name: many', 'frequency: daily', 'steps:'];
  for (let i = 0; i < n; i++)
    out.push(`  - step_type: sql-command`, `    name: s${i}`, `    command: SELECT ${i}`);
  return out.join('\n') + '\n';
}

/** A definition of `n` shell activities in a chain, each with a misspelt field (one finding each). */
function definition(n: number): string {
  const objects: Record<string, unknown>[] = [
    { id: 'Default', name: 'Default', scheduleType: 'ondemand', pipelineLogUri: 's3://b/logs/' },
  ];
  for (let i = 0; i < n; i++)
    objects.push({
      id: `A${i}`,
      name: `A${i}`,
      type: 'ShellCommandActivity',
      command: 'true',
      workerGroup: 'wg',
      retryDelayy: '10 Minutes',
      ...(i > 0 ? { dependsOn: { ref: `A${i - 1}` } } : {}),
    });
  // Minified: one line of several hundred KB, the worst case for excerpts.
  return JSON.stringify({ objects });
}

/** `n` copies, each reading an SQL table into S3: three boxes each, one of them an activity. */
function copies(n: number): string {
  const objects: Record<string, unknown>[] = [
    { id: 'Default', name: 'Default', scheduleType: 'ondemand', pipelineLogUri: 's3://b/logs/' },
    { id: 'Db', name: 'Db', type: 'RdsDatabase', rdsInstanceId: 'db', username: 'u', '*password': 'p' },
  ];
  for (let i = 0; i < n; i++)
    objects.push(
      { id: `In${i}`, name: `In${i}`, type: 'SqlDataNode', database: { ref: 'Db' }, table: `t${i}` },
      { id: `Out${i}`, name: `Out${i}`, type: 'S3DataNode', directoryPath: `s3://b/t${i}/` },
      {
        id: `Copy${i}`,
        name: `Copy${i}`,
        type: 'CopyActivity',
        workerGroup: 'wg',
        input: { ref: `In${i}` },
        output: { ref: `Out${i}` },
        ...(i > 0 ? { dependsOn: { ref: `Copy${i - 1}` } } : {}),
      },
    );
  return JSON.stringify({ objects }, null, 1);
}

beforeAll(() => {
  dir = tempDir('etlctl-limits-scale-');
});

describe('large inputs', () => {
  it('validating a 20,000-step pipeline fits in a 512 MB heap', () => {
    writeFileSync(join(dir, 'many.yaml'), steps(20_000));
    const r = runCli(['pipeline', 'validate', 'many.yaml', '-c', CONFIG, '--json'], {
      cwd: dir,
      env: { NODE_OPTIONS: '--max-old-space-size=512' },
    });
    expect(r.stderr).not.toMatch(/heap out of memory|ETL9000/);
    const env = JSON.parse(r.stdout) as { diagnostics: { code: string }[] };
    expect(r.code).toBe(0);
    expect(env.diagnostics.map((d) => d.code)).toContain('ETL4020'); // more objects than AWS's default 100
  }, 300_000);

  it('4,000 findings on a one-line definition print at most 50 bounded excerpts', async () => {
    writeFileSync(join(dir, 'findings.json'), definition(4000));
    const r = await etlctlInProcess(['definition', 'validate', 'findings.json', '--max-objects', '5000'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /… 39\d\d more diagnostics in findings\.json \(--json lists them all\)/,
    );
    expect((r.stdout + r.stderr).length).toBeLessThan(60_000);
    const json = await etlctlInProcess(
      ['definition', 'validate', 'findings.json', '--max-objects', '5000', '--json'],
      {
        cwd: dir,
      },
    );
    const env = JSON.parse(json.stdout) as {
      diagnostics: { code: string; line?: number; column?: number }[];
    };
    const misspelt = env.diagnostics.filter((d) => d.code === 'ETL4044');
    expect(misspelt).toHaveLength(4000);
    // On a minified line the column says where each object is.
    expect(misspelt.every((d) => d.line === 1 && (d.column ?? 0) > 1)).toBe(true);
  });

  it('definition visualize of 4,000 activities is ETL5100 (it used to be ETL9000 "AST node count")', async () => {
    writeFileSync(join(dir, 'wide.json'), definition(4000));
    const r = await etlctlInProcess(['definition', 'visualize', 'wide.json', '-o', 'wide.dot', '--json'], {
      cwd: dir,
    });
    const env = JSON.parse(r.stdout) as {
      diagnostics: { code: string; hint?: string; file?: string; line?: number }[];
    };
    expect(r.code).toBe(1);
    expect(env.diagnostics[0]).toMatchObject({ code: 'ETL5100', file: 'wide.json', line: 1 });
    expect(env.diagnostics[0].hint).toMatch(/split the pipeline/);
  });

  it('when the activities alone fit, ETL5100 says --activities-only, and that draws', async () => {
    writeFileSync(join(dir, 'copies.json'), copies(700));
    const r = await etlctlInProcess(['definition', 'visualize', 'copies.json', '-o', 'copies.dot'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ETL5100: the picture would have 2,1\d\d boxes/);
    expect(r.stderr).toMatch(/--activities-only \(700 boxes\)/);
    const only = await etlctlInProcess(
      ['definition', 'visualize', 'copies.json', '-o', 'copies.dot', '--activities-only'],
      {
        cwd: dir,
      },
    );
    expect(only.code, only.stderr).toBe(0);
  });

  it('pipeline visualize of 2,100 steps is ETL5100 with the --activities-only hint when that fits', async () => {
    writeFileSync(join(dir, 'wide.yaml'), steps(2100));
    const r = await etlctlInProcess(
      ['pipeline', 'visualize', 'wide.yaml', '-c', CONFIG, '-o', 'wide.dot', '--json'],
      {
        cwd: dir,
      },
    );
    const env = JSON.parse(r.stdout) as { diagnostics: { code: string; hint?: string }[] };
    const d = env.diagnostics.find((x) => x.code === 'ETL5100');
    expect(d, r.stdout).toBeDefined();
    expect(env.diagnostics.map((x) => x.code)).not.toContain('ETL9000');
  });
});
