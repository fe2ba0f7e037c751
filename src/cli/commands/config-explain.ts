/** `etlctl config explain`: every resolved value and where it came from, secrets redacted. */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { ConfigExplainResult, ConfigValue } from '../views/config-explain.js';
import { configGroup } from './groups.js';

const SECRET_REF = /^\$\{(env|file):[^}]+\}$/;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]+@/i;

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
        const { loadConfig, isSecretKey } = await import('../../config/index.js');
        const cfg = loadConfig({ configPath: flags.config, mode: flags.mode });
        const values: ConfigValue[] = [];
        for (const [k, v] of [...cfg.values.entries()].sort(([a], [b]) => a.localeCompare(b))) {
          if (key && k !== key && !k.startsWith(key + '.')) continue;
          // A secret shows as its reference (${env:X}), never its value; a URL's password is masked.
          if (isSecretKey(k) && !SECRET_REF.test(String(v.value))) {
            values.push({ key: k, value: '<redacted>', redacted: true, source: v.source });
          } else if (typeof v.value === 'string' && URL_PASSWORD.test(v.value)) {
            values.push({
              key: k,
              value: v.value.replace(URL_PASSWORD, '$1***@'),
              redacted: true,
              source: v.source,
            });
          } else values.push({ key: k, value: v.value ?? null, redacted: false, source: v.source });
        }
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
