/**
 * `etlctl ui -m production` on a `target: aws` mode: the built CLI reads the deployed pipelines'
 * instances through the real SDK (QueryObjects sphere INSTANCE/ATTEMPT with a scheduled-time
 * selector, DescribeObjects 25 ids a call, both paged by marker) from the loopback stand-in, and
 * the page shows the same grid as for a local store: counts per day, the run detail with attempts
 * and errors. Read-only: actions are refused, nothing but List/Describe/Query is called.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws, awsTestEnv } from '../aws/fake-aws.js';
import type { FakePipeline } from '../aws/fake-aws.js';
import { objectsPaging } from '../aws/fake-dp-objects.js';
import { launchBrowser, openPage } from '../helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'etlctl');
const DAY = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const dayAt = (n: number, hour = 0): string =>
  new Date(today - n * DAY + hour * 3_600_000).toISOString().slice(0, 19);
const day = (n: number): string => dayAt(n).slice(0, 10);

const fake = new FakeAws();
let dir: string;
let ui: ChildProcess;
let url: string;

type Obj = FakePipeline['instances'][number];
const obj = (id: string, fields: Record<string, string>, refs: Record<string, string> = {}): Obj => ({
  id,
  name: id,
  fields: [
    ...Object.entries(fields).map(([key, stringValue]) => ({ key, stringValue })),
    ...Object.entries(refs).map(([key, refValue]) => ({ key, refValue })),
  ],
});

function pipeline(id: string, name: string, uniqueId: string, instances: Obj[]): FakePipeline {
  return {
    pipelineId: id,
    name,
    uniqueId,
    tags: [{ key: 'owner', value: 'finance' }],
    state: 'SCHEDULED',
    objects: [],
    parameterObjects: [],
    parameterValues: [],
    activations: 1,
    instances,
  };
}

/** orders: yesterday 12 hourly loads, one FAILED after two attempts; the day before, 2 running. */
function orders(): Obj[] {
  const out: Obj[] = [];
  for (let h = 0; h < 12; h++) {
    const failed = h === 5;
    const id = `@load_${day(1)}T${h}`;
    out.push(
      obj(
        id,
        {
          '@status': failed ? 'FAILED' : 'FINISHED',
          '@scheduledStartTime': dayAt(1, h),
          '@actualStartTime': dayAt(1, h),
          '@actualEndTime': dayAt(1, h + 1),
          type: 'RedshiftCopyActivity',
          ...(failed ? { errorMessage: 'COPY failed: permission denied for relation orders' } : {}),
        },
        { '@componentParent': 'load.Load' },
      ),
    );
    if (failed)
      for (const n of [1, 2])
        out.push(
          obj(
            `${id}_Attempt=${n}`,
            {
              '@status': 'FAILED',
              '@attemptCount': String(n),
              '@scheduledStartTime': dayAt(1, h),
              '@actualStartTime': dayAt(1, h),
              '@actualEndTime': dayAt(1, h),
              errorMessage: `attempt ${n}: COPY failed: permission denied for relation orders`,
            },
            { '@instanceParent': id, '@componentParent': 'load.Load' },
          ),
        );
  }
  // The resource is an instance too, but not a step: it is not counted.
  out.push(
    obj(
      `@Ec2_${day(1)}`,
      { '@status': 'FINISHED', '@scheduledStartTime': dayAt(1), type: 'Ec2Resource' },
      { '@componentParent': 'Ec2' },
    ),
  );
  for (const h of [0, 1])
    out.push(
      obj(
        `@load_${day(2)}T${h}`,
        {
          '@status': h ? 'WAITING_ON_DEPENDENCIES' : 'RUNNING',
          '@scheduledStartTime': dayAt(2, h),
          type: 'RedshiftCopyActivity',
        },
        { '@componentParent': 'load.Load' },
      ),
    );
  return out;
}

/** events: hourly for 7 days (168 instances: QueryObjects needs its marker) and one 30 days back. */
function events(): Obj[] {
  const out: Obj[] = [];
  for (let d = 0; d < 7; d++)
    for (let h = 0; h < 24; h++)
      out.push(
        obj(
          `@ev_${d}_${h}`,
          { '@status': 'FINISHED', '@scheduledStartTime': dayAt(d, h), type: 'ShellCommandActivity' },
          { '@componentParent': 'extract.Extract' },
        ),
      );
  out.push(
    obj('@ev_old', { '@status': 'FAILED', '@scheduledStartTime': dayAt(30) }, { '@componentParent': 'x' }),
  );
  return out;
}

