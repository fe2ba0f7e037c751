/**
 * The catalog's one read of the local engine's state store (`.etlctl/state.db`): when each
 * pipeline was first activated and its recent instances. Everything else in src/catalog works on
 * the plain records below, so a change of the store's interface (it is becoming asynchronous and
 * gaining a PostgreSQL implementation) is merged here and nowhere else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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

/** Store methods the catalog uses; each may return a value or a promise of it. */
interface ReadableStore {
  pipeline(name: string): unknown;
  latestInstances(name: string, limit?: number): unknown;
  close(): unknown;
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
  if (!existsSync(join(stateDir, 'state.db'))) return undefined;
  const { StateStore } = await import('../local/state.js');
  const store = new StateStore(stateDir) as unknown as ReadableStore;
  try {
    const out = new Map<string, PipelineHistory>();
    for (const name of pipelines) {
      const row = (await store.pipeline(name)) as { first_activation?: string | null } | undefined;
      if (!row) continue;
      const rows = (await store.latestInstances(name, limit)) as {
        object_id: string;
        scheduled_start: string;
        status: string;
        ended_at: string | null;
      }[];
      out.set(name, {
        firstActivation: row.first_activation ?? undefined,
        instances: rows.map((r) => ({
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
