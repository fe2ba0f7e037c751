/**
 * MySQL and MariaDB through mysql2. Extract streams rows with `query().stream()` (the connection
 * pauses while the consumer is full); load uses LOAD DATA LOCAL INFILE fed by the TSV stream.
 */
import { Socket } from 'node:net';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Mysql from 'mysql2';
import { diag, EtlError } from '../../diagnostics.js';
import { splitStatements } from '../translate.js';
import { RowEncoder } from '../tsv.js';
import { queryToTsv } from './mysql-tsv.js';
import {
  CLOSE_WAIT_MS,
  ConnectionLost,
  connectError,
  quoteQualifiedWith,
  settlesWithin,
  redactUrl,
  sqlError,
  stripTrailingSemicolons,
  SessionDriver,
} from './common.js';
import type { CopyInOptions, Driver, OpenDriverOptions, QueryResult, Row } from './types.js';

export function mysqlQuoteIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** MySQL warning codes a LOAD may raise when TRUNCATECOLUMNS asked for truncation. */
const INFILE_CHUNK = 1024 * 1024;

const TRUNCATION_WARNINGS = new Set([1265, 1406]);

export async function openMysql(url: string, opts: OpenDriverOptions): Promise<Driver> {
  const displayUrl = redactUrl(url);
  const mysql = (await import('mysql2')).default;
  const u = new URL(url.replace(/^mariadb:/i, 'mysql:'));
  let conn: Mysql.Connection;
  try {
    conn = mysql.createConnection({
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')) || undefined,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      charset: 'utf8mb4_unicode_ci',
      // Values as the server prints them, so TSV carries exact text (no float/date rounding).
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      // One statement per query: a script (SqlActivity) is split into statements safely first
      // (src/local/translate.ts), so no text can smuggle a second statement in.
      multipleStatements: false,
      flags: ['+LOCAL_FILES'],
    });
    await new Promise<void>((resolve, reject) => conn.connect((e) => (e ? reject(e) : resolve())));
  } catch (e) {
    throw connectError(displayUrl, e);
  }
  conn.on('error', () => {});
  const server = {
    host: conn.config.host,
    port: conn.config.port,
    user: conn.config.user,
    password: decodeURIComponent(u.password),
  };
  const driver = new MysqlDriver(conn, displayUrl, server);
  // Session in UTC and strict, so loads fail instead of silently mangling values.
  await driver.exec(
    "SET time_zone = '+00:00', sql_mode = CONCAT_WS(',', NULLIF(@@sql_mode, ''), 'STRICT_ALL_TABLES')",
  );
  return driver;
}

class MysqlDriver extends SessionDriver implements Driver {
  readonly kind = 'mysql' as const;

  constructor(
    private readonly conn: Mysql.Connection,
    readonly displayUrl: string,
    private readonly server: Mysql.ConnectionOptions,
  ) {
    super();
  }

  /** KILL QUERY from a second session: the server stops the statement and this session stays usable. */
  async cancel(): Promise<void> {
    const id = this.conn.threadId;
    if (id === null || id === undefined) return;
    const mysql = (await import('mysql2')).default;
    const other = mysql.createConnection({ ...this.server, connectTimeout: 5000 });
    other.on('error', () => {});
    try {
      await other.promise().query(`KILL QUERY ${Number(id)}`);
    } finally {
      other.destroy();
    }
  }

  private raw(
    options: Mysql.QueryOptions,
    params?: readonly unknown[],
  ): Promise<{ rows: unknown; fields: Mysql.FieldPacket[] | undefined }> {
    return new Promise((resolve, reject) => {
      this.conn.query(options, params as unknown[] | undefined, (e, rows, fields) =>
        e ? reject(e) : resolve({ rows, fields: fields as Mysql.FieldPacket[] | undefined }),
      );
    });
  }

