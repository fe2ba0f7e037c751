/**
 * `pipeline activate --enqueue` (the default with `local.execution: agents`): record the due
 * instances of checked definitions for the agents and return at once (issue 15).
 */
import type { Diagnostic } from '../../diagnostics/index.js';
import { EtlError, ExitCode } from '../../diagnostics/index.js';
import type { Checked } from '../../front.js';
import type { Enqueued } from '../../local/run.js';
import type { Outcome } from '../outcome.js';
import { outcome } from '../outcome.js';
import type { LocalActivateResult } from '../views/local-run.js';
import type { LocalArgs, LocalFlags } from './local-options.js';

export async function enqueueChecked(
  checked: Checked,
  args: LocalArgs,
  flags: LocalFlags,
  shown: Set<Diagnostic>,
): Promise<Outcome<LocalActivateResult>> {
  const config = checked.config!;
  const { stateDirOf } = await import('../../local/activate.js');
  const { enqueueDefinition } = await import('../../local/run.js');
  const stateDir = stateDirOf(config);
  const pipelines: Enqueued[] = [];
  const diagnostics = [...checked.diagnostics];
  let exitCode: number = ExitCode.OK;
  for (const p of checked.pipelines) {
    try {
      pipelines.push(
        await enqueueDefinition(p.definition!, {
          config,
          stateDir,
          pipelineName: p.name,
          until: args.until,
          retryDelayMs: args.retryDelayMs,
          sourceFile: p.file,
          configPath: config.file,
          mode: flags.mode,
          cwd: process.cwd(),
          confirmBackfill: async () => Boolean(flags.yes),
        }),
      );
    } catch (e) {
      if (!(e instanceof EtlError)) throw e;
      diagnostics.push(...e.diagnostics.map((d) => ({ ...d, file: d.file ?? p.file })));
      exitCode = Math.max(exitCode, e.exitCode);
    }
  }
  return {
    ...outcome<LocalActivateResult>(
      { target: 'local', mode: 'enqueued', pipelines },
      diagnostics,
      exitCode,
      checked.sources,
    ),
    shown,
  };
}
