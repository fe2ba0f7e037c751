/**
 * What people do to runs, as library verbs the CLI (`pipeline rerun|backfill|pause|resume|
 * acknowledge|actions`) and the UI share (DESIGN.md "The control plane": the UI never does
 * anything the CLI cannot). Each verb checks, changes the state store and records an action with
 * who and when; none runs anything itself — a reset instance is taken by the next run of the
 * pipeline (`etlctl agent`, `pipeline activate`, or `runStoredPipeline` below when asked).
 *
 * Rerun is cascade-correct: instances downstream of a rerun one that failed *because of it*
 * (CASCADE_FAILED, or still waiting behind it) always run again with it, else they would stay
 * failed with their cause fixed; finished downstream instances run again only when asked
 * (`downstream`), as with Data Pipeline's "rerun with dependencies".
 */
import { hostname, userInfo } from 'node:os';
import { fromFileJson } from '../definition/json.js';
import { EtlError, ExitCode, diag, didYouMean } from '../diagnostics/index.js';
import { ObjectGraph } from './objects.js';
import { activitiesOf, matchSlot, upstreamActivities } from './plan.js';
import type { Slot } from './schedule.js';
import type { ActionRow, InstanceRow, PipelineRow, StateStore } from './state/store.js';
import { TERMINAL } from './state/store.js';

/** Statuses a person may rerun: every ended one (FINISHED too: "rerun a finished one"). */
const RERUNNABLE = TERMINAL;
/** Statuses a person may acknowledge: the ways an instance fails. */
const FAILED: ReadonlySet<string> = new Set(['FAILED', 'CASCADE_FAILED', 'TIMEDOUT', 'CANCELED']);

/** Who acts: `$ETLCTL_ACTOR`, else `user@host` (recorded with every action). */
export function actorName(via?: string): string {
  const env = process.env.ETLCTL_ACTOR?.trim();
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the host still says where it came from.
  }
  const who = env || `${user}@${hostname()}`;
  return via ? `${who} (${via})` : who;
}

export interface ResetInstance {
  id: number;
  objectId: string;
  scheduledStart: string;
  /** The status it had before it was reset to WAITING_ON_DEPENDENCIES. */
  was: string;
  /** Why it runs again: chosen, downstream (asked), or cascade (failed because of a chosen one). */
  reason: 'chosen' | 'downstream' | 'cascade';
}

export interface ActionResult {
  pipeline: string;
  action: ActionView;
  /** Instances reset to run again (rerun, backfill). */
  reset: ResetInstance[];
  /** Whether the agent schedules the pipeline now (pause, resume). */
  active?: boolean;
}

export interface ActionView {
  id: number;
  at: string;
  actor: string;
  action: string;
  pipeline: string;
  instanceId: number | null;
  rangeStart: string | null;
  rangeEnd: string | null;
  note: string | null;
}

export function actionView(a: ActionRow): ActionView {
  return {
    id: a.id,
    at: a.at,
    actor: a.actor,
    action: a.action,
    pipeline: a.pipeline,
    instanceId: a.instance_id,
    rangeStart: a.range_start,
    rangeEnd: a.range_end,
    note: a.note,
  };
}

export async function requirePipelineRow(store: StateStore, name: string): Promise<PipelineRow> {
  const row = await store.pipeline(name);
  if (row) return row;
  const known = (await store.pipelines()).map((p) => p.name);
  throw new EtlError(
    diag('ETL7700', `no local pipeline '${name}' in the state store`, {
      hint: didYouMean(name, known) ?? 'activate it first: etlctl pipeline activate <file>',
    }),
  );
}

/** How an instance is named on the command line: its id, or its step and scheduled start. */
export interface InstanceSelector {
  instanceId?: number;
  step?: string;
  /** Scheduled start (ISO 8601); with `step`, the latest instance when absent. */
  date?: string;
}

async function findInstance(
  store: StateStore,
  p: PipelineRow,
  sel: InstanceSelector,
): Promise<{ instance: InstanceRow; all: InstanceRow[] }> {
  const all = await store.instances(p.name, p.generation);
  let found: InstanceRow | undefined;
  if (sel.instanceId !== undefined) found = all.find((i) => i.id === sel.instanceId);
  else if (sel.step !== undefined) {
    const ofStep = all.filter((i) => i.object_id === sel.step);
    found = sel.date
      ? ofStep.find((i) => i.scheduled_start === sel.date || i.scheduled_start.startsWith(sel.date!))
      : ofStep.at(-1);
  }
  if (found) return { instance: found, all };
  const what =
    sel.instanceId !== undefined
      ? `instance ${sel.instanceId}`
      : `an instance of step '${sel.step ?? ''}'${sel.date ? ` scheduled at ${sel.date}` : ''}`;
  const steps = [...new Set(all.map((i) => i.object_id))];
  throw new EtlError(
    diag('ETL7701', `pipeline '${p.name}' has no ${what} in its current generation`, {
      hint:
        (sel.step !== undefined ? didYouMean(sel.step, steps) : undefined) ??
        'see its instances with: etlctl pipeline status ' + p.name,
    }),
  );
}

