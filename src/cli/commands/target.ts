/** The mode's target (`--target` wins); reading the config is cheap and loads no SDK. */
import { dirname, resolve } from 'node:path';
import type { CommonFlags } from '../args.js';

/** `files`: the pipeline files of the command; their folders are searched for a config after the cwd. */
export async function targetOf(
  flags: CommonFlags & { target?: string },
  files: string[] = [],
): Promise<'local' | 'aws'> {
  if (flags.target === 'aws' || flags.target === 'local') return flags.target;
  const { loadConfig } = await import('../../config/load.js');
  const searchFrom = [...new Set(files.map((f) => dirname(resolve(f))))];
  return loadConfig({ configPath: flags.config, mode: flags.mode, searchFrom }).target;
}
