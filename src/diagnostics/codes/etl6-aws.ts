/** ETL6xxx: deploying to and reading from AWS (Data Pipeline, S3, SNS, Redshift Data API). */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const A = 'aws';

export const awsCodes: CodeTable = {
  ETL6001: error(
    A,
    'an AWS call failed',
    'AWS answered an error not covered by a more specific code; the message names the operation, the error name and the HTTP status.',
    3,
  ),
  ETL6002: error(
    A,
    'no AWS region is configured',
    'Set aws.region in the config mode, or AWS_REGION in the environment.',
    3,
  ),
  ETL6003: error(
    A,
    'no AWS credentials found',
    'Set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with an instance role.',
    3,
  ),
  ETL6004: error(
    A,
    'cannot reach the AWS endpoint',
    'The network call did not get through (refused, not found, timed out). Check the network, the region, and AWS_ENDPOINT_URL_* if you use a custom endpoint.',
    3,
  ),
  ETL6005: error(
    A,
    'AWS refused the credentials or permissions',
    'The credentials are invalid or expired, or not allowed to call this operation.',
    3,
  ),
  ETL6006: error(
    A,
    'no such deployed pipeline',
    "No pipeline with this name (and this mode's uniqueId) is deployed; `etlctl pipeline list -m MODE` shows what is. When AWS itself reports the pipeline deleted during a call, the command exits 3.",
  ),
  ETL6007: error(
    A,
    'AWS returned the deleted pipeline id for the recreated pipeline',
    'After `activate --force` deleted a pipeline, CreatePipeline answered with the old id: the deletion is still in progress. Run the command again in a minute.',
    3,
  ),
  ETL6010: error(
    A,
    'no alert topics are configured',
    '`alerts test` publishes to alerts.failure_topic, warning_topic and late_topic; set at least one to an SNS topic ARN.',
    2,
  ),
  ETL6020: error(
    A,
    'an asset cannot be uploaded as compiled',
    'An asset (script, SQL file) has no usable s3:// location, no content, or changed after the pipeline was compiled. Run the command again so the definition points at the current content.',
  ),
  ETL6101: error(
    A,
    'AWS rejected the definition',
    'PutPipelineDefinition returned validation errors; each is shown at the YAML step that produced the object. Nothing was activated.',
  ),
  ETL6102: warning(
    A,
    'AWS warned about the definition',
    'PutPipelineDefinition returned validation warnings; each is shown at the YAML step that produced the object.',
  ),
  ETL6103: error(
    A,
    'AWS refused to store the definition',
    "PutPipelineDefinition failed with InvalidRequestException and ValidatePipelineDefinition named no object; the message is AWS's.",
  ),
  ETL6110: error(
    A,
    'AWS refuses this change on an activated pipeline',
    'Some fields (e.g. a schedule start) cannot change once a pipeline was activated. Revert the change, or run again with --force to delete and recreate the pipeline (its run history is lost).',
  ),
  ETL6111: error(
    A,
    'the deletion was not confirmed',
    'A destructive step (delete, recreate with --force) was declined at the prompt; nothing was changed.',
  ),
  ETL6120: error(
    A,
    'a secret parameter has an unknown source',
    'Secret sources are env:NAME, file:key or config:path.',
    2,
  ),
  ETL6201: error(
    A,
    'a Redshift statement failed',
    'The Redshift Data API ran the batch and a statement failed; the batch was rolled back (earlier batches stay committed). The hint shows the statement.',
  ),
  ETL6202: error(
    A,
    'table definitions reference each other in a cycle',
    'DDL runs in dependency order (foreign keys, views); a cycle has no order. Break the cycle.',
  ),
};
