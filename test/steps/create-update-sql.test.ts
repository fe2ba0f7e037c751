import { lines, runStepTests } from './harness.js';

runStepTests('create-update-sql', {
  valid: [
    {
      name: 'script with %s arguments bound to the scheduled day',
      yaml: lines(
        'name: daily_counts',
        'frequency: daily',
        'steps:',
        '  - step_type: create-update-sql',
        '    name: update_counts',
        '    table_definition: tables/analytics.daily_counts.sql',
        '    script: sql/daily_counts.sql',
        '    script_arguments:',
        '      - "#{format(@scheduledStartTime,\'YYYY-MM-dd\')}"',
        '      - "#{format(@scheduledStartTime,\'YYYY-MM-dd\')}"',
      ),
    },
    {
      name: 'command, non-transactional, no analyze',
      yaml: lines(
        'name: event_log',
        'steps:',
        '  - step_type: create_update_sql',
        '    name: append_log',
        '    table_definition: tables/analytics.event_log.sql',
        '    non_transactional: true',
        '    analyze_table: false',
        "    command: INSERT INTO analytics.event_log SELECT id, kind FROM staging.events WHERE kind <> '?';",
      ),
    },
    {
      name: 'script written next to the pipeline (harness files)',
      files: { 'sql/refresh_log.sql': 'DELETE FROM analytics.event_log WHERE kind = ?;\n' },
      yaml: lines(
        'name: event_log',
        'steps:',
        '  - step_type: create-update-sql',
        '    name: refresh_log',
        '    table_definition: tables/analytics.event_log.sql',
        '    script: sql/refresh_log.sql',
        '    script_arguments: [test]',
      ),
    },
  ],
  invalid: [
    {
      name: 'script_arguments must be a list',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: create-update-sql',
        '    table_definition: tables/analytics.event_log.sql',
        '    command: SELECT ?',
        '    script_arguments: x',
      ),
      errors: [{ code: 'ETL1004', line: 6, column: 23 }],
    },
    {
      name: 'command and script together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: create-update-sql',
        '    table_definition: tables/analytics.event_log.sql',
        '    command: SELECT 1',
        '    script: sql/daily_counts.sql',
      ),
      errors: [{ code: 'ETL1009', line: 6, column: 5 }],
    },
    {
      name: 'placeholders and arguments disagree',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: create-update-sql',
        '    table_definition: tables/analytics.daily_counts.sql',
        '    script: sql/daily_counts.sql',
        '    script_arguments: [2026-01-01]',
      ),
      errors: [{ code: 'ETL1120', line: 6, column: 23 }],
    },
    {
      name: 'missing table definition file',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: create-update-sql',
        '    table_definition: tables/nope.sql',
        '    command: SELECT 1',
      ),
      errors: [{ code: 'ETL3102', line: 4, column: 23 }],
    },
  ],
});
