import { lines, runStepTests } from './harness.js';

runStepTests('load-redshift', {
  valid: [
    {
      name: 'after extract-rds: reads through its own node without a data format',
      yaml: lines(
        'name: users',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-rds',
        '    name: extract_users',
        '    host_name: app_db',
        '    table: users',
        '  - step_type: load-redshift',
        '    name: load_users',
        '    schema: staging',
        '    table: users',
        '    insert_mode: APPEND',
        '    max_errors: 10',
        "    replace_invalid_char: '?'",
      ),
    },
    {
      name: 'input_path with bzip2 compression',
      yaml: lines(
        'name: archive',
        'steps:',
        '  - step_type: load-redshift',
        '    name: load_archive',
        '    input_path: s3://acme-etl/archive/events/',
        '    schema: staging',
        '    table: events_archive',
        '    compression: bzip2',
      ),
    },
  ],
  invalid: [
    {
      name: 'no input',
      yaml: lines('name: p', 'steps:', '  - step_type: load-redshift', '    schema: a', '    table: b'),
      errors: [{ code: 'ETL1016', line: 3, column: 5 }],
    },
    {
      name: 'replace_invalid_char longer than one character',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-redshift',
        '    input_path: s3://b/in/',
        '    schema: a',
        '    table: b',
        '    replace_invalid_char: ab',
      ),
      errors: [{ code: 'ETL1112', line: 7, column: 27 }],
    },
    {
      name: 'unknown compression',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-redshift',
        '    input_path: s3://b/in/',
        '    schema: a',
        '    table: b',
        '    compression: zip',
      ),
      errors: [{ code: 'ETL1006', line: 7, column: 18 }],
    },
    {
      name: 'dotted table name',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-redshift',
        '    input_path: s3://b/in/',
        '    schema: a',
        '    table: a.b',
      ),
      errors: [{ code: 'ETL1111', line: 6, column: 12 }],
    },
  ],
});
