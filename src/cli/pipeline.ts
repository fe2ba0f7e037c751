/**
 * `etlctl pipeline …`: validate, compile, and the two commands whose meaning depends on the
 * mode's target: `activate` and `status` (AWS deploy, or the local engine).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { CommonOptions } from './common.js';
import { err, out, reportDiagnostics, setExit, withCommonOptions } from './common.js';

interface CompileFlags extends CommonOptions {
  start?: string;
  timeDelta?: string;
  backfill?: boolean;
  frequency?: string;
  target?: string;
}

function withScheduleOptions(cmd: Command): Command {
  return cmd
    .option('-t, --time-delta <delta>', 'shift the schedule start, e.g. 2d, 6h (with -b: backwards)')
    .option('-b, --backfill', 'apply the time delta backwards, so AWS backfills')
    .option('--frequency <freq>', "replace every pipeline's frequency")
    .addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']));
}

async function compileForCli(files: string[], flags: CompileFlags) {
  const { compileFiles } = await import('../compile/index.js');
  const { verifyPipelines } = await import('../compile/verify.js');
  const result = compileFiles(files, {
    mode: flags.mode,
    configPath: flags.config,
    start: flags.start,
    timeDelta: flags.timeDelta,
    backfill: flags.backfill,
    frequency: flags.frequency,
    overrides: flags.target ? { target: flags.target } : undefined,
  });
  verifyPipelines(result.pipelines, new Date());
  return result;
}

export function registerPipelineCommands(program: Command): void {
  const pipeline = program
    .command('pipeline')
    .description('validate, compile, draw, activate and inspect pipelines');

  withScheduleOptions(
    withCommonOptions(
      pipeline
        .command('validate')
        .description('compile pipelines and check the definitions offline (no AWS call)')
        .argument('<paths...>', 'pipeline files or folders'),
    ),
  )
    .option('--start <iso>', 'schedule start (default: the latest load time)')
    .action(async (paths: string[], flags: CompileFlags) => {
      const result = await compileForCli(paths, flags);
      const all: Diagnostic[] = result.pipelines.flatMap((p) => p.diagnostics);
      if (flags.json) {
        reportDiagnostics(all, { json: true });
        return;
      }
      reportDiagnostics(all, { sources: result.sources, quietSummary: true });
      for (const p of result.pipelines) {
        const ok = !hasErrors(p.diagnostics);
        const warnings = p.diagnostics.filter((d) => d.severity === 'warning').length;
        const objects = p.definition?.objects.length ?? 0;
        out(
          `${ok ? 'ok  ' : 'FAIL'} ${p.file}${ok ? ` (${objects} objects${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''})` : ''}`,
        );
      }
      const failed = result.pipelines.filter((p) => hasErrors(p.diagnostics)).length;
      if (failed > 0)
        err(
          `${failed} of ${result.pipelines.length} pipeline${result.pipelines.length > 1 ? 's' : ''} failed validation`,
        );
    });

  withScheduleOptions(
    withCommonOptions(
      pipeline
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
    .option('--start <iso>', 'schedule start (default: the latest load time)')
    .action(async (paths: string[], flags: CompileFlags & { out: string; format: 'file' | 'api' }) => {
      const { stringifyDefinition } = await import('../definition/json.js');
      const result = await compileForCli(paths, flags);
      const all = result.pipelines.flatMap((p) => p.diagnostics);
      const ok = reportDiagnostics(all, { sources: result.sources, json: flags.json });
      if (!ok) return;
      const dir = resolve(flags.out);
      mkdirSync(dir, { recursive: true });
      const written: string[] = [];
      for (const p of result.pipelines) {
        if (!p.definition) continue;
        const target = join(dir, `${p.definition.meta?.pipelineName ?? 'pipeline'}.json`);
        writeFileSync(target, stringifyDefinition(p.definition, flags.format));
        written.push(target);
      }
      if (!flags.json) for (const w of written) out(`wrote ${w}`);
    });

  withCommonOptions(
    pipeline
      .command('activate')
      .description(
        'run pipelines: on AWS for modes with `target: aws` (upload assets, create, put, activate),\n' +
          'otherwise on the local engine against the configured databases (embedded PGlite by default)',
      )
      .argument('<files...>', 'pipeline files (or compiled definition JSON for the local engine)'),
  )
    .option('-t, --time-delta <delta>', 'shift the schedule start, e.g. 2d, 6h (with -b: backwards)')
    .option('-b, --backfill', 'apply the time delta backwards (backfill from the past)')
    .addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']))
    .option('--dry-run', 'AWS: print the plan, make no mutating call')
    .option('--force', 'AWS: delete and recreate when AWS refuses the change on an active pipeline')
    .option('-y, --yes', 'answer yes to confirmations (scripts)')
    .option('--until <iso>', 'local: run the instances due up to this time (default now)')
    .option(
      '--detach',
      'local: run in the background (log under .etlctl/logs/); scheduled pipelines stay active for `etlctl agent`',
    )
    .option('--retry-delay <period>', 'local: override retryDelay (e.g. 1s) for development')
    .option('--parallel <n>', 'local: activities run at once', (v) => Number(v))
    .action(async (files: string[], flags: ActivateFlags) => {
      const target = await targetOf(flags);
      if (target === 'aws') {
        const { activateOnAws } = await import('../aws/activate.js');
        setExit(
          await activateOnAws({
            files,
            mode: flags.mode,
            configPath: flags.config,
            timeDelta: flags.timeDelta,
            backfill: flags.backfill,
            dryRun: flags.dryRun,
            force: flags.force,
            yes: flags.yes,
            json: flags.json,
            target: 'aws',
          }),
        );
        return;
      }
      for (const f of ['dryRun', 'force'] as const)
        if (flags[f])
          err(
            `note: --${f === 'dryRun' ? 'dry-run' : f} applies to AWS targets only; ignored for the local engine`,
          );
      const { activateLocally } = await import('../local/activate.js');
      setExit(
        await activateLocally({
          files,
          mode: flags.mode,
          configPath: flags.config,
          timeDelta: flags.timeDelta,
          backfill: flags.backfill,
          until: flags.until,
          detach: flags.detach,
          json: flags.json,
          yes: flags.yes,
          retryDelay: flags.retryDelay,
          parallel: flags.parallel,
        }),
      );
    });

  withCommonOptions(
    pipeline
      .command('status')
      .description('state of a pipeline and its latest instances (AWS or local, by the mode target)')
      .argument('[name]', 'pipeline name (local: all pipelines when omitted)'),
  )
    .addOption(new Option('--target <target>', 'override the mode target').choices(['local', 'aws']))
    .option('--limit <n>', 'how many instances to show', (v) => Number(v))
    .action(async (name: string | undefined, flags: CommonOptions & { target?: string; limit?: number }) => {
      const target = await targetOf(flags);
      if (target === 'aws') {
        if (!name) {
          err(
            'error ETL8006: `pipeline status` on AWS needs a pipeline name (see `etlctl pipeline list -m MODE`)',
          );
          setExit(2);
          return;
        }
        const { statusOnAws } = await import('../aws/status.js');
        setExit(
          await statusOnAws({
            name,
            mode: flags.mode,
            configPath: flags.config,
            json: flags.json,
            limit: flags.limit,
          }),
        );
        return;
      }
      const { statusLocally } = await import('../local/status.js');
      setExit(
        await statusLocally({
          name,
          mode: flags.mode,
          configPath: flags.config,
          json: flags.json,
          limit: flags.limit,
        }),
      );
    });
}

interface ActivateFlags extends CommonOptions {
  timeDelta?: string;
  backfill?: boolean;
  target?: string;
  dryRun?: boolean;
  force?: boolean;
  yes?: boolean;
  until?: string;
  detach?: boolean;
  retryDelay?: string;
  parallel?: number;
}

/** The mode's target (`--target` wins); reading the config is cheap and loads no SDK. */
async function targetOf(flags: CommonOptions & { target?: string }): Promise<'local' | 'aws'> {
  if (flags.target === 'aws' || flags.target === 'local') return flags.target;
  const { loadConfig } = await import('../config/load.js');
  return loadConfig({ configPath: flags.config, mode: flags.mode }).target;
}
