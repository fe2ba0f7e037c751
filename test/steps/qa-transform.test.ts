import { lines, runStepTests } from './harness.js';

runStepTests('qa-transform', {
  valid: [
    {
      name: 'script with test name and warning topic arguments',
      step: 'check_rows',
      yaml: lines(
        'name: events',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-redshift',
        '    name: unload_events',
        '    schema: analytics',
        '    table: events',
        '  - step_type: qa-transform',
        '    name: check_rows',
        '    input_node: unload_events',
        '    script: scripts/check_rows.sh',
        '    script_arguments: [--min_rows=1]',
      ),
    },
    {
      name: 'command without a warning topic',
      mode: 'no_alerts',
      yaml: lines(
        'name: events',
        'steps:',
        '  - step_type: qa_transform',
        '    name: sanity',
        '    command: test "$(date +%Y)" -ge 2026',
      ),
    },
  ],
  invalid: [
    {
      name: 'output_path has no meaning',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: qa-transform',
        '    command: "true"',
        '    output_path: s3://b/out/',
      ),
      errors: [{ code: 'ETL1140', line: 5, column: 18 }],
    },
    {
      name: 'no_output is not a key',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: qa-transform',
        '    command: "true"',
        '    no_output: true',
      ),
      errors: [{ code: 'ETL1003', line: 5, column: 5 }],
    },
    {
      name: 'command and script together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: qa-transform',
        '    command: "true"',
        '    script: scripts/check_rows.sh',
      ),
      errors: [{ code: 'ETL1009', line: 5, column: 5 }],
    },
  ],
});
