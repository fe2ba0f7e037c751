/**
 * Codes of many agents on many machines and the Data Pipeline Task Runner (issue 15):
 * ETL7800–ETL7899 (the shared state store and agents), ETL6500–ETL6599 (`etlctl worker`).
 */
import type { CodeTable } from '../code-table.js';
import { error } from '../code-doc.js';

export const SCALE_CODES: CodeTable = {
  ETL7800: error(
    'engine',
    'the schema named in local.state_url is not a plain SQL name',
    'The shared state store keeps its tables in a PostgreSQL schema of its own, named by `?schema=NAME` in ' +
      '`local.state_url` (default `etlctl`). The name must be letters, digits and underscores so it can be ' +
      'used unquoted.',
    2,
  ),
  ETL7801: error(
    'engine',
    'the shared state store cannot be opened',
    'etlctl could not connect to the PostgreSQL server named by `local.state_url` (or `ETLCTL_LOCAL__STATE_URL`, ' +
      '`--state-url`), or could not create or migrate its schema there. Check that the server is reachable ' +
      'from this machine, that the user may connect and create the schema, and that the URL is right.',
    3,
  ),
  ETL7802: error(
    'engine',
    'a statement on the shared state store failed',
    'The PostgreSQL state store reported an error or the connection dropped. Nothing was half-written: each ' +
      'change is one transaction. Check the server and the network, then run the command again; agents keep ' +
      'going and retry on their next round.',
    3,
  ),
  ETL7803: error(
    'engine',
    'the shared state store was migrated by a newer etlctl',
    'The schema version recorded in the shared state store is newer than this etlctl knows. Another machine ' +
      'runs a newer etlctl; upgrade etlctl here too before this agent writes to the store.',
    3,
  ),
  ETL7810: error(
    'engine',
    'a shared state store needs an S3-compatible endpoint or a shared state directory',
    'With `local.state_url` many agents, on many machines, run the steps of one pipeline: the extract may ' +
      'run on one machine and the load on another. Data handed between steps through the local S3 folder ' +
      '(`.etlctl/s3`) stays on the machine that wrote it. Set `local.s3_endpoint` to an S3-compatible ' +
      'endpoint every agent reaches (MinIO, S3), or `local.shared_path: true` when `local.state_dir` is on a ' +
      'network file system that every agent mounts.',
  ),
  ETL7811: error(
    'engine',
    'an embedded PGlite database cannot be shared between agents',
    "A database without a server URL is an embedded PGlite database inside one machine's state directory. " +
      'With a shared state store (`local.state_url`) the step using it may run on any agent, which would see ' +
      'a different, empty database. Give the connection a server URL every agent reaches.',
  ),
  ETL7812: error(
    'engine',
    'pipeline wait: the run did not end in time',
    "`etlctl pipeline wait NAME --timeout D` waits for the instances of the pipeline's current generation to " +
      'end. They had not all ended when the timeout passed; the agents go on. Wait again, or look with ' +
      '`etlctl pipeline status NAME`.',
  ),
  ETL7813: error(
    'engine',
    'pipeline wait: the pipeline has no local instances',
    'The state store has no pipeline of that name (or no instances of it). Activate it first with ' +
      '`etlctl pipeline activate --enqueue FILE`, and check that `local.state_url` names the same store.',
  ),
  ETL7814: error(
    'engine',
    'state import: the store already holds history',
    '`etlctl state import FILE` loads an export into an empty store. The store it was pointed at already has ' +
      'pipelines, runs or instances, which the import would replace. Point it at an empty store (a new ' +
      '`?schema=NAME`, a new state directory), or pass `--force` to replace what is there.',
    2,
  ),
  ETL7815: error(
    'engine',
    'state import: the file is not an etlctl state export',
    '`etlctl state import` reads what `etlctl state export` writes: NDJSON (a header line with ' +
      '`etlctl_state`, then one `{"table": …, "row": {…}}` per line) or one JSON document (`--format json`). ' +
      'The file named, at the line named, is neither.',
    2,
  ),
  ETL7816: error(
    'engine',
    'state import: the export comes from a newer state store',
    'The export was written by an etlctl whose state store schema is newer than this one, so its rows may ' +
      'have columns this etlctl does not know. Import it with that etlctl, or upgrade etlctl here.',
    2,
  ),
  ETL7817: error(
    'engine',
    'state command: the arguments do not name one store or one output',
    'A `state` command works on one store: `--state-url` (PostgreSQL) or `--state-dir` (SQLite), or the ' +
      "config's. `state export --json` prints the envelope on standard output, so the export needs `-o FILE`; " +
      '`--format` is `ndjson` or `json`.',
    2,
  ),
};
