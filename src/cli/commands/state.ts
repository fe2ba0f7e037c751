/**
 * `etlctl state migrate|export|import` (issue 15): bring a state store's schema to this etlctl's
 * version, and move history between the embedded SQLite store and a shared PostgreSQL one
 * (`state export --state-dir .etlctl -o h.ndjson`, then `state import h.ndjson --state-url …`).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { diag, EtlError, ExitCode } from '../../diagnostics/index.js';
import type { ExportFormat, ExportResult } from '../../local/state/transfer.js';
import type { CommonFlags } from '../args.js';
import { group, withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';

interface StoreFlags extends CommonFlags {
  stateUrl?: string;
  stateDir?: string;
}

const stateGroup = (p: Command): Command =>
  group(
    p,
    'state',
    'the local state store: migrate its schema, export and import its history (SQLite ⇄ PostgreSQL)',
  );

function withStoreOptions(cmd: Command): Command {
  return withCommonOptions(cmd)
    .option('--state-url <url>', 'a shared state store (postgres://…?schema=NAME), instead of the config’s')
    .option('--state-dir <dir>', 'the SQLite store in this state directory, instead of the config’s store');
}

function choice(flags: StoreFlags) {
  if (flags.stateUrl && flags.stateDir)
    throw new EtlError(
      diag('ETL7817', '--state-url and --state-dir name two stores; a state command works on one', {
        hint: 'export from one store, then import into the other',
      }),
      ExitCode.USAGE,
    );
  return { stateDir: flags.stateDir, url: flags.stateUrl, mode: flags.mode, configPath: flags.config };
}

export function register(program: Command): void {
  const state = stateGroup(program);
  withStoreOptions(
    state
      .command('migrate')
      .description('create the state store or migrate its schema to this etlctl’s version'),
  ).action((flags: StoreFlags) =>
    runCommand(
      flags,
      async () => {
        const { migrateState } = await import('../../local/state/transfer.js');
        return outcome(await migrateState(choice(flags)));
      },
      () => import('../views/state.js').then((m) => m.migrateView),
    ),
  );

  withStoreOptions(
    state
      .command('export')
      .description('write every pipeline, definition, run, instance, attempt and action of the store'),
  )
    .option('-o, --output <file>', 'write to this file (default: standard output)')
    .option('--format <format>', 'ndjson (a header line, then one row per line) or json', 'ndjson')
    .action((flags: StoreFlags & { output?: string; format: string }) => {
      let text = '';
      return runCommand(
        flags,
        async () => {
          const format = flags.format as ExportFormat;
          if (format !== 'ndjson' && format !== 'json')
            throw new EtlError(
              diag('ETL7817', `--format ${flags.format}: expected ndjson or json`),
              ExitCode.USAGE,
            );
          if (flags.json && !flags.output)
            throw new EtlError(
              diag(
                'ETL7817',
                'state export --json prints the envelope on standard output: the export needs a file',
                {
                  hint: 'add -o FILE',
                },
              ),
              ExitCode.USAGE,
            );
          const { exportState, openChosen } = await import('../../local/state/transfer.js');
          const store = await openChosen(choice(flags));
          try {
            const out = await exportState(store, format);
            if (flags.output) writeFileSync(flags.output, out.text);
            else text = out.text;
            return outcome<ExportResult & { output: string }>({ ...out.result, output: flags.output ?? '-' });
          } finally {
            await store.close();
          }
        },
        () => import('../views/state.js').then((m) => m.exportView(text)),
      );
    });

  withStoreOptions(
    state
      .command('import')
      .description('load an export into the store (refuses a store with history unless --force)')
      .argument('<file>', 'a file written by `etlctl state export`'),
  )
    .option('--force', 'replace the history the store already has')
    .action((file: string, flags: StoreFlags & { force?: boolean }) =>
      runCommand(
        flags,
        async () => {
          const { importState, openChosen } = await import('../../local/state/transfer.js');
          const store = await openChosen(choice(flags));
          try {
            return outcome(await importState(store, file, { force: flags.force }));
          } finally {
            await store.close();
          }
        },
        () => import('../views/state.js').then((m) => m.importView),
      ),
    );
}
