/** pipeline-dependencies: wait for other pipelines' runs of the day via `etlctl task wait-for-pipelines`. */
import { lines, runStepTests } from './harness.js';

const head = ['name: reports', 'frequency: daily', 'steps:'];

runStepTests('qa-pipeline-dependencies', {
  valid: [
    {
      name: 'defaults: refresh 300 s, the scheduled day',
      mode: 'no_alerts',
      yaml: lines(
        ...head,
        '  - step_type: pipeline-dependencies',
        '    name: wait',
        '    dependent_pipelines: [enrollments, users]',
      ),
    },
    {
      name: 'ok-to-fail with warning alarm, start date, timeout',
      yaml: lines(
        ...head,
        '  - step_type: pipeline_dependencies',
        '    name: wait',
        '    dependent_pipelines: enrollments',
        '    dependent_pipelines_ok_to_fail: [qa_examples]',
        '    refresh_rate: 60',
        '    start_date: "#{format(minusDays(@scheduledStartTime,1),\'YYYY-MM-dd\')}"',
        '    wait_timeout: 6 hours',
        '  - step_type: sql-command',
        '    name: after',
        '    command: SELECT 1',
      ),
    },
  ],
  invalid: [
    {
      name: 'nothing to wait for',
      yaml: lines(...head, '  - step_type: pipeline-dependencies', '    refresh_rate: 10'),
      errors: [{ code: 'ETL3211', line: 4, column: 5 }],
    },
    {
      name: 'waiting for itself',
      yaml: lines(
        ...head,
        '  - step_type: pipeline-dependencies',
        '    dependent_pipelines: [users, reports]',
      ),
      errors: [{ code: 'ETL3212', line: 5, column: 34 }],
    },
    {
      name: 'refresh_rate is not a whole number of seconds',
      yaml: lines(
        ...head,
        '  - step_type: pipeline-dependencies',
        '    dependent_pipelines: [users]',
        '    refresh_rate: 5 minutes',
      ),
      errors: [{ code: 'ETL1004', line: 6, column: 19 }],
    },
    {
      name: 'bad wait_timeout',
      yaml: lines(
        ...head,
        '  - step_type: pipeline-dependencies',
        '    dependent_pipelines: [users]',
        '    wait_timeout: soon',
      ),
      errors: [{ code: 'ETL3213', line: 6, column: 19 }],
    },
    {
      name: 'unknown key (did you mean)',
      yaml: lines(...head, '  - step_type: pipeline-dependencies', '    dependent_pipeline: [users]'),
      errors: [{ code: 'ETL1003', line: 5, column: 5 }],
    },
  ],
});
