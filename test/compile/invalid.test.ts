/**
 * Invalid pipelines and configs: every case asserts the error code and where it points
 * (line:column in the YAML file, or in the table definition file).
 */
import { describe, expect, it } from 'vitest';
import { compileYaml, errorsOf } from './harness.js';

interface Case {
  name: string;
  yaml: string;
  expect: string; // CODE@line:col
  message?: RegExp;
  hint?: RegExp;
  config?: string;
  files?: Record<string, string>;
  mode?: string;
}

const head = `name: orders
frequency: daily
load_time: "01:00"
steps:
`;
const extract = `  - step_type: extract-rds
    name: extract
    host_name: app_db
    table: orders
`;
const load = `  - step_type: create-load-redshift
    name: load
    table_definition: tables/dev.orders.sql
`;

const cases: Case[] = [
  {
    name: 'YAML syntax error',
    yaml: `name: x\nsteps:\n  - step_type: transform\n   command: ls\n`,
    expect: 'ETL1001@4:1',
  },
  {
    name: 'duplicate YAML key',
    yaml: `name: x\nname: y\nsteps: []\n`,
    expect: 'ETL1001@2:1',
    message: /unique|duplicate/i,
  },
  { name: 'top level is a list', yaml: `- name: x\n`, expect: 'ETL1002@1:1' },
  {
    name: 'unknown top-level key (did you mean)',
    yaml: `name: x\nfrequncy: daily\nsteps:\n${extract}`,
    expect: 'ETL1003@2:1',
    hint: /did you mean 'frequency'/,
  },
  {
    name: 'missing name',
    yaml: `frequency: daily\nsteps:\n${extract}`,
    expect: 'ETL1005@1:1',
    message: /'name'/,
  },
  { name: 'missing steps', yaml: `name: x\n`, expect: 'ETL1005@1:1', message: /'steps'/ },
  { name: 'empty steps', yaml: `name: x\nsteps: []\n`, expect: 'ETL1004@2:8' },
  {
    name: 'wrong type of max_retries',
    yaml: `name: x\nmax_retries: three\nsteps:\n${extract}`,
    expect: 'ETL1004@2:14',
    message: /whole number/,
  },
  { name: 'pipeline name with spaces', yaml: `name: my pipeline\nsteps:\n${extract}`, expect: 'ETL1004@1:7' },
  {
    name: 'unknown step key (did you mean)',
    yaml: `${head}  - step_type: extract-rds\n    host_name: app_db\n    tabel: orders\n`,
    expect: 'ETL1003@7:5',
    hint: /did you mean 'table'/,
  },
  {
    name: 'unknown step type (did you mean)',
    yaml: `${head}  - step_type: extract-rsd\n    host_name: app_db\n`,
    expect: 'ETL1007@5:16',
    hint: /did you mean 'extract-rds'/,
  },
  { name: 'step without step_type', yaml: `${head}  - name: a\n    table: x\n`, expect: 'ETL1005@5:5' },
  { name: 'step that is not a mapping', yaml: `${head}  - extract-rds\n`, expect: 'ETL1004@5:5' },
  {
    name: 'missing required parameter',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    name: load\n`,
    expect: 'ETL1005@9:5',
    message: /table_definition/,
  },
  {
    name: 'mutually exclusive parameters',
    yaml: `${head}${extract}    sql: SELECT 1\n`,
    expect: 'ETL1009@9:5',
    message: /table and sql/,
  },
  {
    name: 'neither of exactly-one parameters',
    yaml: `${head}  - step_type: extract-rds\n    host_name: app_db\n`,
    expect: 'ETL1008@5:5',
  },
  { name: 'wrong value type in a step', yaml: `${head}${extract}    splits: two\n`, expect: 'ETL1004@9:13' },
  {
    name: 'bad enum value',
    yaml: `${head}${extract}${load}    insert_mode: UPSERT\n`,
    expect: 'ETL1006@12:18',
    hint: /OVERWRITE_EXISTING|TRUNCATE/,
  },
  {
    name: 'duplicate step name',
    yaml: `${head}${extract}  - step_type: extract-rds\n    name: extract\n    host_name: app_db\n    table: other\n`,
    expect: 'ETL1013@10:11',
  },
  {
    name: 'depends_on a missing step',
    yaml: `${head}${extract}${load}    depends_on: extrct\n`,
    expect: 'ETL1014@12:17',
    hint: /did you mean 'extract'/,
  },
  {
    name: 'depends_on a later step',
    yaml: `${head}  - step_type: sql-command\n    name: first\n    command: SELECT 1\n    depends_on: [second]\n  - step_type: sql-command\n    name: second\n    command: SELECT 2\n`,
    expect: 'ETL1014@8:18',
    message: /later step/,
  },
  {
    name: 'input_node naming a missing step',
    yaml: `${head}${extract}${load}    input_node: nothere\n`,
    expect: 'ETL1014@12:17',
  },
  {
    name: 'input_node naming a later step',
    yaml: `${head}  - step_type: create-load-redshift\n    name: load\n    table_definition: tables/dev.orders.sql\n    input_node: extract\n${extract}`,
    expect: 'ETL1014@8:17',
    message: /later step/,
  },
  {
    name: 'input_node on a step without S3 output',
    yaml: `${head}  - step_type: sql-command\n    name: prep\n    command: SELECT 1\n${load}    input_node: prep\n`,
    expect: 'ETL1015@11:17',
  },
  {
    name: 'input_node as a non-empty list',
    yaml: `${head}${extract}${load}    input_node: [extract]\n`,
    expect: 'ETL1004@12:17',
  },
  { name: 'load without any input', yaml: `${head}${load}`, expect: 'ETL1016@5:5' },
  {
    name: 'bad frequency',
    yaml: `name: x\nfrequency: fortnightly\nsteps:\n${extract}`,
    expect: 'ETL1010@2:12',
  },
  { name: 'bad load_time', yaml: `name: x\nload_time: "25:00"\nsteps:\n${extract}`, expect: 'ETL1011@2:12' },
  {
    name: 'load_time in 12-hour form',
    yaml: `name: x\nload_time: 1pm\nsteps:\n${extract}`,
    expect: 'ETL1011@2:12',
  },
  {
    name: 'bad start date-time',
    yaml: `name: x\nstart: next monday\nsteps:\n${extract}`,
    expect: 'ETL1012@3:8'.replace('3:8', '2:8'),
  },
  {
    name: 'missing table_definition file',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/nope.sql\n`,
    expect: 'ETL3102@10:23',
    hint: /resource_base_path|YAML file/,
  },
  {
    name: 'unparsable CREATE TABLE',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/bad.sql\n`,
    files: { 'tables/bad.sql': 'CREATE TABLE t (\n  id INTEGER,\n  name\n);\n' },
    expect: 'ETL3101@3:3',
    message: /no type/,
  },
  {
    name: 'CREATE TABLE with unbalanced parentheses',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/bad.sql\n`,
    files: { 'tables/bad.sql': 'CREATE TABLE t (id INTEGER, amount DECIMAL(10,2);\n' },
    expect: 'ETL3101@1:16',
  },
  {
    name: 'PRIMARY KEY naming an unknown column',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/bad.sql\n`,
    files: { 'tables/bad.sql': 'CREATE TABLE t (\n  id INTEGER,\n  PRIMARY KEY (idd)\n);\n' },
    expect: 'ETL3101@3:16',
    message: /idd/,
  },
  {
    name: 'two statements in a table definition',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/bad.sql\n`,
    files: { 'tables/bad.sql': 'CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n' },
    expect: 'ETL3101@2:1',
  },
  {
    name: 'not a CREATE statement',
    yaml: `${head}${extract}  - step_type: create-load-redshift\n    table_definition: tables/bad.sql\n`,
    files: { 'tables/bad.sql': 'SELECT 1;\n' },
    expect: 'ETL3101@1:1',
  },
  {
    name: 'upsert without a primary key',
    yaml: `${head}  - step_type: upsert\n    source: tables/dev.orders.sql\n    destination: tables/dev.orders_stage.sql\n`,
    expect: 'ETL3111@7:18',
  },
  {
    name: 'upsert with two sources',
    yaml: `${head}  - step_type: upsert\n    source: tables/dev.orders_stage.sql\n    sql: SELECT 1\n    destination: tables/dev.orders.sql\n`,
    expect: 'ETL1009@7:5',
  },
  {
    name: 'unknown connection name (did you mean)',
    yaml: `${head}  - step_type: extract-rds\n    host_name: app_bd\n    table: orders\n`,
    expect: 'ETL2021@6:16',
    hint: /did you mean 'app_db'/,
  },
  {
    name: 'connection of the wrong engine',
    yaml: `${head}  - step_type: extract-rds\n    host_name: warehouse\n    table: orders\n`,
    expect: 'ETL2022@6:16',
  },
  {
    name: 'missing databases section the pipeline needs',
    yaml: `${head}${extract}`,
    config: 'aws:\n  s3_bucket: b\n',
    expect: 'ETL2021@7:16',
    hint: /no `databases:` section/,
  },
  {
    name: 'no warehouse configured for a load',
    yaml: `${head}${extract}${load}`,
    config: 'aws:\n  s3_bucket: b\ndatabases:\n  app_db:\n    engine: mysql\n    host: h\n',
    expect: 'ETL2020@9:5',
  },
  {
    name: 'sql-command script file missing',
    yaml: `${head}  - step_type: sql-command\n    script: sql/missing.sql\n`,
    expect: 'ETL3102@6:13',
  },
  {
    name: 'unknown create-load-redshift script argument',
    yaml: `${head}${extract}${load}    script_arguments: [--max_eror=5]\n`,
    expect: 'ETL1020@12:23',
  },
  {
    name: 'transform script_directory without script_name',
    yaml: `${head}  - step_type: transform\n    script_directory: scripts/\n`,
    expect: 'ETL1017@6:23',
  },
  {
    name: 'unknown config key (did you mean)',
    yaml: `${head}${extract}`,
    config: 'aws:\n  s3_buckt: b\n',
    expect: 'ETL2002@2:3',
    hint: /did you mean 's3_bucket'/,
  },
  {
    name: 'bad database engine in config',
    yaml: `${head}${extract}`,
    config: 'databases:\n  app_db:\n    engine: oracle\n',
    // At its line since issue 12 (it used to be only in the message).
    expect: 'ETL2006@3:-',
  },
  {
    name: 'local.overlap_steps that is not a boolean',
    yaml: `${head}${extract}`,
    config: 'local:\n  overlap_steps: sometimes\n',
    expect: 'ETL2009@2:-',
    hint: /overlap_steps: false/,
  },
  {
    name: 'unsupported password reference in config',
    yaml: `${head}${extract}`,
    config: 'databases:\n  app_db:\n    engine: mysql\n    password: ${vault:db}\n',
    expect: 'ETL2008@4:-',
  },
  {
    name: 'unknown mode',
    yaml: `${head}${extract}`,
    mode: 'prodution',
    expect: 'ETL2004@-:-',
    hint: /did you mean 'production'/,
  },
  {
    name: 'aws target without an S3 bucket',
    yaml: `${head}${extract}`,
    mode: 'production',
    config: 'databases:\n  app_db:\n    engine: mysql\n    host: h\nmodes:\n  production:\n    target: aws\n',
    expect: 'ETL2030@1:7',
  },
];

describe('invalid input', () => {
  it.each(cases)('$name → $expect', (c) => {
    const out = compileYaml(c.yaml, { config: c.config, files: c.files, mode: c.mode });
    const errors = errorsOf(out);
    expect(errors, JSON.stringify(out.diagnostics, null, 2)).toContain(c.expect);
    expect(out.definition).toBeUndefined();
    const d = out.diagnostics.find((x) => `${x.code}@${x.line ?? '-'}:${x.column ?? '-'}` === c.expect)!;
    if (c.message) expect(d.message).toMatch(c.message);
    if (c.hint) expect(d.hint ?? '').toMatch(c.hint);
  });

  it('reports every error in a file at once, not just the first', () => {
    const out = compileYaml(
      `name: x\nfrequency: fortnightly\nload_time: "99:99"\nsteps:\n  - step_type: extract-rsd\n  - step_type: upsert\n    destination: tables/nope.sql\n    sql: SELECT 1\n`,
    );
    expect(errorsOf(out)).toEqual(
      expect.arrayContaining(['ETL1010@2:12', 'ETL1011@3:12', 'ETL1007@5:16', 'ETL3102@7:18']),
    );
  });
});
