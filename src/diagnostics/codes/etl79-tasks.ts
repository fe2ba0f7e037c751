/** ETL79xx: the `etlctl task …` helpers that compiled activities run on the worker. */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const T = 'tasks';

export const taskCodes: CodeTable = {
  ETL7901: error(
    T,
    'unknown database connection (task)',
    'The task names a connection that is not under `databases:` in the config used on the worker.',
    2,
  ),
  ETL7902: error(
    T,
    'the connection has nothing to connect to from the worker',
    'Set databases.NAME.url (or host, port, database) in the config used on the worker.',
    2,
  ),
  ETL7903: error(
    T,
    'the seed SQL of a connection cannot be read (task)',
    'An embedded database is seeded once from its `seed:` file; the file is missing or unreadable.',
    3,
  ),
  ETL7910: error(
    T,
    '--checks is not valid JSON',
    'The compiled checks are passed as one JSON list; the compiler writes them.',
    2,
  ),
  ETL7911: error(T, 'a check in --checks has an unknown kind', 'The hint lists the known check kinds.', 2),
  ETL7920: warning(
    T,
    'could not publish a warning to SNS',
    'A warn-severity finding could not be published; it still shows in the log, and the task does not fail because of it.',
  ),
  ETL7921: warning(
    T,
    'could not write the QA log row',
    'The log_to_s3 row of a check could not be written; the check result itself is unaffected.',
  ),
  ETL7930: error(
    T,
    '--start-date is not a date',
    "Give a day like 2026-03-10; the step's default is #{format(@scheduledStartTime,'YYYY-MM-dd')}.",
    2,
  ),
  ETL7931: error(
    T,
    'a pipeline waited for failed',
    'Rerun that pipeline, or list it under dependent_pipelines_ok_to_fail if its failure should not block this one.',
  ),
  ETL7932: error(
    T,
    'gave up waiting for other pipelines',
    'The pipelines waited for did not finish within wait_timeout; raise it, or check why they have not run.',
  ),
};
