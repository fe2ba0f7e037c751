/**
 * The agent's janitor: retention applied every so often while the agent runs, and a warning alert
 * in the local alert log when the state directory's disk is fuller than
 * `retention.disk_warn_percent` (at most once an hour, so it does not cry wolf).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { StateStore } from '../local/state/store.js';
import { runClean } from './clean.js';
import { retentionSettings } from './plan.js';

const EVERY_MS = 10 * 60_000;
const DISK_ALERT_EVERY_MS = 60 * 60_000;

export interface Janitor {
  /** Runs when due; never throws (a failed clean-up is tried again next time). */
  tick(): Promise<void>;
}

export function janitor(
  config: ResolvedConfig,
  stateDir: string,
  store: StateStore,
  now = () => Date.now(),
): Janitor {
  const settings = retentionSettings(config);
  const active = Object.keys(settings.ages).length > 0 || settings.diskWarnPercent !== undefined;
  let next = 0;
  let lastDiskAlert = -Infinity;
  return {
    async tick() {
      if (!active || now() < next) return;
      next = now() + EVERY_MS;
      try {
        const r = await runClean({ dryRun: false, config, stateDir, store, by: 'agent janitor' });
        const disk = r.diagnostics.find((d) => d.code === 'ETL3730');
        if (disk && now() - lastDiskAlert >= DISK_ALERT_EVERY_MS) {
          lastDiskAlert = now();
          const record = {
            time: new Date(now()).toISOString(),
            pipeline: '-',
            event: 'disk-usage',
            alarm: 'ETL3730',
            object: stateDir,
            subject: `etlctl: disk usage warning for ${stateDir}`,
            message: disk.message,
          };
          appendFileSync(join(stateDir, 'alerts.ndjson'), JSON.stringify(record) + '\n');
        }
      } catch {
        // Retention is housekeeping: the next tick tries again, runs go on.
      }
    },
  };
}
