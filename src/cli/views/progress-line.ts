/**
 * How a running step's progress reads (issue 18): the same words on a terminal's live line, in the
 * periodic plain lines written to a pipe or log, and in `task copy`'s lines — rows, bytes, rate,
 * and percent with ETA when the row count is known.
 */
import { formatDuration } from '../../duration.js';

/** `--progress`: a live line on a terminal, plain lines now and then elsewhere, or none. */
export type ProgressMode = 'tty' | 'plain' | 'none';
export const PROGRESS_CHOICES = ['auto', 'tty', 'plain', 'none'] as const;
/** Plain progress lines come this often (`--progress-interval`). */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

/** `auto` (or nothing): a live line when stdout is a terminal, plain lines otherwise. */
export function progressMode(flag: string | undefined, tty: boolean): ProgressMode {
  if (flag === 'tty' || flag === 'plain' || flag === 'none') return flag;
  return tty ? 'tty' : 'plain';
}

export interface StepProgress {
  rows: number;
  /** Since the attempt started. */
  elapsedMs: number;
  bytes?: number;
  percent?: number;
  etaMs?: number;
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** `812 B`, `4.2 KB`, `48.3 MB`, `1.20 GB` (powers of 1024, as `ls -h` and `du -h`). */
export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ${units[u]}`;
}

export function rate(rows: number, ms: number): string {
  if (ms <= 0) return '';
  const perSec = (rows * 1000) / ms;
  return `${perSec < 10 ? perSec.toFixed(1) : fmtInt(Math.round(perSec))} rows/s`;
}

/** `1,250,000 rows, 48.3 MB, 125,000 rows/s, 42%, ETA 14.0s`. */
export function progressDetail(p: StepProgress): string {
  const parts = [`${fmtInt(p.rows)} rows`];
  if (p.bytes !== undefined && p.bytes > 0) parts.push(fmtBytes(p.bytes));
  const r = rate(p.rows, p.elapsedMs);
  if (r) parts.push(r);
  if (p.percent !== undefined) parts.push(`${p.percent}%`);
  if (p.etaMs !== undefined) parts.push(`ETA ${formatDuration(p.etaMs)}`);
  return parts.join(', ');
}
