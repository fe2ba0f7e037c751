/**
 * The grid and run detail of `etlctl ui` for a `target: aws` mode: read-only, from the AWS Data
 * Pipeline API through the SDK. The pipelines are the mode's deployed ones (ListPipelines +
 * DescribePipelines, uniqueId `etlctl:<mode>:…`); their instances come from QueryObjects (sphere
 * INSTANCE, scheduled start in the shown days, paged with the marker) and DescribeObjects (25 ids a
 * call, paged), attempts from QueryObjects sphere ATTEMPT for one cell. The values have the same
 * shape as the local store's (data.ts), so the page draws them the same way.
 *
 * The API is slow and rate-limited: the pipeline list is kept a minute, a grid answer 20 seconds,
 * and the page polls every 30 seconds (`refreshSeconds`).
 */
import type { AwsClients } from '../aws/clients.js';
import { awsCall } from '../aws/errors.js';
import { describePipelines, listPipelineIds } from '../aws/pipelines.js';
import type {
  Category,
  CellInstance,
  CellView,
  GridCellView,
  GridOptions,
  GridRow,
  GridView,
} from './data.js';
import { CATEGORIES, DAY_MS, categoryOf, dayOf } from './data.js';

/** The fields of one object, ref or string values alike. */
export type Fields = Record<string, string>;

interface AwsObject {
  id: string;
  name: string;
  fields: Fields;
}

interface DeployedRow {
  name: string;
  pipelineId: string;
  state: string | undefined;
  tags: Record<string, string>;
}

/** AWS's instance and attempt states on top of the local ones (categoryOf). */
export function awsCategory(status: string | undefined): Category {
  switch (status) {
    case 'SHUTTING_DOWN':
    case 'PENDING_FINISH':
    case 'ACTIVATING':
    case 'DEACTIVATING':
      return 'running';
    case 'CREATING':
    case 'VALIDATING':
    case 'SCHEDULED':
    case 'PAUSED':
    case 'WAITING_FOR_RUNNER':
    case 'WAITING_ON_DEPENDENCIES':
    case undefined:
      return 'waiting';
    default:
      return categoryOf(status, false);
  }
}

/** The API's date-time form: UTC without zone or fraction (2026-03-01T00:00:00). */
const apiTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19);
/** An API date-time as ISO 8601 UTC (the page's form). */
const iso = (t: string | undefined): string | null => (t ? (/[zZ]$/.test(t) ? t : `${t}Z`) : null);

const isDay = (s: string | undefined): s is string =>
  s !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

export class AwsUiData {
  readonly readOnly = true;
  private deployed?: { at: number; rows: DeployedRow[] };
  private readonly grids = new Map<string, { at: number; view: Promise<GridView> }>();

