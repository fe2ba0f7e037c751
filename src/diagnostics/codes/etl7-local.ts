/** ETL70xx–ETL75xx: the local engine (drivers, S3 directory, SQL translation, activities, schedule, state). */
import type { CodeTable } from '../code-table.js';
import { error } from '../code-doc.js';

const E = 'engine';

export const localCodes: CodeTable = {
  ETL7000: error(
    E,
    'unsupported database URL',
    'Local connection URLs are postgres://…, mysql://… (MySQL or MariaDB), pglite://PATH or pglite://memory.',
    2,
  ),
  ETL7001: error(
    E,
    'cannot connect to a database',
    'The server did not accept the connection (not running, wrong host/port, wrong credentials). Check the server and the connection URL in the config.',
    3,
  ),
  ETL7002: error(
    E,
    'a SQL statement failed',
    'The database rejected a statement a step ran; the message has the database error and an excerpt of the statement.',
  ),
  ETL7003: error(
    E,
    'MySQL rejected data while loading',
    "MySQL's LOAD DATA reported warnings that mean rows were changed or dropped (truncated values, bad numbers); the load is rolled back rather than keeping altered data.",
  ),
  ETL7010: error(
    E,
    'an S3 URI cannot be used',
    "The value is not an s3://bucket/key URI, or it contains '.' or '..' path segments (which could leave the local S3 directory).",
  ),
  ETL7011: error(
    E,
    'an S3 object does not exist',
    'A step reads an S3 object (data or a script) that is not there: check the path, or that the step producing it has run.',
  ),
  ETL7012: error(
    E,
    'the S3-compatible endpoint failed',
    'local.s3_endpoint is set and a request to it failed; check that the server is running.',
    3,
  ),
  ETL7100: error(
    E,
    'SQL cannot run on the local engine',
    'The statement uses Redshift-only SQL that has no safe translation for the local PostgreSQL/MySQL target (or a single-statement field holds several). Rewrite it in portable SQL, or run this pipeline on AWS.',
  ),
  ETL7101: error(
    E,
    'SQL cannot be read',
    'The SQL splitter found an unterminated string, comment or quoted identifier at the line shown.',
  ),
  ETL7200: error(
    E,
    'an object has a value the local engine cannot use',
    'A field of a data node or activity (the message names it) is missing or has a value the local engine does not support.',
  ),
  ETL7201: error(
    E,
    'unsupported input/output data nodes for a copy',
    'CopyActivity copies between S3DataNode and SqlDataNode, RedshiftCopyActivity between S3DataNode and RedshiftDataNode/SqlDataNode; other combinations do not run locally.',
  ),
  ETL7202: error(
    E,
    'the load target table or column does not exist',
    'Create the table first, or set createTableSql on the output data node.',
  ),
  ETL7203: error(
    E,
    'the load needs a primary key',
    'insertMode KEEP_EXISTING and OVERWRITE_EXISTING match rows by primary key: add a PRIMARY KEY to the table, set primaryKeys on the RedshiftDataNode, or use APPEND/TRUNCATE.',
  ),
  ETL7204: error(
    E,
    'the input has several rows for one primary key',
    'An upserting load cannot tell which row wins; nothing was loaded. Deduplicate the input.',
  ),
  ETL7205: error(
    E,
    'unsupported data format option',
    'The local engine reads delimited text (TSV/CSV), optionally gzip-compressed; the option named cannot be honoured.',
  ),
  ETL7206: error(
    E,
    'script arguments do not match the ? placeholders',
    'Each ? in the script takes one scriptArgument value, in order.',
  ),
  ETL7207: error(
    E,
    'a SQL activity was cancelled',
    'The run was stopped (Ctrl-C, timeout) between statements of the script.',
  ),
  ETL7500: error(
    E,
    'a Schedule period is not a period',
    "Write it as 'N minutes|hours|days|weeks|months|years', e.g. '15 minutes'.",
  ),
  ETL7502: error(E, 'a Schedule date-time cannot be read', 'Schedule dates are UTC YYYY-MM-DDTHH:MM:SS.'),
  ETL7503: error(E, 'a Schedule has no period', 'Every Schedule needs `period`.'),
  ETL7510: error(
    E,
    'cannot open the local state database',
    'Run state lives in .etlctl/state.db (SQLite). Check that the state directory is writable and not on a network file system.',
    3,
  ),
  ETL7520: error(
    E,
    'a database object matches no configured connection',
    'The local engine connects through the named connections of the config; the database object in the definition names none it knows.',
  ),
  ETL7521: error(
    E,
    'the seed SQL of a connection cannot be read',
    'An embedded database is seeded once from its `seed:` file; the file is missing or unreadable.',
    3,
  ),
  ETL7530: error(
    E,
    'a ShellCommandActivity has neither command nor scriptUri',
    'Give the activity a command or a scriptUri.',
  ),
  ETL7531: error(
    E,
    'a shell command exited with a non-zero code',
    'The command of a ShellCommandActivity failed; its output is in the attempt log (.etlctl/logs/).',
  ),
  ETL7532: error(
    E,
    'an output data node has no directoryPath',
    'Staged output files of a ShellCommandActivity are uploaded to the directoryPath of the output data node.',
  ),
  ETL7533: error(E, 'a command cannot be started', 'The program does not exist or is not executable.'),
  ETL7540: error(
    E,
    'the activity type cannot run locally',
    'EMR activities need an EMR cluster; other unsupported types are listed in the message. Run the pipeline on AWS.',
  ),
  ETL7545: error(
    E,
    'a precondition type is not supported locally',
    'The local engine evaluates S3KeyExists, S3PrefixNotEmpty, Exists and ShellCommandPrecondition; others need AWS.',
  ),
  ETL7546: error(E, 'the definition has no activities to run', 'A pipeline needs at least one activity.'),
  ETL7547: error(
    E,
    'the pipeline is already running',
    'Another process runs this pipeline from the same state directory. Wait for it to finish, or stop that process first.',
  ),
  ETL7548: error(
    E,
    'activation would backfill more periods than the limit',
    'More than 100 scheduled periods would run at once. Pass --yes to run them all, --until to stop earlier, or move the schedule start.',
    2,
  ),
  ETL7549: error(
    E,
    'an object refers to an id that is not in the definition',
    'A reference (or a database object) names an object the definition does not contain.',
  ),
  ETL7550: error(
    E,
    'a precondition was not met',
    'The precondition stayed false until its preconditionTimeout (or the attempt timeout).',
  ),
  ETL7551: error(
    E,
    'a local asset cannot be staged into the local S3 directory',
    'The file could not be copied into .etlctl/s3/; check that it exists and the directory is writable.',
    3,
  ),
  ETL7560: error(
    E,
    'no local runs of this pipeline',
    'Nothing in .etlctl/state.db has this name; the hint names the closest pipeline. Activate it first: etlctl pipeline activate <file>.',
  ),
  ETL7580: error(
    E,
    'an agent is already running for this state directory',
    'One agent per state directory (a lock file in .etlctl/); stop the other one first.',
  ),
  ETL7599: error(
    E,
    'cannot find the etlctl package root',
    'etlctl runs from its package folder; reinstall it (npm ci).',
  ),
};
