/** `etlctl pipeline compile`: write `<name>.json` definitions (nothing when any pipeline has an error). */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { CompileResult } from '../views/compile.js';
import type { CompileFlags } from './compile-options.js';
import { frontOptions, withScheduleOptions } from './compile-options.js';
import { pipelineGroup } from './groups.js';

interface Flags extends CompileFlags {
  out: string;
  format: 'file' | 'api';
}

export function register(program: Command): void {
  withScheduleOptions(
    withCommonOptions(
      pipelineGroup(program)
        .command('compile')
        .description('compile pipelines into Data Pipeline definition JSON files')
        .argument('<paths...>', 'pipeline files or folders'),
    ),
  )
    .requiredOption('-o, --out <dir>', 'output folder for <name>.json')
    .addOption(
      new Option('--format <format>', 'definition-file or API format')
        .choices(['file', 'api'])
        .default('file'),
    )
    .action((paths: string[], flags: Flags) =>
      runCommand(
        flags,
        async () => {
          const options = frontOptions(flags);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck(paths, options);
          const dir = resolve(flags.out);
          const result: CompileResult = { format: flags.format, outDir: dir, files: [] };
          if (!checked.ok) return outcome(result, checked.diagnostics, undefined, checked.sources);
          const { stringifyDefinition } = await import('../../definition/json.js');
          const { writeOutput } = await import('../output.js');
          for (const p of checked.pipelines) {
            const def = p.definition!;
            const path = join(dir, `${def.meta?.pipelineName ?? 'pipeline'}.json`);
            await writeOutput(path, stringifyDefinition(def, flags.format));
            result.files.push({ pipeline: p.name, source: p.file, path, objects: def.objects.length });
          }
          return outcome(result, checked.diagnostics, undefined, checked.sources);
        },
        () => import('../views/compile.js').then((m) => m.compileView),
      ),
    );
}
