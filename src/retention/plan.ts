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
import type { OverridableKind } from './overrides.js';
import { ageFor, pipelineAges } from './overrides.js';

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

/** Files under `root`, with their path relative to the state directory. */
async function filesUnder(
  stateDir: string,
  root: string,
): Promise<{ rel: string; mtime: Date; size: number }[]> {
  const out: { rel: string; mtime: Date; size: number }[] = [];
  for (const f of await walk(root)) {
    const st = await stat(f).catch(() => undefined);
    if (!st) continue;
    out.push({ rel: relative(stateDir, f).split(sep).join('/'), mtime: st.mtime, size: st.size });
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

/** `…/data/<pipeline>/[<scheduled time>/]<step>/…` of a staging object. */
const DATA_PATH = /\/data\/([^/]+)\/(?:\d{8}-\d{2}-\d{2}-\d{2}\/)?([^/]+)\//;
/** `logs/<pipeline>/<n>-<step>.<Object>-<time>-<ms>.log` of an attempt log. */
const LOG_PATH = /^logs\/([^/]+)\/\d+-(.+)\.[A-Za-z0-9_]+-\d{4}-/;

export async function planClean(o: PlanOptions): Promise<CleanPlan> {
  const now = o.now ?? new Date();
  const settings = retentionSettings(o.config, o.olderThan);
  const keep = await protectedPipelines(o.store);
  const problems: Diagnostic[] = [];
  // `--older-than` is one age for everything, by hand: the files' own ages do not apply then.
  const overrides =
    o.olderThan === undefined ? await pipelineAges(await o.store.pipelines(), problems) : new Map();
  const items: CleanItem[] = [];
  const usable = (p: string | undefined) => p === undefined || !keep.has(p);
  /** The rule selecting an item written at `at`, or undefined when it is young enough to stay. */
  const due = (k: OverridableKind, at: number, pipeline?: string, step?: string): string | undefined => {
    const age = ageFor(k, settings.ages, overrides, pipeline, step);
    if (!age || at >= now.getTime() - age.ms) return undefined;
    return `${k} older than ${formatDuration(age.ms)}${age.from === 'config retention' ? '' : ` (${age.from})`}`;
  };

  for (const f of await filesUnder(o.stateDir, join(o.stateDir, 's3'))) {
    // Only the data area is staging.
    const m = DATA_PATH.exec(f.rel);
    if (!m || !usable(m[1])) continue;
    const reason = due('staging_s3', f.mtime.getTime(), m[1], m[2]);
    if (reason)
      items.push({
        kind: 'staging_s3',
        id: f.rel,
        pipeline: m[1],
        at: f.mtime.toISOString(),
        bytes: f.size,
        reason,
      });
  }
  for (const f of await filesUnder(o.stateDir, join(o.stateDir, 'logs'))) {
    const pipeline = f.rel.split('/')[1];
    if (!usable(pipeline)) continue;
    const reason = due('step_logs', f.mtime.getTime(), pipeline, LOG_PATH.exec(f.rel)?.[2]);
    if (reason)
      items.push({ kind: 'step_log', id: f.rel, pipeline, at: f.mtime.toISOString(), bytes: f.size, reason });
  }
  items.push(...(await oldAlerts(o.stateDir, due)));
  if (o.store.oldHistory) {
    // The longest cutoff any pipeline may use; each row is then checked against its own.
    const ages = [
      settings.ages.attempt_history,
      ...[...overrides.values()].map((a) => a.pipeline.attempt_history),
    ];
    const known = ages.filter((a): a is number => a !== undefined);
    if (known.length) {
      const h = await o.store.oldHistory(new Date(now.getTime() - Math.min(...known)).toISOString());
      for (const [kind, rows] of [
        ['attempt', h.attempts],
        ['run', h.runs],
      ] as const)
        for (const a of rows) {
          const reason = usable(a.pipeline)
            ? due('attempt_history', Date.parse(a.ended_at), a.pipeline)
            : undefined;
          if (reason) items.push({ kind, id: String(a.id), pipeline: a.pipeline, at: a.ended_at, reason });
        }
    }
  }
  const diagnostics = [...settings.problems, ...problems];
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

async function oldAlerts(
  stateDir: string,
  due: (k: OverridableKind, at: number, pipeline?: string, step?: string) => string | undefined,
): Promise<CleanItem[]> {
  const text = await readFile(join(stateDir, 'alerts.ndjson'), 'utf8').catch(() => '');
  const out: CleanItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { time?: string; pipeline?: string; object?: string };
    try {
      rec = JSON.parse(line) as typeof rec;
    } catch {
      return;
    }
    const t = rec.time ? Date.parse(rec.time) : NaN;
    if (Number.isNaN(t)) return;
    const step = rec.object?.includes('.') ? rec.object.slice(0, rec.object.lastIndexOf('.')) : undefined;
    const reason = due('alert_logs', t, rec.pipeline, step);
    if (reason)
      out.push({
        kind: 'alert',
        id: `alerts.ndjson:${i + 1}`,
        pipeline: rec.pipeline,
        at: rec.time!,
        reason,
      });
  });
  return out;
}

async function diskUsage(dir: string, threshold: number | undefined): Promise<CleanPlan['disk']> {
  if (threshold === undefined) return undefined;
  const s = await statfs(dir).catch(() => undefined);
  if (!s || s.blocks === 0) return undefined;
  return { usedPercent: Math.round((1 - s.bavail / s.blocks) * 1000) / 10, threshold };
}
