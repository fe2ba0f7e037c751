/** `etlctl init [DIR]`: a new project that validates and runs at once (src/project/init.ts). */
import type { Command } from 'commander';
import { withJson } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { OutputFlags } from '../runner.js';

export function register(program: Command): void {
  withJson(
    program
      .command('init')
      .description(
        'create a new project: config with local and integration modes, an example pipeline, .gitignore',
      )
      .argument('[dir]', 'project folder (created when missing)', '.'),
  ).action((dir: string, flags: OutputFlags) =>
    runCommand(
      flags,
      async () => {
        const { initProject } = await import('../../project/init.js');
        return outcome(initProject(dir));
      },
      () => import('../views/init.js').then((m) => m.initView),
    ),
  );
}
