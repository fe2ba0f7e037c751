/**
 * Exactly-once commits into target databases (issue 12, item 8). The state store records an
 * attempt FINISHED only after the target's COMMIT; a process killed between the two would, on
 * resume, run the load again and append every row twice. So each transaction a data runner
 * commits on a target also writes a marker row into `etlctl_loads` in that same database, in
 * that same transaction: the data and the fact that it was loaded become durable together.
 *
 * A marker is keyed by the instance (hashed with the state store's identity, so two state
 * directories loading into one database never see each other's markers), an epoch and the
 * ordinal of the transaction within the attempt (`part`). The epoch is the number of the
 * instance's last attempt the store recorded FINISHED: a deliberate rerun of a finished instance
 * starts a new epoch and loads again, while a resume after a kill (or a retry after a failure
 * that came after the commit) stays in the epoch and finds the marker, so that part is not run
 * again — its row count is taken from the marker. Two attempts of one epoch committing at once
 * (a worker whose lease ran out while its load was still running) collide on the marker's
 * primary key: the second one rolls back.
 */
import { createHash } from 'node:crypto';
import type { Driver } from './drivers/types.js';
import { errorText } from './errors.js';
import { faultPoint } from './faults.js';

export const MARKER_TABLE = 'etlctl_loads';

/** Which instance an attempt belongs to, as the commit ledger keys it. */
export interface CommitIdentity {
  /** Identifies the state store and pipeline (location, name, first activation). */
  scope: string;
  instanceId: number;
  pipeline: string;
  objectId: string;
  scheduledStart: string;
  /** The store's number of the instance's last FINISHED attempt (0: never finished). */
  epoch: number;
  /** This attempt's number. */
  attempt: number;
}

/** Writes the marker of the transaction being committed; call it inside that transaction. */
export type MarkCommit = (tx: Driver, rows: number) => Promise<void>;

const DDL = `CREATE TABLE IF NOT EXISTS ${MARKER_TABLE} (
  load_key VARCHAR(64) NOT NULL,
  epoch INTEGER NOT NULL,
  part INTEGER NOT NULL,
  pipeline VARCHAR(255) NOT NULL,
  object_id VARCHAR(255) NOT NULL,
  scheduled_start VARCHAR(40) NOT NULL,
  attempt INTEGER NOT NULL,
  rows_loaded BIGINT,
  committed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (load_key, epoch, part)
)`;

export function commitScope(storeLocation: string, pipeline: string, firstActivation: string | null): string {
  return `${storeLocation}\0${pipeline}\0${firstActivation ?? ''}`;
}

/** One attempt's commits, in the order the runner makes them. */
export class CommitLedger {
  private next = 0;
  private readonly key: string;
  private readonly ready = new WeakMap<Driver, Promise<boolean>>();
  /** Parts taken from an earlier attempt's markers instead of being run again. */
  adopted = 0;

  constructor(
    private readonly id: CommitIdentity,
    private readonly log: (line: string) => void,
    private readonly note: (line: string) => void,
  ) {
    this.key = createHash('sha256').update(`${id.scope}\0${id.instanceId}`).digest('hex').slice(0, 40);
  }

  /**
   * Run one committing transaction on `driver` exactly once per epoch: `body` runs it and calls
   * `mark` inside it (or is not called at all when an earlier attempt already committed this
   * part). Resolves with the rows the part moved.
   */
  async once(
    driver: Driver,
    what: string,
    body: (mark: MarkCommit | undefined) => Promise<number>,
  ): Promise<number> {
    const part = this.next++;
    if (!(await this.available(driver))) return body(undefined);
    const prior = await this.lookup(driver, part);
    if (prior) return this.adopt(what, prior);
    let rows: number;
    try {
      rows = await body((tx, n) => this.insert(tx, part, n));
    } catch (e) {
      // Another attempt of this epoch committed the same part first: its rows are the load.
      if (isUniqueViolation(e)) {
        const won = await this.lookup(driver, part).catch(() => undefined);
        if (won) return this.adopt(what, won);
      }
      throw e;
    }
    // The commit is durable, the store does not know yet: the window the marker closes.
    if (!driver.inTransaction) faultPoint('after-target-commit', this.id.objectId);
    return rows;
  }

