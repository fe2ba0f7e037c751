/** `etlctl alerts test` and `etlctl database …`: they return what they did; src/cli prints it. */
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { TopicResult } from './alerts.js';
import { publishTestAlerts } from './alerts.js';
import type { AwsCommandOptions } from './command.js';
import { clientsFor, loadAwsConfig } from './command.js';
import type { DatabaseAction } from './database.js';
import {
  databaseStatements,
  ddlTarget,
  executeLocally,
  executeOnRedshift,
  loadTableDefinitions,
  localStatements,
} from './database.js';

export async function alertsTestOnAws(opts: AwsCommandOptions & { now?: Date }): Promise<TopicResult[]> {
  const config = loadAwsConfig(opts);
  const clients = clientsFor(config);
  try {
    return await publishTestAlerts(clients, config.alerts, {
      mode: config.mode,
      now: opts.now ?? new Date(),
    });
  } finally {
    clients.destroy();
  }
}

export interface DatabaseCommandOptions extends AwsCommandOptions {
  action: DatabaseAction;
  files: string[];
  execute?: boolean;
  /** Named database from the config (default: defaults.warehouse). */
  connection?: string;
  pollMs?: number;
  /** Called with the statements before they run (--execute), so they show while the Data API works. */
  onStatements?: (statements: readonly string[]) => void;
}

export interface DatabaseCommandResult {
  action: DatabaseAction;
  statements: string[];
  executed: boolean;
  /** With --execute: the connection, where it is, and how many batches and statements ran. */
  connection?: string;
  location?: string;
  batches?: number;
  ran?: number;
  /** Local --execute: how the Redshift DDL was adapted for the local database, one line each. */
  translations?: string[];
  /** Problems in the table definition files (nothing ran when one is an error). */
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

export async function databaseCommand(opts: DatabaseCommandOptions): Promise<DatabaseCommandResult> {
  const config = loadAwsConfig(opts);
  const loaded = await loadTableDefinitions(opts.files);
  const base = {
    action: opts.action,
    executed: false,
    diagnostics: loaded.diagnostics,
    sources: loaded.sources,
  };
  if (hasErrors(loaded.diagnostics)) return { ...base, statements: [] };
  const statements = databaseStatements(opts.action, loaded.tables, config.permissions);
  if (!opts.execute) return { ...base, statements };
  // Local modes run the DDL where `pipeline activate` loads data (src/aws/database.ts, issue 16).
  const where = await ddlTarget(config, opts.connection);
  if (where.kind === 'local') {
    const { driverKindOf, redactUrl } = await import('../local/drivers/index.js');
    const local = await localStatements(opts.action, loaded.tables, driverKindOf(where.local.url));
    if (opts.action !== 'drop' && config.permissions.length > 0)
      local.notes.push('grants (database.permissions) are for Redshift and were not run');
    opts.onStatements?.(local.statements);
    const res = await executeLocally(where.local, local.statements);
    return {
      ...base,
      statements: local.statements,
      executed: true,
      connection: where.local.name,
      location: redactUrl(where.local.url),
      ran: res.statements,
      translations: local.notes,
    };
  }
  const target = where.redshift;
  const clients = clientsFor(config);
  try {
    opts.onStatements?.(statements);
    const res = await executeOnRedshift(clients, target, statements, { pollMs: opts.pollMs });
    return {
      ...base,
      statements,
      executed: true,
      connection: target.name,
      location: `${target.clusterId ?? target.workgroupName}/${target.database}`,
      batches: res.batches,
      ran: res.statements,
    };
  } finally {
    clients.destroy();
  }
}
