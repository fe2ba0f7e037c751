/**
 * The one database interface of the local engine (DESIGN.md decisions 7 and 9), implemented over
 * pg (PostgreSQL), mysql2 (MySQL and MariaDB) and @electric-sql/pglite (embedded Postgres).
 *
 * Bulk data crosses this interface only as streams in the engine's TSV dialect (see
 * src/local/tsv.ts): `copyIn` reads one, `copyOut` writes one, both with backpressure, so memory
 * stays flat whatever the row count. A Driver holds one session (one connection), so a
 * `transaction` and the statements inside it see the same session state (temp tables included).
 */
import type { Readable, Writable } from 'node:stream';

export type DriverKind = 'postgres' | 'mysql' | 'pglite';

export interface FieldInfo {
  name: string;
  /** Engine type name or OID as text, for messages only. */
  type?: string;
}

export type Row = Record<string, unknown>;

export interface QueryResult {
  rows: Row[];
  fields: FieldInfo[];
  /** Rows returned, or rows affected for INSERT/UPDATE/DELETE. */
  rowCount: number;
}

export interface Driver {
  readonly kind: DriverKind;
  /** The connection URL with any password replaced by `***` — safe to log. */
  readonly displayUrl: string;
  /**
   * One statement. Placeholders: `$1, $2…` on postgres/pglite, `?` on mysql — use
   * `placeholder(i)` to write portable SQL. Rows are for small results only; move data with copyOut.
   */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** A script of several statements, no parameters, no results. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` inside BEGIN … COMMIT (ROLLBACK when it throws). Nested calls use a savepoint.
   * `fn` gets this same driver (one session) for convenience.
   */
  transaction<T>(fn: (tx: Driver) => Promise<T>): Promise<T>;
  /** True between BEGIN and COMMIT/ROLLBACK issued through `transaction`. */
  readonly inTransaction: boolean;
  /**
   * Loads a TSV stream (engine dialect, src/local/tsv.ts) into `table` (already quoted or a plain
   * name; qualified `schema.table` allowed). `columns` lists the target columns in file order, or
   * undefined for all columns in table order. Resolves with the number of rows loaded.
   */
  copyIn(
    table: string,
    columns: readonly string[] | undefined,
    tsv: Readable,
    opts?: CopyInOptions,
  ): Promise<number>;
  /**
   * Runs one SELECT and writes its rows to `tsv` in the engine dialect, honouring backpressure.
   * Does not end `tsv` unless `opts.end` is true. Resolves with the number of rows written.
   */
  copyOut(selectQuery: string, tsv: Writable, opts?: { end?: boolean }): Promise<number>;
  /** Quotes one identifier for this engine ("x" or `x`). */
  quoteIdent(name: string): string;
  /** Quotes a possibly qualified name `schema.table` part by part (already-quoted parts kept). */
  quoteQualified(name: string): string;
  /** The i-th (1-based) parameter placeholder in this engine's syntax. */
  placeholder(i: number): string;
  /**
   * Asks the server to cancel the statement this session is running, from a second session
   * (PostgreSQL pg_cancel_backend, MariaDB KILL QUERY); the statement then fails with the
   * server's "cancelled" error. Nothing when idle. Embedded databases have none.
   */
  cancel?(): Promise<void>;
  /** Ends the session; a session still busy after a short wait is dropped. */
  close(): Promise<void>;
}

export interface CopyInOptions {
  /**
   * Values longer than their column are cut instead of failing the load (Redshift
   * TRUNCATECOLUMNS). Only MySQL honours it here; Postgres loads truncate through a staging cast.
   */
  allowTruncation?: boolean;
  /**
   * COPY … WITH (FREEZE) on postgres/pglite: rows are written already frozen. Only valid when the
   * table was created or truncated earlier in the same transaction; ignored by MySQL.
   */
  freeze?: boolean;
}

export interface OpenDriverOptions {
  /**
   * SQL run once, right after an embedded (pglite://PATH) database is first created. Ignored for
   * server URLs and for pglite://memory (which is always new, so it is seeded on every open).
   */
  seedSql?: string;
  /** Connect timeout in milliseconds for server databases (default 10 000). */
  connectTimeoutMs?: number;
}
