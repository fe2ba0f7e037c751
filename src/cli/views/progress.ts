/**
 * Live progress of a local run for humans: one plain line per step event (good for logs and CI),
 * plus, on a terminal, a status line under them with the running steps and their rows/s. Ends
 * with a dbt-style `Done. OK=… FAILED=… SKIPPED=… TOTAL=…` line; steps a stopped run did not
 * finish count as INTERRUPTED. `--json-stream` prints the same events as NDJSON instead.
 */
import type { EngineEvent, InstanceInfo, Reporter, RunSummary } from '../../local/engine.js';
import { formatDuration } from '../../duration.js';
import type { Io } from '../io.js';
import { printStreamLine } from './envelope.js';

export interface ProgressOptions {
  /** Clock for timestamps (tests). */
  clock?: () => Date;
  /** The command has told the user it is stopping (Ctrl-C/SIGTERM): the engine's own note would say it twice. */
  stopAnnounced?: () => boolean;
}

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** An alert as one stderr line: the subject and the first line of the message (all of it is in alerts.ndjson). */
function oneLine(subject: string, message: string): string {
  // A failure message's `Error:` line carries the reason (the failing QA line, the SQL error).
  const lines = message.split('\n');
  const error = lines.find((l) => /^Error: \S/.test(l.trim()));
  if (error) return `${subject} — ${error.trim().slice(7)}`;
  const first = lines.find((l) => l.trim() !== '');
  return first ? `${subject} — ${first.trim()}` : subject;
}

function when(i: InstanceInfo): string {
  return i.scheduledStart.slice(0, 16);
}

function rate(rows: number, ms: number): string {
  if (ms <= 0) return '';
  const perSec = (rows * 1000) / ms;
  return `${perSec < 10 ? perSec.toFixed(1) : fmtInt(Math.round(perSec))} rows/s`;
}

export class ProgressPrinter implements Reporter {
  private readonly running = new Map<number, { name: string; rows: number; ms: number }>();
  private statusShown = false;

  constructor(
    private readonly io: Io,
    private readonly opts: ProgressOptions = {},
  ) {}

  private line(text: string, toErr = false): void {
    this.clearStatus();
    const stamp = (this.opts.clock?.() ?? new Date()).toISOString().slice(11, 19);
    if (toErr) this.io.err(`${stamp} ${text}`);
    else this.io.out(`${stamp} ${text}`);
    this.drawStatus();
  }

  private clearStatus(): void {
    if (this.statusShown) {
      this.io.raw('\r\x1b[K');
      this.statusShown = false;
    }
  }

  private drawStatus(): void {
    if (!this.io.tty || this.running.size === 0) return;
    const parts = [...this.running.values()].map((r) =>
      r.rows > 0 ? `${r.name} ${fmtInt(r.rows)} rows ${rate(r.rows, r.ms)}` : r.name,
    );
    const text = `  running: ${parts.join(' | ')}`;
    const width = this.io.columns;
    this.io.raw(text.length > width - 1 ? text.slice(0, width - 2) + '…' : text);
    this.statusShown = true;
  }

  event(e: EngineEvent): void {
    switch (e.kind) {
      case 'plan': {
        const parts = [`${e.toRun} step instance${e.toRun === 1 ? '' : 's'} to run`];
        if (e.resumed) parts.push(`${e.resumed} resumed from an earlier run`);
        if (e.alreadyFinished) parts.push(`${e.alreadyFinished} already finished`);
        this.line(`Running ${e.pipeline} (run #${e.runId}): ${parts.join(', ')}`);
        break;
      }
      case 'start':
        this.running.set(e.instance.id, { name: e.instance.name, rows: 0, ms: 0 });
        this.line(
          `START ${e.instance.name} [${e.instance.type}] ${when(e.instance)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.alongside ? `, reading ${e.alongside.name}'s output as it is written` : ''}`,
        );
        break;
      case 'progress': {
        const r = this.running.get(e.instance.id);
        if (r) {
          r.rows = e.rows;
          r.ms = e.elapsedMs;
        }
        if (this.io.tty) {
          this.clearStatus();
          this.drawStatus();
        }
        break;
      }
      case 'end':
        this.running.delete(e.instance.id);
        this.endLine(e);
        break;
      case 'cascade':
        this.line(`SKIP  ${e.instance.name} (CASCADE_FAILED: upstream ${e.because} failed)`);
        break;
      case 'alert':
        this.line(
          `ALERT [${e.alert.event}] ${oneLine(e.alert.subject, e.alert.detail ?? e.alert.message)}`,
          true,
        );
        break;
      case 'note':
        if (this.opts.stopAnnounced?.() && e.message.startsWith('stopping:')) break;
        this.line(e.message);
        break;
    }
  }

  private endLine(e: Extract<EngineEvent, { kind: 'end' }>): void {
    const took = formatDuration(e.elapsedMs);
    const rows = e.rows !== undefined ? `, ${fmtInt(e.rows)} rows (${rate(e.rows, e.elapsedMs)})` : '';
    if (e.status === 'FINISHED') this.line(`OK    ${e.instance.name} in ${took}${rows}`);
    else if (e.retryInMs !== undefined) {
      this.line(
        `RETRY ${e.instance.name} attempt ${e.attempt} ${e.status.toLowerCase()}: ${e.error}; next attempt in ${formatDuration(e.retryInMs)}${e.retryInMs >= 60_000 ? ' (--retry-delay shortens it)' : ''}`,
      );
    } else {
      this.line(
        `${e.status === 'INTERRUPTED' ? 'STOP ' : 'FAIL '} ${e.instance.name} ${e.status} after ${took}: ${e.error ?? ''}${e.logPath ? ` (log: ${e.logPath})` : ''}`,
      );
    }
  }

  /** The end of one pipeline's run; `interrupted`: steps a stopped run left unfinished. */
  summary(s: RunSummary, interrupted: number): void {
    this.clearStatus();
    if (s.nothingToDo) {
      this.io.out(
        `Nothing to run for ${s.pipeline}: every due instance already finished` +
          (s.nextDue ? ` (next one due ${s.nextDue.toISOString()})` : ''),
      );
    }
    for (const t of s.translations) this.io.out(t.startsWith('transform ') ? `  ${t}` : `  translated: ${t}`);
    const blocked = s.instances.filter((i) => i.status === 'WAITING_ON_DEPENDENCIES' && !s.interrupted);
    for (const b of blocked)
      this.io.out(
        `  not run: ${b.name} (${b.scheduledStart.slice(0, 16)}) — an upstream step did not finish`,
      );
    const skipped = s.skipped - interrupted;
    this.io.out(
      `Done. OK=${s.ok} FAILED=${s.failed} SKIPPED=${skipped}${interrupted ? ` INTERRUPTED=${interrupted}` : ''} TOTAL=${s.ok + s.failed + s.skipped} in ${formatDuration(s.elapsedMs)}`,
    );
  }
}

/** `--json-stream`: each engine event as one JSON line, tagged with its pipeline. */
export function streamReporter(io: Io, pipeline: string): Reporter {
  return { event: (e) => printStreamLine(io, { pipeline, ...e }) };
}

export const silentReporter: Reporter = { event: () => undefined };
