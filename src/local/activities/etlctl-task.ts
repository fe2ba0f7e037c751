/**
 * `etlctl task copy` run inside the engine. A step with `transforms:` compiles to a
 * ShellCommandActivity `etlctl task copy "$@"` (what the EC2 worker runs); the local engine calls
 * the same `runCopyTask` in its own process instead of starting one, so the output streams into
 * the load reading it (../handoff.ts) and no second Node process starts. Only the exact compiled
 * form with known flags is taken; anything else runs as the shell command it is.
 */
import type { PipelineObject } from '../../definition/model.js';
import { fieldValues, stringField } from '../../definition/model.js';
import type { CopyTaskOptions } from '../../tasks/copy.js';
import type { ShellContext } from './shell.js';
import type { ActivityResult } from './types.js';

const COPY_COMMAND = /^\s*etlctl\s+task\s+copy\s+"\$@"\s*$/;

type CopyArgs = Pick<
  CopyTaskOptions,
  | 'fromDatabase'
  | 'query'
  | 'fromS3'
  | 'columns'
  | 'toS3'
  | 'toDatabase'
  | 'table'
  | 'transforms'
  | 'pipeline'
  | 'step'
>;

const FLAGS: Record<string, keyof CopyArgs> = {
  '--from-database': 'fromDatabase',
  '--query': 'query',
  '--from-s3': 'fromS3',
  '--columns': 'columns',
  '--to-s3': 'toS3',
  '--to-database': 'toDatabase',
  '--table': 'table',
  '--transforms': 'transforms',
  '--pipeline': 'pipeline',
  '--step': 'step',
};

/**
 * The arguments of a compiled `etlctl task copy` activity, as the CLI would read them; undefined
 * when the activity is something else or uses a flag this reader does not know.
 */
export function copyTaskArgs(command: string | undefined, args: readonly string[]): CopyArgs | undefined {
  if (command === undefined || !COPY_COMMAND.test(command)) return undefined;
  const out: Partial<Record<keyof CopyArgs, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const key = FLAGS[flag];
    if (!key) return undefined;
    const value = flag === a ? args[++i] : a.slice(eq + 1);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  if (out.transforms === undefined) return undefined;
  return {
    ...out,
    columns: out.columns
      ?.split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    transforms: out.transforms,
    pipeline: out.pipeline ?? 'pipeline',
    step: out.step ?? 'copy',
  };
}

/** The copy arguments of an (unevaluated or evaluated) activity object, if it is one. */
export function copyTaskOf(obj: PipelineObject): CopyArgs | undefined {
  if (stringField(obj, 'type') !== 'ShellCommandActivity') return undefined;
  const args = fieldValues(obj, 'scriptArgument').filter((v): v is string => typeof v === 'string');
  return copyTaskArgs(stringField(obj, 'command'), args);
}

export async function runCopyTaskInProcess(ctx: ShellContext, args: CopyArgs): Promise<ActivityResult> {
  const { copyReportLines, runCopyTask, TRANSFORM_LINE } = await import('../../tasks/copy.js');
  ctx.log('[etlctl] etlctl task copy runs inside the engine (the same code the AWS worker runs)');
  // The environment the command would get as a process: the engine's, plus the step's.
  const env: NodeJS.ProcessEnv = { ...process.env, ...ctx.env };
  const report = await runCopyTask({
    ...args,
    env,
    mode: ctx.env.ETLCTL_MODE,
    configPath: ctx.env.ETLCTL_CONFIG,
    cwd: ctx.cwd,
    s3: ctx.s3,
    handoff: ctx.handoff,
    signal: ctx.signal,
    progress: (rows) => ctx.progress(rows),
  });
  for (const line of copyReportLines(report)) {
    if (line.startsWith(TRANSFORM_LINE))
      ctx.translations.push(`transform ${line.slice(TRANSFORM_LINE.length)}`);
    ctx.log(line);
  }
  return { rowsMoved: report.rows };
}
