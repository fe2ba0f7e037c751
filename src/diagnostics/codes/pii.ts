/**
 * Codes of the personal-data area (issue 17): column transforms on the data path, the PII policy
 * check at validate time, and retention / `etlctl clean` (ETL3700–3899).
 */
import type { CodeTable } from '../code-table.js';

const TRANSFORMS =
  'A step declares column transforms under `transforms:` as `column: kind` or `column: {kind: options}`; ' +
  'kinds: drop, hmac_sha256 (key), mask (keep: domain|first|last, chars), encrypt (key), ' +
  'tokenize (database, domain), convert_id (database, table, from, to, on_missing). ' +
  'Keys are named in config `transforms.keys` (each a secret: ${env:VAR} or ${file:key}). See README "Personal data".';

export const PII_CODES: CodeTable = {
  ETL3700: {
    severity: 'error',
    category: 'spec',
    summary: 'a column transform cannot be read',
    explain: `${TRANSFORMS} The entry named in the message has a wrong shape or an unknown option.`,
  },
  ETL3701: {
    severity: 'error',
    category: 'spec',
    summary: 'unknown column transform',
    explain: `${TRANSFORMS} There is deliberately no unkeyed hash: a bare SHA-256 of a low-entropy id (a phone number, a customer number) is reversed with a lookup table in minutes.`,
  },
  ETL3702: {
    severity: 'error',
    category: 'engine',
    summary: 'a transformed column is not in the data',
    explain:
      'The transform names a column that the extract query does not return. Check the spelling against the ' +
      'query (column names are compared as the database returns them).',
  },
  ETL3703: {
    severity: 'error',
    category: 'config',
    summary: 'a transform key is not configured or cannot be read',
    explain:
      'hmac_sha256 and encrypt need a key: name one with `key:` on the transform or set `transforms.default_key`, ' +
      'and give it in config `transforms.keys.<id>` as a secret reference (${env:VAR} or ${file:key}). A value of ' +
      '64 hex digits is used as the 32 key bytes; any other text is hashed to 32 bytes with SHA-256. The key ' +
      'value is never written to a definition, a log or an error; only its id is recorded.',
    exit: 2,
  },
  ETL3704: {
    severity: 'error',
    category: 'engine',
    summary: 'the token mapping table cannot be used',
    explain:
      'tokenize keeps its mapping in `<vault schema>.tokens_<domain>` (config `transforms.vault_schema`, default ' +
      'pii_vault) on a PostgreSQL connection. The schema and table are created when missing; the connecting user ' +
      'needs CREATE on the database, or an administrator creates them and grants INSERT/SELECT.',
  },
  ETL3705: {
    severity: 'error',
    category: 'engine',
    summary: 'convert_id found ids without a mapping',
    explain:
      'convert_id replaces each id with the `to` column of the lookup table row whose `from` column equals it. ' +
      'With on_missing: error (the default) an id without a row fails the copy; on_missing: null writes NULL and ' +
      'on_missing: keep keeps the id. The message counts the ids but never prints them.',
  },
  ETL3706: {
    severity: 'error',
    category: 'usage',
    summary: 'a value cannot be decrypted',
    explain:
      'Encrypted values look like `enc:v1:<key id>:<base64>` (AES-256-GCM, a random 96-bit nonce per value). ' +
      'Decryption fails when the value was changed, cut, or encrypted under another key.',
  },
  ETL3707: {
    severity: 'error',
    category: 'engine',
    summary: 'a record has another number of fields than the data has columns',
    explain:
      'Transforms address columns by position in the extract; a record with more or fewer fields cannot be ' +
      'transformed safely. The record itself is not printed (it may hold personal data).',
  },
  ETL3708: {
    severity: 'error',
    category: 'compile',
    summary: 'transforms are not supported with this step option',
    explain:
      'Column transforms run inside `etlctl task copy`, which streams one query to one S3 location. ' +
      'They cannot be combined with `splits:`; split the data in a later step instead.',
  },
  ETL3709: {
    severity: 'error',
    category: 'usage',
    summary: '`etlctl task copy` was given a wrong combination of arguments',
    explain:
      'task copy reads one source (--from-database with --query, or --from-s3 with --columns) and writes one ' +
      'target (--to-s3, or --to-database with --table); --transforms is the JSON list the compiler wrote.',
    exit: 2,
  },
  ETL3710: {
    severity: 'error',
    category: 'compile',
    summary: 'a personal-data column reaches a target that is not restricted without a transform',
    explain:
      'A column declared pii or sensitive (in a table definition `-- etlctl: pii=…`) is loaded into a table ' +
      'of a connection not marked `restricted: true`, and no step on the way transforms it. Every load step ' +
      '(create-load-redshift, load-redshift, load-postgres, load-reload-pk) checks its table, whatever step ' +
      'produced its input. Add a transform for the column on the extract or the load step (the hint names ' +
      'one), set a policy for the level in config ' +
      '`transforms.policy`, or load into a restricted connection.',
  },
  ETL3711: {
    severity: 'error',
    category: 'config',
    summary: 'a transform policy in the config cannot be read',
    explain: `config \`transforms.policy\` maps a PII level (internal, pii, sensitive) to a transform kind: e.g. {pii: hmac_sha256, sensitive: drop}. ${TRANSFORMS}`,
  },
  ETL3712: {
    severity: 'error',
    category: 'compile',
    summary: 'transforms on a load step cannot find their columns in the input',
    explain:
      'A load step with `transforms:` reads its S3 input (engine TSV) through `etlctl task copy`, which needs ' +
      'the column names of that data in order. They default to the columns of the table definition; when ' +
      'the input has other columns (one to drop, or a load without a table definition such as load-redshift), ' +
      'list them under `input_columns:`.',
  },
  ETL3720: {
    severity: 'error',
    category: 'config',
    summary: 'a retention age cannot be read',
    explain:
      '`retention:` (config, pipeline or step) gives an age per kind of data: staging_s3, staging_tables, ' +
      'step_logs, attempt_history, alert_logs, as a duration such as 14d, 36h or 90m. `etlctl clean` deletes ' +
      'what is older.',
  },
  ETL3721: {
    severity: 'error',
    category: 'engine',
    summary: 'a clean-up deletion failed',
    explain:
      'The janitor could not delete an item (permissions, a lock). Nothing else is affected; the item stays ' +
      'and is tried again next time. The audit log records what was deleted.',
    exit: 3,
  },
  ETL3730: {
    severity: 'warning',
    category: 'engine',
    summary: 'disk usage of the state directory is above the configured threshold',
    explain:
      'The file system holding the state directory (.etlctl) is fuller than `retention.disk_warn_percent`. ' +
      'Run `etlctl clean --dry-run` to see what retention would delete, or shorten the retention ages.',
  },
};
