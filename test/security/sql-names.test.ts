/**
 * SQL built from names (issue 12): table and column names are parsed as identifiers, a name that
 * is not one is an error at its YAML line, and every name is quoted where it must be when SQL is
 * built — in every step type, the templates, the QA task and the local engine's drivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ref } from '../../src/definition/model.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { runCopyActivity } from '../../src/local/activities/copy.js';
import { ident } from '../../src/tasks/qa-run.js';
import { parseQualifiedName, quoteIdent, renderName } from '../../src/spec/sql-identifiers.js';
import { compileStep, lines } from '../steps/harness.js';
import { harness, MY_URL, obj } from '../local-data/helpers.js';
import type { Harness } from '../local-data/helpers.js';

const INJECTION = 'src WHERE id < 3; DROP TABLE victim';
const head = ['name: p', 'steps:'];

function errorAt(yaml: string, files?: Record<string, string>) {
  return compileStep(yaml, { files }).diagnostics.filter((d) => d.severity === 'error');
}

function fieldOf(yaml: string, id: string, field: string, files?: Record<string, string>): unknown {
  const r = compileStep(yaml, { files });
  expect(r.errors, JSON.stringify(r.diagnostics)).toEqual([]);
  return r.definition!.objects.find((o) => o.id === id)?.fields[field];
}

describe('identifiers', () => {
  it.each([
    ['events', 'events'],
    ['analytics.events', 'analytics.events'],
    ['Analytics.Events', 'Analytics.Events'], // bare: the database folds it, as the user wrote it
    ['"Sales Data"', '"Sales Data"'],
    ['"it;ems"', '"it;ems"'],
    ['rel."it""s"', 'rel."it""s"'],
    ['"items"', 'items'],
    ['order', '"order"'],
    ['Order', '"order"'],
  ])('%s is rendered as %s', (text, sql) => {
    const parsed = parseQualifiedName(text);
    expect('parts' in parsed && renderName(parsed.parts)).toBe(sql);
  });

  it.each([INJECTION, 'x; DROP TABLE y', 'a b', "t'--", '"unclosed', 'a.b.c', '', 'a.', 'x)--'])(
    '%j is not a name',
    (text) => {
      expect('error' in parseQualifiedName(text)).toBe(true);
    },
  );

  it('quotes names from table definitions exactly, with the dialect quote doubled inside', () => {
    expect(quoteIdent('it;ems')).toBe('"it;ems"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent('a`b', 'mysql')).toBe('`a``b`');
    expect(quoteIdent('events')).toBe('events');
  });
});

describe('a bad name is an error at its YAML line, in every step type that takes one', () => {
  const cases: [string, string[], number, number][] = [
    [
      'extract-rds table',
      ['  - step_type: extract-rds', '    host_name: app_db', `    table: "${INJECTION}"`],
      5,
      12,
    ],
    [
      'extract-postgres table',
      ['  - step_type: extract-postgres', '    host_name: reporting_db', '    table: "x; DROP TABLE y"'],
      5,
      12,
    ],
    [
      'load-redshift table',
      [
        '  - step_type: load-redshift',
        '    input_path: s3://acme-etl/in/',
        '    schema: analytics',
        '    table: "x; DROP TABLE y"',
      ],
      6,
      12,
    ],
    [
      'load-redshift schema',
      [
        '  - step_type: load-redshift',
        '    input_path: s3://acme-etl/in/',
        '    schema: "a b"',
        '    table: t',
      ],
      5,
      13,
    ],
    [
      'extract-redshift table',
      ['  - step_type: extract-redshift', '    schema: analytics', '    table: "t\' OR 1=1"'],
      5,
      12,
    ],
    [
      'load-postgres table',
      [
        '  - step_type: load-postgres',
        '    input_path: s3://acme-etl/in/',
        '    database: reporting_db',
        '    table: "t; DELETE FROM u"',
        '    insert_query: INSERT INTO t VALUES (?)',
      ],
      6,
      12,
    ],
    [
      'qa-check table',
      [
        '  - step_type: qa-check',
        '    table: "t; drop"',
        '    checks:',
        '      - check: not-null',
        '        columns: [id]',
      ],
      4,
      12,
    ],
    [
      'qa-check column',
      [
        '  - step_type: qa-check',
        '    table: a.t',
        '    checks:',
        '      - check: not-null',
        '        columns: ["id) OR (1=1"]',
      ],
      7,
      19,
    ],
    [
      'qa-check accepted-values column',
      [
        '  - step_type: qa-check',
        '    table: a.t',
        '    checks:',
        '      - check: accepted-values',
        '        column: "s --"',
        '        values: [a]',
      ],
      7,
      17,
    ],
    [
      'qa-check row-count source_table',
      [
        '  - step_type: qa-check',
        '    table: a.t',
        '    checks:',
        '      - check: row-count',
        '        source_host: app_db',
        '        source_table: "src; DROP TABLE victim"',
      ],
      8,
      23,
    ],
    [
      'count-check tables',
      [
        '  - step_type: count-check',
        '    source_host: app_db',
        '    source_table_name: "s t"',
        '    destination_table_name: a.t',
      ],
      5,
      24,
    ],
  ];
  it.each(cases)('%s', (_name, step, line, column) => {
    const errors = errorAt(lines(...head, ...step));
    expect(errors.map((e) => `${e.code}@${e.line}:${e.column}`)).toEqual([`ETL1200@${line}:${column}`]);
    expect(errors[0].hint).toMatch(/is a name, not SQL/);
  });

  it('a dotted Redshift table name keeps its own error (give the schema separately)', () => {
    const errors = errorAt(
      lines(
        ...head,
        '  - step_type: load-redshift',
        '    input_path: s3://acme-etl/in/',
        '    schema: a',
        '    table: b.c',
      ),
    );
    expect(errors.map((e) => e.code)).toEqual(['ETL1111']);
  });

  it('a query parameter run as one statement must be one (extract sql)', () => {
    const errors = errorAt(
      lines(
        ...head,
        '  - step_type: extract-rds',
        '    host_name: app_db',
        '    sql: SELECT 1; DROP TABLE victim',
      ),
    );
    expect(errors.map((e) => `${e.code}@${e.line}`)).toEqual(['ETL1202@5']);
    // A ';' inside a string or a trailing one is fine.
    const ok = compileStep(
      lines(...head, '  - step_type: extract-rds', '    host_name: app_db', "    sql: SELECT 'a;b' AS x;"),
    );
    expect(ok.errors).toEqual([]);
  });
});

describe('names are quoted when SQL is built', () => {
  it('extract-rds quotes a table for MySQL with backticks, for PostgreSQL with double quotes', () => {
    const my = lines(
      ...head,
      '  - step_type: extract-rds',
      '    name: e',
      '    host_name: app_db',
      '    table: "`weird name`"',
    );
    expect(fieldOf(my, 'e.Source', 'selectQuery')).toBe('SELECT * FROM `weird name`');
    const myReserved = lines(
      ...head,
      '  - step_type: extract-rds',
      '    name: e',
      '    host_name: app_db',
      '    table: order',
    );
    expect(fieldOf(myReserved, 'e.Source', 'selectQuery')).toBe('SELECT * FROM `order`');
    const pg = lines(
      ...head,
      '  - step_type: extract-postgres',
      '    name: e',
      '    host_name: reporting_db',
      '    table: \'public."Sales Data"\'',
    );
    expect(fieldOf(pg, 'e.Source', 'selectQuery')).toBe('SELECT * FROM public."Sales Data"');
  });

  it('the upsert template keeps identifier quotes (rel."it;ems" stays one name)', () => {
    const files = {
      'tables/rel.items.sql':
        'CREATE TABLE rel."it;ems" (\n  "id x" INTEGER PRIMARY KEY,\n  "v\'al" VARCHAR(10)\n);\n',
    };
    const yaml = lines(
      ...head,
      '  - step_type: upsert',
      '    name: u',
      '    sql: SELECT 1 AS "id x", \'a\' AS "v\'al"',
      '    destination: tables/rel.items.sql',
    );
    const script = String(fieldOf(yaml, 'u.Upsert', 'script', files));
    expect(script).toContain('CREATE TEMPORARY TABLE "it;ems_etlctl_stage" (LIKE rel."it;ems");');
    expect(script).toContain('INSERT INTO "it;ems_etlctl_stage" ("id x", "v\'al")');
    expect(script).toContain('PARTITION BY "id x"');
    expect(script).not.toMatch(/[^"]it;ems_etlctl/);
  });

  it('load-reload-pk quotes names and keeps a quote in a name out of its message literal', () => {
    const files = {
      'tables/stage.sql': 'CREATE TABLE s."o\'k" (id INTEGER);\n',
      'tables/prod.sql': 'CREATE TABLE p."o\'k" (id INTEGER PRIMARY KEY);\n',
    };
    const yaml = lines(
      ...head,
      '  - step_type: load-reload-pk',
      '    name: l',
      '    input_path: s3://acme-etl/in/',
      '    staging_table_definition: tables/stage.sql',
      '    production_table_definition: tables/prod.sql',
    );
    const check = String(fieldOf(yaml, 'l.PrimaryKeyCheck', 'script', files));
    expect(check).toContain(`of (id) in p."o''k"' AS INTEGER)`);
    expect(check).toContain(`FROM p."o'k" GROUP BY id`);
  });

  it('the QA task quotes check names for its database and refuses text that is not a name', async () => {
    const fake = (kind: 'postgres' | 'mysql') =>
      ({
        kind,
        quoteIdent: (n: string) =>
          kind === 'mysql' ? '`' + n.replace(/`/g, '``') + '`' : '"' + n.replace(/"/g, '""') + '"',
      }) as unknown as Driver;
    expect(ident(fake('postgres'), 'analytics.events')).toBe('"analytics"."events"');
    expect(ident(fake('postgres'), 'rel."it;ems"')).toBe('"rel"."it;ems"');
    expect(ident(fake('mysql'), 'rel."it;ems"')).toBe('`rel`.`it;ems`');
    expect(ident(fake('postgres'), 'Analytics.Events')).toBe('Analytics.Events');
    expect(() => ident(fake('postgres'), 'x; DROP TABLE y')).toThrow(/ETL1200/);
  });
});

describe('MariaDB: one statement per query', () => {
  let my: Driver;
  let h: Harness;
  beforeAll(async () => {
    my = await openDriver(MY_URL);
    await my.exec(
      "DROP TABLE IF EXISTS sqlnames_victim; DROP TABLE IF EXISTS sqlnames_src; CREATE TABLE sqlnames_victim (id INT); CREATE TABLE sqlnames_src (id INT, s TEXT); INSERT INTO sqlnames_src VALUES (1, 'a;b'), (5, 'c')",
    );
    h = await harness();
    h.urls.set('My', MY_URL);
    h.add(obj('My', { type: 'RdsDatabase' }));
  });
  afterAll(async () => {
    await my.exec('DROP TABLE IF EXISTS sqlnames_victim; DROP TABLE IF EXISTS sqlnames_src');
    await my.close();
    await h.close();
  });

  it('a query holding a second statement fails and runs nothing', async () => {
    await expect(
      my.query('SELECT * FROM sqlnames_src WHERE id < 3; DROP TABLE sqlnames_victim'),
    ).rejects.toThrow(/ETL7002/);
    expect(Number((await my.query('SELECT COUNT(*) AS n FROM sqlnames_victim')).rows[0].n)).toBe(0);
  });

  it('a script is split safely: a ; inside a string stays in the string', async () => {
    expect((await my.query('SELECT s FROM sqlnames_src WHERE id = 1')).rows).toEqual([{ s: 'a;b' }]);
  });

  it('a hand-written definition naming a table with SQL in it cannot run that SQL', async () => {
    h.add(
      obj('Src', {
        type: 'SqlDataNode',
        database: ref('My'),
        table: 'sqlnames_src WHERE id < 3; DROP TABLE sqlnames_victim',
      }),
      obj('Quoted', {
        type: 'SqlDataNode',
        database: ref('My'),
        table: '`a`; DROP TABLE sqlnames_victim; --`',
      }),
      obj('Out', { type: 'S3DataNode', directoryPath: 's3://bkt/sqlnames/' }),
    );
    for (const input of ['Src', 'Quoted']) {
      const act = obj(`Copy${input}`, { type: 'CopyActivity', input: ref(input), output: ref('Out') });
      await expect(runCopyActivity(h.ctx(act))).rejects.toThrow(/doesn't exist|ETL7002/);
    }
    expect(Number((await my.query('SELECT COUNT(*) AS n FROM sqlnames_victim')).rows[0].n)).toBe(0);
  });
});
