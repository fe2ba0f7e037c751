/**
 * Live updates for `etlctl ui` by Server-Sent Events (`GET /api/events`): while a page listens,
 * the server looks once a second whether the state store changed and, when it did, sends
 * `event: change`; the page then asks for what it shows (the grid's ETag makes an unchanged grid a
 * 304). Pages keep polling, slowly while the stream is open and every 3 s when it is not.
 *
 * How a change is seen without reading the tables: SQLite's `PRAGMA data_version` (commits by
 * other connections: the CLI, agents) with `total_changes()` (this process's own writes: actions,
 * runs started from the page); PostgreSQL's WAL position (any commit moves it; a move with nothing
 * for us costs the page one 304). A store offering neither gets no stream (the page polls).
 */
import type { ServerResponse } from 'node:http';
import type { StateStore } from '../local/state/store.js';

type Stamp = () => Promise<string>;

interface SqliteLike {
  db: { prepare(sql: string): { pluck(): { get(): unknown } } };
}
interface PgLike {
  pool: { query(sql: string): Promise<{ rows: { lsn: string }[] }> };
}

/** How to tell that the store changed, or undefined when this store cannot say cheaply. */
export function changeStamp(store: StateStore): Stamp | undefined {
  // Duck-typed on the two stores' public handles (the bench and tests use them too), so the
  // StateStore interface the other stores implement needs no new method.
  const s = store as unknown as Partial<SqliteLike & PgLike>;
  if (s.db && typeof s.db.prepare === 'function') {
    const version = s.db.prepare('PRAGMA data_version').pluck();
    const own = s.db.prepare('SELECT total_changes()').pluck();
    return () => Promise.resolve(`${String(version.get())}:${String(own.get())}`);
  }
  if (s.pool && typeof s.pool.query === 'function') {
    const pool = s.pool;
    return async () => (await pool.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn ?? '';
  }
  return undefined;
}

export class ChangeFeed {
  private readonly clients = new Set<ServerResponse>();
  private timer?: NodeJS.Timeout;
  private last?: string;
  private ticks = 0;
  private busy = false;

  constructor(private readonly stamp: Stamp) {}

  /** Keep `res` open as an event stream until the page goes away or the server closes. */
  add(res: ServerResponse, headers: Record<string, string>): void {
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    // retry: how long the browser waits before reconnecting after the stream breaks.
    res.write('retry: 3000\nevent: hello\ndata: {}\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), 1000);
      void this.tick(); // the stamp to compare with, as soon as possible
    }
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const now = await this.stamp();
      if (this.last !== undefined && now !== this.last)
        this.send('change', JSON.stringify({ at: Date.now() }));
      else if (++this.ticks % 15 === 0) for (const c of this.clients) c.write(': ping\n\n');
      this.last = now;
    } catch {
      // The store is busy or gone for a moment: the next tick tries again; pages still poll.
    } finally {
      this.busy = false;
    }
  }

  private send(event: string, data: string): void {
    for (const c of this.clients) c.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  close(): void {
    this.stop();
    for (const c of this.clients) c.end();
    this.clients.clear();
  }
}
