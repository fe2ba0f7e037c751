/** `etlctl catalog build`: catalog.json and a static site from the pipeline files (src/catalog). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../diagnostics/index.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { CatalogBuildResult } from '../views/catalog.js';
import type { CatalogFlags } from './catalog-options.js';
import { buildOptions, withCatalogOptions } from './catalog-options.js';
import { catalogGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    withCatalogOptions(
      catalogGroup(program)
        .command('build')
        .description('write catalog.json and a static site (open index.html; no server needed)'),
    )
      .option('-o, --output <dir>', 'output folder (default: .etlctl/catalog)')
      .option('-j, --jobs <n>', 'threads compiling the pipelines (default: one per core, up to 4)'),
  ).action((paths: string[], flags: CatalogFlags) =>
    runCommand(
      flags,
      async () => {
        const options = buildOptions(paths, flags);
        const { buildCatalog } = await import('../../catalog/build.js');
        const r = await buildCatalog(options);
        // Without a catalog the diagnostics say what stopped the build.
        if (!r.catalog) return outcome<CatalogBuildResult>(null, r.diagnostics, ExitCode.FAILURE, r.sources);
        const { writeCatalogSite } = await import('../../catalog/site/write.js');
        const dir = resolve(flags.output ?? '.etlctl/catalog');
        await writeCatalogSite(dir, r.catalog);
        const c = r.catalog;
        const result: CatalogBuildResult = {
          output: dir,
          index: resolve(dir, 'index.html'),
          tables: c.datasets.filter((d) => d.kind === 'table').length,
          files: c.datasets.filter((d) => d.kind === 'file').length,
          pipelines: c.pipelines.length,
          problems: c.problems.length,
        };
        // The problems are in the catalog (and `catalog check`); the build itself succeeded.
        return outcome(result, [], ExitCode.OK, r.sources);
      },
      () => import('../views/catalog.js').then((m) => m.catalogBuildView),
    ),
  );
}
