/**
 * `transforms:` on extract steps at compile time: the task command the definition carries (checker
 * clean, key ids not values), errors at their YAML lines, and the PII policy check.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../src/definition/check.js';
import { compileStep, lines, STEP_CONFIG } from '../steps/harness.js';

/** The step-test config plus a transforms section (and whatever `extra` adds at the top level). */
function config(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'etlctl-pii-cfg-'));
  const base = readFileSync(STEP_CONFIG, 'utf8').replace(
    'resource_base_path: .',
    'resource_base_path: /nonexistent',
  );
  const path = join(dir, 'etlctl.yaml');
  writeFileSync(
    path,
    base.replace(
      '\nmodes:',
      `\ntransforms:\n  keys:\n    k1: \${env:PII_K1}\n  default_key: k1\n${extra}\nmodes:`,
    ),
  );
  return path;
}

const head = [
  'name: users',
  'frequency: daily',
  'steps:',
  '  - step_type: extract-rds',
  '    name: extract',
  '    host_name: app_db',
];

describe('transforms on extract-rds', () => {
  it('compiles to one `etlctl task copy` activity with the key id, which the offline checker accepts', () => {
    const r = compileStep(
      lines(...head, '    table: users', '    transforms:', '      email: hmac_sha256', '      ssn: drop'),
      { configPath: config() },
    );
    expect(r.errors).toEqual([]);
    const act = r.objects('extract').find((o) => o.type === 'ShellCommandActivity')!;
    expect(act.command).toBe('etlctl task copy "$@"');
    const args = act.scriptArgument as string[];
    expect(JSON.parse(args[args.indexOf('--transforms') + 1])).toEqual([
      { column: 'email', kind: 'hmac_sha256', key: 'k1' },
      { column: 'ssn', kind: 'drop' },
    ]);
    expect(args.slice(0, 4)).toEqual(['--from-database', 'app_db', '--query', 'SELECT * FROM users']);
    const checked = checkDefinition(r.definition!);
    expect(checked.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('an unkeyed hash, a missing key and splits are errors at their lines', () => {
    const r = compileStep(lines(...head, '    table: users', '    transforms:', '      phone: sha256'), {
      configPath: config(),
    });
    expect(r.errors).toEqual([{ code: 'ETL3701', line: 9, column: 14 }]);
    const k = compileStep(
      lines(...head, '    table: users', '    transforms:', '      phone: {hmac_sha256: {key: nope}}'),
      { configPath: config() },
    );
    expect(k.errors.map((e) => [e.code, e.line])).toEqual([['ETL3703', 9]]);
    const s = compileStep(
      lines(...head, '    table: users', '    splits: 2', '    transforms:', '      a: drop'),
      {
        configPath: config(),
      },
    );
    expect(s.errors.map((e) => [e.code, e.line])).toEqual([['ETL3708', 8]]);
  });
});

describe('the PII policy check (validate time)', () => {
  const users = [
    'CREATE TABLE staging.users (',
    '  id INTEGER NOT NULL,',
    '  email VARCHAR(256),   -- etlctl: pii=pii',
    '  ssn VARCHAR(20),      -- etlctl: pii=sensitive',
    '  country CHAR(2)       -- etlctl: pii=internal',
    ');',
  ].join('\n');
  const pipeline = (...transforms: string[]) =>
    lines(
      ...head,
      '    table: users',
      ...(transforms.length ? ['    transforms:', ...transforms.map((t) => `      ${t}`)] : []),
      '  - step_type: create-load-redshift',
      '    name: load',
      '    table_definition: tables/users.sql',
    );
  const files = { 'tables/users.sql': users };

  it('an untransformed pii or sensitive column loaded into an unrestricted warehouse is an error at the table_definition line', () => {
    const r = compileStep(pipeline(), { configPath: config(), files });
    expect(r.errors).toEqual([
      { code: 'ETL3710', line: 10, column: 23 },
      { code: 'ETL3710', line: 10, column: 23 },
    ]);
    const email = r.diagnostics.find((d) => d.message.includes('users.email'))!;
    expect(email.message).toBe(
      'column staging.users.email is pii and reaches warehouse (not restricted) untransformed',
    );
    expect(email.hint).toContain("add to step 'extract': transforms: { email: { mask: { keep: domain } } }");
    expect(r.diagnostics.find((d) => d.message.includes('users.ssn'))!.hint).toContain('ssn: drop');
  });

  it('a transform, a policy for the level, or a restricted target satisfies it', () => {
    expect(
      compileStep(pipeline('email: hmac_sha256', 'ssn: drop'), { configPath: config(), files }).errors,
    ).toEqual([]);
    const viaPolicy = compileStep(pipeline('ssn: drop'), {
      configPath: config('  policy: { pii: hmac_sha256, sensitive: drop }'),
      files,
    });
    expect(viaPolicy.errors).toEqual([]);
    const act = viaPolicy.objects('extract').find((o) => o.type === 'ShellCommandActivity')!;
    const args = act.scriptArgument as string[];
    expect(JSON.parse(args[args.indexOf('--transforms') + 1])).toEqual([
      { column: 'ssn', kind: 'drop' },
      { column: 'email', kind: 'hmac_sha256', key: 'k1' },
    ]);
    const restricted = readFileSync(config(), 'utf8').replace(
      '    cluster_id: analytics\n',
      '    cluster_id: analytics\n    restricted: true\n',
    );
    const dir = mkdtempSync(join(tmpdir(), 'etlctl-pii-cfg-'));
    writeFileSync(join(dir, 'etlctl.yaml'), restricted);
    expect(compileStep(pipeline(), { configPath: join(dir, 'etlctl.yaml'), files }).errors).toEqual([]);
  });

  it('a policy naming an unknown level or transform is a config error', () => {
    const r = compileStep(pipeline('email: drop', 'ssn: drop'), {
      configPath: config('  policy: { secret: drop, pii: sha1 }'),
      files,
    });
    expect(r.errors.map((e) => e.code)).toEqual(['ETL3711', 'ETL3711']);
  });
});

describe('transforms and the policy on load steps', () => {
  const users = [
    'CREATE TABLE staging.users (',
    '  id INTEGER NOT NULL,',
    '  email VARCHAR(256),   -- etlctl: pii=pii',
    '  country CHAR(2)',
    ');',
  ].join('\n');
  const files = { 'tables/users.sql': users };
  const fromS3 = (...load: string[]) =>
    lines(
      'name: users',
      'frequency: daily',
      'steps:',
      '  - step_type: extract-s3',
      '    name: incoming',
      '    directory_uri: s3://acme-etl/{S3_BASE_PATH}/users/',
      ...load,
    );

  it('a pii column fed by any producer (here extract-s3) is checked at the load', () => {
    const r = compileStep(
      fromS3(
        '  - step_type: create-load-redshift',
        '    name: load',
        '    table_definition: tables/users.sql',
      ),
      { configPath: config(), files },
    );
    expect(r.errors).toEqual([{ code: 'ETL3710', line: 9, column: 23 }]);
    expect(r.diagnostics[0].hint).toContain(
      "add to step 'load': transforms: { email: { mask: { keep: domain } } }",
    );
  });

  it('transforms on the load compile to a task copy from S3 that the load reads; the checker accepts it', () => {
    const r = compileStep(
      fromS3(
        '  - step_type: create-load-redshift',
        '    name: load',
        '    table_definition: tables/users.sql',
        '    input_columns: [id, email, ssn, country]',
        '    transforms:',
        '      email: hmac_sha256',
        '      ssn: drop',
      ),
      { configPath: config(), files },
    );
    expect(r.errors).toEqual([]);
    const objs = r.objects('load');
    const task = objs.find((o) => o.type === 'ShellCommandActivity')!;
    expect(task.command).toBe('etlctl task copy "$@"');
    const args = task.scriptArgument as string[];
    expect(args[args.indexOf('--from-s3') + 1]).toMatch(/^s3:\/\/acme-etl\/.*\/users\/$/);
    expect(args[args.indexOf('--columns') + 1]).toBe('id,email,ssn,country');
    expect(JSON.parse(args[args.indexOf('--transforms') + 1])).toEqual([
      { column: 'email', kind: 'hmac_sha256', key: 'k1' },
      { column: 'ssn', kind: 'drop' },
    ]);
    const load = objs.find((o) => o.type === 'RedshiftCopyActivity')!;
    const out = (task.output as { ref: string }).ref;
    expect(load.input).toEqual({ ref: out });
    expect(checkDefinition(r.definition!).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a config policy is applied at the load when the producer does not transform', () => {
    const r = compileStep(
      fromS3(
        '  - step_type: create-load-redshift',
        '    name: load',
        '    table_definition: tables/users.sql',
      ),
      { configPath: config('  policy: { pii: hmac_sha256 }'), files },
    );
    expect(r.errors).toEqual([]);
    const task = r.objects('load').find((o) => o.type === 'ShellCommandActivity')!;
    const args = task.scriptArgument as string[];
    expect(JSON.parse(args[args.indexOf('--transforms') + 1])).toEqual([
      { column: 'email', kind: 'hmac_sha256', key: 'k1' },
    ]);
  });

  it('load-redshift (no table definition) needs input_columns for its transforms', () => {
    const r = compileStep(
      fromS3(
        '  - step_type: load-redshift',
        '    name: load',
        '    schema: staging',
        '    table: users',
        '    transforms:',
        '      email: hmac_sha256',
      ),
      { configPath: config(), files },
    );
    expect(r.errors.map((e) => [e.code, e.line])).toEqual([['ETL3712', 12]]);
  });
});
