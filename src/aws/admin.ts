/** `etlctl alerts test` and `etlctl database …` as exit-code-returning functions for the CLI. */
import { ExitCode, formatDiagnostics, hasErrors, sortDiagnostics } from '../diagnostics.js';
import { err, out } from '../cli/common.js';
import type { AwsCommandOptions } from './command.js';
import { clientsFor, loadAwsConfig, printFailure } from './command.js';
import { publishTestAlerts } from './alerts.js';
import type { DatabaseAction } from './database.js';
import {
  databaseStatements,
  ddlTarget,
  executeLocally,
  executeOnRedshift,
  formatScript,
  loadTableDefinitions,
  localStatements,
} from './database.js';

export async function alertsTestOnAws(opts: AwsCommandOptions & { now?: Date }): Promise<number> {
  try {
    const config = loadAwsConfig(opts);
    const clients = clientsFor(config);
    try {
      const results = await publishTestAlerts(clients, config.alerts, {
        mode: config.mode,
        now: opts.now ?? new Date(),
      });
      if (opts.json) out(JSON.stringify({ ok: true, published: results }, null, 2));
      else
        for (const r of results)
          out(
            `published a test message to the ${r.role} topic ${r.topicArn} (message ${r.messageId ?? '?'})`,
          );
      return ExitCode.OK;
    } finally {
      clients.destroy();
    }
  } catch (e) {
    return printFailure(e);
  }
}

export interface DatabaseCommandOptions extends AwsCommandOptions {
  action: DatabaseAction;
  files: string[];
  execute?: boolean;
  /** Named redshift connection from the config. */
  connection?: string;
  pollMs?: number;
}

export async function databaseCommand(opts: DatabaseCommandOptions): Promise<number> {
  let sources: Map<string, string> | undefined;
  try {
    const config = loadAwsConfig(opts);
    const loaded = await loadTableDefinitions(opts.files);
    sources = loaded.sources;
    if (hasErrors(loaded.diagnostics)) {
      err(formatDiagnostics(sortDiagnostics(loaded.diagnostics), sources));
      return ExitCode.FAILURE;
    }
    const statements = databaseStatements(opts.action, loaded.tables, config.permissions);
    if (!opts.execute) {
      if (opts.json) out(JSON.stringify({ action: opts.action, statements }, null, 2));
      else
        out(
          statements.length > 0 ? formatScript(statements) : '-- nothing to do (no permissions configured?)',
        );
      return ExitCode.OK;
    }
    // Local modes run the DDL where `pipeline activate` loads data (src/aws/database.ts, issue 16).
    const where = await ddlTarget(config, opts.connection);
    if (where.kind === 'local') {
      const { driverKindOf, redactUrl } = await import('../local/drivers/index.js');
      const local = await localStatements(opts.action, loaded.tables, driverKindOf(where.local.url));
      if (opts.action !== 'drop' && config.permissions.length > 0)
        local.notes.push('grants (database.permissions) are for Redshift and were not run');
      if (!opts.json) out(formatScript(local.statements));
      const res = await executeLocally(where.local, local.statements);
      const on = `${where.local.name} (${redactUrl(where.local.url)})`;
      if (opts.json)
        out(
          JSON.stringify(
            {
              action: opts.action,
              statements: local.statements,
              executed: true,
              connection: where.local.name,
              translations: local.notes,
            },
            null,
            2,
          ),
        );
      else
        out(
          [
            `-- ran ${res.statements} statement${res.statements === 1 ? '' : 's'} on ${on}`,
            ...local.notes.map((n) => `-- ${n}`),
          ].join('\n'),
        );
      return ExitCode.OK;
    }
    const target = where.redshift;
    const clients = clientsFor(config);
    try {
      if (!opts.json) out(formatScript(statements));
      const res = await executeOnRedshift(clients, target, statements, { pollMs: opts.pollMs });
      if (opts.json)
        out(
          JSON.stringify(
            {
              action: opts.action,
              statements,
              executed: true,
              connection: target.name,
              batches: res.batches,
            },
            null,
            2,
          ),
        );
      else
        out(
          `-- ran ${res.statements} statement${res.statements === 1 ? '' : 's'} on ${target.name} (${target.clusterId ?? target.workgroupName}/${target.database})`,
        );
      return ExitCode.OK;
    } finally {
      clients.destroy();
    }
  } catch (e) {
    return printFailure(e, sources);
  }
}
