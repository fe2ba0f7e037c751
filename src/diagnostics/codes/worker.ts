/**
 * Codes of `etlctl worker`, the Task Runner for AWS Data Pipeline (issue 15 item e):
 * ETL6510–ETL6549 the task API side (PollForTask, ReportTaskProgress, ReportTaskRunnerHeartbeat,
 * SetTaskStatus), ETL7850–ETL7879 the worker runtime side (running a task with the local runners).
 * The ETL78xx codes are also the `errorId` the worker sends with SetTaskStatus FAILED.
 */
import type { CodeTable } from '../code-table.js';
import { error, info, warning } from '../code-doc.js';

export const WORKER_CODES: CodeTable = {
  ETL6510: error(
    'aws',
    'the worker cannot reach AWS Data Pipeline',
    '`etlctl worker` starts with a ReportTaskRunnerHeartbeat call; it failed, so no task can be polled. The ' +
      'message says why (no route to the endpoint, refused credentials, a wrong region). Check the network, ' +
      'the region (`--region`, `aws.region` in the config mode, AWS_REGION), the credentials (AWS_PROFILE, ' +
      'an instance role) and, for a custom endpoint, `--endpoint-url` or AWS_ENDPOINT_URL_DATA_PIPELINE.',
    3,
  ),
  ETL6511: error(
    'aws',
    'PollForTask keeps failing',
    'The worker polls Data Pipeline for tasks of its worker group and retries a failed poll with a growing ' +
      'delay. It gives up (exit 3) after the failures listed in the message, or at once with `--once`. Check ' +
      'the network and the permissions of the credentials (datapipeline:PollForTask).',
    3,
  ),
  ETL6512: warning(
    'aws',
    'ReportTaskProgress failed; the task goes on',
    'The worker reports progress while a task runs so that Data Pipeline does not time the attempt out ' +
      '(`reportProgressTimeout`). One report failed; the next one is tried at the next interval. If reports keep ' +
      'failing Data Pipeline may fail the attempt as timed out and retry it elsewhere.',
  ),
  ETL6513: error(
    'aws',
    'SetTaskStatus failed: Data Pipeline was not told how the task ended',
    'The task ran, but reporting its end (FINISHED, FAILED or FALSE) failed even after retries. Data Pipeline ' +
      'will time the attempt out (`reportProgressTimeout`) and retry it per `maximumRetries`. Check the network ' +
      'and the permissions (datapipeline:SetTaskStatus).',
  ),
  ETL6514: warning(
    'aws',
    'ReportTaskRunnerHeartbeat failed',
    'The worker tells Data Pipeline every `--heartbeat-interval` that it is alive. One heartbeat failed; the ' +
      'worker goes on and tries again at the next interval.',
  ),
  ETL6515: error(
    'aws',
    'the worker has no AWS region',
    'The Data Pipeline endpoint depends on the region. Give one with `--region`, `aws.region` in the config ' +
      '(mode), or AWS_REGION in the environment.',
    3,
  ),
  ETL6516: error(
    'aws',
    'the task names nothing this worker can run',
    'PollForTask handed over a task whose objects hold no activity or precondition the worker runs ' +
      '(SqlActivity, ShellCommandActivity, CopyActivity, RedshiftCopyActivity; S3KeyExists, S3PrefixNotEmpty, ' +
      'ShellCommandPrecondition, Exists), or the attempt object is missing. The worker reports the task FAILED ' +
      'with this errorId. EMR activities need an EMR cluster: leave them to `runsOn`, not a worker group.',
  ),
  ETL6517: info(
    'aws',
    'Data Pipeline asked this Task Runner to terminate',
    'A ReportTaskRunnerHeartbeat answer said `terminate: true`. The worker finishes the task it runs, polls ' +
      'no more and exits 0.',
  ),
  ETL6518: warning(
    'aws',
    'PollForTask failed; the worker polls again',
    'A poll for tasks failed (a network blip, throttling). The worker waits a little longer after each failure in ' +
      'a row (up to a minute) and polls again; after ten failures in a row it gives up (ETL6511, exit 3).',
  ),
  ETL7855: info(
    'engine',
    'a note from the task run',
    'Something the local engine said while the task ran that is not a failure, such as a statement that could ' +
      'not be cancelled on the server. The task log has the details.',
  ),
  ETL7850: error(
    'usage',
    'a worker option is missing or wrong',
    '`etlctl worker --worker-group G` needs the worker group whose tasks it runs (the `workerGroup` field of ' +
      'the activities). The message names the option and what it expects.',
    2,
  ),
  ETL7851: warning(
    'engine',
    'the worker was stopped before the task finished; the task was handed back',
    'SIGTERM or Ctrl-C stop the worker. The running task gets `--grace` to finish; after that it is stopped ' +
      '(its process group killed, its statement cancelled) and reported FAILED with this errorId, so Data ' +
      'Pipeline retries it per `maximumRetries`, on this or another Task Runner.',
  ),
  ETL7852: info(
    'engine',
    'Data Pipeline canceled the task; the worker stopped it',
    'A ReportTaskProgress answer said `canceled: true` (the instance was canceled, the pipeline deactivated, or ' +
      'the attempt timed out on the service side). The worker stops the running command or statement at once ' +
      'and reports nothing more for the task.',
  ),
  ETL7853: error(
    'engine',
    'the task ran longer than its timeout',
    "The task was stopped after `--task-timeout` (or the activity's `attemptTimeout`) and reported FAILED with " +
      'this errorId; Data Pipeline retries it per `maximumRetries`.',
  ),
  ETL7854: error(
    'engine',
    'the task failed',
    'The activity failed for a reason that carries no code of its own; the errorMessage sent with SetTaskStatus ' +
      'says why, the errorStackTrace holds the last lines of its log (stderr of a shell command).',
  ),
};
