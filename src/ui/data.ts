/**
 * What `etlctl ui` shows, as plain values read from the state store: the status grid (pipelines ×
 * days, each cell counted by status), one cell's instances with their attempts and alerts, a
 * pipeline's page, log tails. No HTTP here (server.ts) and no HTML (the assets render JSON).
 *
 * The grid is counted, not painted: a cell keeps how many instances are ok / failed / running /
 * waiting / acknowledged / skipped, so one failed step out of twelve shows as one twelfth of the
 * cell's bar (the complaint about Jenkins/Airflow cells painted red by one failure).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fromFileJson } from '../definition/json.js';
import { isPaused } from '../local/actions.js';
import { ObjectGraph } from '../local/objects.js';
import { activitiesOf, schedulesOf } from '../local/plan.js';
import { dueSlots } from '../local/schedule.js';
import type { InstanceStatus, PipelineRow, StateStore } from '../local/state/store.js';

export const DAY_MS = 86_400_000;

/** The grid's status categories, worst first (a cell's colour is its worst non-empty one). */
export const CATEGORIES = ['failed', 'running', 'waiting', 'acknowledged', 'skipped', 'ok'] as const;
export type Category = (typeof CATEGORIES)[number];

export function categoryOf(status: InstanceStatus | string, acknowledged: boolean): Category {
  switch (status) {
    case 'FINISHED':
      return 'ok';
    case 'FAILED':
    case 'TIMEDOUT':
      return acknowledged ? 'acknowledged' : 'failed';
    case 'RUNNING':
      return 'running';
    case 'WAITING_ON_DEPENDENCIES':
    case 'WAITING_FOR_RUNNER':
      return 'waiting';
    default:
      // CASCADE_FAILED, CANCELED, SKIPPED: not run because of something else (the CLI says SKIP).
      return 'skipped';
  }
}

/** Only the categories a cell has (a count of 0 is left out: a smaller grid response). */
export type Counts = Partial<Record<Category, number>>;

export interface GridCellView {
  counts: Counts;
  total: number;
  worst: Category;
}

export interface GridRow {
  name: string;
  owner: string | null;
  tags: string[];
  active: boolean;
  paused: boolean;
  /** The status of the latest instance that ended, and when. */
  lastStatus: string | null;
  lastEndedAt: string | null;
  /** When the next instance falls due (active scheduled pipelines). */
  nextDue: string | null;
  /** By day (YYYY-MM-DD); days without instances are absent. */
  cells: Record<string, GridCellView>;
}

export interface GridView {
  days: string[];
  /** The last day shown (paging: end − days, end + days). */
  end: string;
  pipelines: GridRow[];
  /** Pipelines left out by the filters. */
  hidden: number;
  readOnly: boolean;
  /** Set for a `target: aws` mode (aws-data.ts): no logs, actions or pipeline pages. */
  target?: 'aws';
  /** How often the page asks again (default 3 s; the AWS API is slower and rate-limited). */
  refreshSeconds?: number;
}

export interface GridOptions {
  /** Last day shown, YYYY-MM-DD (default: today, UTC). */
  end?: string;
  days?: number;
  /** Only pipelines with an instance of this category in the range. */
  status?: Category;
  /** Substring of the name, owner or a tag. */
  q?: string;
  now?: Date;
}

export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

