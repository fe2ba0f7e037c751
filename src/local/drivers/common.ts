/** Helpers shared by the three drivers: errors, quoting, transactions. */
import { diag, EtlError, ExitCode } from '../../diagnostics.js';
import type { Driver, QueryResult } from './types.js';

/** A URL with its password hidden, for logs and messages (DESIGN.md decision 6). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

export function connectError(displayUrl: string, e: unknown): EtlError {
  return new EtlError(
    diag('ETL7001', `cannot connect to ${displayUrl}: ${errMessage(e)}`, {
      hint: 'check that the server is running and the connection URL in the config is right',
    }),
    ExitCode.ENVIRONMENT,
  );
}

export function errMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

function excerptSql(sql: string): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > 160 ? one.slice(0, 157) + '...' : one;
}

/** The session died under a statement (a driver raises it when the socket closes mid-result). */
export class ConnectionLost extends Error {}

/**
 * Errors that mean the server session is gone, not that the statement was wrong: PostgreSQL's
 * admin/crash shutdown (pg_terminate_backend), pg's "Connection terminated", MariaDB's
 * ER_CONNECTION_KILLED and mysql2's fatal protocol errors.
 */
export function isConnectionLost(e: unknown): boolean {
  if (e instanceof ConnectionLost) return true;
  const x = e as { code?: unknown; errno?: unknown; fatal?: unknown; message?: unknown } | undefined;
  if (!x || typeof x !== 'object') return false;
  if (x.code === '57P01' || x.code === '57P02' || x.code === 'PROTOCOL_CONNECTION_LOST') return true;
  if (x.errno === 1927 || x.errno === 2013 || x.errno === 2006) return true;
  if (x.fatal === true) return true;
  return typeof x.message === 'string' && /Connection terminated|ECONNRESET|EPIPE/.test(x.message);
}

/** A database error as an EtlError naming the statement; EtlErrors pass through unchanged. */
export function sqlError(kind: string, sql: string, e: unknown): EtlError {
  if (e instanceof EtlError) return e;
  if (isConnectionLost(e)) {
    const lost = new EtlError(
      diag(
        'ETL7400',
        `${kind}: the connection was lost while a statement ran: ${errMessage(e)} (in statement: ${excerptSql(sql)})`,
        {
          hint: 'the server ended the session (killed, restarted, or the network dropped); the step can be run again',
        },
      ),
      ExitCode.ENVIRONMENT,
    );
    (lost as { cause?: unknown }).cause = e;
    return lost;
  }
  // PostgreSQL says where a COPY failed (`COPY t, line 5001, column amount: "x"`): keep it.
  const extra = e as { detail?: unknown; where?: unknown };
  const context = [extra.detail, extra.where]
    .filter((x): x is string => typeof x === 'string' && x !== '')
    .map((x) => ` ${x.split('\n')[0]}.`)
    .join('');
  const err = new EtlError(
    diag('ETL7002', `${kind}: ${errMessage(e)}.${context} (in statement: ${excerptSql(sql)})`),
  );
  (err as { cause?: unknown }).cause = e;
  return err;
}

/** Removes trailing semicolons and whitespace so a query can be wrapped as a subquery. */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * Quotes `schema.table` part by part. A part already in quotes is kept only when it is one
 * well-formed quoted identifier (every quote inside doubled); anything else is quoted as text,
 * so a name can never end the identifier early and become SQL of its own.
 */
export function quoteQualifiedWith(name: string, quote: (part: string) => string, q: string): string {
  const parts: string[] = [];
  let cur = '';
  let inQ = false;
  for (const ch of name.trim()) {
    if (ch === q) {
      inQ = !inQ;
      cur += ch;
    } else if (ch === '.' && !inQ) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const e = q.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  const wellQuoted = new RegExp(`^${e}(?:[^${e}]|${e}${e})+${e}$`);
  return parts.map((p) => (wellQuoted.test(p) ? p : quote(p))).join('.');
}

/**
 * What every driver does the same way on its one session: BEGIN/COMMIT, with savepoints for nested
 * calls, and `exec` as a query whose result is dropped. Drivers extend it and supply `query`.
 */
export abstract class SessionDriver {
  private depth = 0;

  abstract query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  async exec(sql: string): Promise<void> {
    // One statement: scripts are split into statements before they get here (src/local/translate.ts).
    await this.query(sql);
  }

  // `this` is the concrete driver, which implements Driver; the callback gets the same session.
  async transaction<T>(this: SessionDriver & Driver, fn: (tx: Driver) => Promise<T>): Promise<T> {
    const depth = this.depth;
    await this.query(depth === 0 ? 'BEGIN' : `SAVEPOINT etlctl_sp${depth}`);
    this.depth++;
    try {
      const result = await fn(this);
      this.depth--;
      await this.query(depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT etlctl_sp${depth}`);
      return result;
    } catch (e) {
      this.depth = depth;
      try {
        await this.query(depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT etlctl_sp${depth}`);
      } catch {
        // The session may be gone (killed connection); the server rolls back on its own then.
      }
      throw e;
    }
  }
}

/** How long a driver's close waits for the server's goodbye before it drops the socket. */
export const CLOSE_WAIT_MS = 2000;

/** Waits for `ending` at most `ms`; true when it settled in time. */
export async function settlesWithin(ending: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([
      ending.then(
        () => true as const,
        () => true as const,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
