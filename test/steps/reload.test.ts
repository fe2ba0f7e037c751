import { lines, runStepTests } from './harness.js';

runStepTests('reload', {
  valid: [
    {
      name: 'reload from a staging table definition',
      yaml: lines(
        'name: events',
        'frequency: daily',
        'steps:',
        '  - step_type: reload',
        '    name: reload_events',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
      ),
    },
    {
      name: 'reload from a query, no dedupe, no analyze',
      yaml: lines(
        'name: counts',
        'steps:',
        '  - step_type: reload',
        '    name: reload_counts',
        '    destination: tables/analytics.daily_counts.sql',
        '    enforce_primary_key: false',
        '    analyze_table: false',
        '    sql: |',
        '      SELECT TRUNC(occurred_at) AS day, kind, COUNT(*) AS events',
        '      FROM analytics.events GROUP BY 1, 2',
      ),
    },
  ],
  invalid: [
    {
      name: 'delete_existing is not a reload key',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: reload',
        '    source: tables/staging.events.sql',
        '    destination: tables/analytics.events.sql',
        '    delete_existing: false',
      ),
      errors: [{ code: 'ETL1003', line: 6, column: 5 }],
    },
    {
      name: 'source and sql together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: reload',
        '    source: tables/staging.events.sql',
        '    sql: SELECT 1',
        '    destination: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
    {
      name: 'missing destination',
      yaml: lines('name: p', 'steps:', '  - step_type: reload', '    sql: SELECT 1'),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
  ],
});
