/** `database …` for humans: the SQL script (or what ran, with --execute). */
import type { Io } from '../io.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface DatabaseResult {
  action: string;
  statements: string[];
  executed: boolean;
  connection?: string;
  location?: string;
  batches?: number;
  ran?: number;
  /** Local --execute: how the Redshift DDL was adapted for the local database. */
  translations?: string[];
}

export function printScript(io: Io, statements: readonly string[]): void {
  io.out(
    statements.length > 0
      ? statements.map((s) => `${s};`).join('\n\n')
      : '-- nothing to do (no permissions configured?)',
  );
}

export const databaseView: View<DatabaseResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    if (o.exitCode !== 0) return;
    if (!r.executed) printScript(io, r.statements);
    else
      io.out(
        [
          `-- ran ${r.ran} statement${r.ran === 1 ? '' : 's'} on ${r.connection} (${r.location})`,
          ...(r.translations ?? []).map((n) => `-- ${n}`),
        ].join('\n'),
      );
  },
};
