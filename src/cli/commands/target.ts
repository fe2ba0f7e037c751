/** The mode's target (`--target` wins); reading the config is cheap and loads no SDK. */
import type { CommonFlags } from '../args.js';

export async function targetOf(flags: CommonFlags & { target?: string }): Promise<'local' | 'aws'> {
  if (flags.target === 'aws' || flags.target === 'local') return flags.target;
  const { loadConfig } = await import('../../config/load.js');
  return loadConfig({ configPath: flags.config, mode: flags.mode }).target;
}
