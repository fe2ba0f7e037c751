/** ETL9xxx: bugs in etlctl. */
import type { CodeTable } from '../code-table.js';
import { error } from '../code-doc.js';

export const internalCodes: CodeTable = {
  ETL9000: error(
    'internal',
    'internal error',
    'Something failed that etlctl did not expect: this is a bug, never a mistake in your input. Run again with ETLCTL_DEBUG=1 to print the stack trace, and report it with the command and the input.',
  ),
};
