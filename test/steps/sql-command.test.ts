import { lines, runStepTests } from './harness.js';

runStepTests('sql-command', {
  valid: [
    {
      name: 'inline SQL wrapped in a transaction',
      yaml: lines(
        'name: maint',
        'frequency: daily',
        'steps:',
        '  - step_type: sql-command',
        '    name: refresh',
        '    command: DELETE FROM analytics.events WHERE occurred_at < GETDATE() - 90',
      ),
    },
    {
      name: 'SQL file, arguments, queue, no transaction, another database',
      yaml: lines(
        'name: maint',
        'steps:',
        '  - step_type: sql-command',
        '    name: counts',
        '    script: sql/daily_counts.sql',
        '    script_arguments: [2026-01-01, 2026-01-01]',
        '    queue: etl',
        '    wrap_transaction: false',
        '    database: reporting_db',
      ),
    },
  ],
  invalid: [
    {
      name: 'command and script together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: sql-command',
        '    command: SELECT 1',
        '    script: sql/daily_counts.sql',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
    {
      name: 'fewer script_arguments than placeholders',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: sql-command',
        '    script: sql/daily_counts.sql',
        '    script_arguments: [2026-01-01]',
      ),
      errors: [{ code: 'ETL1120', line: 5, column: 23 }],
    },
    {
      name: 'missing script file',
      yaml: lines('name: p', 'steps:', '  - step_type: sql-command', '    script: sql/nope.sql'),
      errors: [{ code: 'ETL3102', line: 4, column: 13 }],
    },
  ],
});
