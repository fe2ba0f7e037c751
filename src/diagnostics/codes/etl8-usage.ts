/**
 * ETL8xxx: the command line (bad flags and values, missing files) — exit code 2 unless noted.
 * A few codes from ETL8120 on are meanings split off other codes that had several (issue 11);
 * their category names the area they belong to.
 */
import type { CodeTable } from '../code-table.js';
import { error, info, warning } from '../code-doc.js';

const U = 'usage';

export const usageCodes: CodeTable = {
  ETL8001: error(
    U,
    'a time delta or duration cannot be read',
    'Durations on the command line (-t/--time-delta, --retry-delay, --timeout) are a number and a unit, optionally several: 30s, 90m, 2h, 1.5d, 1w, 1d12h, "2 hours", 500ms; -t also takes a sign (-2d). Units: ms, s, m/min, h, d, w, month (30 days), year (365 days). Values beyond 100 years are refused.',
    2,
  ),
  ETL8002: error(
    U,
    'a date-time on the command line cannot be read',
    '--start, --until and --now take an ISO 8601 date-time such as 2026-01-01T01:00:00 (UTC unless a zone is given) or a date 2026-01-01.',
    2,
  ),
  ETL8003: error(
    U,
    'a file or folder named on the command line does not exist or cannot be read',
    'Check the path (relative to the current folder).',
    2,
  ),
  ETL8004: error(
    U,
    'a folder holds no pipeline files',
    'Pipelines are .yaml or .yml files with a top-level steps: key; the folder (searched recursively, skipping hidden folders and node_modules) has none. Other YAML (the config, CI files) is not read as a pipeline.',
    2,
  ),
  ETL8005: error(
    U,
    'not a pipeline file',
    'Commands that compile take .yaml or .yml pipeline files (and some take definition .json files).',
    2,
  ),
  ETL8006: error(
    U,
    '`pipeline status` on AWS needs a pipeline name',
    'Locally, status without a name lists every pipeline of the state directory; on AWS give the name (see `etlctl pipeline list -m MODE`).',
    2,
  ),
  ETL8100: error(
    U,
    'unknown command',
    '`etlctl --help` lists the commands; the message suggests the closest one.',
    2,
  ),
  ETL8101: error(U, 'unknown option', '`etlctl <command> --help` lists the options of a command.', 2),
  ETL8102: error(
    U,
    'a required argument or option value is missing',
    '`etlctl <command> --help` shows what the command needs.',
    2,
  ),
  ETL8103: error(
    U,
    'too many arguments',
    'The command takes fewer arguments; `etlctl <command> --help` shows them.',
    2,
  ),
  ETL8104: error(
    U,
    'an option or argument has an invalid value',
    'The value is not one the option accepts (the message lists the choices, or says what is expected).',
    2,
  ),
  ETL8105: error(
    U,
    'unknown diagnostic code',
    '`etlctl explain` documents every code etlctl reports, written ETL followed by four digits; the hint names the closest registered code.',
    2,
  ),
  ETL8111: error(
    U,
    'a number on the command line is not a positive whole number',
    'Counts and limits (--parallel, --limit, --poll, --max-objects, --refresh-rate …) are whole numbers from 1 up.',
    2,
  ),
  ETL8112: error(
    U,
    'nothing to wait for',
    '`task wait-for-pipelines` needs at least one --dependency NAME (or --ok-to-fail NAME).',
    2,
  ),
  ETL8113: error(
    U,
    'the pipeline file named on the command line has no top-level name',
    'Commands on deployed pipelines take the pipeline name or its YAML file; the file must have `name:`.',
    2,
  ),
  ETL8114: error(
    U,
    'confirmation needed, but there is no terminal to ask',
    'Destructive steps ask first. Without a terminal (scripts, CI) the answer is no unless --yes is given.',
    2,
  ),
  ETL8115: error(
    U,
    'cannot tell the picture format from the output file name',
    'The format follows the extension of -o: .svg, .png, .dot or .html.',
    2,
  ),
  ETL8116: error(
    U,
    'cannot write an output file',
    'The file or folder given with -o/--out cannot be created or written: check that the folder is writable (and not a file).',
    3,
  ),
  ETL8120: error(
    'aws',
    'no Redshift database to run the statements on',
    '`database … --execute` runs on the database named by --connection, else defaults.warehouse, else the only redshift database in the config; there is none, or several and none is chosen.',
    2,
  ),
  ETL8121: error(
    'aws',
    'the database chosen for --execute is not in the config',
    '--connection (or defaults.warehouse) names a database that is not under `databases:`.',
    2,
  ),
  ETL8122: error(
    'aws',
    'the database chosen for --execute is not Redshift',
    '--execute runs statements through the Redshift Data API, so the database must have engine: redshift.',
    2,
  ),
  ETL8123: error(
    'aws',
    'the Redshift database lacks what the Data API needs',
    'The Redshift Data API needs cluster_id (or workgroup_name) and a database name for the connection.',
    2,
  ),
  ETL8124: error(
    'config',
    'a connection name cannot be used as a directory name',
    'Embedded databases live under .etlctl/db/<name>: use letters, digits, _ . and - (not starting with a dot).',
  ),
  ETL8125: error(
    'aws',
    'an asset file cannot be read at deploy time',
    'A local file a step uses (script, SQL) could not be read for upload; check the path in the pipeline step.',
    2,
  ),
  ETL8126: error(
    'aws',
    'a Redshift statement did not finish in time',
    'The Redshift Data API still reported the statement running after the wait; it may still finish on the cluster. Check it there before running again.',
    3,
  ),
  ETL8130: info(
    U,
    'more diagnostics than the JSON output holds',
    'The --json envelope keeps at most 10,000 diagnostics and 2,000 characters per message or hint; this entry says how many were left out.',
  ),
  ETL8117: warning(
    U,
    'an option does not apply to this target and is ignored',
    'Some options only mean something for AWS targets (--force) or for the local engine (--until, --detach, --retry-delay, --parallel).',
  ),
  ETL8140: {
    ...warning(
      U,
      'interrupted (Ctrl-C)',
      'SIGINT stopped the command: nothing new started and running steps were stopped; they are INTERRUPTED and run again on the next activate. A second Ctrl-C stops at once. Exit code 130.',
    ),
    exit: 130,
  },
  ETL8141: {
    ...warning(
      U,
      'stopped by SIGTERM',
      'SIGTERM stopped the command the same way as Ctrl-C; interrupted steps run again on the next activate. Exit code 143.',
    ),
    exit: 143,
  },
};
