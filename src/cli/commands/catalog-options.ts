/** The flags `catalog build` and `catalog check` share, read into typed options for src/catalog/build.ts. */
import type { Command } from 'commander';
import type { CatalogBuildOptions } from '../../catalog/build.js';
import type { CommonFlags } from '../args.js';
import { dateTime, positiveInt } from '../args.js';

export interface CatalogFlags extends CommonFlags {
  output?: string;
  at?: string;
  jobs?: string;
}

export function withCatalogOptions(cmd: Command): Command {
  return cmd
    .argument('[paths...]', 'pipeline files or folders (default: pipelines)')
    .option('--at <time>', 'judge freshness at this time instead of now (ISO 8601)');
}

export function buildOptions(paths: string[], flags: CatalogFlags): CatalogBuildOptions {
  return {
    paths,
    mode: flags.mode,
    configPath: flags.config,
    now: dateTime(flags.at, '--at'),
    jobs: positiveInt(flags.jobs, '--jobs'),
  };
}
