/**
 * `etlctl catalog check`: exit 1 when a table has no owner, a personal column has no PII level,
 * or an SLA was missed; every finding at the line to fix.
 */
import type { Command } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { CatalogCheckResult } from '../views/catalog.js';
import type { CatalogFlags } from './catalog-options.js';
import { buildOptions, withCatalogOptions } from './catalog-options.js';
import { catalogGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    withCatalogOptions(
      catalogGroup(program)
        .command('check')
        .description(
          'fail (exit 1) when a table has no owner, a personal column has no PII level, or an SLA was missed',
        ),
    ),
  ).action((paths: string[], flags: CatalogFlags) =>
    runCommand(
      flags,
      async () => {
        const options = buildOptions(paths, flags);
        const { buildCatalog } = await import('../../catalog/build.js');
        const r = await buildCatalog(options);
        const c = r.catalog;
        const result: CatalogCheckResult = {
          built: Boolean(c),
          tables: c ? c.datasets.filter((d) => d.kind === 'table').length : 0,
          pipelines: (c?.pipelines ?? []).map((p) => ({ name: p.name, freshness: p.freshness ?? null })),
        };
        return outcome(result, r.diagnostics, undefined, r.sources);
      },
      () => import('../views/catalog.js').then((m) => m.catalogCheckView),
    ),
  );
}
