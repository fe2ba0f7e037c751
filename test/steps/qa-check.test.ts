/** qa-check: dbt-style data tests compiled to one `etlctl task qa-check` activity. */
import { describe, expect, it } from 'vitest';
import { compileStep, lines, runStepTests } from './harness.js';

const head = ['name: events_qa', 'frequency: daily', 'steps:'];
const NO_PK = { 'tables/qa_nopk.sql': 'CREATE TABLE analytics.qa_nopk (a INTEGER, b VARCHAR(10));\n' };

runStepTests('qa-check', {
  valid: [
    {
      name: 'every check kind on a table definition',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    name: events_tests',
        '    table_definition: tables/analytics.events.sql',
        '    checks:',
        '      - check: primary-key',
        '      - check: not-null',
        '        columns: [user_id, kind]',
        '      - check: unique',
        '        columns: [id]',
        '      - check: accepted-values',
        '        column: kind',
        '        values: [click, view, purchase]',
        '        threshold: 10',
        '      - check: row-count',
        '        source_host: app_db',
        '        source_sql: SELECT id FROM events',
        '        tolerance: 0.5',
        '      - check: column-sample',
        '        name: events_sample',
        '        severity: warn',
        '        source_host: app_db',
        '        source_sql: SELECT id, user_id, kind FROM events',
        '        sql_tail_for_source: ORDER BY RAND() LIMIT LIMIT_PLACEHOLDER',
        '        sample_size: 25',
        '      - check: sql',
        '        name: no_future_events',
        '        severity: warn',
        "        sql: SELECT id FROM analytics.events WHERE occurred_at > '#{format(@scheduledEndTime,'YYYY-MM-dd')}'",
      ),
    },
    {
      name: 'table by name, error checks only: no warning alarm',
      yaml: lines(
        ...head,
        '  - step_type: qa_check',
        '    name: counts_tests',
        '    table: analytics.daily_counts',
        '    database: reporting_db',
        '    checks:',
        '      - check: primary-key',
        '        columns: [day, kind]',
        '      - check: sql',
        '        database: app_db',
        '        sql: SELECT 1 FROM users WHERE email IS NULL',
      ),
    },
    {
      name: 'step severity warn and log_to_s3, without a warning topic',
      mode: 'no_alerts',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    name: soft_tests',
        '    table_definition: tables/analytics.events.sql',
        '    severity: warn',
        '    log_to_s3: true',
        '    checks:',
        '      - check: not-null',
        '        columns: [payload]',
        '        threshold: 100',
      ),
    },
  ],
  invalid: [
    {
      name: 'unknown check kind (did you mean)',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: primay-key',
      ),
      errors: [{ code: 'ETL3201', line: 7, column: 16 }],
    },
    {
      name: 'check without a kind',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - columns: [a]',
      ),
      errors: [{ code: 'ETL1005', line: 7, column: 9 }],
    },
    {
      name: 'not-null without columns',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: not-null',
      ),
      errors: [{ code: 'ETL1005', line: 7, column: 9 }],
    },
    {
      name: 'unknown key in a check (did you mean)',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: unique',
        '        colums: [a]',
      ),
      // One mistake, one error (issue 18): no "missing required key 'columns'" beside it.
      errors: [{ code: 'ETL1003', line: 8, column: 9 }],
    },
    {
      name: 'bad severity',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: unique',
        '        columns: [a]',
        '        severity: warning',
      ),
      errors: [{ code: 'ETL1006', line: 9, column: 19 }],
    },
    {
      name: 'column not in the table definition (did you mean)',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table_definition: tables/analytics.events.sql',
        '    checks:',
        '      - check: not-null',
        '        columns: [user_id, kidn]',
      ),
      errors: [{ code: 'ETL3204', line: 8, column: 28 }],
    },
    {
      name: 'row-count without source_host',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: row-count',
        '        source_sql: SELECT 1',
      ),
      errors: [{ code: 'ETL1005', line: 7, column: 9 }],
    },
    {
      name: 'row-count without any source query',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: row-count',
        '        source_host: app_db',
      ),
      errors: [{ code: 'ETL3206', line: 7, column: 16 }],
    },
    {
      name: 'row-count with an unknown source connection',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: row-count',
        '        source_host: app',
        '        source_table: t',
      ),
      errors: [{ code: 'ETL2021', line: 8, column: 22 }],
    },
    {
      name: 'column-sample tail without LIMIT_PLACEHOLDER',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table_definition: tables/analytics.events.sql',
        '    checks:',
        '      - check: column-sample',
        '        source_host: app_db',
        '        source_sql: SELECT * FROM events',
        '        sql_tail_for_source: LIMIT 10',
      ),
      errors: [{ code: 'ETL3207', line: 10, column: 30 }],
    },
    {
      name: 'primary-key on a table without a key',
      files: NO_PK,
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table_definition: tables/qa_nopk.sql',
        '    checks:',
        '      - check: primary-key',
      ),
      errors: [{ code: 'ETL3205', line: 7, column: 16 }],
    },
    {
      name: 'table check without a table',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    checks:',
        '      - check: unique',
        '        columns: [a]',
      ),
      errors: [{ code: 'ETL3203', line: 6, column: 16 }],
    },
    {
      name: 'tolerance and threshold together',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: row-count',
        '        source_host: app_db',
        '        source_table: t',
        '        tolerance: 1',
        '        threshold: 1',
      ),
      errors: [{ code: 'ETL3208', line: 11, column: 20 }],
    },
    {
      name: 'empty checks list',
      yaml: lines(...head, '  - step_type: qa-check', '    table: a.b', '    checks: []'),
      errors: [{ code: 'ETL1004', line: 6, column: 13 }],
    },
    {
      name: 'unknown step database',
      yaml: lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    database: warehous',
        '    checks:',
        '      - check: unique',
        '        columns: [a]',
      ),
      errors: [{ code: 'ETL2021', line: 6, column: 15 }],
    },
  ],
});

describe('qa-check: messages', () => {
  it('reports every wrong check of a step at once', () => {
    const r = compileStep(
      lines(
        ...head,
        '  - step_type: qa-check',
        '    table_definition: tables/analytics.events.sql',
        '    checks:',
        '      - check: primay-key',
        '      - check: not-null',
        '      - check: accepted-values',
        '        column: knd',
        '        values: [a]',
        '        severity: warning',
        '      - check: row-count',
        '        source_sql: SELECT 1',
      ),
    );
    expect(r.errors.map((e) => `${e.code}@${e.line}:${e.column}`)).toEqual([
      'ETL3201@7:16',
      'ETL1005@8:9',
      'ETL1006@12:19',
      'ETL1005@13:9',
    ]);
  });
  it('suggests the closest check kind', () => {
    const r = compileStep(
      lines(
        ...head,
        '  - step_type: qa-check',
        '    table: a.b',
        '    checks:',
        '      - check: not_null',
        '        columns: [a]',
      ),
    );
    const d = r.diagnostics.find((x) => x.code === 'ETL3201');
    expect(d?.message).toBe("unknown check 'not_null'");
    expect(d?.hint).toMatch(/did you mean 'not-null'/);
  });
  it('suggests the closest column of the table definition', () => {
    const r = compileStep(
      lines(
        ...head,
        '  - step_type: qa-check',
        '    table_definition: tables/analytics.events.sql',
        '    checks:',
        '      - check: accepted-values',
        '        column: knd',
        '        values: [a]',
      ),
    );
    const d = r.diagnostics.find((x) => x.code === 'ETL3204');
    expect(d?.message).toContain("'knd'");
    expect(d?.hint).toMatch(/did you mean 'kind'/);
  });
});
