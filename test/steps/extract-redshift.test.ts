import { lines, runStepTests } from './harness.js';

runStepTests('extract-redshift', {
  valid: [
    {
      name: 'unload a table to the step data folder',
      yaml: lines(
        'name: export_events',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-redshift',
        '    name: unload_events',
        '    schema: analytics',
        '    table: events',
      ),
    },
    {
      name: 'insert_mode and output_path',
      yaml: lines(
        'name: export_events',
        'steps:',
        '  - step_type: extract_redshift',
        '    name: unload_events',
        '    schema: analytics',
        '    table: events',
        '    insert_mode: OVERWRITE_EXISTING',
        '    output_path: s3://acme-etl/exports/events/',
      ),
    },
  ],
  invalid: [
    {
      name: 'schema in the table name',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-redshift',
        '    schema: analytics',
        '    table: analytics.events',
      ),
      errors: [{ code: 'ETL1111', line: 5, column: 12 }],
    },
    {
      name: 'missing schema',
      yaml: lines('name: p', 'steps:', '  - step_type: extract-redshift', '    table: events'),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
    {
      name: 'database is MySQL',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-redshift',
        '    schema: a',
        '    table: b',
        '    database: app_db',
      ),
      errors: [{ code: 'ETL2022', line: 6, column: 15 }],
    },
  ],
});
