/** `etlctl pipeline diff`: what `pipeline activate` would change in the deployed AWS pipeline. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { pipelineGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    pipelineGroup(program)
      .command('diff')
      .description('show what `pipeline activate` would change in the deployed AWS pipeline')
      .argument('<file>', 'pipeline YAML file')
      .addOption(new Option('--target <target>', 'deploy target').choices(['aws'])),
  ).action((file: string, flags: CommonFlags & { target?: 'aws' }) =>
    runCommand(
      flags,
      async () => {
        const { loadAndCheck } = await import('../../front.js');
        const checked = await loadAndCheck([file], {
          mode: flags.mode,
          configPath: flags.config,
          target: flags.target,
        });
        const p = checked.pipelines[0];
        if (!p?.ok || !checked.config) return outcome(null, checked.diagnostics, undefined, checked.sources);
        const { diffOnAws } = await import('../../aws/status.js');
        const diff = await diffOnAws(p.definition!, checked.config, p.file);
        return outcome(diff, checked.diagnostics, undefined, checked.sources);
      },
      () => import('../views/diff.js').then((m) => m.diffView),
    ),
  );
}
