/**
 * Live progress of a local run for humans: one plain line per step event (good for logs and CI),
 * plus the running steps' progress (rows, bytes, rate; percent and ETA when the step's last count
 * is known) — on a terminal a status line under the event lines, elsewhere (a pipe, a log file)
 * a `PROG` line per running step every `--progress-interval` and at each 10% step (issue 18).
 * Ends with a dbt-style `Done. OK=… FAILED=… SKIPPED=… TOTAL=…` line; steps a stopped run did not
 * finish count as INTERRUPTED. `--json-stream` prints the same events as NDJSON instead.
 */
import type { EngineEvent, InstanceInfo, Reporter, RunSummary } from '../../local/engine.js';
import { formatDuration } from '../../duration.js';
import type { Io } from '../io.js';
import { printStreamLine } from './envelope.js';
import type { ProgressMode, StepProgress } from './progress-line.js';
import { DEFAULT_PROGRESS_INTERVAL_MS, fmtInt, progressDetail, rate } from './progress-line.js';

export interface ProgressOptions {
  /** Clock for timestamps (tests). */
  clock?: () => Date;
  /** The command has told the user it is stopping (Ctrl-C/SIGTERM): the engine's own note would say it twice. */
  stopAnnounced?: () => boolean;
  /** `--progress`: default a live line on a terminal, plain lines otherwise. */
  mode?: ProgressMode;
  /** Plain mode: a line per running step this often (default 10 s), and at each 10% step. */
  intervalMs?: number;
}

/** A running step as the printer follows it. */
interface Running extends StepProgress {
  name: string;
  startedAt: number;
  /** When its last plain progress line (or START) was printed, and the 10% step it showed. */
  lastLineAt: number;
  lastTenth: number;
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

export class ProgressPrinter implements Reporter {
  private readonly running = new Map<number, Running>();
  private statusShown = false;
  private readonly mode: ProgressMode;
  private readonly intervalMs: number;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly io: Io,
    private readonly opts: ProgressOptions = {},
  ) {
    this.mode = opts.mode ?? (io.tty ? 'tty' : 'plain');
    this.intervalMs = opts.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  }

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
    if (this.mode !== 'tty' || this.running.size === 0) return;
    const parts = [...this.running.values()].map((r) =>
      r.rows > 0 ? `${r.name} ${progressDetail(r)}` : r.name,
    );
    const text = `  running: ${parts.join(' | ')}`;
    const width = this.io.columns;
    this.io.raw(text.length > width - 1 ? text.slice(0, width - 2) + '…' : text);
    this.statusShown = true;
  }

  /**
   * Plain mode (a pipe, a log file, CI): a `PROG` line for each running step every interval, so a
   * long copy is not silent between START and OK. The timer runs only while steps run.
   */
  private plainLine(r: Running, now: number): void {
    r.lastLineAt = now;
    const running = `running ${formatDuration(now - r.startedAt)}`;
    this.line(`PROG  ${r.name} ${r.rows > 0 ? `${progressDetail(r)} (${running})` : running}`);
  }

  private tick(): void {
    const now = Date.now();
    for (const r of this.running.values()) if (now - r.lastLineAt >= this.intervalMs) this.plainLine(r, now);
  }

  private follow(): void {
    if (this.mode !== 'plain') return;
    if (this.running.size > 0 && !this.ticker) {
      // Checked a few times per interval so a step started just after a check waits ~one interval.
      this.ticker = setInterval(() => this.tick(), Math.max(50, Math.min(1000, this.intervalMs / 4)));
      this.ticker.unref();
    } else if (this.running.size === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private progress(e: Extract<EngineEvent, { kind: 'progress' }>): void {
    const r = this.running.get(e.instance.id);
    if (r) {
      r.rows = e.rows;
      r.elapsedMs = e.elapsedMs;
      r.bytes = e.bytes ?? r.bytes;
      r.percent = e.percent;
      r.etaMs = e.etaMs;
      // Plain mode: a line at each 10% step as well as on the clock.
      if (this.mode === 'plain' && e.percent !== undefined && Math.floor(e.percent / 10) > r.lastTenth) {
        r.lastTenth = Math.floor(e.percent / 10);
        this.plainLine(r, Date.now());
      }
    }
    if (this.mode === 'tty') {
      this.clearStatus();
      this.drawStatus();
    }
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
      case 'start': {
        const now = Date.now();
        this.running.set(e.instance.id, {
          name: e.instance.name,
          rows: 0,
          elapsedMs: 0,
          startedAt: now,
          lastLineAt: now,
          lastTenth: 0,
        });
        this.follow();
        this.line(
          `START ${e.instance.name} [${e.instance.type}] ${when(e.instance)}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.alongside ? `, reading ${e.alongside.name}'s output as it is written` : ''}`,
        );
        break;
      }
      case 'progress':
        this.progress(e);
        break;
      case 'end':
        this.running.delete(e.instance.id);
        this.follow();
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
        `RETRY ${e.instance.name} attempt ${e.attempt} ${e.status.toLowerCase()}: ${e.error}; next attempt in ${formatDuration(e.retryInMs)}${e.retryInMs >= 60_000 ? ' (--no-wait-retry skips the wait)' : ''}`,
      );
    } else {
      this.line(
        `${e.status === 'INTERRUPTED' ? 'STOP ' : 'FAIL '} ${e.instance.name} ${e.status} after ${took}: ${e.error ?? ''}${e.logPath ? ` (log: ${e.logPath})` : ''}`,
      );
    }
  }

  /** The end of one pipeline's run; `interrupted`: steps a stopped run left unfinished. */
  summary(s: RunSummary, interrupted: number): void {
    this.running.clear();
    this.follow();
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
