/**
 * `etlctl pipeline activate`: by the mode's target, deploy to AWS (upload assets, create, put,
 * activate) or run on the local engine. Both go through the front end first: any error in any
 * file stops everything, with nothing sent and nothing run. --dry-run sends or runs nothing.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Diagnostic } from '../../diagnostics/index.js';
import { diag, ExitCode, hasErrors } from '../../diagnostics/index.js';
import type { Checked } from '../../front.js';
import { withCommonOptions } from '../args.js';
import type { Outcome } from '../outcome.js';
import { outcome } from '../outcome.js';
import type { CommandContext } from '../runner.js';
import { runCommand } from '../runner.js';
import type { ActivateResult } from '../views/activate.js';
import { printStreamLine } from '../views/envelope.js';
import { printDiagnostics } from '../views/diagnostics.js';
import type { CompileFlags } from './compile-options.js';
import { frontOptions } from './compile-options.js';
import { pipelineGroup } from './groups.js';
import type { LocalArgs, LocalFlags } from './local-options.js';
import { localArgs, withLocalRunOptions } from './local-options.js';
import { targetOf } from './target.js';
import type { ParameterFlags } from './parameter-options.js';
import { parameterArgs, parameterArgv, withParameterOptions } from './parameter-options.js';

interface Flags extends LocalFlags, CompileFlags, ParameterFlags {
  force?: boolean;
  detach?: boolean;
  enqueue?: boolean;
  stateUrl?: string;
}

/** Options that mean nothing for the other target: said once, as a warning, and ignored. */
function ignoredFlags(flags: Flags, target: 'local' | 'aws'): Diagnostic[] {
  const names: string[] =
    target === 'local'
      ? flags.force
        ? ['--force']
        : []
      : (
          [
            ['until', '--until'],
            ['detach', '--detach'],
            ['retryDelay', '--retry-delay'],
            ['parallel', '--parallel'],
          ] as const
        )
          .filter(([k]) => flags[k] !== undefined)
          .map(([, n]): string => n)
          .concat(flags.waitRetry === false ? ['--no-wait-retry'] : []);
  return names.map((n) =>
    diag(
      'ETL8117',
      `${n} applies to ${target === 'local' ? 'AWS targets' : 'the local engine'} only; ignored`,
      {
        severity: 'warning',
      },
    ),
  );
}

async function onAws(checked: Checked, flags: Flags, ctx: CommandContext, shown: Set<Diagnostic>) {
  const { activateOnAws } = await import('../../aws/activate.js');
  const { confirmOrRefuse } = await import('../../aws/command.js');
  const { asker } = await import('../prompt.js');
  const { awsEventPrinter } = await import('../views/activate.js');
  const ask = asker(ctx.io, ctx.json);
  const printer = ctx.json ? undefined : awsEventPrinter(ctx.io, checked.sources, shown);
  const r = await activateOnAws({
    pipelines: checked.pipelines.map((p) => ({ file: p.file, definition: p.definition! })),
    config: checked.config!,
    timeDelta: flags.timeDelta,
    backfill: flags.backfill,
    dryRun: flags.dryRun,
    force: flags.force,
    confirm: (q) => confirmOrRefuse(q, flags.yes, ask),
    onEvent: ctx.stream ? (e) => printStreamLine(ctx.io, e) : printer,
    now: new Date(),
  });
  const result: ActivateResult = { target: 'aws', dryRun: Boolean(flags.dryRun), pipelines: r.pipelines };
  return {
    ...outcome(result, [...checked.diagnostics, ...r.diagnostics], r.exitCode, checked.sources),
    shown,
  };
}

