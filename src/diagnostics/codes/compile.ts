/**
 * Codes of the compile area (config, pipeline compile, SQL and path safety): ETL1200–ETL1299,
 * ETL2100–ETL2199, ETL3400–ETL3499. Format: ../code-table.ts.
 */
import type { CodeTable } from '../code-table.js';

export const COMPILE_CODES: CodeTable = {
  ETL1200: {
    severity: 'error',
    category: 'spec',
    summary: 'a table or column name is not a valid SQL identifier',
    explain:
      'Table and column names in a pipeline (table:, schema:, columns:, source_table: …) are names, not SQL: ' +
      'a name, or schema.name, of letters, digits, _ and $, with any part holding other characters in double ' +
      'quotes ("Sales Data"; MySQL sources also take `backticks`). etlctl quotes every name where it must when ' +
      'it builds SQL, so a name can never run as SQL of its own; text that is not a name (spaces, semicolons, ' +
      'quotes, a WHERE clause) is an error at its line. The QA task reports the same code for a name in a ' +
      'hand-written definition. Use sql: for a query.',
  },
  ETL1201: {
    severity: 'error',
    category: 'spec',
    summary: 'an S3 URI in a step is not valid or leaves its prefix',
    explain:
      "Every s3:// URI among a step's parameters (input_path, output_path, directory_uri, EMR inputs …) must " +
      'name a valid bucket (lower-case letters, digits, . and -, starting and ending with a letter or digit, ' +
      'no `..`) and a key with no `.` or `..` segment: on AWS such a key escapes the prefix it was meant for, ' +
      'and on the local engine it would leave the local S3 folder.',
  },
  ETL1202: {
    severity: 'error',
    category: 'spec',
    summary: 'a query parameter holds more than one SQL statement',
    explain:
      "Parameters that etlctl runs as one statement (an extract's sql:, load-postgres insert_query:) must " +
      'be one: text after a `;` would run as a statement of its own. A trailing `;` and semicolons inside ' +
      'strings and comments are fine. To run several statements use a sql-command step.',
  },
  ETL1203: {
    severity: 'error',
    category: 'spec',
    summary: 'a pipeline or step name is too long or starts with a dot',
    explain:
      'Pipeline names become file names (compile -o DIR writes <name>.json; local logs go under ' +
      '.etlctl/logs/<name>/) and step names become parts of object ids, log file names and S3 data paths. ' +
      'They are limited to 100 characters (file names hold 255 bytes and etlctl adds to them) and may not ' +
      'start with a dot, so `..` cannot climb out of a folder.',
  },
  ETL2100: {
    severity: 'info',
    category: 'config',
    summary: 'no config file found, using built-in defaults',
    explain:
      'etlctl looked for config/etlctl.yaml and etlctl.yaml in the current directory and every folder above it, ' +
      "then the same from each pipeline file's folder, and found none, so the built-in defaults apply (local " +
      'target, embedded databases, no named connections). Pass --config or set ETLCTL_CONFIG to use a file ' +
      'elsewhere. Said once per command.',
  },
  ETL2101: {
    severity: 'error',
    category: 'config',
    summary: 'a config value has the wrong type',
    explain:
      'Every config key is declared with a type (number, list, mapping, …) in the config schema; a value that ' +
      'cannot be read as that type is an error naming the key and where the value came from (file line, mode, ' +
      'ETLCTL_* variable), instead of being replaced by the default without a word. `etlctl config explain KEY` ' +
      'shows the declaration.',
  },
  ETL2102: {
    severity: 'error',
    category: 'config',
    summary: 'a name in the config cannot be used in file names',
    explain:
      'aws.name_prefix and database connection names become parts of file names (compiled definitions, logs, ' +
      'embedded databases under .etlctl/) and object ids. They may hold letters, digits, _ . and -, may not start ' +
      'with a dot (so `..` cannot climb out of a folder) and are at most 64 characters long.',
  },
  ETL2103: {
    severity: 'error',
    category: 'config',
    summary: 'an S3 bucket or key prefix in the config is not valid',
    explain:
      'aws.s3_bucket must follow the S3 bucket naming rules (lower-case letters, digits, . and -, starting and ' +
      'ending with a letter or digit, no `..`); aws.s3_base_path and aws.pipeline_log_uri may not have `.` or ' +
      '`..` segments, which would let a key leave its prefix (and, on the local engine, its folder).',
  },
  ETL3400: {
    severity: 'error',
    category: 'compile',
    summary: 'a local file named by a pipeline is outside the project',
    explain:
      'etlctl reads local files a pipeline names (extract-local data, scripts, SQL files, table definitions, ' +
      'script folders) only from the project folder (where config/etlctl.yaml or etlctl.yaml was found), the ' +
      "pipeline file's folder, defaults.resource_base_path and the folders listed in files.allowed_roots, " +
      'after resolving symbolic links. Anything else, such as /etc/passwd, would be read and, on deploy, ' +
      'uploaded to S3. Move the file into the project, or opt its folder in with files: {allowed_roots: [DIR]}.',
  },
};