/** Each activity's downstream activities (the reverse of the engine's upstream map). */
function downstreamActivities(json: string): Map<string, string[]> {
  const graph = new ObjectGraph(fromFileJson(JSON.parse(json)));
  const down = new Map<string, string[]>();
  for (const [id, ups] of upstreamActivities(graph, activitiesOf(graph)))
    for (const u of ups) down.set(u.id, [...(down.get(u.id) ?? []), id]);
  return down;
}

/**
 * The instances downstream of `from`, breadth first, with the rule the engine's queue uses to
 * match periods (an instance at t waits for the upstream at t, else the latest before it).
 */
function downstreamInstances(
  from: InstanceRow,
  all: InstanceRow[],
  down: Map<string, string[]>,
): InstanceRow[] {
  const byObject = new Map<string, { slot: Slot; row: InstanceRow }[]>();
  for (const i of all) {
    const list = byObject.get(i.object_id) ?? [];
    const start = new Date(i.scheduled_start);
    list.push({
      slot: { scheduledStart: start, scheduledEnd: new Date(i.scheduled_end), dueAt: start },
      row: i,
    });
    byObject.set(i.object_id, list);
  }
  for (const list of byObject.values())
    list.sort((a, b) => a.slot.scheduledStart.getTime() - b.slot.scheduledStart.getTime());
  const out: InstanceRow[] = [];
  const seen = new Set<number>([from.id]);
  const queue = [from];
  while (queue.length > 0) {
    const u = queue.shift()!;
    for (const d of down.get(u.object_id) ?? []) {
      for (const c of byObject.get(d) ?? []) {
        if (seen.has(c.row.id)) continue;
        const m = matchSlot(byObject.get(u.object_id) ?? [], c.slot.scheduledStart.getTime());
        if (m?.row.id !== u.id) continue;
        seen.add(c.row.id);
        out.push(c.row);
        queue.push(c.row);
      }
    }
  }
  return out;
}

function refuseRunning(pipeline: string, rows: InstanceRow[]): void {
  const running = rows.filter((r) => r.status === 'RUNNING');
  if (running.length === 0) return;
  throw new EtlError(
    diag(
      'ETL7702',
      `cannot rerun while ${running.map((r) => `${r.object_id} ${r.scheduled_start}`).join(', ')} of '${pipeline}' is running`,
      { hint: 'wait for it to end (etlctl pipeline status), then rerun' },
    ),
  );
}

export interface RerunOptions extends InstanceSelector {
  pipeline: string;
  /** Also rerun finished downstream instances (failed-because-of-it ones always rerun). */
  downstream?: boolean;
  actor: string;
  note?: string;
}

/** Reset an ended instance (and what cascade-correctness needs) so the next run takes it again. */
export async function rerunInstance(store: StateStore, o: RerunOptions): Promise<ActionResult> {
  const p = await requirePipelineRow(store, o.pipeline);
  const { instance, all } = await findInstance(store, p, o);
  if (!RERUNNABLE.has(instance.status)) {
    throw new EtlError(
      diag(
        'ETL7703',
        `${instance.object_id} ${instance.scheduled_start} of '${p.name}' is ${instance.status}: only an ended instance can be rerun`,
        { hint: 'a waiting instance runs on the next run of the pipeline anyway' },
      ),
    );
  }
  const json = await store.definitionJson(p.name, p.version);
  const below = json ? downstreamInstances(instance, all, downstreamActivities(json)) : [];
  const reset: ResetInstance[] = [
    {
      id: instance.id,
      objectId: instance.object_id,
      scheduledStart: instance.scheduled_start,
      was: instance.status,
      reason: 'chosen',
    },
  ];
  for (const d of below) {
    const cascade = d.status === 'CASCADE_FAILED';
    if (!cascade && !(o.downstream && RERUNNABLE.has(d.status))) continue;
    reset.push({
      id: d.id,
      objectId: d.object_id,
      scheduledStart: d.scheduled_start,
      was: d.status,
      reason: cascade ? 'cascade' : 'downstream',
    });
  }
  refuseRunning(p.name, [instance, ...below.filter((d) => reset.some((r) => r.id === d.id))]);
  // The action first: a crash between the two leaves a recorded intent, never an unexplained reset.
  const action = await store.recordAction({
    actor: o.actor,
    action: 'rerun',
    pipeline: p.name,
    instanceId: instance.id,
    note: o.note ?? (o.downstream ? 'with downstream' : undefined),
  });
  await store.setInstanceStatus(
    reset.map((r) => r.id),
    'WAITING_ON_DEPENDENCIES',
    { error: null },
  );
  return { pipeline: p.name, action: actionView(action), reset };
}

export interface BackfillOptions {
  pipeline: string;
  /** Scheduled starts in [from, to), ISO 8601. */
  from: string;
  to: string;
  actor: string;
  note?: string;
}

/**
 * Run a range of periods again: every ended instance scheduled in [from, to) is reset. Periods
 * never planned in the range are planned by the next run when they are due, as always.
 */
