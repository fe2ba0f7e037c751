/** ETL3xxx: compiling steps into Data Pipeline objects (references, table definitions, QA checks). */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const C = 'compile';

export const compileCodes: CodeTable = {
  ETL3001: error(
    C,
    'two objects would get the same id',
    'Object ids come from step names; two steps (or a step and a generated object) produce the same id. Rename one of the steps.',
  ),
  ETL3101: error(
    C,
    'cannot parse a table definition',
    'A table_definition file must hold one CREATE TABLE (or CREATE VIEW) statement in Redshift syntax. The excerpt points at the first token that could not be read.',
  ),
  ETL3102: error(
    C,
    'a file named by a step is not found',
    "Paths in steps are relative to defaults.resource_base_path, else the YAML file's folder; the hint lists where etlctl looked.",
  ),
  ETL3110: error(
    C,
    'upsert source has more columns than the destination',
    'The source columns must be a subset of the destination columns.',
  ),
  ETL3111: error(
    C,
    'upsert destination has no primary key',
    'An upsert matches rows on the primary key. Add PRIMARY KEY (…) to the table definition, or use reload / delete_existing: true.',
  ),
  ETL3112: error(
    C,
    'history table lacks effective_ts and expiration_ts',
    'A history table keeps each version of a row between effective_ts and expiration_ts; both columns are needed.',
  ),
  ETL3201: error(
    C,
    'unknown QA check',
    'The hint lists the known checks (primary-key, not-null, unique, accepted-values, row-count, column-sample, sql).',
  ),
  ETL3203: error(
    C,
    'a QA check needs a table',
    'Set `table:` or `table_definition:` on the step (or the check).',
  ),
  ETL3204: error(
    C,
    'a checked column is not in the table',
    'The hint lists the columns of the table definition.',
  ),
  ETL3205: error(
    C,
    'a check needs key columns and the table has no primary key',
    'primary-key checks, column-check and column-sample compare rows by key. Give the key columns, or declare a PRIMARY KEY in the table definition.',
  ),
  ETL3206: error(
    C,
    'row-count needs exactly one source',
    'A row-count check compares with one of source_sql, source_table or source_count_sql.',
  ),
  ETL3207: error(
    C,
    'sql_tail_for_source lacks the LIMIT placeholder',
    'The placeholder is replaced by sample_size; without it the sample is unbounded.',
  ),
  ETL3208: error(
    C,
    'both tolerance and threshold are given',
    'Both mean the error rate allowed, in %; give one of them.',
  ),
  ETL3210: error(
    C,
    'the QA checks are too large for one Data Pipeline field',
    'The compiled checks travel in one field of the activity. Split them over several qa-check steps, or shorten long SQL.',
  ),
  ETL3211: error(
    C,
    'pipeline-dependencies waits for nothing',
    'Give dependent_pipelines (or dependent_pipelines_ok_to_fail).',
  ),
  ETL3212: error(
    C,
    'a pipeline cannot wait for itself',
    "Remove the pipeline's own name from dependent_pipelines.",
  ),
  ETL3213: error(
    C,
    'wait_timeout is not a duration',
    'Write the timeout as a duration, e.g. "6 hours", "90 minutes", 90m or 2h.',
  ),
  ETL3216: warning(
    C,
    'script_arguments are ignored by the built-in check',
    "primary-key-check runs etlctl's own task; remove script_arguments.",
  ),
  ETL3301: error(C, 'delta-load date_column is not a column of the table', 'The hint lists the columns.'),
  ETL3302: error(
    C,
    'the staging table lacks columns of the production table',
    'The reload copies every production column from the staging table; add the missing columns to the staging definition.',
  ),
  ETL3303: error(
    C,
    'the production table has no primary key',
    'load-reload-pk checks the primary key after loading. Add PRIMARY KEY (…), or use create-load-redshift + reload.',
  ),
};
