/** `etlctl transforms decrypt`: values an `encrypt` transform wrote, back to clear text with their key. */
import type { Command } from 'commander';
import type { DecryptResult } from '../../transforms/decrypt.js';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import { transformsGroup } from './groups.js';

interface Flags extends CommonFlags {
  key?: string;
}

/** Lines of stdin (values piped in, so they stay out of the shell history). */
async function stdinLines(): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
}

export function register(program: Command): void {
  withCommonOptions(
    transformsGroup(program)
      .command('decrypt')
      .description(
        'decrypt values written by an encrypt transform (enc:v1:<key id>:…); values as arguments, or one per line on stdin',
      )
      .argument('[values...]', 'encrypted values (default: read lines from stdin)')
      .option('--key <id>', 'key id in config transforms.keys (default: the id each value names)'),
  ).action((values: string[], flags: Flags) =>
    runCommand(
      flags,
      async () => {
        const { decryptValues } = await import('../../transforms/decrypt.js');
        const input = values.length > 0 ? values : await stdinLines();
        const result = decryptValues(input, {
          key: flags.key,
          mode: flags.mode,
          configPath: flags.config,
        });
        return outcome<DecryptResult>(result);
      },
      async () => (await import('../views/transforms.js')).decryptView,
    ),
  );
}