  constructor(
    private readonly clients: AwsClients,
    /** The mode whose pipelines are shown (their uniqueId is `etlctl:<mode>:<name>`). */
    private readonly mode: string | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The mode's deployed pipelines, kept a minute. */
  private async pipelines(): Promise<DeployedRow[]> {
    const t = Date.now();
    if (this.deployed && t - this.deployed.at < 60_000) return this.deployed.rows;
    const prefix = `etlctl:${this.mode ?? 'default'}:`;
    const ids = await listPipelineIds(this.clients);
    const rows = (
      await describePipelines(
        this.clients,
        ids.map((p) => p.id),
      )
    )
      .filter((d) => (d.uniqueId ?? '').startsWith(prefix))
      .map((d) => ({ name: d.name, pipelineId: d.pipelineId, state: d.state, tags: d.tags }));
    this.deployed = { at: t, rows };
    return rows;
  }

  /** Ids of the objects of a sphere whose scheduled start is in [from, to), every page. */
  private async query(pipelineId: string, sphere: 'INSTANCE' | 'ATTEMPT', from: number, to: number) {
    const { QueryObjectsCommand } = await import('@aws-sdk/client-data-pipeline');
    const dp = await this.clients.dataPipeline();
    const ids: string[] = [];
    let marker: string | undefined;
    // BETWEEN includes both ends: the last second before `to` closes the range.
    const values = [apiTime(from), apiTime(to - 1000)];
    for (;;) {
      const res = await awsCall('QueryObjects', () =>
        dp.send(
          new QueryObjectsCommand({
            pipelineId,
            sphere,
            query: {
              selectors: [{ fieldName: '@scheduledStartTime', operator: { type: 'BETWEEN', values } }],
            },
            marker,
            limit: 100,
          }),
        ),
      );
      ids.push(...(res.ids ?? []));
      if (!res.hasMoreResults || !res.marker) return ids;
      marker = res.marker;
    }
  }

  /** The objects' fields, 25 ids a call (the API's limit), each call paged with its marker. */
  private async describe(pipelineId: string, ids: readonly string[]): Promise<AwsObject[]> {
    const { DescribeObjectsCommand } = await import('@aws-sdk/client-data-pipeline');
    const dp = await this.clients.dataPipeline();
    const out: AwsObject[] = [];
    for (let i = 0; i < ids.length; i += 25) {
      const objectIds = ids.slice(i, i + 25);
      let marker: string | undefined;
      for (;;) {
        const res = await awsCall('DescribeObjects', () =>
          dp.send(new DescribeObjectsCommand({ pipelineId, objectIds, evaluateExpressions: false, marker })),
        );
        for (const o of res.pipelineObjects ?? []) {
          const fields: Fields = {};
          for (const f of o.fields ?? []) if (f.key) fields[f.key] = f.stringValue ?? f.refValue ?? '';
          out.push({ id: o.id ?? '', name: o.name ?? '', fields });
        }
        if (!res.hasMoreResults || !res.marker) break;
        marker = res.marker;
      }
    }
    return out;
  }

  async grid(o: GridOptions = {}): Promise<GridView> {
    const now = o.now ?? this.now();
    const days = Math.min(Math.max(o.days ?? 14, 1), 92);
    const end = isDay(o.end) ? o.end : dayOf(now.toISOString());
    const key = `${end}/${days}`;
    const hit = this.grids.get(key);
    let view: Promise<GridView>;
    if (hit && Date.now() - hit.at < 20_000) view = hit.view;
    else {
      view = this.readGrid(end, days);
      this.grids.set(key, { at: Date.now(), view });
      view.catch(() => this.grids.delete(key));
    }
    return filterGrid(await view, o);
  }

  private async readGrid(end: string, days: number): Promise<GridView> {
    const endMs = Date.parse(`${end}T00:00:00Z`);
    const dayList = Array.from({ length: days }, (_, k) =>
      dayOf(new Date(endMs - (days - 1 - k) * DAY_MS).toISOString()),
    );
    const from = Date.parse(`${dayList[0]}T00:00:00Z`);
    const to = endMs + DAY_MS;
    const rows: GridRow[] = [];
    // A few pipelines at a time: the API throttles a burst, and the SDK retries a throttled call.
    const list = await this.pipelines();
    for (let i = 0; i < list.length; i += 4) {
      rows.push(...(await Promise.all(list.slice(i, i + 4).map((p) => this.row(p, from, to)))));
    }
    rows.sort((a, b) => a.name.localeCompare(b.name));
    return {
      days: dayList,
      end,
      pipelines: rows,
      hidden: 0,
      readOnly: true,
      target: 'aws',
      refreshSeconds: 30,
    };
  }

  private async row(p: DeployedRow, from: number, to: number): Promise<GridRow> {
    const instances = activityInstances(
      await this.describe(p.pipelineId, await this.query(p.pipelineId, 'INSTANCE', from, to)),
    );
    const cells: Record<string, GridCellView> = {};
    let last: { status: string; at: string } | undefined;
    for (const i of instances) {
      const start = iso(i.fields['@scheduledStartTime']);
      if (!start) continue;
      const cat = awsCategory(i.fields['@status']);
      const cell = (cells[dayOf(start)] ??= { counts: {}, total: 0, worst: 'ok' });
      cell.counts[cat] = (cell.counts[cat] ?? 0) + 1;
      cell.total++;
      if (CATEGORIES.indexOf(cat) < CATEGORIES.indexOf(cell.worst)) cell.worst = cat;
      const ended = iso(i.fields['@actualEndTime']);
      if (ended && (!last || ended > last.at)) last = { status: i.fields['@status'] ?? '', at: ended };
    }
    return {
      name: p.name,
      owner: p.tags.owner ?? null,
      tags: Object.entries(p.tags)
        .filter(([k]) => k !== 'owner' && !k.startsWith('etlctl'))
        .map(([k, v]) => (v ? `${k}=${v}` : k)),
      active: p.state === 'SCHEDULED' || p.state === 'ACTIVATING',
      paused: p.state === 'PAUSED',
      lastStatus: last?.status ?? null,
      lastEndedAt: last?.at ?? null,
      nextDue: null,
      cells,
    };
  }

  /** One pipeline's instances scheduled on a day, each with its attempts (sphere ATTEMPT). */
  async cell(pipeline: string, day: string): Promise<CellView | undefined> {
    const p = (await this.pipelines()).find((x) => x.name === pipeline);
    if (!p || !isDay(day)) return undefined;
    const from = Date.parse(`${day}T00:00:00Z`);
    const to = from + DAY_MS;
    const instances = activityInstances(
      await this.describe(p.pipelineId, await this.query(p.pipelineId, 'INSTANCE', from, to)),
    );
    const attempts = await this.describe(p.pipelineId, await this.query(p.pipelineId, 'ATTEMPT', from, to));
    const out: CellInstance[] = instances.map((i, k) => {
      const mine = attempts
        .filter((a) => a.fields['@instanceParent'] === i.id)
        .sort((a, b) => Number(a.fields['@attemptCount'] ?? 0) - Number(b.fields['@attemptCount'] ?? 0));
      const status = i.fields['@status'] ?? 'WAITING_ON_DEPENDENCIES';
      return {
        id: k + 1,
        awsId: i.id,
        objectId: i.fields['@componentParent'] ?? i.name,
        type: i.fields.type ?? '',
        scheduledStart: iso(i.fields['@scheduledStartTime']) ?? '',
        status,
        category: awsCategory(status),
        acknowledged: false,
        rows: null,
        error: i.fields.errorMessage ?? mine.map((a) => a.fields.errorMessage).find(Boolean) ?? null,
        startedAt: iso(i.fields['@actualStartTime']),
        endedAt: iso(i.fields['@actualEndTime']),
        attempts: mine.map((a, n) => ({
          id: n + 1,
          number: Number(a.fields['@attemptCount'] ?? n + 1),
          status: a.fields['@status'] ?? '',
          startedAt: iso(a.fields['@actualStartTime']) ?? '',
          endedAt: iso(a.fields['@actualEndTime']),
          exitCode: null,
          rows: null,
          error: a.fields.errorMessage ?? null,
          worker: a.fields['@resource'] ?? a.fields.workerGroup ?? null,
          hasLog: false,
        })),
      };
    });
    out.sort(
      (a, b) => a.scheduledStart.localeCompare(b.scheduledStart) || a.objectId.localeCompare(b.objectId),
    );
    return {
      pipeline,
      day,
      readOnly: true,
      paused: p.state === 'PAUSED',
      instances: out,
      alerts: [],
      actions: [],
      target: 'aws',
    };
  }
}

/** Activities' instances (resources such as the Ec2Resource are instances too, but not steps). */
function activityInstances(objects: AwsObject[]): AwsObject[] {
  return objects.filter(
    (o) => !o.fields['@instanceParent'] && !/Resource$|^EmrCluster$/.test(o.fields.type ?? ''),
  );
}

/** The status and text filters, as the local grid applies them. */
function filterGrid(view: GridView, o: GridOptions): GridView {
  const q = o.q?.trim().toLowerCase();
  const rows = view.pipelines.filter(
    (row) =>
      (!q || [row.name, row.owner ?? '', ...row.tags].join(' ').toLowerCase().includes(q)) &&
      (!o.status || Object.values(row.cells).some((c) => (c.counts[o.status!] ?? 0) > 0)),
  );
  return { ...view, pipelines: rows, hidden: view.pipelines.length - rows.length };
}
