/** `etlctl config explain`: every resolved value and where it came from, secrets redacted. */
import type { Command } from 'commander';
import type { CommonOptions } from './common.js';
import { out, withCommonOptions } from './common.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('inspect the resolved configuration');
  withCommonOptions(
    config
      .command('explain')
      .description('print config values and their sources (defaults < file < mode < ETLCTL_* env < flags)')
      .argument('[key]', 'a dotted key or prefix, e.g. aws.s3_bucket or databases'),
  ).action(async (key: string | undefined, flags: CommonOptions) => {
    const { loadConfig, explainConfig } = await import('../config/index.js');
    const cfg = loadConfig({ configPath: flags.config, mode: flags.mode });
    const rows = explainConfig(cfg, key).map((r) => ({
      key: r.key,
      value: r.text,
      source: r.source,
      env: r.env,
      doc: r.doc,
    }));
    if (flags.json) {
      out(
        JSON.stringify(
          { file: cfg.file ?? null, mode: cfg.mode ?? null, target: cfg.target, values: rows },
          null,
          2,
        ),
      );
      return;
    }
    out(
      `config: ${cfg.file ?? '(embedded defaults)'}${cfg.mode ? `, mode ${cfg.mode}` : ''}, target ${cfg.target}`,
    );
    if (rows.length === 0) out(key ? `no config value under '${key}'` : 'no values');
    const width = Math.min(48, Math.max(...rows.map((r) => r.key.length), 3));
    for (const r of rows) out(`${r.key.padEnd(width)}  ${r.value}  (${r.source})`);
  });
}
