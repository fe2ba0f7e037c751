/** `etlctl schema [-o DIR]`: write the JSON Schemas of pipeline files and of the config, for editors. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';

export function register(program: Command): void {
  withJson(
    program
      .command('schema')
      .description('write the JSON Schemas of pipeline files and config for editors (yaml-language-server)')
      .option('-o, --out <dir>', "folder to write to (default: the project's config folder, else ./config)")
      .option('-c, --config <path>', 'config file whose folder is the default output folder'),
  ).action((flags: CommonFlags & { out?: string }) =>
    runCommand(
      flags,
      async () => {
        const { writeEditorSchemas } = await import('../../project/write-schemas.js');
        return outcome(writeEditorSchemas({ out: flags.out, configPath: flags.config }));
      },
      () => import('../views/schema.js').then((m) => m.schemaView),
    ),
  );
}
