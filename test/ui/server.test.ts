/**
 * `etlctl ui`'s HTTP surface (issue 14 "Security"): loopback by default with a Host check, a token
 * on any other host, POSTs only with the CSRF token and a JSON body, read-only mode, no path
 * traversal through assets or logs, no secret in any response; and the grid's counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ondemand, sh } from '../cli/fixtures.js';
import { etlctlInProcess } from '../cli/inprocess.js';
import { openStateStore } from '../../src/local/state/open.js';
import type { SqliteStateStore } from '../../src/local/state/sqlite.js';
import type { StateStore } from '../../src/local/state/store.js';
import { startUi } from '../../src/ui/server.js';
import type { UiServer } from '../../src/ui/server.js';

const CANARY = 'canary-Pa55word-7f3a9';
let dir: string;
let store: StateStore;
const saved = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'etlctl-ui-'));
  process.env.ETLCTL_CONFIG = '';
  process.env.ETLCTL_STATE_DIR_OVERRIDE = join(dir, '.etlctl');
  writeFileSync(
    join(dir, 'twelve.json'),
    JSON.stringify({
      objects: [
        ondemand,
        // The canary reaches a log: the page must still never show it.
        sh('S1', `echo "password is ${CANARY}"`),
        ...Array.from({ length: 10 }, (_, k) => sh(`S${k + 2}`, 'echo ok')),
        sh('Bad', 'echo "FAIL not-null 29411 failing rows" >&2; exit 1'),
      ],
    }),
  );
  expect((await etlctlInProcess(['pipeline', 'activate', 'twelve.json'], { cwd: dir })).code).toBe(1);
  store = await openStateStore({ stateDir: join(dir, '.etlctl') });
});

afterAll(async () => {
  await store.close();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

async function withUi<T>(
  opts: Partial<Parameters<typeof startUi>[0]>,
  fn: (ui: UiServer) => Promise<T>,
): Promise<T> {
  const ui = await startUi({
    store,
    stateDir: join(dir, '.etlctl'),
    port: 0,
    actor: 'tester (ui)',
    runAfterActions: false,
    secrets: [CANARY],
    ...opts,
  });
  try {
    return await fn(ui);
  } finally {
    await ui.close();
  }
}

const csrfOf = (html: string): string => /name="etlctl-csrf" content="([^"]+)"/.exec(html)![1];

describe('etlctl ui server', () => {
  it('counts a cell: one failed step of twelve is one twelfth, not a red cell', async () => {
    await withUi({}, async (ui) => {
      const grid = (await (await fetch(`${ui.url}api/grid`)).json()) as {
        pipelines: {
          name: string;
          cells: Record<string, { counts: Record<string, number>; total: number; worst: string }>;
        }[];
      };
      const cell = Object.values(grid.pipelines.find((p) => p.name === 'twelve')!.cells)[0];
      expect(cell).toMatchObject({ total: 12, worst: 'failed', counts: { ok: 11, failed: 1 } });
      const failedOnly = (await (await fetch(`${ui.url}api/grid?status=failed`)).json()) as {
        pipelines: unknown[];
      };
      expect(failedOnly.pipelines).toHaveLength(1);
      const running = (await (await fetch(`${ui.url}api/grid?status=running`)).json()) as {
        pipelines: unknown[];
        hidden: number;
      };
      expect(running).toMatchObject({ pipelines: [], hidden: 1 });
    });
  });

  it('binds loopback, refuses other Host headers, and never shows a secret, even from a log', async () => {
    await withUi({}, async (ui) => {
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(ui.token).toBeUndefined();
      // fetch() will not set Host: a raw request, as a rebound DNS name would send it.
      expect((await rawGet(ui.port, '/api/grid', 'attacker.example:80')).status).toBe(421);
      expect((await rawGet(ui.port, '/api/grid', `localhost:${ui.port}`)).status).toBe(200);
      const day = new Date().toISOString().slice(0, 10);
      const cell = (await (await fetch(`${ui.url}api/cell?pipeline=twelve&day=${day}`)).json()) as {
        instances: { id: number; objectId: string; attempts: { id: number }[] }[];
      };
      const s1 = cell.instances.find((i) => i.objectId === 'S1')!;
      const log = await (
        await fetch(`${ui.url}api/log?instance=${s1.id}&attempt=${s1.attempts[0].id}`)
      ).text();
      expect(log).toContain('password is');
      expect(log).not.toContain(CANARY);
      const bad = cell.instances.find((i) => i.objectId === 'Bad')!;
      const badLog = (await (
        await fetch(`${ui.url}api/log?instance=${bad.id}&attempt=${bad.attempts[0].id}`)
      ).json()) as { text: string };
      expect(badLog.text).toContain('FAIL not-null 29411 failing rows');
      for (const path of [
        '',
        'api/grid',
        'api/pipeline?name=twelve',
        'api/actions',
        'api/graph?pipeline=twelve',
        'assets/app.js',
      ])
        expect(await (await fetch(ui.url + path)).text()).not.toContain(CANARY);
    });
  });

  it('rejects path traversal in asset and log requests', async () => {
    await withUi({}, async (ui) => {
      const { port } = ui;
      for (const path of [
        '/assets/../../package.json',
        '/assets/..%2f..%2fpackage.json',
        '/assets/%2e%2e/%2e%2e/package.json',
        '/assets/index.html/../../../package.json',
        '/assets/app.js%00.css',
        '/etc/passwd',
      ])
        expect([400, 404], path).toContain((await rawGet(port, path)).status);
      expect((await fetch(`${ui.url}api/log?instance=1&attempt=999`)).status).toBe(404);
      expect((await fetch(`${ui.url}api/log?instance=../1&attempt=1`)).status).toBe(400);
      // A store edited to point a log outside the state directory: refused, not served.
      const db = (store as SqliteStateStore).db;
      const a = db.prepare('SELECT id, instance_id, log_path FROM attempts LIMIT 1').get() as {
        id: number;
        instance_id: number;
        log_path: string;
      };
      db.prepare('UPDATE attempts SET log_path = ? WHERE id = ?').run('/etc/passwd', a.id);
      try {
        expect((await fetch(`${ui.url}api/log?instance=${a.instance_id}&attempt=${a.id}`)).status).toBe(404);
      } finally {
        db.prepare('UPDATE attempts SET log_path = ? WHERE id = ?').run(a.log_path, a.id);
      }
    });
  });

  it('takes actions only as JSON POSTs with the CSRF token, and none when read-only', async () => {
    await withUi({}, async (ui) => {
      const csrf = csrfOf(await (await fetch(ui.url)).text());
      const body = JSON.stringify({ pipeline: 'twelve' });
      const post = (headers: Record<string, string>, b = body) =>
        fetch(`${ui.url}api/actions/pause`, { method: 'POST', headers, body: b });
      expect((await post({ 'Content-Type': 'application/json' })).status).toBe(403);
      expect((await post({ 'Content-Type': 'application/json', 'X-CSRF-Token': 'nope' })).status).toBe(403);
      expect((await post({ 'Content-Type': 'text/plain', 'X-CSRF-Token': csrf })).status).toBe(415);
      const ok = await post({ 'Content-Type': 'application/json', 'X-CSRF-Token': csrf });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        active: false,
        action: { action: 'pause', actor: 'tester (ui)' },
      });
      const grid = (await (await fetch(`${ui.url}api/grid`)).json()) as { pipelines: { paused: boolean }[] };
      expect(grid.pipelines[0].paused).toBe(true);
      const unknown = await fetch(`${ui.url}api/actions/rerun`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ pipeline: 'twelve', instanceId: 99999 }),
      });
      expect(unknown.status).toBe(409);
      expect(((await unknown.json()) as { error: string }).error).toContain('ETL7701');
    });
    await withUi({ readOnly: true }, async (ui) => {
      const csrf = csrfOf(await (await fetch(ui.url)).text());
      const r = await fetch(`${ui.url}api/actions/resume`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ pipeline: 'twelve' }),
      });
      expect(r.status).toBe(403);
      expect(((await (await fetch(`${ui.url}api/grid`)).json()) as { readOnly: boolean }).readOnly).toBe(
        true,
      );
    });
  });

  it('needs the token on any other host: bearer, or the printed link once (then a cookie)', async () => {
    await expect(
      startUi({ store, stateDir: dir, host: '0.0.0.0', token: 'short', actor: 'x' }),
    ).rejects.toThrow(/too short/);
    await withUi({ host: '0.0.0.0' }, async (ui) => {
      expect(ui.token!.length).toBeGreaterThanOrEqual(16);
      const base = `http://127.0.0.1:${ui.port}/`;
      expect((await fetch(`${base}api/grid`)).status).toBe(401);
      expect((await fetch(base)).status).toBe(401);
      expect(
        (await fetch(`${base}api/grid`, { headers: { Authorization: 'Bearer wrong-token-0000000000' } }))
          .status,
      ).toBe(401);
      expect(
        (await fetch(`${base}api/grid`, { headers: { Authorization: `Bearer ${ui.token}` } })).status,
      ).toBe(200);
      const link = await fetch(`${base}?token=${encodeURIComponent(ui.token!)}`, { redirect: 'manual' });
      expect(link.status).toBe(303);
      const setCookie = link.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      const page = await fetch(base, { headers: { Cookie: setCookie.split(';')[0] } });
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain(ui.token!);
    });
  });
});

/** A GET with the path exactly as written (fetch would normalise the dots away). */
async function rawGet(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      })
      .on('error', reject);
  });
}
