/** A stand-in for the control plane: builds an ActivityContext over real databases and a temp S3. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldValue, PipelineObject } from '../../src/definition/model.js';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { createLocalS3, type LocalS3 } from '../../src/local/s3.js';
import type { ActivityContext } from '../../src/local/activities/types.js';

export { MY_URL, PG_URL } from '../db.js';

export function obj(id: string, fields: Record<string, FieldValue>): PipelineObject {
  return { id, name: id, fields };
}

export interface Harness {
  stateDir: string;
  s3: LocalS3;
  objects: Map<string, PipelineObject>;
  /** Database object id → URL. */
  urls: Map<string, string>;
  drivers: Driver[];
  ctx(activity: PipelineObject): ActivityContext & { logs: string[]; rows: number[] };
  add(...objs: PipelineObject[]): void;
  close(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const stateDir = await mkdtemp(join(tmpdir(), 'etlctl-data-'));
  const s3 = createLocalS3({ stateDir });
  const objects = new Map<string, PipelineObject>();
  const urls = new Map<string, string>();
  const drivers: Driver[] = [];
  const shared = new Map<string, Driver>();
  const h: Harness = {
    stateDir,
    s3,
    objects,
    urls,
    drivers,
    add(...objs) {
      for (const o of objs) objects.set(o.id, o);
    },
    ctx(activity) {
      const logs: string[] = [];
      const rows: number[] = [];
      return {
        object: activity,
        resolve(id) {
          const o = objects.get(id);
          if (!o) throw new Error(`no object ${id}`);
          return o;
        },
        async connect(id) {
          const url = urls.get(id);
          if (!url) throw new Error(`no url for ${id}`);
          // pglite://memory must be one instance per test, like a named embedded database.
          if (url.startsWith('pglite://memory')) {
            let d = shared.get(url);
            if (!d) {
              d = await openDriver('pglite://memory');
              shared.set(url, d);
              drivers.push(d);
            }
            return d;
          }
          const d = await openDriver(url);
          drivers.push(d);
          return d;
        },
        s3,
        stateDir,
        log: (l) => logs.push(l),
        progress: (n) => rows.push(n),
        signal: new AbortController().signal,
        translations: [],
        logs,
        rows,
      };
    },
    async close() {
      for (const d of drivers) await d.close();
    },
  };
  return h;
}
