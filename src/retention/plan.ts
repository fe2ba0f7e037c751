/**
 * Retention (issue 17): what `etlctl clean` and the agent's janitor may delete — staging data in the
 * local S3 folder, attempt log files, alert log lines, attempt and run history — each by its own
 * age. Planning only reads; `apply.ts` deletes exactly the planned items, so `clean --dry-run`
 * lists what `clean` deletes. Everything of a pipeline with a live run, or whose current
 * generation has unfinished instances (a rerun resumes from it), is kept.
 */
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { StateStore } from '../local/state/store.js';
import { configSection } from '../transforms/settings.js';

export const RETENTION_KINDS = [
  'staging_s3',
  'staging_tables',
  'step_logs',
  'attempt_history',
  'alert_logs',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export interface CleanItem {
  kind: 'staging_s3' | 'step_log' | 'alert' | 'attempt' | 'run';
  /** A path relative to the state directory, an alert line's time and alarm, or a row id. */
  id: string;
  pipeline?: string;
  /** When it was written or ended (ISO). */
  at: string;
  bytes?: number;
  /** The retention rule that selects it: `step_logs older than 30d`. */
  reason: string;
}

export interface KeptItem {
  pipeline: string;
  reason: string;
}

export interface CleanPlan {
  stateDir: string;
  now: string;
  ages: Partial<Record<RetentionKind, string>>;
  items: CleanItem[];
  /** Pipelines whose data was kept whatever its age, and why. */
  kept: KeptItem[];
  disk?: { usedPercent: number; threshold: number };
  diagnostics: Diagnostic[];
}

export interface RetentionSettings {
  ages: Partial<Record<RetentionKind, number>>;
  diskWarnPercent?: number;
  problems: Diagnostic[];
}

export function retentionSettings(config: ResolvedConfig, olderThan?: number): RetentionSettings {
  const raw = configSection(config, 'retention');
  const ages: Partial<Record<RetentionKind, number>> = {};
  const problems: Diagnostic[] = [];
  for (const k of RETENTION_KINDS) {
    if (olderThan !== undefined) {
      ages[k] = olderThan;
      continue;
    }
    const v = raw[k];
    if (v === undefined || v === null || v === '') continue;
    const ms = parseDuration(String(v));
    if (ms === undefined || ms <= 0)
      problems.push(
        diag('ETL3720', `retention.${k}: '${String(v)}' is not a duration such as 14d, 36h or 90m`),
      );
    else ages[k] = ms;
  }
  const d = raw.disk_warn_percent;
  return { ages, diskWarnPercent: typeof d === 'number' ? d : undefined, problems };
}

/** Pipelines that must keep everything: a live run, or unfinished instances in the current generation. */
export async function protectedPipelines(store: StateStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of await store.pipelines()) {
    if (await store.liveRun(p.name)) {
      out.set(p.name, 'a run is live');
      continue;
    }
    const unfinished = (await store.instances(p.name, p.generation)).filter((i) => i.status !== 'FINISHED');
    if (unfinished.length > 0)
      out.set(p.name, `resumable: ${unfinished.length} instance(s) of the current run are not finished`);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Files under `root` older than `age`, with the pipeline `pipelineOf` reads from their path. */
async function oldFiles(
  stateDir: string,
  root: string,
  cutoff: number,
  pipelineOf: (rel: string) => string | undefined,
): Promise<{ rel: string; pipeline?: string; mtime: Date; size: number }[]> {
  const out: { rel: string; pipeline?: string; mtime: Date; size: number }[] = [];
  for (const f of await walk(root)) {
    const st = await stat(f).catch(() => undefined);
    if (!st || st.mtimeMs >= cutoff) continue;
    const rel = relative(stateDir, f).split(sep).join('/');
    out.push({ rel, pipeline: pipelineOf(rel), mtime: st.mtime, size: st.size });
  }
  return out;
}

export interface PlanOptions {
  config: ResolvedConfig;
  stateDir: string;
  store: StateStore;
  now?: Date;
  /** `--older-than`: one age for every kind. */
  olderThan?: number;
}

export async function planClean(o: PlanOptions): Promise<CleanPlan> {
  const now = o.now ?? new Date();
  const settings = retentionSettings(o.config, o.olderThan);
  const keep = await protectedPipelines(o.store);
  const items: CleanItem[] = [];
  const rule = (k: RetentionKind) => `${k} older than ${formatDuration(settings.ages[k]!)}`;
  const cutoff = (k: RetentionKind) => now.getTime() - settings.ages[k]!;
  const usable = (p: string | undefined) => p === undefined || !keep.has(p);

  if (settings.ages.staging_s3 !== undefined) {
    // <stateDir>/s3/<bucket>/<base…>/data/<pipeline>/… — only the data area is staging.
    const files = await oldFiles(o.stateDir, join(o.stateDir, 's3'), cutoff('staging_s3'), (rel) => {
      const m = /\/data\/([^/]+)\//.exec(rel);
      return m?.[1];
    });
    for (const f of files) {
      if (!/\/data\/[^/]+\//.test(f.rel) || !usable(f.pipeline)) continue;
      items.push({
        kind: 'staging_s3',
        id: f.rel,
        pipeline: f.pipeline,
        at: f.mtime.toISOString(),
        bytes: f.size,
        reason: rule('staging_s3'),
      });
    }
  }
  if (settings.ages.step_logs !== undefined) {
    const files = await oldFiles(
      o.stateDir,
      join(o.stateDir, 'logs'),
      cutoff('step_logs'),
      (rel) => rel.split('/')[1],
    );
    for (const f of files) {
      if (!usable(f.pipeline)) continue;
      items.push({
        kind: 'step_log',
        id: f.rel,
        pipeline: f.pipeline,
        at: f.mtime.toISOString(),
        bytes: f.size,
        reason: rule('step_logs'),
      });
    }
  }
  if (settings.ages.alert_logs !== undefined)
    items.push(...(await oldAlerts(o.stateDir, cutoff('alert_logs'), rule('alert_logs'))));
  if (settings.ages.attempt_history !== undefined && o.store.oldHistory) {
    const h = await o.store.oldHistory(new Date(cutoff('attempt_history')).toISOString());
    const r = rule('attempt_history');
    for (const a of h.attempts)
      if (usable(a.pipeline))
        items.push({ kind: 'attempt', id: String(a.id), pipeline: a.pipeline, at: a.ended_at, reason: r });
    for (const x of h.runs)
      if (usable(x.pipeline))
        items.push({ kind: 'run', id: String(x.id), pipeline: x.pipeline, at: x.ended_at, reason: r });
  }
  const diagnostics = [...settings.problems];
  const disk = await diskUsage(o.stateDir, settings.diskWarnPercent);
  if (disk && disk.usedPercent > disk.threshold)
    diagnostics.push(
      diag(
        'ETL3730',
        `the disk of ${o.stateDir} is ${disk.usedPercent}% full (threshold ${disk.threshold}%)`,
        {
          severity: 'warning',
          hint: 'run `etlctl clean --dry-run` to see what retention would delete, or shorten the retention ages',
        },
      ),
    );
  return {
    stateDir: o.stateDir,
    now: now.toISOString(),
    ages: Object.fromEntries(Object.entries(settings.ages).map(([k, v]) => [k, formatDuration(v)])),
    items,
    kept: [...keep].map(([pipeline, reason]) => ({ pipeline, reason })),
    ...(disk ? { disk } : {}),
    diagnostics,
  };
}

async function oldAlerts(stateDir: string, cutoff: number, reason: string): Promise<CleanItem[]> {
  const text = await readFile(join(stateDir, 'alerts.ndjson'), 'utf8').catch(() => '');
  const out: CleanItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { time?: string; pipeline?: string; alarm?: string };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return;
    }
    const t = rec.time ? Date.parse(rec.time) : NaN;
    if (Number.isNaN(t) || t >= cutoff) return;
    out.push({ kind: 'alert', id: `alerts.ndjson:${i + 1}`, pipeline: rec.pipeline, at: rec.time!, reason });
  });
  return out;
}

async function diskUsage(dir: string, threshold: number | undefined): Promise<CleanPlan['disk']> {
  if (threshold === undefined) return undefined;
  const s = await statfs(dir).catch(() => undefined);
  if (!s || s.blocks === 0) return undefined;
  return { usedPercent: Math.round((1 - s.bavail / s.blocks) * 1000) / 10, threshold };
}