async function onLocal(
  checked: Checked,
  args: LocalArgs,
  flags: Flags,
  files: string[],
  ctx: CommandContext,
  shown: Set<Diagnostic>,
): Promise<Outcome<ActivateResult>> {
  const { stateDirOf } = await import('../../local/activate.js');
  const stateDir = stateDirOf(checked.config!);
  if (flags.dryRun) {
    const { planLocally } = await import('../../local/dry-run.js');
    const now = new Date();
    const plans = [];
    for (const p of checked.pipelines)
      plans.push(
        await planLocally(p.definition!, {
          pipeline: p.name,
          file: p.file,
          stateDir,
          now,
          until: args.until,
        }),
      );
    // Like the run it stands for: what the local engine would refuse fails it, AWS findings do not.
    const refused = plans.flatMap((p) => p.diagnostics);
    return {
      ...outcome<ActivateResult>(
        { target: 'local', mode: 'dry-run', plans },
        [...checked.diagnostics, ...refused],
        hasErrors(refused) ? ExitCode.FAILURE : ExitCode.OK,
        checked.sources,
      ),
      shown,
    };
  }
  if (flags.enqueue || checked.config!.local.execution === 'agents') {
    const { enqueueChecked } = await import('./local-enqueue.js');
    return enqueueChecked(checked, args, flags, shown);
  }
  if (flags.detach) {
    const { detachActivation } = await import('../../local/activate.js');
    const args2 = ['pipeline', 'activate', ...files, '--yes'];
    for (const [flag, value] of [
      ['--mode', flags.mode],
      ['--config', flags.config],
      ['--time-delta', flags.timeDelta],
      ['--until', flags.until],
      ['--retry-delay', flags.retryDelay],
      ['--parallel', flags.parallel],
      ['--target', flags.target],
    ] as const)
      if (value !== undefined) args2.push(flag, value);
    if (flags.backfill) args2.push('--backfill');
    if (flags.waitRetry === false) args2.push('--no-wait-retry');
    args2.push(...parameterArgv(flags));
    const d = detachActivation(args2, stateDir);
    return {
      ...outcome<ActivateResult>(
        { target: 'local', mode: 'detached', pid: d.pid ?? null, logPath: d.logPath },
        checked.diagnostics,
        // Started: how the run goes is for `pipeline status` (AWS-only findings stop nothing here).
        ExitCode.OK,
        checked.sources,
      ),
      shown,
    };
  }
  const { runChecked } = await import('./local-run.js');
  return runChecked(checked, args, flags, ctx, shown);
}

export function register(program: Command): void {
  withParameterOptions(
    withLocalRunOptions(
      withCommonOptions(
        pipelineGroup(program)
          .command('activate')
          .description(
            'run pipelines: on AWS for modes with `target: aws` (upload assets, create, put, activate),\n' +
              'otherwise on the local engine against the configured databases (embedded PGlite by default)',
          )
          .argument('<files...>', 'pipeline files (or compiled definition JSON for the local engine)'),
      ),
    ),
  )
    .option('-t, --time-delta <delta>', 'shift the schedule start, e.g. 2d, 6h, 1.5d (with -b: backwards)')
    .option('-b, --backfill', 'apply the time delta backwards (backfill from the past)')
    .addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']))
    .option('--dry-run', 'compile, check and print what would be deployed or run; send and run nothing')
    .option('--force', 'AWS: delete and recreate when AWS refuses the change on an active pipeline')
    .option(
      '--detach',
      'local: run in the background (log under .etlctl/logs/); scheduled pipelines stay active for `etlctl agent`',
    )
    .option(
      '--enqueue',
      'local: record the due instances for `etlctl agent`s and return at once (default with local.execution: agents)',
    )
    .option('--state-url <url>', 'local: a shared state store (postgres://…), as local.state_url')
    .action((files: string[], flags: Flags) =>
      runCommand(
        flags,
        async (ctx): Promise<Outcome<ActivateResult>> => {
          if (flags.stateUrl) process.env.ETLCTL_LOCAL__STATE_URL = flags.stateUrl;
          const options = frontOptions(flags);
          const args = localArgs(flags);
          const parameters = parameterArgs(flags);
          const target = await targetOf(flags, files);
          const { loadAndCheck } = await import('../../front.js');
          const checked = await loadAndCheck(files, {
            ...options,
            definitions: target === 'local' ? 'run' : undefined,
            parameters,
            // Activation: a parameter without a value is an error, as AWS refuses it.
            requireValues: true,
          });
          checked.diagnostics.push(...ignoredFlags(flags, target));
          // AWS gets nothing with an error; the local engine runs what compiled (see front.ts `runnable`).
          if (target === 'aws' ? !checked.ok : !checked.runnable) {
            const result: ActivateResult =
              target === 'aws'
                ? { target, dryRun: Boolean(flags.dryRun), pipelines: [] }
                : { target, mode: 'run', stopped: false, runs: [] };
            return outcome(result, checked.diagnostics, ExitCode.FAILURE, checked.sources);
          }
          // Warnings are shown before anything is deployed or run.
          const shown = new Set<Diagnostic>();
          if (!ctx.json) {
            printDiagnostics(ctx.io, checked.diagnostics, checked.sources);
            for (const d of checked.diagnostics) shown.add(d);
            if (!checked.ok)
              ctx.io.err(
                'note: AWS would refuse the errors above; the local engine runs the pipeline anyway',
              );
          }
          return target === 'aws'
            ? onAws(checked, flags, ctx, shown)
            : onLocal(checked, args, flags, files, ctx, shown);
        },
        () => import('../views/activate.js').then((m) => m.activateView),
      ),
    );
}
