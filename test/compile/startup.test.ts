/**
 * The start-up and compile-scale work (issue 7) must not change what users see: the `--version`
 * fast path, table definitions shared across the pipelines of one run, and validators
 * pre-generated at build time (used by the built CLI) versus compiled at run time (used here).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFiles } from '../../src/compile/index.js';
import { verifyPipelines } from '../../src/compile/verify.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { sortDiagnostics } from '../../src/diagnostics.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { BASE_CONFIG, TABLES } from './harness.js';

function project(files: Record<string, string>): string {
  const dir = tempDir('etlctl-startup-');
  for (const [name, text] of Object.entries({ 'etlctl.yaml': BASE_CONFIG, ...TABLES, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const loadPipeline = (name: string, table: string) => `name: ${name}
frequency: one-time
steps:
  - step_type: create-load-redshift
    name: load
    input_path: s3://bucket/in/
    table_definition: ${table}
`;

const BAD_TABLE = 'CREATE TABLE dev.broken (\n  id INTEGER,\n  name\n';

function compile(dir: string, files: string[]) {
  return compileFiles(files, { configPath: join(dir, 'etlctl.yaml'), cwd: dir, env: {}, now: new Date() });
}

describe('etlctl --version', () => {
  it('prints the package version alone, exit 0, for --version and -V', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe('');
    }
  });
});

describe('table definitions shared by the pipelines of one compile', () => {
  it('reports a broken shared table definition for every pipeline that uses it', () => {
    const dir = project({
      'tables/bad.sql': BAD_TABLE,
      'a.yaml': loadPipeline('a', 'tables/bad.sql'),
      'b.yaml': loadPipeline('b', 'tables/bad.sql'),
    });
    const r = compile(dir, ['a.yaml', 'b.yaml']);
    const [a, b] = r.pipelines;
    const fromTable = (ds: Diagnostic[]) => ds.filter((d) => d.file === 'tables/bad.sql');
    expect(fromTable(a.diagnostics).length).toBeGreaterThan(0);
    expect(fromTable(b.diagnostics).map((d) => ({ ...d, hint: undefined }))).toEqual(
      fromTable(a.diagnostics).map((d) => ({ ...d, hint: undefined })),
    );
    expect(fromTable(a.diagnostics)[0].hint).toMatch(/used by a\.yaml:7:/);
    expect(fromTable(b.diagnostics)[0].hint).toMatch(/used by b\.yaml:7:/);
  });

  it('re-reads a table definition edited between two compiles', () => {
    const dir = project({
      'tables/t.sql': TABLES['tables/dev.orders.sql'],
      'a.yaml': loadPipeline('a', 'tables/t.sql'),
    });
    expect(compile(dir, ['a.yaml']).pipelines[0].diagnostics.filter((d) => d.severity === 'error')).toEqual(
      [],
    );
    writeFileSync(join(dir, 'tables/t.sql'), BAD_TABLE);
    const again = compile(dir, ['a.yaml']).pipelines[0].diagnostics;
    expect(again.some((d) => d.file === 'tables/t.sql' && d.severity === 'error')).toBe(true);
  });
});

describe('pre-generated validators (built CLI) match run-time compiled ones', () => {
  it('gives the same schema diagnostics, hints included', () => {
    const dir = project({
      'p/top.yaml':
        'name: top\nfrequncy: daily\nmax_retries: many\nsteps:\n  - step_type: sql-command\n    command: SELECT 1\n',
      'p/step.yaml': `name: step
steps:
  - step_type: create-load-redshift
    input_path: s3://bucket/in/
    tabel_definition: ../tables/dev.orders.sql
  - step_type: sql-command
    command: 42
    depends_on: {}
  - step_type: create-load-redshift
    input_path: s3://bucket/in2/
`,
      'p/qa.yaml': `name: qa
steps:
  - step_type: qa-check
    table_definition: ../tables/dev.orders.sql
    checks:
      - check: not-null
        colums: [id]
        severity: fatal
`,
    });
    const files = ['p/qa.yaml', 'p/step.yaml', 'p/top.yaml'];
    const inProcess = compile(dir, files);
    verifyPipelines(inProcess.pipelines, new Date());
    const expected = sortDiagnostics(inProcess.pipelines.flatMap((p) => p.diagnostics));
    // unknown keys (top level, step, nested check), a wrong type, an enum, a missing key
    expect([...new Set(expected.map((d) => d.code))]).toEqual(
      expect.arrayContaining(['ETL1003', 'ETL1004', 'ETL1005', 'ETL1006']),
    );
    expect(expected.filter((d) => d.code === 'ETL1003').map((d) => d.hint)).toEqual(
      expect.arrayContaining([expect.stringMatching(/frequency/), expect.stringMatching(/table_definition/)]),
    );
    const r = runCli(['pipeline', 'validate', 'p/', '--json', '-c', 'etlctl.yaml'], { cwd: dir, env: {} });
    expect(r.code, r.stderr).toBe(1);
    const printed = (JSON.parse(r.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
    expect(printed.filter((d) => d.code.startsWith('ETL1'))).toEqual(
      JSON.parse(JSON.stringify(expected.filter((d) => d.code.startsWith('ETL1')))),
    );
  });
});