  /**
   * A script (several statements, e.g. set-up SQL): split with MySQL's quoting and comments
   * respected and run one statement at a time, as the connection takes one per query.
   */
  override async exec(sql: string): Promise<void> {
    for (const statement of splitStatements(sql, { mysql: true })) await this.query(statement.text);
  }

  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    try {
      const { rows, fields } = await this.raw({ sql }, params);
      if (Array.isArray(rows)) {
        return {
          rows: rows as Row[],
          fields: (fields ?? []).map((f) => ({ name: f.name, type: String(f.type) })),
          rowCount: rows.length,
        };
      }
      const header = rows as Mysql.ResultSetHeader;
      return { rows: [], fields: [], rowCount: header.affectedRows ?? 0 };
    } catch (e) {
      throw sqlError('MySQL', sql, e);
    }
  }

  async copyIn(
    table: string,
    columns: readonly string[] | undefined,
    tsv: Readable,
    opts: CopyInOptions = {},
  ): Promise<number> {
    const cols = columns && columns.length ? ` (${columns.map(mysqlQuoteIdent).join(', ')})` : '';
    const sql =
      `LOAD DATA LOCAL INFILE 'etlctl.tsv' INTO TABLE ${this.quoteQualified(table)} ` +
      `CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' ` +
      `LINES TERMINATED BY '\\n'${cols}`;
    let header: Mysql.ResultSetHeader;
    const feed = new PassThrough();
    let pumpError: unknown;
    const pump = this.pumpInfile(tsv, feed).catch((e) => {
      pumpError = e;
      feed.end();
    });
    try {
      const res = await this.raw({ sql, infileStreamFactory: () => feed } as Mysql.QueryOptions);
      header = res.rows as Mysql.ResultSetHeader;
    } catch (e) {
      tsv.destroy();
      throw sqlError('MySQL', sql, e);
    } finally {
      await pump;
    }
    if (pumpError) throw sqlError('MySQL', sql, pumpError);
    if (header.warningStatus > 0) {
      // LOCAL loads turn data errors into warnings and go on; the engine treats them as errors.
      const warnings = await this.query('SHOW WARNINGS LIMIT 5');
      const real = warnings.rows.filter(
        (w) => !(opts.allowTruncation && TRUNCATION_WARNINGS.has(Number(w.Code))),
      );
      if (real.length > 0) {
        throw new EtlError(
          diag(
            'ETL7003',
            `MySQL rejected data loading ${table}: ` +
              real.map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`).join('; '),
          ),
        );
      }
    }
    return header.affectedRows ?? 0;
  }

  /**
   * Feeds LOAD DATA LOCAL: mysql2 writes each chunk to the socket as soon as it is emitted and
   * ignores the socket's backpressure, so wait for the socket to drain between chunks here.
   */
  private async pumpInfile(source: Readable, feed: PassThrough): Promise<void> {
    // The socket is internal to mysql2; it is the only place backpressure can be observed.
    const socket = (this.conn as unknown as { stream: NodeJS.WritableStream & Writable }).stream;
    for await (const c of source) {
      let buf = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
      while (buf.length > 0) {
        const part = buf.subarray(0, INFILE_CHUNK);
        buf = buf.subarray(part.length);
        feed.write(part);
        if (socket.writableNeedDrain) await drainedOrGone(socket);
      }
    }
    feed.end();
  }

  async copyOut(selectQuery: string, tsv: Writable, opts: { end?: boolean } = {}): Promise<number> {
    const sql = stripTrailingSemicolons(selectQuery);
    // mysql2 internals: the socket, and whether a command is still running on it.
    const internals = this.conn as unknown as { stream?: unknown; _command?: unknown };
    if (internals.stream instanceof Socket && !internals._command && Buffer.byteLength(sql) < 0xfffff0) {
      let rows: number;
      try {
        rows = await queryToTsv(internals.stream, sql, tsv);
      } catch (e) {
        throw sqlError('MySQL', sql, e);
      }
      if (opts.end) tsv.end();
      return rows;
    }
    const encoder = new RowEncoder('tsv');
    const rows = this.conn.query({ sql, rowsAsArray: true }).stream({ highWaterMark: 512 });
    try {
      await pipeline(rows, encoder, tsv, { end: opts.end ?? false });
    } catch (e) {
      throw sqlError('MySQL', sql, e);
    }
    return encoder.rows;
  }

  quoteIdent(name: string): string {
    return mysqlQuoteIdent(name);
  }

  quoteQualified(name: string): string {
    return quoteQualifiedWith(name, mysqlQuoteIdent, '`');
  }

  placeholder(): string {
    return '?';
  }

  async close(): Promise<void> {
    // COM_QUIT waits behind a running statement: a session still busy is dropped.
    const ended = new Promise<void>((resolve) => this.conn.end(() => resolve()));
    if (!(await settlesWithin(ended, CLOSE_WAIT_MS))) this.conn.destroy();
  }
}

/** The socket can take more, or it closed (the session was killed): waiting on 'drain' alone would hang. */
function drainedOrGone(socket: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (gone: boolean) => (): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      if (gone) reject(new ConnectionLost('the server closed the connection during the load'));
      else resolve();
    };
    const onDrain = settle(false);
    const onClose = settle(true);
    if (socket.destroyed) return onClose();
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}
