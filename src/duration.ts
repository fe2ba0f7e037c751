/**
 * The one duration grammar of etlctl: `-t/--time-delta`, `--retry-delay`, `--timeout`, the
 * local engine's timers (`retryDelay`, `attemptTimeout` … including Data Pipeline periods such as
 * "15 Minutes") and the compiler's time delta all read durations here.
 *
 *   duration := [+|-] term { [ ] term }      (the sign only where the caller allows it)
 *   term     := number [ ] unit               number: 12 or 1.5
 *   unit     := ms | s | m | h | d | w | month | year   (and their long forms, any case)
 *
 * `0` alone is zero; any other number needs a unit. Months count 30 days and years 365 days.
 * A value beyond 100 years is refused: it is a typo, and it would overflow a Date.
 */
import { diag, EtlError, ExitCode } from './diagnostics/index.js';

export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

const UNITS: [RegExp, number][] = [
  [/^(ms|msecs?|milliseconds?)$/, 1],
  [/^(s|secs?|seconds?)$/, 1000],
  [/^(m|mins?|minutes?)$/, 60_000],
  [/^(h|hrs?|hours?)$/, 3_600_000],
  [/^(d|days?)$/, 86_400_000],
  [/^(w|wks?|weeks?)$/, 7 * 86_400_000],
  [/^(mo|months?)$/, 30 * 86_400_000],
  [/^(y|yrs?|years?)$/, 365 * 86_400_000],
];

export const DURATION_EXAMPLES = '30s, 90m, 2h, 1.5d, 1w, 1d12h, "2 hours", 500ms';

function unitMs(word: string): number | undefined {
  const w = word.toLowerCase();
  return UNITS.find(([re]) => re.test(w))?.[1];
}

export type DurationResult = { ms: number } | { error: 'syntax' | 'too-large' };

/** Milliseconds, or why the text is not a duration. */
export function readDuration(text: string, opts: { sign?: boolean } = {}): DurationResult {
  let s = text.trim();
  let sign = 1;
  if (opts.sign && /^[+-]/.test(s)) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1).trim();
  }
  if (/^0+(\.0+)?$/.test(s)) return { ms: 0 };
  const re = /(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*/y;
  let total = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = unitMs(m[2]);
    if (unit === undefined) return { error: 'syntax' };
    total += Number(m[1]) * unit;
    end = re.lastIndex;
  }
  if (s.length === 0 || end !== s.length) return { error: 'syntax' };
  if (!Number.isFinite(total) || total > MAX_DURATION_MS) return { error: 'too-large' };
  return { ms: sign * Math.round(total) };
}

/** Milliseconds, or undefined when the text is not a duration (of at most 100 years). */
export function parseDuration(text: string, opts: { sign?: boolean } = {}): number | undefined {
  const r = readDuration(text, opts);
  return 'ms' in r ? r.ms : undefined;
}

/** A duration given on the command line (`what`, e.g. "--retry-delay"); a usage error (exit 2) otherwise. */
export function requireDuration(text: string, what: string, opts: { sign?: boolean } = {}): number {
  const r = readDuration(text, opts);
  if ('ms' in r) return r.ms;
  throw new EtlError(
    diag(
      'ETL8001',
      r.error === 'too-large'
        ? `${what} '${text}' is longer than 100 years`
        : what === '-t'
          ? `cannot read time delta '${text}'`
          : `${what} '${text}' is not a duration`,
      { hint: `write a number and a unit, e.g. ${DURATION_EXAMPLES}` },
    ),
    ExitCode.USAGE,
  );
}

/** `850ms`, `4.2s`, `3m07s`, `2h05m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60
    ? `${m}m${String(s).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
