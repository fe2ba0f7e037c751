/** Shared plumbing for the AWS commands: config, clients, naming, confirmation. */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ResolvedConfig } from '../config/types.js';
import { loadConfig } from '../config/load.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import { AwsClients } from './clients.js';
import type { PipelineIdentity } from './pipelines.js';
import { awsPipelineName, pipelineIdentity } from './pipelines.js';

export interface AwsCommandOptions {
  mode?: string;
  configPath?: string;
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

/**
 * The answer to a destructive step's question, from the CLI's prompt. Without a way to ask (no
 * terminal) and without --yes, refuse with a usage error: never block a CI job on a prompt, never
 * delete by default.
 */
export async function confirmOrRefuse(
  question: string,
  yes: boolean | undefined,
  ask: ((question: string) => Promise<boolean>) | undefined,
): Promise<boolean> {
  if (yes) return true;
  if (!ask) {
    throw new EtlError(
      diag('ETL8114', 'refusing to delete a pipeline without confirmation', {
        hint: 'run in a terminal to confirm, or pass --yes',
      }),
      ExitCode.USAGE,
    );
  }
  return ask(question);
}
