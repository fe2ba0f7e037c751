/**
 * Issue 12, "Bad input": one regression test per bug the hardening run named. Each asserts what a
 * user sees — the exit code, a registered code at a file:line, output of a bounded size — and
 * never an ETL9000 (which is for etlctl's own bugs).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';
import { etlctlInProcess } from '../cli/inprocess.js';

let dir: string;
const CONFIG = join(ROOT, 'config/etlctl.yaml');

/** A one-step pipeline whose sql-command `command:` is `value` (written as is). */
const withCommand = (value: string) =>
  `name: p\nfrequency: daily\nsteps:\n  - step_type: sql-command\n    name: s\n    command: ${value}\n`;

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

const run = (args: string[]) => etlctlInProcess(args, { cwd: dir });

interface Envelope {
  ok: boolean;
  exitCode: number;
  diagnostics: {
    code: string;
    severity: string;
    message: string;
    file?: string;
    line?: number;
    column?: number;
  }[];
}

async function json(args: string[]): Promise<Envelope & { code: number }> {
  const r = await run([...args, '--json']);
  return { ...(JSON.parse(r.stdout) as Envelope), code: r.code };
}

/** The first error of an envelope, which must not be an internal error. */
function firstError(e: Envelope) {
  expect(e.diagnostics.map((d) => d.code)).not.toContain('ETL9000');
  const d = e.diagnostics.find((x) => x.severity === 'error');
  expect(d).toBeDefined();
  return d!;
}

beforeAll(() => {
  dir = tempDir('etlctl-limits-');
});

