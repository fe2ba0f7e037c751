/**
 * `etlctl config explain`: every declared key (src/config/schema.ts) with its resolved value, where
 * it came from, its ETLCTL_* variable and its documentation; secrets and URL passwords redacted.
 */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ConfigExplainResult, ConfigValue } from '../views/config-explain.js';
import { configGroup } from './groups.js';

export function register(program: Command): void {
  withCommonOptions(
    configGroup(program)
      .command('explain')
      .description('print config values and their sources (defaults < file < mode < ETLCTL_* env < flags)')
      .argument('[key]', 'a dotted key or prefix, e.g. aws.s3_bucket or databases'),
  ).action((key: string | undefined, flags: CommonFlags) =>
    runCommand(
      flags,
      async () => {
        const { loadConfig, explainConfig } = await import('../../config/index.js');
        const cfg = loadConfig({ configPath: flags.config, mode: flags.mode });
        const values = explainConfig(cfg, key).map((r): ConfigValue => {
          const set = cfg.values.has(r.key);
          return {
            key: r.key,
            // The value itself (never JSON-encoded twice); a key that is not set is null.
            value: r.value ?? null,
            // A secret shows as its reference (${env:X}), never its value; a URL's password is masked.
            redacted: set && JSON.stringify(r.value) !== JSON.stringify(cfg.values.get(r.key)!.value),
            set,
            source: r.source,
            env: r.env ?? null,
            doc: r.doc ?? null,
          };
        });
        const result: ConfigExplainResult = {
          file: cfg.file ?? null,
          mode: cfg.mode ?? null,
          target: cfg.target,
          key: key ?? null,
          values,
        };
        return outcome(result);
      },
      () => import('../views/config-explain.js').then((m) => m.configExplainView),
    ),
  );
}
