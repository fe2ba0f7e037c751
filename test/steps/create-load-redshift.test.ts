import { lines, runStepTests } from './harness.js';

const extract = [
  '  - step_type: extract-rds',
  '    name: extract',
  '    host_name: app_db',
  '    table: events',
];

runStepTests('create-load-redshift', {
  valid: [
    {
      name: 'after an extract: create if missing, truncate and load',
      yaml: lines(
        'name: events',
        'frequency: daily',
        'steps:',
        ...extract,
        '  - step_type: create-load-redshift',
        '    name: load_events',
        '    table_definition: tables/staging.events.sql',
      ),
    },
    {
      name: 'input_path, append, Dataduct script arguments',
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: create-load-redshift',
        '    name: load_events',
        '    input_path: s3://partner-drop/events/',
        '    table_definition: tables/staging.events.sql',
        '    insert_mode: APPEND',
        '    script_arguments: [--max_error=10, --gzip, --truncate_columns]',
      ),
    },
  ],
  invalid: [
    {
      name: 'no input',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: create-load-redshift',
        '    table_definition: tables/staging.events.sql',
      ),
      errors: [{ code: 'ETL1016', line: 3, column: 5 }],
    },
    {
      name: 'bad insert mode',
      yaml: lines(
        'name: p',
        'steps:',
        ...extract,
        '  - step_type: create-load-redshift',
        '    table_definition: tables/staging.events.sql',
        '    insert_mode: MERGE',
      ),
      errors: [{ code: 'ETL1006', line: 9, column: 18 }],
    },
    {
      name: 'a MySQL connection as the target',
      yaml: lines(
        'name: p',
        'steps:',
        ...extract,
        '  - step_type: create-load-redshift',
        '    table_definition: tables/staging.events.sql',
        '    database: app_db',
      ),
      errors: [{ code: 'ETL2022', line: 9, column: 15 }],
    },
  ],
});
