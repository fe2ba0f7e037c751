/**
 * The catalog's one read of the local engine's state store (`.etlctl/state.db`): when each
 * pipeline was first activated and its recent instances. Everything else in src/catalog works on
 * the plain records below, so a change of the store's interface (src/local/state/store.ts, the
 * async StateStore) is met here and nowhere else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceRow, StateStore } from '../local/state/store.js';

export interface InstanceRecord {
  objectId: string;
  scheduledStart: string;
  status: string;
  endedAt: string | null;
}

export interface PipelineHistory {
  firstActivation?: string;
  instances: InstanceRecord[];
}

/**
 * History of the named pipelines, or undefined when there is no state store in `stateDir` (the
 * pipelines never ran here). Never creates one.
 */
export async function readHistory(
  stateDir: string,
  pipelines: readonly string[],
  limit = 500,
): Promise<Map<string, PipelineHistory> | undefined> {
  const { openStateStore, stateUrlFor } = await import('../local/state/open.js');
  if (!stateUrlFor(stateDir) && !existsSync(join(stateDir, 'state.db'))) return undefined;
  const store = await openStateStore({ stateDir });
  try {
    const out = new Map<string, PipelineHistory>();
    for (const name of pipelines) {
      const row = await store.pipeline(name);
      if (!row) continue;
      out.set(name, {
        firstActivation: row.first_activation ?? undefined,
        instances: (await latestInstances(store, name, row.generation, limit)).map((r) => ({
          objectId: r.object_id,
          scheduledStart: r.scheduled_start,
          status: r.status,
          endedAt: r.ended_at,
        })),
      });
    }
    return out;
  } finally {
    await store.close();
  }
}

/**
 * The latest `limit` instances of a pipeline, newest first, across its generations (a one-time
 * pipeline starts a new generation each run; its last success may be in an earlier one).
 */
async function latestInstances(
  store: StateStore,
  name: string,
  generation: number,
  limit: number,
): Promise<InstanceRow[]> {
  const rows: InstanceRow[] = [];
  for (let g = generation; g >= 1 && rows.length < limit; g--) rows.push(...(await store.instances(name, g)));
  return rows
    .sort((a, b) =>
      a.scheduled_start === b.scheduled_start ? b.id - a.id : a.scheduled_start < b.scheduled_start ? 1 : -1,
    )
    .slice(0, limit);
}
