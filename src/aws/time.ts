/** `-t/--time-delta` and `-b/--backfill` turned into ActivatePipeline's `startTimestamp`. */
import type { Definition } from '../definition/model.js';
import { objectType, stringField } from '../definition/model.js';
import { requireDuration } from '../duration.js';

/** `-t` read with etlctl's one duration grammar (src/duration.ts); a usage error (ETL8001) otherwise. */
export function parseTimeDelta(text: string): number {
  return requireDuration(text, '-t', { sign: true });
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
