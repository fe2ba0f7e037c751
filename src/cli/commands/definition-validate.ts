/** `etlctl definition validate`: check definition JSON files (file or API format) against the AWS rules. */
import type { Command } from 'commander';
import type { OutputFlags } from '../runner.js';
import { runCommand } from '../runner.js';
import { dateTime, positiveInt, withJson } from '../args.js';
import { outcome } from '../outcome.js';
import type { DefinitionValidateResult } from '../views/definition-validate.js';
import { definitionGroup } from './groups.js';
import type { ParameterFlags } from './parameter-options.js';
import { parameterArgs, withParameterOptions } from './parameter-options.js';

interface Flags extends OutputFlags, ParameterFlags {
  now?: string;
  maxObjects?: string;
  mode?: string;
  config?: string;
}

export function register(program: Command): void {
  withParameterOptions(
    withJson(
      definitionGroup(program)
        .command('validate')
        .description(
          'check definition JSON files (file or API format) offline against the AWS rules and limits',
        )
        .argument('<files...>', 'definition JSON files'),
    ),
  )
    .option('-m, --mode <name>', 'read `parameters:` of this config mode')
    .option('-c, --config <file>', 'read `parameters:` of this config file')
    .option('--now <datetime>', 'the time to check schedule starts against (default: the current time)')
    .option('--max-objects <n>', "your account's object limit per pipeline (default 100, adjustable by AWS)")
    .action((files: string[], flags: Flags) =>
      runCommand(
        flags,
        async () => {
          const now = dateTime(flags.now, '--now') ?? new Date();
          const maxObjects = positiveInt(flags.maxObjects, '--max-objects');
          const parameters = parameterArgs(flags);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck(files, {
            definitions: 'check',
            onlyDefinitions: true,
            now,
            maxObjects,
            parameters,
            requireValues: flags.requireValues,
            mode: flags.mode,
            configPath: flags.config,
          });
          const result: DefinitionValidateResult = {
            files: checked.pipelines.map((p) => ({
              file: p.file,
              ok: p.ok,
              objects: p.definition?.objects.length ?? 0,
              errors: p.diagnostics.filter((d) => d.severity === 'error').length,
              warnings: p.diagnostics.filter((d) => d.severity === 'warning').length,
            })),
          };
          return outcome(result, checked.diagnostics, undefined, checked.sources);
        },
        () => import('../views/definition-validate.js').then((m) => m.definitionValidateView),
      ),
    );
}