function isDay(s: string | undefined): s is string {
  return s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

/** Owner and tags from the pipeline file's `meta:` (cached per file and modification time). */
interface PipelineMeta {
  owner: string | null;
  tags: string[];
}

interface DefinitionFacts {
  version: number;
  /** When the next instance falls due after `computedAt` (recomputed every minute). */
  nextDue: string | null;
  computedAt: number;
}

/** Reads the store for the pages; caches what does not change between requests. */
export class UiData {
  private readonly metaCache = new Map<string, { mtimeMs: number; meta: PipelineMeta }>();
  private readonly facts = new Map<string, DefinitionFacts>();

  constructor(
    readonly store: StateStore,
    readonly stateDir: string,
    readonly readOnly: boolean,
  ) {}

  meta(p: PipelineRow): PipelineMeta {
    const file = p.source_file ? resolve(p.cwd ?? '.', p.source_file) : undefined;
    if (!file || !/\.ya?ml$/i.test(file) || !existsSync(file)) return { owner: null, tags: [] };
    const mtimeMs = statSync(file).mtimeMs;
    const hit = this.metaCache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.meta;
    let meta: PipelineMeta = { owner: null, tags: [] };
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as {
        meta?: { owner?: unknown; tags?: unknown };
      } | null;
      const m = doc?.meta;
      meta = {
        owner: typeof m?.owner === 'string' ? m.owner : null,
        tags: Array.isArray(m?.tags) ? m.tags.filter((t): t is string => typeof t === 'string') : [],
      };
    } catch {
      // A file that no longer parses still has its runs to show; it just has no owner or tags.
    }
    this.metaCache.set(file, { mtimeMs, meta });
    return meta;
  }

  /** The next due time of an active scheduled pipeline, from its stored definition. */
  async nextDue(p: PipelineRow, now: Date): Promise<string | null> {
    if (p.active !== 1) return null;
    const hit = this.facts.get(p.name);
    if (hit && hit.version === p.version && now.getTime() - hit.computedAt < 60_000) return hit.nextDue;
    let nextDue: string | null = null;
    try {
      const json = await this.store.definitionJson(p.name, p.version);
      if (json) {
        const graph = new ObjectGraph(fromFileJson(JSON.parse(json)));
        const activities = activitiesOf(graph);
        const first = p.first_activation ? new Date(p.first_activation) : now;
        for (const spec of schedulesOf(graph, activities, first).specs.values()) {
          const next = dueSlots(spec, now, now).next?.dueAt;
          if (next && (!nextDue || next.toISOString() < nextDue)) nextDue = next.toISOString();
        }
      }
    } catch {
      // A definition this etlctl cannot plan shows no next due time rather than no grid.
    }
    this.facts.set(p.name, { version: p.version, nextDue, computedAt: now.getTime() });
    return nextDue;
  }

  async grid(o: GridOptions = {}): Promise<GridView> {
    const now = o.now ?? new Date();
    const days = Math.min(Math.max(o.days ?? 14, 1), 92);
    const end = isDay(o.end) ? o.end : dayOf(now.toISOString());
    const endMs = Date.parse(`${end}T00:00:00Z`);
    const dayList = Array.from({ length: days }, (_, k) =>
      dayOf(new Date(endMs - (days - 1 - k) * DAY_MS).toISOString()),
    );
    const range = { from: `${dayList[0]}T00:00:00.000Z`, to: new Date(endMs + DAY_MS).toISOString() };
    const byPipeline = new Map<string, Record<string, GridCellView>>();
    if (this.store.gridCounts) {
      for (const c of await this.store.gridCounts(range))
        countCell(byPipeline, c.pipeline, c.day, categoryOf(c.status, c.acknowledged), c.count);
    } else {
      for (const c of await this.store.grid({ ...range, limit: 5_000_000 }))
        countCell(byPipeline, c.pipeline, dayOf(c.scheduled_start), categoryOf(c.status, c.acknowledged), 1);
    }
    const q = o.q?.trim().toLowerCase();
    const rows: GridRow[] = [];
    let hidden = 0;
    for (const p of await this.store.pipelines()) {
      const meta = this.meta(p);
      const row: GridRow = {
        name: p.name,
        owner: meta.owner,
        tags: meta.tags,
        active: p.active === 1,
        paused: await isPaused(this.store, p),
        lastStatus: null,
        lastEndedAt: null,
        nextDue: await this.nextDue(p, now),
        cells: byPipeline.get(p.name) ?? {},
      };
      const text = [p.name, meta.owner ?? '', ...meta.tags].join(' ').toLowerCase();
      const wanted =
        (!q || text.includes(q)) &&
        (!o.status || Object.values(row.cells).some((c) => (c.counts[o.status!] ?? 0) > 0));
      if (!wanted) {
        hidden++;
        continue;
      }
      rows.push(row);
    }
    await this.lastStatuses(rows);
    return { days: dayList, end, pipelines: rows, hidden, readOnly: this.readOnly };
  }

  /** The latest ended instance of each shown pipeline (the grid's "last status"). */
  private async lastStatuses(rows: GridRow[]): Promise<void> {
    for (const row of rows) {
      const run = (await this.store.runs(row.name, 1))[0];
      if (!run) continue;
      row.lastStatus = run.status;
      row.lastEndedAt = run.ended_at ?? run.started_at;
    }
  }

  /** One cell: the instances of a pipeline scheduled on a day, with attempts, and the alerts they fired. */
  async cell(pipeline: string, day: string): Promise<CellView | undefined> {
    const p = await this.store.pipeline(pipeline);
    if (!p || !isDay(day)) return undefined;
    const from = `${day}T00:00:00.000Z`;
    const to = new Date(Date.parse(from) + DAY_MS).toISOString();
    const cells = await this.store.grid({ from, to, pipelines: [pipeline], limit: 100_000 });
    const instances: CellInstance[] = [];
    for (const c of cells) {
      const attempts = (await this.store.attempts(c.instance_id)).map((a) => ({
        id: a.id,
        number: a.number,
        status: a.status,
        startedAt: a.started_at,
        endedAt: a.ended_at,
        exitCode: a.exit_code,
        rows: a.rows,
        error: a.error,
        worker: a.worker_id,
        hasLog: a.log_path !== null,
      }));
      instances.push({
        id: c.instance_id,
        objectId: c.object_id,
        type: c.object_type,
        scheduledStart: c.scheduled_start,
        status: c.status,
        category: categoryOf(c.status, c.acknowledged),
        acknowledged: c.acknowledged,
        rows: c.rows,
        error: c.error,
        startedAt: c.started_at,
        endedAt: c.ended_at,
        attempts,
      });
    }
    const actions = (await this.store.actions({ pipeline, limit: 200 })).filter(
      (a) =>
        instances.some((i) => i.id === a.instance_id) ||
        (a.range_start !== null && a.range_start < to && (a.range_end ?? '') > from),
    );
    return {
      pipeline,
      day,
      readOnly: this.readOnly,
      paused: await isPaused(this.store, p),
      instances,
      alerts: this.alerts(pipeline, from, to),
      actions: actions.map((a) => ({
        id: a.id,
        at: a.at,
        actor: a.actor,
        action: a.action,
        instanceId: a.instance_id,
        note: a.note,
      })),
    };
  }

  /** Alerts the local engine logged (`alerts.ndjson`) for instances of the pipeline in [from, to). */
  private alerts(pipeline: string, from: string, to: string): AlertView[] {
    const file = resolve(this.stateDir, 'alerts.ndjson');
    if (!existsSync(file)) return [];
    const out: AlertView[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes(pipeline)) continue;
      try {
        const a = JSON.parse(line) as AlertView & { pipeline: string };
        const t = a.scheduledStartTime ?? '';
        if (a.pipeline === pipeline && t >= from && t < to)
          out.push({
            time: a.time,
            event: a.event,
            object: a.object,
            scheduledStartTime: a.scheduledStartTime,
            subject: a.subject,
            message: a.message,
          });
      } catch {
        // A torn last line while the engine appends: shown on the next poll.
      }
    }
    return out.slice(-100);
  }

  /**
   * The tail of an attempt's log from `offset`. The path comes from the store, never from the
   * request, and must lie inside the state directory (a store edited by hand cannot make the UI
   * serve /etc/passwd).
   */
  async log(instanceId: number, attemptId: number, offset: number): Promise<LogChunk | undefined> {
    const a = (await this.store.attempts(instanceId)).find((x) => x.id === attemptId);
    if (!a?.log_path) return undefined;
    const base = realpathSync(this.stateDir);
    const path = resolve(this.stateDir, a.log_path);
    if (!existsSync(path)) return { text: '', offset: 0, size: 0, running: a.status === 'RUNNING' };
    const real = realpathSync(path);
    const rel = relative(base, real);
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    const size = statSync(real).size;
    // Without an offset: the last 64 KiB (a tail); with one, what was written since.
    const start = offset > 0 ? Math.min(offset, size) : Math.max(0, size - 65_536);
    const length = Math.min(size - start, 1_048_576);
    const buf = Buffer.alloc(length);
    const fd = openSync(real, 'r');
    try {
      readSync(fd, buf, 0, length, start);
    } finally {
      closeSync(fd);
    }
    return { text: buf.toString('utf8'), offset: start + length, size, running: a.status === 'RUNNING' };
  }

  /** A pipeline's page: the pipeline file, the compiled definition, recent runs. */
  async pipeline(name: string): Promise<PipelinePage | undefined> {
    const p = await this.store.pipeline(name);
    if (!p) return undefined;
    const file = p.source_file ? resolve(p.cwd ?? '.', p.source_file) : undefined;
    const yaml =
      file && /\.(ya?ml|json)$/i.test(file) && existsSync(file) ? readFileSync(file, 'utf8') : null;
    const definition = (await this.store.definitionJson(p.name, p.version)) ?? null;
    const runs = (await this.store.runs(p.name, 60)).map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      durationMs: r.ended_at ? Date.parse(r.ended_at) - Date.parse(r.started_at) : null,
      ok: r.ok,
      failed: r.failed,
      skipped: r.skipped,
    }));
    const meta = this.meta(p);
    return {
      name: p.name,
      owner: meta.owner,
      tags: meta.tags,
      active: p.active === 1,
      paused: await isPaused(this.store, p),
      version: p.version,
      mode: p.mode,
      sourceFile: p.source_file,
      yaml,
      definition,
      nextDue: await this.nextDue(p, new Date()),
      runs,
      readOnly: this.readOnly,
    };
  }
}