beforeAll(async () => {
  const fakeUrl = await fake.start();
  // Pages of 10: a client that ignored DescribeObjects' marker would count fewer instances.
  objectsPaging.describePageSize = 10;
  for (const p of [
    pipeline('df-ORDERS', 'orders', 'etlctl:production:orders', orders()),
    pipeline('df-EVENTS', 'events', 'etlctl:production:events', events()),
    pipeline('df-OTHER', 'orders', 'etlctl:staging:orders', orders()),
    pipeline('df-HAND', 'handmade', 'console-made', events()),
  ])
    fake.pipelines.set(p.pipelineId, p);
  dir = mkdtempSync(join(tmpdir(), 'etlctl-ui-aws-'));
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('ETLCTL_')),
  );
  ui = spawn(process.execPath, [BIN, 'ui', '-m', 'production', '--port', '0'], {
    cwd: dir,
    env: { ...clean, ...awsTestEnv(fakeUrl, 'http://127.0.0.1:9') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((ok, fail) => {
    let out = '';
    const on = (d: Buffer): void => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) ok(m[1]);
    };
    ui.stdout!.on('data', on);
    ui.stderr!.on('data', on);
    ui.on('exit', (code) => fail(new Error(`etlctl ui exited ${code}: ${out}`)));
  });
});

afterAll(async () => {
  objectsPaging.describePageSize = 25;
  if (ui && ui.exitCode === null) {
    ui.kill('SIGTERM');
    await new Promise((r) => ui.on('exit', r));
  }
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Grid {
  target: string;
  readOnly: boolean;
  days: string[];
  pipelines: {
    name: string;
    owner: string | null;
    cells: Record<string, { counts: Record<string, number>; total: number; worst: string }>;
  }[];
}

describe('etlctl ui on a target: aws mode', () => {
  it("counts the mode's pipelines' instances per day through QueryObjects/DescribeObjects, read-only", async () => {
    const grid = (await (await fetch(`${url}api/grid`)).json()) as Grid;
    expect(grid).toMatchObject({ target: 'aws', readOnly: true });
    expect(grid.pipelines.map((p) => p.name)).toEqual(['events', 'orders']);
    const o = grid.pipelines.find((p) => p.name === 'orders')!;
    expect(o.owner).toBe('finance');
    expect(o.cells[day(1)]).toEqual({ counts: { ok: 11, failed: 1 }, total: 12, worst: 'failed' });
    expect(o.cells[day(2)]).toEqual({ counts: { running: 1, waiting: 1 }, total: 2, worst: 'running' });
    const ev = grid.pipelines.find((p) => p.name === 'events')!;
    expect(Object.keys(ev.cells).sort()).toEqual([6, 5, 4, 3, 2, 1, 0].map(day));
    for (const c of Object.values(ev.cells))
      expect(c).toEqual({ counts: { ok: 24 }, total: 24, worst: 'ok' });

    // The queries asked for the shown days, and only read.
    const queries = fake.calls('QueryObjects').filter((c) => c.json!.pipelineId === 'df-EVENTS');
    expect(queries.some((q) => q.json!.marker)).toBe(true);
    expect(queries[0].json!.query).toEqual({
      selectors: [
        {
          fieldName: '@scheduledStartTime',
          operator: { type: 'BETWEEN', values: [`${grid.days[0]}T00:00:00`, `${grid.days.at(-1)}T23:59:59`] },
        },
      ],
    });
    expect(fake.calls('DescribeObjects').some((c) => c.json!.marker)).toBe(true);
    for (const d of fake.calls('DescribeObjects'))
      expect((d.json!.objectIds as string[]).length).toBeLessThanOrEqual(25);
    expect(fake.operations().filter((op) => !/^(List|Describe|Query)/.test(op))).toEqual([]);

    const failedOnly = (await (await fetch(`${url}api/grid?status=failed`)).json()) as Grid;
    expect(failedOnly.pipelines.map((p) => p.name)).toEqual(['orders']);

    const csrf = /etlctl-csrf" content="([^"]+)"/.exec(await (await fetch(url)).text())![1];
    const refused = await fetch(`${url}api/actions/pause`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ pipeline: 'orders' }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain('target: aws');
    expect((await fetch(`${url}api/pipeline?name=orders`)).status).toBe(404);
  });

  it('shows the grid in Chromium and the failed cell with its attempts (sphere ATTEMPT) and error', async () => {
    const browser = await launchBrowser();
    try {
      const { page, problems } = await openPage(browser, 'about:blank');
      await page.goto(url);
      const failed = page.locator(`a.cell[data-pipeline="orders"][data-day="${day(1)}"]`);
      await failed.waitFor();
      expect(await failed.getAttribute('data-worst')).toBe('failed');
      expect(await failed.textContent()).toBe('11✓ 1✗');
      expect(await page.locator('tbody tr[data-pipeline]').count()).toBe(2);
      await failed.click();
      const row = page.locator('tr[data-status="FAILED"]');
      await row.waitFor();
      expect(await row.locator('td.error').textContent()).toContain('permission denied for relation orders');
      expect(await row.textContent()).toContain('#2 FAILED');
      expect(await page.locator('#instances tbody tr[data-step]').count()).toBe(12);
      expect(await page.locator('button.rerun').count()).toBe(0);
      expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
