/** `catalog build` and `catalog check` for humans. */
import { summarize } from '../../diagnostics/index.js';
import type { Freshness } from '../../catalog/model.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface CatalogBuildResult {
  /** The output folder and its index.html (absolute). */
  output: string;
  index: string;
  tables: number;
  files: number;
  pipelines: number;
  /** Problems recorded in the catalog (what `catalog check` fails on). */
  problems: number;
}

export interface CatalogCheckResult {
  /** False when compile or metadata errors stopped the catalog from being built. */
  built: boolean;
  tables: number;
  pipelines: { name: string; freshness: Freshness | null }[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export const catalogBuildView: View<CatalogBuildResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    io.out(`Catalog: ${r.tables} tables, ${r.files} files, ${r.pipelines} pipelines → ${r.index}`);
    if (r.problems > 0)
      io.out(`${plural(r.problems, 'problem')} (see the site, or run \`etlctl catalog check\`)`);
  },
};

export const catalogCheckView: View<CatalogCheckResult> = {
  human(o, io) {
    printDiagnostics(io, o.diagnostics, o.sources);
    const r = o.result!;
    const counts = summarize(o.diagnostics);
    io.out(
      r.built
        ? `catalog check: ${r.tables} tables, ${r.pipelines.length} pipelines: ${counts}`
        : `catalog check: ${counts}`,
    );
  },
};
