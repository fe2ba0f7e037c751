import { lines, runStepTests } from './harness.js';

runStepTests('load-reload-pk', {
  valid: [
    {
      name: 'extract, then stage, reload and check',
      yaml: lines(
        'name: events',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-rds',
        '    name: extract_events',
        '    host_name: app_db',
        '    table: events',
        '  - step_type: load-reload-pk',
        '    name: events_pk',
        '    staging_table_definition: tables/staging.events.sql',
        '    production_table_definition: tables/analytics.events.sql',
        '    script_arguments: [--max_error=5, --gzip]',
      ),
    },
    {
      name: 'non-transactional, no analyze, keep duplicates in staging',
      step: 'events_pk',
      warnings: ['ETL1122'],
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: load_reload_pk',
        '    name: events_pk',
        '    input_path: s3://acme-etl/in/events/',
        '    staging_table_definition: tables/staging.events.sql',
        '    production_table_definition: tables/analytics.events.sql',
        '    non_transactional: true',
        '    analyze_table: false',
        '    enforce_primary_key: false',
        '    log_to_s3: true',
      ),
    },
  ],
  invalid: [
    {
      name: 'production table without a primary key',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-reload-pk',
        '    input_path: s3://b/in/',
        '    staging_table_definition: tables/staging.events.sql',
        '    production_table_definition: tables/analytics.event_log.sql',
      ),
      errors: [{ code: 'ETL3303', line: 6, column: 34 }],
    },
    {
      name: 'staging lacks production columns',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-reload-pk',
        '    input_path: s3://b/in/',
        '    staging_table_definition: tables/analytics.event_log.sql',
        '    production_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL3302', line: 5, column: 31 }],
    },
    {
      name: 'unknown script argument',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-reload-pk',
        '    input_path: s3://b/in/',
        '    staging_table_definition: tables/staging.events.sql',
        '    production_table_definition: tables/analytics.events.sql',
        '    script_arguments: [--bzip]',
      ),
      errors: [{ code: 'ETL1121', line: 7, column: 23 }],
    },
    {
      name: 'missing staging definition',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: load-reload-pk',
        '    input_path: s3://b/in/',
        '    production_table_definition: tables/analytics.events.sql',
      ),
      errors: [{ code: 'ETL1005', line: 3, column: 5 }],
    },
  ],
});