  private adopt(what: string, prior: { attempt: number; rows: number }): number {
    this.adopted++;
    this.log(
      `[etlctl] ${what}: already committed by attempt ${prior.attempt} of this instance (${prior.rows} rows, marker in ${MARKER_TABLE}); not run again`,
    );
    return prior.rows;
  }

  /** The marker table exists or was created; false (with a note) when the target refuses it. */
  private available(driver: Driver): Promise<boolean> {
    let p = this.ready.get(driver);
    if (!p) {
      p = this.ensureTable(driver).then(
        () => true,
        (e: unknown) => {
          this.note(
            `ETL7450: ${this.id.objectId}: no exactly-once marker on ${driver.displayUrl} (cannot create ${MARKER_TABLE}: ${errorText(e).message}); a kill right after its commit would load it again on resume`,
          );
          return false;
        },
      );
      this.ready.set(driver, p);
    }
    return p;
  }

  private async ensureTable(driver: Driver): Promise<void> {
    if (await tableExists(driver)) return;
    // MySQL's DDL commits an open transaction; the marker table is made before any is open.
    if (driver.inTransaction && driver.kind === 'mysql') throw new Error('inside a MySQL transaction');
    try {
      await driver.exec(DDL);
    } catch (e) {
      // Two processes creating it at once: one wins, the other finds it.
      if (!(await tableExists(driver))) throw e;
    }
  }

  private async lookup(driver: Driver, part: number): Promise<{ attempt: number; rows: number } | undefined> {
    const p = (i: number) => driver.placeholder(i);
    const r = await driver.query(
      `SELECT attempt, rows_loaded FROM ${MARKER_TABLE} WHERE load_key = ${p(1)} AND epoch = ${p(2)} AND part = ${p(3)}`,
      [this.key, this.id.epoch, part],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return { attempt: Number(row.attempt), rows: Number(row.rows_loaded ?? 0) };
  }

  private async insert(tx: Driver, part: number, rows: number): Promise<void> {
    const p = (i: number) => tx.placeholder(i);
    await tx.query(
      `INSERT INTO ${MARKER_TABLE} (load_key, epoch, part, pipeline, object_id, scheduled_start, attempt, rows_loaded)
       VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(', ')})`,
      [
        this.key,
        this.id.epoch,
        part,
        this.id.pipeline.slice(0, 255),
        this.id.objectId.slice(0, 255),
        this.id.scheduledStart.slice(0, 40),
        this.id.attempt,
        rows,
      ],
    );
  }
}

async function tableExists(driver: Driver): Promise<boolean> {
  if (driver.kind === 'mysql') {
    const r = await driver.query(
      'SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [MARKER_TABLE],
    );
    return r.rows.length > 0;
  }
  const r = await driver.query('SELECT to_regclass($1)::text AS t', [MARKER_TABLE]);
  return r.rows[0]?.t !== null && r.rows[0]?.t !== undefined;
}

/** PostgreSQL/PGlite 23505, MySQL ER_DUP_ENTRY (1062), possibly wrapped by the driver's EtlError. */
export function isUniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 4; x = (x as { cause?: unknown }).cause, i++) {
    const o = x as { code?: unknown; errno?: unknown };
    if (o.code === '23505' || o.code === 'ER_DUP_ENTRY' || o.errno === 1062) return true;
  }
  return false;
}

/** `ledger.once`, or just the body when there is no ledger (runners used outside the engine). */
export function commitOnce(
  ledger: CommitLedger | undefined,
  driver: Driver,
  what: string,
  body: (mark: MarkCommit | undefined) => Promise<number>,
): Promise<number> {
  return ledger ? ledger.once(driver, what, body) : body(undefined);
}
