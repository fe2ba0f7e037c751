/**
 * Durations for the engine's timers. Period fields (`retryDelay`, `attemptTimeout`,
 * `lateAfterTimeout`, `preconditionTimeout`) use the shared Data Pipeline grammar
 * (src/definition/rules/values.ts); locally seconds are accepted too ("5 seconds"), and the
 * development flags (`--retry-delay 0`, `500ms`, `5s`) take the short forms.
 */
import { parsePeriod, periodMinutes, periodMonths } from '../definition/rules/values.js';

const SHORT_RE = /^\s*(\d+)\s*(ms|s|sec|secs|seconds?|m|min|mins|h)?\s*$/i;
const SHORT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
};

/** Milliseconds of a period or short duration; undefined when it is neither. Months count 30 days. */
export function parseDurationMs(text: string): number | undefined {
  const p = parsePeriod(text);
  if (p) {
    const months = periodMonths(p);
    return months !== undefined ? months * 30 * 86_400_000 : periodMinutes(p) * 60_000;
  }
  const m = SHORT_RE.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = SHORT_MS[unit] ?? (unit === 'h' ? 3_600_000 : 60_000);
  return Number(m[1]) * factor;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60
    ? `${m}m${String(s).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
