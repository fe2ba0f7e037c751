/** ETL7450–ETL7499: exactly-once loads and fault tolerance of the local engine (issue 12). */
import type { CodeTable } from '../code-table.js';
import { warning } from '../code-doc.js';

const E = 'engine';

export const exactlyCodes: CodeTable = {
  ETL7450: warning(
    E,
    'no exactly-once marker on a target database',
    `Every transaction a data step commits on a target database also writes a row into the table etlctl_loads of that database, in the same transaction, so a run killed right after the commit is resumed without loading the data again. The step's database user could not create that table (or read it), so this step loads without the marker: a kill exactly between its commit and the state store's record would make the resume run the step again. Create the table once as a user who may (etlctl prints the error), or grant CREATE on the target schema.`,
  ),
};
