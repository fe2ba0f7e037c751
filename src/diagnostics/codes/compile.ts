/**
 * Codes of the compile area (config, pipeline compile, SQL and path safety): ETL1200–ETL1299,
 * ETL2100–ETL2199, ETL3400–ETL3499. Format: ../code-table.ts.
 */
import type { CodeTable } from '../code-table.js';

export const COMPILE_CODES: CodeTable = {
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
};
