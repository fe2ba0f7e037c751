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
};
