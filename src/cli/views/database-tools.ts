/** `database generate` and `database diff` for humans. */
import type { Dialect } from '../../catalog/ddl-types.js';
import type { Difference } from '../../catalog/table-diff.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface DatabaseGenerateResult {
  dialect: Dialect;
  /** Each table, and the file written for it with -o (else null). */
  tables: { table: string; file: string | null }[];
  /** The CREATE TABLE statements when no -o was given (else null). */
  sql: string | null;
}

export interface DatabaseDiffResult {
  file: string;
  same: boolean;
  table: string;
  /** Where the live table is: the connection and a password-free description. */
  target: { connection: string; where: string; dialect: Dialect };
  differences: Difference[];
  statements: string[];
}

export const databaseGenerateView: View<DatabaseGenerateResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    if (r.sql === null) for (const t of r.tables) io.out(`wrote ${t.file} (${t.table})`);
    else io.out(r.sql.trimEnd());
  },
};

const SYMBOL: Record<string, string> = {
  missing_table: '+',
  add_column: '+',
  drop_column: '-',
  type: '~',
  nullable: '~',
  primary_key: '~',
};

function describe(d: Difference, table: string): string {
  switch (d.kind) {
    case 'missing_table':
      return `table ${table} does not exist`;
    case 'add_column':
      return `column ${d.column} ${d.expected}: not in the live table`;
    case 'drop_column':
      return `column ${d.column} ${d.actual}: only in the live table`;
    case 'primary_key':
      return `primary key: ${d.expected} in the file, ${d.actual} live`;
    default:
      return `column ${d.column}: ${d.expected} in the file, ${d.actual} live`;
  }
}

export const databaseDiffView: View<DatabaseDiffResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    const t = r.target;
    if (r.same) {
      io.out(`${r.table}: ${r.file} and the live table on ${t.connection} (${t.where}) match`);
      return;
    }
    io.out(`--- ${r.file}\n+++ ${t.connection} ${t.where} (${t.dialect})`);
    for (const d of r.differences)
      io.out(`${SYMBOL[d.kind]} ${describe(d, r.table)}${d.note ? ` (${d.note})` : ''}`);
    const statements = r.differences.flatMap((d) =>
      d.statements.length > 0
        ? d.statements.map((s) => `${s};`)
        : d.note
          ? [`-- ${d.column ?? r.table}: ${d.note}`]
          : [],
    );
    io.out(['', ...statements].join('\n'));
  },
};
