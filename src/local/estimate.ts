/**
 * How far a step is and when it should end (issue 18: percent and ETA when the row count is
 * knowable). The expected count is the same step's count in its previous finished run (the state
 * store keeps it per instance); a step past its expected count has no estimate rather than a
 * wrong one.
 */
import type { InstanceRow } from './state/store.js';

export interface Estimate {
  /** 0–99 (a step is 100% only when it has ended). */
  percent: number;
  /** Time left at the rate so far. */
  etaMs: number;
}

export function estimate(
  rows: number,
  elapsedMs: number,
  expectedRows: number | undefined,
): Estimate | undefined {
  if (!expectedRows || expectedRows <= 0 || rows <= 0 || rows >= expectedRows || elapsedMs <= 0)
    return undefined;
  const percent = Math.min(99, Math.floor((rows * 100) / expectedRows));
  const etaMs = Math.round(((expectedRows - rows) * elapsedMs) / rows);
  return { percent, etaMs };
}

/**
 * The rows each object moved the last time one of its instances finished with a count, from the
 * instances the store holds for the pipeline (this generation's, then the previous one's): what
 * a new instance of it is expected to move.
 */
export function previousCounts(...generations: readonly InstanceRow[][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const rows of generations) {
    const latest = new Map<string, { at: string; rows: number }>();
    for (const r of rows) {
      if (r.rows === null || r.rows <= 0 || r.status !== 'FINISHED') continue;
      const at = r.ended_at ?? r.scheduled_start;
      const seen = latest.get(r.object_id);
      if (!seen || at > seen.at) latest.set(r.object_id, { at, rows: r.rows });
    }
    // An earlier generation only fills in objects the later one has no count for.
    for (const [id, v] of latest) if (!out.has(id)) out.set(id, v.rows);
  }
  return out;
}