function countCell(
  byPipeline: Map<string, Record<string, GridCellView>>,
  pipeline: string,
  day: string,
  cat: Category,
  n: number,
): void {
  let row = byPipeline.get(pipeline);
  if (!row) byPipeline.set(pipeline, (row = {}));
  const cell = (row[day] ??= { counts: {}, total: 0, worst: 'ok' });
  cell.counts[cat] = (cell.counts[cat] ?? 0) + n;
  cell.total += n;
  if (CATEGORIES.indexOf(cat) < CATEGORIES.indexOf(cell.worst)) cell.worst = cat;
}

export interface CellInstance {
  id: number;
  /** The instance's object id on AWS Data Pipeline (`target: aws`). */
  awsId?: string;
  objectId: string;
  type: string;
  scheduledStart: string;
  status: string;
  category: Category;
  acknowledged: boolean;
  rows: number | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
  attempts: {
    id: number;
    number: number;
    status: string;
    startedAt: string;
    endedAt: string | null;
    exitCode: number | null;
    rows: number | null;
    error: string | null;
    worker: string | null;
    hasLog: boolean;
  }[];
}

export interface AlertView {
  time: string;
  event: string;
  object: string;
  scheduledStartTime?: string;
  subject: string;
  message: string;
}

export interface CellView {
  pipeline: string;
  day: string;
  readOnly: boolean;
  paused: boolean;
  instances: CellInstance[];
  target?: 'aws';
  alerts: AlertView[];
  actions: {
    id: number;
    at: string;
    actor: string;
    action: string;
    instanceId: number | null;
    note: string | null;
  }[];
}

export interface LogChunk {
  text: string;
  /** Where the next read starts (follow: pass it back). */
  offset: number;
  size: number;
  /** The attempt is still running: more may come. */
  running: boolean;
}

export interface PipelinePage {
  name: string;
  owner: string | null;
  tags: string[];
  active: boolean;
  paused: boolean;
  version: number;
  mode: string | null;
  sourceFile: string | null;
  yaml: string | null;
  definition: string | null;
  nextDue: string | null;
  runs: {
    id: number;
    kind: string;
    status: string;
    startedAt: string;
    endedAt: string | null;
    durationMs: number | null;
    ok: number;
    failed: number;
    skipped: number;
  }[];
  readOnly: boolean;
}
