/** `state migrate|export|import` for humans: the store, its version, the rows moved. */
import type { ExportResult, ImportResult, MigrateResult } from '../../local/state/transfer.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

const counts = (rows: Record<string, number>): string =>
  Object.entries(rows)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');

export const migrateView: View<MigrateResult> = {
  human(o, io) {
    const r = o.result!;
    io.out(
      r.from === r.to
        ? `${r.store} (${r.kind}): schema version ${r.to}, up to date`
        : `${r.store} (${r.kind}): schema version ${r.from} → ${r.to}`,
    );
    printDiagnostics(io, o.diagnostics);
  },
};

/** Without -o the export itself is the output. */
export const exportView = (text: string): View<ExportResult & { output: string }> => ({
  human(o, io) {
    const r = o.result!;
    if (r.output === '-') io.out(text.replace(/\n$/, ''));
    else
      io.err(`exported ${r.store} (${r.kind}, schema ${r.schemaVersion}) to ${r.output}: ${counts(r.rows)}`);
    printDiagnostics(io, o.diagnostics);
  },
});

export const importView: View<ImportResult> = {
  human(o, io) {
    const r = o.result!;
    const replaced = r.replaced > 0 ? ` (replaced ${r.replaced} rows)` : '';
    io.out(`imported ${r.file} into ${r.store} (${r.kind})${replaced}: ${counts(r.rows)}`);
    printDiagnostics(io, o.diagnostics);
  },
};
