import { lines, runStepTests } from './harness.js';

runStepTests('load-postgres', {
  valid: [
    {
      name: 'after extract-redshift, insert_query given',
      yaml: lines(
        'name: events_to_reporting',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-redshift',
        '    name: unload_counts',
        '    schema: analytics',
        '    table: daily_counts',
        '  - step_type: load-postgres',
        '    name: load_counts',
        '    table: public.daily_counts',
        '    insert_query: INSERT INTO public.daily_counts (day, kind, events) VALUES (?, ?, ?)',
      ),
    },
    {
      name: 'insert_query from the table definition; shares the database object with extract-postgres',
      yaml: lines(
        'name: copy_events',
        'steps:',
        '  - step_type: extract-postgres',
        '    name: extract_events',
        '    table: public.events_source',
        '  - step_type: load_postgres',
        '    name: load_events',
        '    database: reporting_db',
        '    table_definition: tables/staging.events.sql',
      ),
    },
  ],
  invalid: [
    {
      name: 'neither insert_query nor table_definition',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-postgres',
        '    input_path: s3://b/in/',
        '    table: t',
      ),
      errors: [{ code: 'ETL1114', line: 3, column: 5 }],
    },
    {
      name: 'database is Redshift',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-postgres',
        '    input_path: s3://b/in/',
        '    table: t',
        '    insert_query: INSERT INTO t VALUES (?)',
        '    database: warehouse',
      ),
      errors: [{ code: 'ETL2022', line: 7, column: 15 }],
    },
    {
      name: 'missing table definition file',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-postgres',
        '    input_path: s3://b/in/',
        '    table_definition: tables/missing.sql',
      ),
      errors: [{ code: 'ETL3102', line: 5, column: 23 }],
    },
  ],
});
