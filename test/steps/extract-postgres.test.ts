import { lines, runStepTests } from './harness.js';

runStepTests('extract-postgres', {
  valid: [
    {
      name: 'table from the only Postgres connection',
      yaml: lines(
        'name: reports',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-postgres',
        '    name: extract_reports',
        '    table: public.reports',
      ),
    },
    {
      name: 'query with host_name and output_path',
      yaml: lines(
        'name: reports',
        'steps:',
        '  - step_type: extract_postgres',
        '    name: extract_recent',
        '    host_name: reporting_db',
        '    output_path: s3://acme-etl/exports/reports',
        '    sql: |',
        '      SELECT id, title, updated_at FROM public.reports',
        "      WHERE updated_at >= now() - interval '1 day';",
      ),
    },
  ],
  invalid: [
    {
      name: 'table and sql together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-postgres',
        '    table: a',
        '    sql: SELECT 1',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
    {
      name: 'host_name is not Postgres',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-postgres',
        '    host_name: app_db',
        '    table: a',
      ),
      errors: [{ code: 'ETL2022', line: 4, column: 16 }],
    },
    {
      name: 'unknown connection',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-postgres',
        '    host_name: reporting',
        '    table: a',
      ),
      errors: [{ code: 'ETL2021', line: 4, column: 16 }],
    },
  ],
});
