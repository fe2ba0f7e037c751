import { lines, runStepTests } from './harness.js';

runStepTests('upsert', {
  valid: [
    {
      name: 'staging table into analytics, on the primary key',
      yaml: lines(
        'name: events',
        'frequency: daily',
        'steps:',
        '  - step_type: upsert',
        '    name: merge_events',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
      ),
    },
    {
      name: 'query with a filter, no dedupe, no analyze, SCD2 history',
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: upsert',
        '    name: merge_clicks',
        '    sql: SELECT * FROM staging.events',
        "    filter_clause: kind = 'click'",
        '    destination: tables/analytics.events.sql',
        '    history: tables/history.events.sql',
        '    enforce_primary_key: false',
        '    analyze_table: false',
      ),
    },
    {
      name: 'delete_existing replaces the whole table',
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: upsert',
        '    name: replace_events',
        '    script: sql/daily_counts.sql',
        '    destination: tables/analytics.events.sql',
        '    delete_existing: true',
      ),
    },
  ],
  invalid: [
    {
      name: 'no source at all',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: upsert',
        '    destination: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1008', line: 3, column: 5 }],
    },
    {
      name: 'history table without effective_ts/expiration_ts',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: upsert',
        '    sql: SELECT 1',
        '    destination: tables/analytics.events.sql',
        '    history: tables/staging.events.sql',
      ),
      errors: [{ code: 'ETL3112', line: 6, column: 14 }],
    },
    {
      name: 'unknown database connection',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: upsert',
        '    sql: SELECT 1',
        '    destination: tables/analytics.events.sql',
        '    database: warehose',
      ),
      errors: [{ code: 'ETL2021', line: 6, column: 15 }],
    },
  ],
});
