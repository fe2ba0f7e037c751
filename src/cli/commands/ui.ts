/**
 * `etlctl ui`: the monitoring page over the local state store (issue 14) — status grid, run
 * detail with logs, pipeline pages, and the run actions. Prints its URL and serves until
 * SIGINT/SIGTERM (exit 0: stopping is how it ends).
 */
import type { Command } from 'commander';
import type { CommonFlags } from '../args.js';
import { withCommonOptions } from '../args.js';
import { outcome } from '../outcome.js';
import { runCommand } from '../runner.js';
import type { CommandContext, View } from '../runner.js';
import type { UiOptions } from '../../ui/server.js';
import { EtlError, ExitCode, diag } from '../../diagnostics/index.js';

interface Flags extends CommonFlags {
  port: string;
  host: string;
  open?: boolean;
  readOnly?: boolean;
}

interface UiResult {
  url: string;
  host: string;
  port: number;
  readOnly: boolean;
  stateDir: string;
}

const view: View<UiResult> = {
  human(o, io) {
    io.out(`etlctl ui stopped (${o.result!.url})`);
  },
};

function port(text: string): number {
  const n = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 65535))
    throw new EtlError(diag('ETL8111', `--port must be 0–65535, got '${text}'`), ExitCode.USAGE);
  return n;
}

/** Serve until SIGINT/SIGTERM: print the URL (the token once, in the link), maybe open it. */
async function serve(
  ctx: CommandContext,
  flags: Flags,
  o: Omit<UiOptions, 'host' | 'port' | 'readOnly' | 'token' | 'actor' | 'secrets'>,
): Promise<UiResult> {
  const { actorName } = await import('../../local/actions.js');
  const { startUi, environmentSecrets } = await import('../../ui/server.js');
  const { stopOnSignals } = await import('../signals.js');
  const readOnly = Boolean(flags.readOnly) || Boolean(o.aws);
  const stopper = stopOnSignals(() => undefined);
  try {
    const server = await startUi({
      ...o,
      host: flags.host,
      port: port(flags.port),
      readOnly,
      token: process.env.ETLCTL_UI_TOKEN || undefined,
      actor: actorName('ui'),
      secrets: environmentSecrets(),
    });
    // The token is shown once, in the link that sets the page's cookie.
    const link = server.token ? `${server.url}?token=${encodeURIComponent(server.token)}` : server.url;
    const what = o.aws ? ' (AWS Data Pipeline, read-only)' : readOnly ? ' (read-only)' : '';
    const line = `etlctl ui: ${link}${what} — Ctrl-C to stop`;
    if (ctx.json) ctx.io.err(line);
    else ctx.io.out(line);
    if (flags.open) {
      const { spawn } = await import('node:child_process');
      const opener =
        process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      spawn(opener, [link], { stdio: 'ignore', detached: true })
        .on('error', () => undefined)
        .unref();
    }
    await new Promise<void>((resolve) =>
      stopper.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await server.close();
    return { url: server.url, host: server.host, port: server.port, readOnly, stateDir: o.stateDir };
  } finally {
    stopper.dispose();
  }
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('ui')
      .description(
        'serve the monitoring page: status grid of every local pipeline × day, run detail and logs, rerun/backfill/pause\n' +
          '(binds 127.0.0.1; another --host needs the printed token or $ETLCTL_UI_TOKEN; a target: aws mode shows AWS, read-only)',
      ),
  )
    .option('--port <n>', 'port (0: any free one)', '8765')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .option('--read-only', 'show only: no rerun, backfill, pause or acknowledge')
    .action((flags: Flags) =>
      runCommand(
        flags,
        async (ctx) => {
          port(flags.port);
          const { existsSync } = await import('node:fs');
          const { join } = await import('node:path');
          const { loadConfig } = await import('../../config/load.js');
          const { stateDirOf } = await import('../../local/activate.js');
          const config = loadConfig({ configPath: flags.config, mode: flags.mode });
          const stateDir = stateDirOf(config);
          if (config.target === 'aws') {
            // The grid over the mode's deployed pipelines, read through the Data Pipeline API.
            const { AwsUiData } = await import('../../ui/aws-data.js');
            const { clientsFor } = await import('../../aws/command.js');
            const aws = new AwsUiData(clientsFor(config), config.mode);
            return outcome<UiResult>(await serve(ctx, flags, { aws, stateDir }));
          }
          const { openStateStore, stateUrlFor } = await import('../../local/state/open.js');
          const url = stateUrlFor(stateDir, config.local.stateUrl);
          if (!url && !existsSync(join(stateDir, 'state.db'))) {
            throw new EtlError(
              diag(
                'ETL7712',
                `no local state store in ${stateDir}: nothing was activated with this mode yet`,
                {
                  hint:
                    'run a pipeline first: etlctl pipeline activate FILE' +
                    (flags.mode ? ` -m ${flags.mode}` : ''),
                },
              ),
              ExitCode.USAGE,
            );
          }
          const store = await openStateStore({ stateDir, url });
          try {
            return outcome<UiResult>(await serve(ctx, flags, { store, stateDir }));
          } finally {
            await store.close();
          }
        },
        view,
      ),
    );
}
