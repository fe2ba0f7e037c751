/** `-t/--time-delta` and `-b/--backfill` turned into ActivatePipeline's `startTimestamp`. */
import type { Definition } from '../definition/model.js';
import { objectType, stringField } from '../definition/model.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';

const UNIT_MS: Record<string, number> = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

function unitOf(word: string): string | undefined {
  const w = word.toLowerCase();
  if (/^(w|wk|wks|week|weeks)$/.test(w)) return 'w';
  if (/^(d|day|days)$/.test(w)) return 'd';
  if (/^(h|hr|hrs|hour|hours)$/.test(w)) return 'h';
  if (/^(m|min|mins|minute|minutes)$/.test(w)) return 'm';
  if (/^(s|sec|secs|second|seconds)$/.test(w)) return 's';
  return undefined;
}

/** Parse Dataduct-style deltas: `0h`, `2d`, `1d12h`, `90 min`, `1 week`. Returns milliseconds. */
export function parseTimeDelta(text: string): number {
  const s = text.trim();
  const re = /(\d+)\s*([a-zA-Z]+)\s*/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const unit = unitOf(m[2]);
    if (!unit) break;
    total += Number(m[1]) * UNIT_MS[unit];
    matched = re.lastIndex;
  }
  if (s.length === 0 || matched !== s.length) {
    throw new EtlError(
      diag('ETL6301', `cannot read time delta '${text}'`, {
        hint: 'use a number and unit, e.g. 2h, 1d, 1d12h, 30m, 1w',
      }),
      ExitCode.USAGE,
    );
  }
  return total;
}

/** The Schedule start the compiler chose (first Schedule with a literal startDateTime). */
export function scheduleStart(def: Definition): Date | undefined {
  for (const o of def.objects) {
    if (objectType(o) !== 'Schedule') continue;
    const v = stringField(o, 'startDateTime');
    if (v && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v)) return new Date(`${v}Z`);
  }
  return undefined;
}

/**
 * startTimestamp for ActivatePipeline: only when the user asked for a start with -t or -b. The
 * compiler already moved the Schedule start by the delta; activation resumes from that same time,
 * which is how AWS lets an activated pipeline start elsewhere (it refuses a changed start date).
 */
export function activationStart(
  def: Definition,
  opts: { timeDelta?: string; backfill?: boolean },
  now: Date,
): Date | undefined {
  if (opts.timeDelta === undefined && !opts.backfill) return undefined;
  const fromSchedule = scheduleStart(def);
  if (fromSchedule) return fromSchedule;
  const delta = parseTimeDelta(opts.timeDelta ?? '0h');
  return new Date(now.getTime() + (opts.backfill ? -delta : delta));
}
