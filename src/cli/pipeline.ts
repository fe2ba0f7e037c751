/** `etlctl pipeline …`: validate and compile (activate/status dispatch by target are added here too). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { CommonOptions } from './common.js';
import { err, out, reportDiagnostics, withCommonOptions } from './common.js';

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
}
