/** ETL1xxx: the pipeline YAML file and the parameters of its steps. */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const S = 'spec';

export const specCodes: CodeTable = {
  ETL1001: error(
    S,
    'the file is not valid YAML',
    'The YAML parser stopped at the reported line. Common causes: a tab used for indentation, an unclosed quote or bracket, a `key: value` with a second colon that needs quoting. Fix the line; nothing else in the file is checked until it parses.',
  ),
  ETL1002: error(
    S,
    'a pipeline file must be a YAML mapping with `name:` and `steps:`',
    'The top level of a pipeline file is a mapping (`key: value` lines), not a list or a plain value. Start from one of the files in pipelines/.',
  ),
  ETL1003: error(
    S,
    'unknown key',
    'The key is not part of the pipeline schema or of the step type used. It is usually a typo: the hint names the closest known key. Unknown keys are errors so a misspelt setting never silently falls back to its default.',
  ),
  ETL1004: error(
    S,
    'a value has the wrong type or is invalid',
    'The value does not match what the key takes: a string where a list is expected, a number out of range, a step that is not a mapping. The message says what was expected; quote strings, write lists with `- item` and mappings with `key: value`.',
  ),
  ETL1005: error(
    S,
    'a required key is missing',
    'The pipeline or step needs this key (for a step, see its file in steps/ for the schema). Add it; the hint shows the key to write.',
  ),
  ETL1006: error(
    S,
    'a value is not one of the allowed values',
    'The key takes one of a fixed set of values (listed in the message); the hint suggests the closest one.',
  ),
  ETL1007: error(
    S,
    'unknown step type',
    'The `step_type` is not a known step. Step types are listed in the README; both the dashed (`extract-rds`) and the underscored (`extract_rds`) spellings work.',
  ),
  ETL1008: error(
    S,
    'a step needs exactly one of a group of keys',
    'Some steps take their input one of several ways (e.g. `sql`, `script` or `table`); exactly one of them must be given.',
  ),
  ETL1009: error(
    S,
    'two keys that exclude each other are both set',
    'The step takes only one of the keys named in the message; remove the other.',
  ),
  ETL1010: error(
    S,
    'unsupported frequency',
    'Frequencies are one-time, on-demand, hourly, N-hours, daily, N-days, weekly, N-weeks, monthly or a Data Pipeline period such as "30 minutes" (in the pipeline or defaults.frequency).',
  ),
  ETL1011: error(
    S,
    'the load time is not HH:MM',
    '`load_time` (or defaults.load_time) is a UTC time of day written HH:MM, e.g. 02:00.',
  ),
  ETL1012: error(
    S,
    'the pipeline start is not an ISO date-time',
    '`start:` in the pipeline must be a date-time like 2026-01-01T01:00:00 (UTC unless a zone is given).',
  ),
  ETL1013: error(
    S,
    'duplicate step name',
    'Step names must be unique within a pipeline: they name the compiled objects.',
  ),
  ETL1014: error(
    S,
    'a step refers to a step that is not earlier in the file',
    '`depends_on` and `input_node` may only name steps written above the step; reorder the steps or fix the name.',
  ),
  ETL1015: error(
    S,
    '`input_node` names a step that produces no S3 data',
    'Only steps that write data to S3 (extracts, transforms) can be read through `input_node`.',
  ),
  ETL1016: error(
    S,
    'a step needs input data and none was given',
    'Give `input_node` or `input_path`, or put the step right after a step that produces S3 data.',
  ),
  ETL1017: error(
    S,
    '`script_directory` needs `script_name`',
    'A transform with a script directory must say which script in that folder to run.',
  ),
  ETL1018: error(
    S,
    '`script_directory` not found',
    'The folder given as script_directory does not exist. Give a folder relative to the YAML file (or defaults.resource_base_path), or an s3:// URI.',
  ),
  ETL1020: error(
    S,
    'unknown script argument for create-load-redshift',
    'create-load-redshift understands the Dataduct script arguments --max_error=N, --replace_invalid_char=C, --no_escape, --gzip, --truncate_columns and --command_options=…; anything else is refused rather than ignored.',
  ),
  ETL1101: error(
    S,
    'extract-local is only allowed in one-time pipelines',
    'extract-local uploads a file from this machine once, at deploy time, so a scheduled pipeline would read the same file every period. Set `frequency: one-time`, or put the file on S3 and use extract-s3.',
  ),
  ETL1102: error(
    S,
    'extract-local output_path must be a plain s3:// URI',
    'The file is uploaded to output_path on deploy, before any Data Pipeline expression could be evaluated, so the path cannot contain #{…} or placeholders.',
  ),
  ETL1103: error(
    S,
    'unknown placeholder in a path',
    'Only {S3_BASE_PATH} is replaced in step paths; Data Pipeline expressions are written #{…}.',
  ),
  ETL1104: error(
    S,
    'an S3 location is not an s3:// URI',
    'extract-s3 reads S3 data: write the location as s3://bucket/key. For a file next to the pipeline, use extract-local (one-time pipelines).',
  ),
  ETL1110: error(
    S,
    'the step needs a Postgres connection and cannot pick one',
    'The step works on a PostgreSQL database: the config has none, or several and the step does not name one. Name the connection in the step (the message says which key).',
  ),
  ETL1111: error(
    S,
    'a table name contains a schema',
    "Give the schema with the step's `schema:` key and the table without it (the message shows both).",
  ),
  ETL1112: error(
    S,
    '`replace_invalid_char` is not one printable ASCII character',
    "Redshift's ACCEPTINVCHARS takes a single ASCII replacement character, e.g. '?'.",
  ),
  ETL1113: error(
    S,
    'a load step has more than one S3 input',
    'A load step loads one S3 input. Load each input with its own step, or merge them first with a transform step.',
  ),
  ETL1114: error(
    S,
    'load-postgres needs `table` and `insert_query` (or a table definition)',
    'load-postgres inserts rows with insert_query into table; both follow from table_definition when it is given.',
  ),
  ETL1120: error(
    S,
    'the number of SQL placeholders and script_arguments differ',
    'Each ? (or %s) in the SQL takes one script_arguments value, in order; give exactly as many values as placeholders.',
  ),
  ETL1121: error(
    S,
    'unknown script argument for load-reload-pk',
    'load-reload-pk understands --max_error=N, --replace_invalid_char=C, --no_escape, --gzip, --truncate_columns and --command_options=…; anything else is refused rather than ignored.',
  ),
  ETL1122: warning(
    S,
    'log_to_s3 is ignored by load-reload-pk',
    'The primary key check of load-reload-pk fails the activity instead of logging. Add a primary-key-check step with log_to_s3: true after it to log the results.',
  ),
  ETL1130: error(
    S,
    'an emr-streaming input is not an s3:// URI',
    'EMR streaming reads its input from S3; give s3:// URIs, or read an earlier step with input_node.',
  ),
  ETL1131: error(
    S,
    'emr-streaming needs input data',
    'Give `input: s3://…`, `input_node`, or put the step after a step that produces S3 data.',
  ),
  ETL1132: warning(
    S,
    'the EMR cluster has no release label; AMI 3.x step syntax is assumed',
    'Without emr_cluster_config.release_label (or emr.release_label in the config) the step is written for the old AMI 3.x Hadoop. Set the release label you run, e.g. emr-6.15.0.',
  ),
  ETL1133: error(
    S,
    'the EMR step string must start with the jar to run',
    'An emr-step step string is `jar,arg,arg…`, e.g. command-runner.jar,spark-submit,s3://bucket/job.py.',
  ),
  ETL1134: error(
    S,
    'the EMR step string contains a line break',
    'Write the step string on one line (a YAML block scalar keeps its newlines; use a plain or quoted string).',
  ),
  ETL1140: error(
    S,
    'qa-transform writes no output, so an output setting has no meaning',
    'qa-transform only checks data; use a transform step to produce data.',
  ),
};
