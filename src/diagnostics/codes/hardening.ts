/**
 * Codes of the hardening area (issue 12 items 1 and 6, issue 13 item 6): failures of the local
 * engine's data path and the cancellation of running work (ETL7400–ETL7449).
 */
import type { CodeTable } from '../code-table.js';
import { error, warning } from '../code-doc.js';

const E = 'engine';

export const HARDENING_CODES: CodeTable = {
  ETL7400: error(
    E,
    'the connection to a database was lost while a statement ran',
    'The server closed the session in the middle of a statement: it was killed (MariaDB `KILL`, PostgreSQL `pg_terminate_backend`), restarted, or the network dropped. The step failed and its transaction rolled back on the server; it is retried if it has retries left, and the next activate runs it again. Check the server (its log says who ended the session).',
    3,
  ),
  ETL7401: warning(
    E,
    'a running statement could not be cancelled on the server',
    'A step was stopped (attemptTimeout, lateAfterTimeout, Ctrl-C or SIGTERM) and etlctl asked the server to cancel its statement (PostgreSQL `pg_cancel_backend`, MariaDB `KILL QUERY` from a second session), but that request failed. The session is closed anyway; a statement the server is still running ends when the server notices. The message says why the request failed.',
  ),
};
