/**
 * Where OpenLineage events go (issue 16): an NDJSON file and/or an HTTP endpoint (an OpenLineage
 * API such as Marquez's `POST /api/v1/lineage`). Lineage is a side channel: a sink never blocks
 * or fails a run. `send` returns at once; the HTTP sink posts from a bounded queue, one request
 * at a time so events arrive in order, each with a timeout; when the queue is full the oldest
 * events are dropped. Problems become warnings, reported once each through `warn`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LineageSink {
  send(event: object): void;
  /** Deliver what is queued, waiting at most `deadlineMs`; never throws. */
  close(deadlineMs?: number): Promise<void>;
}

export type Warn = (message: string) => void;

export class FileSink implements LineageSink {
  private broken = false;

  constructor(
    private readonly path: string,
    private readonly warn: Warn,
  ) {}

  send(event: object): void {
    if (this.broken) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      // One synchronous append per event: ordered, and complete lines even if the run is killed.
      appendFileSync(this.path, JSON.stringify(event) + '\n');
    } catch (e) {
      this.broken = true;
      this.warn(
        `ETL3522: lineage events cannot be written to ${this.path}: ${(e as Error).message}; no more are written`,
      );
    }
  }

  async close(): Promise<void> {}
}

export interface HttpSinkOptions {
  url: string;
  timeoutMs: number;
  queueSize: number;
  apiKey?: string;
}

export class HttpSink implements LineageSink {
  private readonly queue: string[] = [];
  private draining?: Promise<void>;
  private dropped = 0;
  private failed = 0;
  private warned = false;
  private stopped = false;
  delivered = 0;

  constructor(
    private readonly opts: HttpSinkOptions,
    private readonly warn: Warn,
  ) {}

  send(event: object): void {
    if (this.stopped) return;
    this.queue.push(JSON.stringify(event));
    while (this.queue.length > this.opts.queueSize) {
      this.queue.shift();
      this.dropped++;
    }
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  private async drain(): Promise<void> {
    for (let body = this.queue.shift(); body !== undefined && !this.stopped; body = this.queue.shift()) {
      try {
        const res = await fetch(this.opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
          },
          body,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        // The body is not needed; reading it lets the connection be reused.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) this.delivered++;
        else this.problem(`${this.opts.url} answered HTTP ${res.status}`);
      } catch (e) {
        const err = e as Error & { cause?: { code?: string } };
        this.problem(
          err.name === 'TimeoutError'
            ? `${this.opts.url} did not answer within ${this.opts.timeoutMs} ms`
            : `${this.opts.url}: ${err.cause?.code ?? err.message}`,
        );
      }
    }
  }

  private problem(what: string): void {
    this.failed++;
    if (this.warned) return;
    this.warned = true;
    this.warn(
      `ETL3520: lineage event not delivered: ${what} (the run goes on; further failures are counted)`,
    );
  }

  async close(deadlineMs = this.opts.timeoutMs * 2): Promise<void> {
    if (this.draining) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.draining, new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))]);
      clearTimeout(timer);
    }
    this.stopped = true;
    const left = this.queue.length;
    this.queue.length = 0;
    if (this.dropped + left > 0)
      this.warn(
        `ETL3521: ${this.dropped + left} lineage event${this.dropped + left === 1 ? '' : 's'} dropped (queue full, or not delivered before the run ended)`,
      );
    if (this.failed > 1)
      this.warn(`ETL3520: ${this.failed} lineage events were not delivered to ${this.opts.url}`);
  }
}