export async function backfill(store: StateStore, o: BackfillOptions): Promise<ActionResult> {
  if (!(o.from < o.to)) {
    throw new EtlError(
      diag('ETL7704', `the backfill range ${o.from} – ${o.to} is empty`, {
        hint: '--from is the first scheduled start included, --to the first one left out',
      }),
      ExitCode.USAGE,
    );
  }
  const p = await requirePipelineRow(store, o.pipeline);
  const inRange = (await store.instances(p.name, p.generation)).filter(
    (i) => i.scheduled_start >= o.from && i.scheduled_start < o.to,
  );
  refuseRunning(p.name, inRange);
  const ended = inRange.filter((i) => RERUNNABLE.has(i.status));
  const action = await store.recordAction({
    actor: o.actor,
    action: 'backfill',
    pipeline: p.name,
    rangeStart: o.from,
    rangeEnd: o.to,
    note: o.note,
  });
  await store.setInstanceStatus(
    ended.map((i) => i.id),
    'WAITING_ON_DEPENDENCIES',
    { error: null },
  );
  return {
    pipeline: p.name,
    action: actionView(action),
    reset: ended.map((i) => ({
      id: i.id,
      objectId: i.object_id,
      scheduledStart: i.scheduled_start,
      was: i.status,
      reason: 'chosen' as const,
    })),
  };
}

export interface PauseOptions {
  pipeline: string;
  /** true: pause (the agent stops scheduling it); false: resume. */
  pause: boolean;
  actor: string;
  note?: string;
}

/** Pause or resume a local pipeline for `etlctl agent` (running attempts are left to finish). */
export async function pauseResume(store: StateStore, o: PauseOptions): Promise<ActionResult> {
  const p = await requirePipelineRow(store, o.pipeline);
  const action = await store.recordAction({
    actor: o.actor,
    action: o.pause ? 'pause' : 'resume',
    pipeline: p.name,
    note: o.note,
  });
  await store.setActive(p.name, !o.pause);
  return { pipeline: p.name, action: actionView(action), reset: [], active: !o.pause };
}

export interface AcknowledgeOptions extends InstanceSelector {
  pipeline: string;
  actor: string;
  note?: string;
}

/** Mark a failure as seen and handled (the grid shows it acknowledged, not as an open failure). */
export async function acknowledge(store: StateStore, o: AcknowledgeOptions): Promise<ActionResult> {
  const p = await requirePipelineRow(store, o.pipeline);
  const { instance } = await findInstance(store, p, o);
  if (!FAILED.has(instance.status)) {
    throw new EtlError(
      diag(
        'ETL7705',
        `${instance.object_id} ${instance.scheduled_start} of '${p.name}' is ${instance.status}: only a failure can be acknowledged`,
      ),
    );
  }
  const action = await store.recordAction({
    actor: o.actor,
    action: 'acknowledge',
    pipeline: p.name,
    instanceId: instance.id,
    note: o.note,
  });
  return { pipeline: p.name, action: actionView(action), reset: [] };
}

/** Whether a pipeline is paused: not active, and its latest pause/resume action is a pause. */
export async function isPaused(store: StateStore, p: PipelineRow): Promise<boolean> {
  if (p.active === 1) return false;
  const last = (await store.actions({ pipeline: p.name, limit: 50 })).find(
    (a) => a.action === 'pause' || a.action === 'resume',
  );
  return last?.action === 'pause';
}

/**
 * Activating a paused pipeline would make it run (and a scheduled one active) again without a
 * `resume` in its action history: refused, naming the verb that records it.
 */
export async function refuseIfPaused(store: StateStore, p: PipelineRow | undefined): Promise<void> {
  if (!p || !(await isPaused(store, p))) return;
  throw new EtlError(
    diag('ETL7713', `pipeline '${p.name}' is paused: activating it would run it again unrecorded`, {
      hint: `resume it first (recorded with who and when): etlctl pipeline resume ${p.name}`,
    }),
    ExitCode.USAGE,
  );
}

export interface LocalStoreOptions {
  mode?: string;
  configPath?: string;
}

/** Open the state store of a mode's `local.state_dir` for one command, and close it after. */
export async function withLocalStore<T>(
  opts: LocalStoreOptions,
  fn: (store: StateStore, stateDir: string) => Promise<T>,
): Promise<T> {
  const { loadConfig } = await import('../config/load.js');
  const { stateDirOf } = await import('./activate.js');
  const { openStateStore } = await import('./state/open.js');
  const config = loadConfig({ configPath: opts.configPath, mode: opts.mode });
  const stateDir = stateDirOf(config);
  // The mode's store: SQLite in the state directory, or the shared one `local.state_url` names.
  const store = await openStateStore({ stateDir, url: config.local.stateUrl });
  try {
    return await fn(store, stateDir);
  } finally {
    await store.close();
  }
}

/** The audit trail: actions on one pipeline (or all), newest first. */
export async function listActions(
  store: StateStore,
  o: { pipeline?: string; limit?: number },
): Promise<{ actions: ActionView[] }> {
  if (o.pipeline) await requirePipelineRow(store, o.pipeline);
  return { actions: (await store.actions({ pipeline: o.pipeline, limit: o.limit })).map(actionView) };
}