describe('deep nesting (V8 out-of-memory, "Maximum call stack size exceeded")', () => {
  it('a 20,000-level nested YAML value is ETL1301 at its line, with a few lines of output', async () => {
    const f = write('deep.yaml', withCommand('['.repeat(20_000) + ']'.repeat(20_000)));
    const r = await run(['pipeline', 'validate', f, '-c', CONFIG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deep\.yaml:6:\d+: error ETL1301: .*nested more than 64 levels/);
    expect(r.stderr.length).toBeLessThan(5000);
  });

  it('the 55 KB unclosed variant (307 MB of stderr before) prints one bounded error', async () => {
    const f = write('deep-open.yaml', withCommand('['.repeat(55_000)));
    const r = await run(['pipeline', 'validate', f, '-c', CONFIG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ETL1301/);
    expect(r.stderr.length).toBeLessThan(5000);
  });

  it('deep block nesting is ETL1301 at the line where the limit is crossed', async () => {
    const lines = ['name: p', 'frequency: daily', 'meta:'];
    for (let i = 0; i < 3000; i++) lines.push(`${' '.repeat(i + 2)}a${i}:`);
    const e = await json([
      'pipeline',
      'validate',
      write('deep-block.yaml', lines.join('\n') + '\n'),
      '-c',
      CONFIG,
    ]);
    const d = firstError(e);
    expect(e.code).toBe(1);
    expect(d.code).toBe('ETL1301');
    expect(d.line).toBeGreaterThan(60);
    expect(d.line).toBeLessThan(70);
  });

  it('deeply nested definition JSON is ETL4101 at its position, from validate, convert and visualize', async () => {
    const f = write('deep.json', `{"objects": [${'['.repeat(100_000)}${']'.repeat(100_000)}]}`);
    for (const args of [
      ['definition', 'validate', f],
      ['definition', 'convert', f, '--to', 'api'],
      ['definition', 'visualize', f, '-o', join(dir, 'deep.dot')],
    ]) {
      const d = firstError(await json(args));
      expect(d.code).toBe('ETL4101');
      expect(d).toMatchObject({ file: f, line: 1 });
    }
  });
});

describe('YAML errors are capped (every error passed on, 307 MB of output)', () => {
  it('after 20 syntax errors one ETL1302 says how many more there are', async () => {
    const lines = ['name: p', 'frequency: daily'];
    for (let i = 0; i < 200; i++) lines.push(`k${i}: "a" b`);
    const e = await json([
      'pipeline',
      'validate',
      write('many-errors.yaml', lines.join('\n') + '\n'),
      '-c',
      CONFIG,
    ]);
    const codes = e.diagnostics.map((d) => d.code);
    expect(codes.filter((c) => c === 'ETL1001')).toHaveLength(20);
    expect(codes).toContain('ETL1302');
    expect(e.diagnostics.every((d) => d.line !== undefined)).toBe(true);
  });
});

describe('aliases and duplicate keys are refused at their line', () => {
  it('a self-referencing alias in the config ("Converting circular structure to JSON")', async () => {
    const cfg = write(
      'circular.yaml',
      'target: local\naws:\n  tags: &t\n    team: x\n    again: *t\ndatabases:\n  warehouse:\n    engine: postgres\n',
    );
    for (const args of [
      ['pipeline', 'validate', join(ROOT, 'pipelines/users_snapshot.yaml'), '-c', cfg],
      ['config', 'explain', '-c', cfg],
    ]) {
      const e = await json(args);
      expect(e.code).toBe(1);
      expect(firstError(e)).toMatchObject({ code: 'ETL1303', file: cfg, line: 5, column: 12 });
    }
  });

  it('an alias bomb is ETL1303 at the first alias', async () => {
    const rows = ['name: p', 'frequency: daily', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [n, p] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      rows.push(`${n}: &${n} [${Array(10).fill(`*${p}`).join(', ')}]`);
    const e = await json([
      'pipeline',
      'validate',
      write('bomb.yaml', rows.join('\n') + '\nsteps: []\n'),
      '-c',
      CONFIG,
    ]);
    expect(firstError(e)).toMatchObject({ code: 'ETL1303', line: 4, column: 8 });
  });

  it('a duplicate key is ETL1001 at the duplicate', async () => {
    const e = await json([
      'pipeline',
      'validate',
      write('dup.yaml', 'name: p\nfrequency: daily\nname: q\nsteps: []\n'),
      '-c',
      CONFIG,
    ]);
    expect(firstError(e)).toMatchObject({ code: 'ETL1001', line: 3, column: 1 });
  });
});

describe('sizes', () => {
  it('a YAML file over 8 MiB is ETL1300 without being parsed', async () => {
    const f = write('big.yaml', 'name: p\n' + `# ${'x'.repeat(1000)}\n`.repeat(9000));
    const d = firstError(await json(['pipeline', 'validate', f, '-c', CONFIG]));
    expect(d).toMatchObject({ code: 'ETL1300', line: 1 });
  });

  it('a YAML string over 1 MiB is ETL1304 at the string', async () => {
    const d = firstError(
      await json([
        'pipeline',
        'validate',
        write('long.yaml', withCommand('x'.repeat(1_100_000))),
        '-c',
        CONFIG,
      ]),
    );
    expect(d).toMatchObject({ code: 'ETL1304', line: 6, column: 14 });
  });

  it('a definition file over 64 MiB is ETL4100 without being read', async () => {
    const f = write('big.json', `{"objects": []}${' '.repeat(65 * 1024 * 1024)}`);
    const d = firstError(await json(['definition', 'validate', f]));
    expect(d).toMatchObject({ code: 'ETL4100', line: 1 });
  });

  it('a 300-character pipeline name is ETL1203, not ENAMETOOLONG', async () => {
    const f = write('longname.yaml', `name: ${'a'.repeat(300)}\nfrequency: daily\nsteps: []\n`);
    const e = await json(['pipeline', 'compile', f, '-c', CONFIG, '-o', join(dir, 'out')]);
    expect(firstError(e)).toMatchObject({ code: 'ETL1203', line: 1, column: 7 });
  });

  it('-t 99999999d is a usage error (ETL8001), not "Invalid time value"', async () => {
    const r = await run([
      'pipeline',
      'validate',
      join(ROOT, 'pipelines/users_snapshot.yaml'),
      '-t',
      '99999999d',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ETL8001/);
    expect(r.stderr).not.toMatch(/ETL9000|Invalid time value/);
  });
});

describe('definition files with odd shapes', () => {
  it('JSON syntax errors keep their position on Node 20 ("Unexpected token")', async () => {
    const f = write('syntax.json', '{"objects": [\n  {"id": "a",\n   "type": x}\n]}\n');
    for (const [args, code] of [
      [['definition', 'validate', f], 'ETL4001'],
      [['definition', 'convert', f, '--to', 'api'], 'ETL4001'],
      [['definition', 'visualize', f, '-o', join(dir, 'syntax.dot')], 'ETL5004'],
    ] as const) {
      expect(firstError(await json([...args]))).toMatchObject({ code, line: 3, column: 12 });
    }
  });

  it('ETL4003 is at the entry, not only in the message', async () => {
    const f = write('noid.json', '{"objects": [\n  {"name": "x"},\n  {"id": "a", "type": "Foo"},\n  5\n]}\n');
    const e = await json(['definition', 'validate', f]);
    const shapes = e.diagnostics.filter((d) => d.code === 'ETL4003');
    expect(shapes.map((d) => [d.line, d.column])).toEqual([
      [2, 3],
      [4, 3],
    ]);
    expect(e.diagnostics.filter((d) => d.severity === 'error').every((d) => d.line !== undefined)).toBe(true);
  });

  it.each([
    ['file format, no id', '{"objects": [{"name": "x", "type": "ShellCommandActivity"}]}', 'ETL5006'],
    ['API format, no id', '{"pipelineObjects": [{"name": "x", "fields": []}]}', 'ETL5006'],
    [
      'file format, numeric name',
      '{"objects": [{"id": "a", "name": 5, "type": "ShellCommandActivity"}]}',
      null,
    ],
    [
      'API format, numeric name ("name.endsWith is not a function")',
      '{"pipelineObjects": [{"id": "a", "name": 5, "fields": [{"key": "type", "stringValue": "ShellCommandActivity"}]}]}',
      null,
    ],
    [
      'API format, fields not a list ("target.map is not a function")',
      '{"pipelineObjects": [{"id": "a", "name": "a", "fields": {"key": "type"}}]}',
      null,
    ],
    [
      'a list as the type, a number as a reference ("reading \'replace\'")',
      '{"objects": [{"id": "a", "type": ["ShellCommandActivity"], "dependsOn": [{"ref": 5}, "x"]}]}',
      null,
    ],
  ])('definition visualize: %s', async (_what, text, code) => {
    const f = write('odd.json', text);
    const e = await json(['definition', 'visualize', f, '-o', join(dir, 'odd.dot')]);
    expect(e.diagnostics.map((d) => d.code)).not.toContain('ETL9000');
    if (code) expect(firstError(e)).toMatchObject({ code, file: f, line: 1 });
    else expect(e.code).toBe(0);
  });
});

describe('config findings carry their file:line (ETL2005, ETL2006, ETL2008)', () => {
  it('the location is the diagnostic location, not text in the message', async () => {
    const cfg = write(
      'bad-config.yaml',
      'target: nowhere\ndatabases:\n  warehouse:\n    engine: oracle\n  other:\n    engine: postgres\n    password: {nope: 1}\n',
    );
    const e = await json(['pipeline', 'validate', join(ROOT, 'pipelines/users_snapshot.yaml'), '-c', cfg]);
    const at = (code: string) => e.diagnostics.find((d) => d.code === code);
    expect(at('ETL2005')).toMatchObject({ file: cfg, line: 1 });
    expect(at('ETL2006')).toMatchObject({ file: cfg, line: 4 });
    expect(at('ETL2008')).toMatchObject({ file: cfg, line: 7 });
    for (const d of e.diagnostics) expect(d.message).not.toMatch(/\(from /);
  });
});
