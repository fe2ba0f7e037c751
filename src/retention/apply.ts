/**
 * Deleting what a CleanPlan lists — exactly those items, each written to the audit log
 * (`<state dir>/audit.ndjson`: time, action, kind, item, pipeline, reason) as it goes. An item
 * that changed since it was planned (a file written again) is skipped, not deleted.
 */
import { appendFile, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import type { StateStore } from '../local/state/store.js';
import { rewriteAppendLog } from './append-log.js';
import type { CleanItem, CleanPlan } from './plan.js';

export const AUDIT_LOG = 'audit.ndjson';

export interface CleanResult {
  deleted: CleanItem[];
  skipped: { item: CleanItem; reason: string }[];
  diagnostics: Diagnostic[];
}

async function audit(stateDir: string, item: CleanItem, by: string): Promise<void> {
  const rec = { time: new Date().toISOString(), action: 'delete', by, ...item };
  await appendFile(join(stateDir, AUDIT_LOG), JSON.stringify(rec) + '\n');
}

/** Empty folders left behind under `root`, bottom up (never `root` itself). */
async function pruneDirs(dir: string, root: string): Promise<void> {
  for (let d = dir; d.startsWith(root) && d !== root; d = dirname(d)) {
    const left = await readdir(d).catch(() => ['?']);
    if (left.length > 0) return;
    await rmdir(d).catch(() => undefined);
  }
}

export async function applyClean(
  plan: CleanPlan,
  store: StateStore,
  by = 'etlctl clean',
): Promise<CleanResult> {
  const { stateDir } = plan;
  const deleted: CleanItem[] = [];
  const skipped: CleanResult['skipped'] = [];
  const diagnostics: Diagnostic[] = [];
  for (const item of plan.items.filter((i) => i.kind === 'staging_s3' || i.kind === 'step_log')) {
    const path = join(stateDir, ...item.id.split('/'));
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    if (st.mtime.toISOString() !== item.at) {
      skipped.push({ item, reason: 'written again since it was planned' });
      continue;
    }
    try {
      await rm(path);
      await audit(stateDir, item, by);
      deleted.push(item);
      await pruneDirs(dirname(path), join(stateDir, item.kind === 'staging_s3' ? 's3' : 'logs'));
    } catch (e) {
      diagnostics.push(diag('ETL3721', `cannot delete ${item.id}: ${(e as Error).message}`));
    }
  }
  await deleteAlerts(plan, by, deleted);
  const attempts = plan.items.filter((i) => i.kind === 'attempt');
  const runs = plan.items.filter((i) => i.kind === 'run');
  if ((attempts.length || runs.length) && store.deleteHistory) {
    await store.deleteHistory(
      attempts.map((a) => Number(a.id)),
      runs.map((r) => Number(r.id)),
    );
    for (const i of [...attempts, ...runs]) {
      await audit(stateDir, i, by);
      deleted.push(i);
    }
  }
  return { deleted, skipped, diagnostics };
}

/**
 * Removes the planned lines from the alert log (each checked against its time), keeping every line
 * appended meanwhile (append-log.ts).
 */
async function deleteAlerts(plan: CleanPlan, by: string, deleted: CleanItem[]): Promise<void> {
  const items = plan.items.filter((i) => i.kind === 'alert');
  if (items.length === 0) return;
  const path = join(plan.stateDir, 'alerts.ndjson');
  const lineOf = (item: CleanItem) => Number(item.id.slice(item.id.lastIndexOf(':') + 1)) - 1;
  const drop = new Set<number>();
  await rewriteAppendLog(path, (lines) => {
    for (const item of items) {
      const n = lineOf(item);
      if (lines[n] !== undefined && lines[n].includes(`"time":"${item.at}"`)) drop.add(n);
    }
    return lines.filter((_, i) => !drop.has(i));
  });
  for (const item of items) {
    if (!drop.has(lineOf(item))) continue;
    await audit(plan.stateDir, item, by);
    deleted.push(item);
  }
}
