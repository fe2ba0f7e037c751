/** Shared plumbing for the AWS commands: config, clients, naming, confirmation, error printing. */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse } from 'yaml';
import type { ResolvedConfig } from '../config/types.js';
import { loadConfig } from '../config/load.js';
import type { SourceTexts } from '../diagnostics.js';
import { diag, EtlError, ExitCode, formatDiagnostics } from '../diagnostics.js';
import { err } from '../cli/common.js';
import { AwsClients } from './clients.js';
import type { PipelineIdentity } from './pipelines.js';
import { awsPipelineName, pipelineIdentity } from './pipelines.js';

export interface AwsCommandOptions {
  mode?: string;
  configPath?: string;
  json?: boolean;
}

export function loadAwsConfig(opts: AwsCommandOptions): ResolvedConfig {
  return loadConfig({ configPath: opts.configPath, mode: opts.mode });
}

export function clientsFor(config: ResolvedConfig): AwsClients {
  return new AwsClients({ region: config.aws.region });
}

/**
 * A pipeline named on the command line: its YAML name, its full AWS name, or a pipeline file
 * (whose `name:` is read).
 */
export function identityFromArg(arg: string, config: ResolvedConfig): PipelineIdentity {
  let name = arg;
  if (/\.ya?ml$/i.test(arg) && existsSync(arg)) {
    const doc = parse(readFileSync(arg, 'utf8')) as { name?: unknown } | null;
    if (!doc || typeof doc.name !== 'string') {
      throw new EtlError(diag('ETL8113', `${arg} has no top-level 'name:'`, { file: arg }), ExitCode.USAGE);
    }
    name = doc.name;
  }
  return pipelineIdentity(awsPipelineName(name, config.aws.namePrefix), config.mode);
}

/** Print an error from any layer and return its exit code (for functions that return exit codes). */
export function printFailure(e: unknown, sources?: SourceTexts): number {
  if (e instanceof EtlError) {
    err(formatDiagnostics(e.diagnostics, sources));
    return e.exitCode;
  }
  throw e;
}

/**
 * Ask before a destructive step. --yes answers for scripts; without a terminal and without --yes
 * the answer is no (never block a CI job on a prompt, never delete by default).
 */
export async function confirmDestructive(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new EtlError(
      diag('ETL8114', 'refusing to delete a pipeline without confirmation', {
        hint: 'run in a terminal to confirm, or pass --yes',
      }),
      ExitCode.USAGE,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
