/**
 * Durations for the engine's timers. Period fields (`retryDelay`, `attemptTimeout`,
 * `lateAfterTimeout`, `preconditionTimeout`) and the development flags (`--retry-delay 0`,
 * `500ms`, `5s`) read with etlctl's one duration grammar (src/duration.ts).
 */
import { formatDuration, parseDuration } from '../duration.js';

/** Milliseconds of a period or short duration; undefined when it is neither. Months count 30 days. */
export function parseDurationMs(text: string): number | undefined {
  return parseDuration(text);
}

export { formatDuration };
