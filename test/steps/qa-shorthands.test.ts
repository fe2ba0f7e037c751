/** Dataduct's primary-key-check, count-check and column-check: one-check shorthands of qa-check. */
import { describe, expect, it } from 'vitest';
import { compileStep, lines, runStepTests } from './harness.js';

const head = ['name: events_qa', 'frequency: daily', 'steps:'];
const NO_PK = { 'tables/qa_nopk.sql': 'CREATE TABLE analytics.qa_nopk (a INTEGER, b VARCHAR(10));\n' };

runStepTests('qa-primary-key-check', {
  valid: [
    {
      name: 'warning topic configured: warn (Dataduct publishes and succeeds)',
      yaml: lines(
        ...head,
        '  - step_type: primary-key-check',
        '    name: events_pk',
        '    table_definition: tables/analytics.daily_counts.sql',
        '    log_to_s3: true',
      ),
    },
    {
      name: 'no warning topic: error',
      mode: 'no_alerts',
      yaml: lines(
        ...head,
        '  - step_type: primary_key_check',
        '    name: events_pk',
        '    table_definition: tables/analytics.events.sql',
      ),
    },
    {
      name: 'script_arguments are accepted but ignored',
      yaml: lines(
        ...head,
        '  - step_type: primary-key-check',
        '    name: events_pk',
        '    table_definition: tables/analytics.events.sql',
        '    severity: error',
        '    script_arguments: [--verbose]',
      ),
      warnings: ['ETL3216'],
    },
  ],
  invalid: [
    {
      name: 'missing table_definition',
      yaml: lines(...head, '  - step_type: primary-key-check', '    name: pk'),
      errors: [{ code: 'ETL1005', line: 4, column: 5 }],
    },
    {
      name: 'table without a primary key',
      files: NO_PK,
      yaml: lines(...head, '  - step_type: primary-key-check', '    table_definition: tables/qa_nopk.sql'),
      errors: [{ code: 'ETL3205', line: 5, column: 23 }],
    },
    {
      name: 'table definition file not found',
      yaml: lines(...head, '  - step_type: primary-key-check', '    table_definition: tables/nope.sql'),
      errors: [{ code: 'ETL3102', line: 5, column: 23 }],
    },
  ],
});

runStepTests('qa-count-check', {
  valid: [
    {
      name: 'source sql vs destination table name (default tolerance 1%)',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    name: events_count',
        '    source_host: app_db',
        '    source_sql: SELECT id FROM events WHERE deleted = 0',
        '    destination_table_name: analytics.events',
      ),
    },
    {
      name: 'source count sql vs destination sql, tolerance 0, severity error',
      yaml: lines(
        ...head,
        '  - step_type: count_check',
        '    name: events_count',
        '    source_host: app_db',
        '    source_count_sql: SELECT COUNT(*) FROM events',
        '    destination_sql: SELECT id FROM analytics.events',
        '    tolerance: 0',
        '    severity: error',
      ),
    },
    {
      name: 'source table vs destination table definition, logged to S3',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    name: events_count',
        '    source_host: app_db',
        '    source_table_name: events',
        '    destination_table_definition: tables/analytics.events.sql',
        '    log_to_s3: true',
      ),
    },
  ],
  invalid: [
    {
      name: 'missing source_host',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    source_sql: SELECT 1',
        '    destination_table_name: a.b',
      ),
      errors: [{ code: 'ETL1005', line: 4, column: 5 }],
    },
    {
      name: 'two source forms',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    source_host: app_db',
        '    source_sql: SELECT 1',
        '    source_table_name: t',
        '    destination_table_name: a.b',
      ),
      errors: [{ code: 'ETL1009', line: 7, column: 5 }],
    },
    {
      name: 'no destination',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    source_host: app_db',
        '    source_sql: SELECT 1',
      ),
      errors: [{ code: 'ETL1008', line: 4, column: 5 }],
    },
    {
      name: 'negative tolerance',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    source_host: app_db',
        '    source_sql: SELECT 1',
        '    destination_table_name: a.b',
        '    tolerance: -1',
      ),
      errors: [{ code: 'ETL1004', line: 8, column: 16 }],
    },
    {
      name: 'unknown source connection',
      yaml: lines(
        ...head,
        '  - step_type: count-check',
        '    source_host: appdb',
        '    source_sql: SELECT 1',
        '    destination_table_name: a.b',
      ),
      errors: [{ code: 'ETL2021', line: 5, column: 18 }],
    },
  ],
});

runStepTests('qa-column-check', {
  valid: [
    {
      name: 'sample against a destination table definition',
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    name: events_columns',
        '    source_host: app_db',
        '    source_sql: SELECT id, user_id, kind FROM events',
        '    sql_tail_for_source: ORDER BY RAND() LIMIT LIMIT_PLACEHOLDER',
        '    sample_size: 50',
        '    tolerance: 2.5',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
    },
    {
      name: 'destination sql (keys first, value last), defaults',
      mode: 'no_alerts',
      yaml: lines(
        ...head,
        '  - step_type: column_check',
        '    name: events_columns',
        '    source_host: app_db',
        '    source_sql: SELECT id, kind FROM events',
        '    destination_sql: SELECT id, kind AS merged_string FROM analytics.events',
      ),
    },
  ],
  invalid: [
    {
      name: 'sql_tail_for_source without LIMIT_PLACEHOLDER',
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    source_sql: SELECT id FROM events',
        '    sql_tail_for_source: ORDER BY RAND() LIMIT 100',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL3207', line: 7, column: 26 }],
    },
    {
      name: 'both destination forms',
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    source_sql: SELECT id FROM events',
        '    destination_sql: SELECT id, x FROM t',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1009', line: 7, column: 5 }],
    },
    {
      name: 'missing source_sql',
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1005', line: 4, column: 5 }],
    },
    {
      name: 'sample_size is not a whole number',
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    source_sql: SELECT id FROM events',
        '    sample_size: 1.5',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1004', line: 7, column: 18 }],
    },
    {
      name: 'destination table without a primary key',
      files: NO_PK,
      yaml: lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    source_sql: SELECT a FROM t',
        '    destination_table_definition: tables/qa_nopk.sql',
      ),
      errors: [{ code: 'ETL3205', line: 7, column: 35 }],
    },
  ],
});

describe('QA shorthands: messages', () => {
  it('LIMIT_PLACEHOLDER error shows an example', () => {
    const r = compileStep(
      lines(
        ...head,
        '  - step_type: column-check',
        '    source_host: app_db',
        '    source_sql: SELECT 1',
        '    sql_tail_for_source: LIMIT 5',
        '    destination_table_definition: tables/analytics.events.sql',
      ),
    );
    const d = r.diagnostics.find((x) => x.code === 'ETL3207');
    expect(d?.message).toContain('LIMIT_PLACEHOLDER');
    expect(d?.hint).toContain('LIMIT LIMIT_PLACEHOLDER');
  });
});
