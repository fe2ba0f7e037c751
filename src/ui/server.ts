/**
 * `etlctl ui`: an HTTP server (node:http, no framework) over the state store. It serves the page
 * and its assets from src/ui/assets/ (shipped in the package; no CDN), a JSON API the page reads,
 * and the run actions as POSTs that call the same library verbs as the CLI (src/local/actions.ts).
 *
 * Security (issue 14): bound to 127.0.0.1 unless told otherwise; on any other host every request
 * needs the token (Authorization: Bearer, or the cookie the `?token=` link sets once); the Host
 * header must name this server (no DNS rebinding); a POST needs the page's CSRF token in
 * `X-CSRF-Token` and a JSON body; responses carry a strict Content-Security-Policy; assets are a
 * fixed list and logs are found by attempt id, so no request names a path; every response body
 * passes through a redactor of the secret values this process knows (defence in depth: the
 * store should hold none).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { EtlError, ExitCode, diag } from '../diagnostics/index.js';
import type { ActionResult } from '../local/actions.js';
import { acknowledge, backfill, pauseResume, rerunInstance } from '../local/actions.js';
import type { StateStore } from '../local/state/store.js';
import type { AwsUiData } from './aws-data.js';
import type { Category } from './data.js';
import { CATEGORIES, UiData } from './data.js';

export interface UiOptions {
  /** The local state store; absent for a `target: aws` mode, which reads `aws` instead. */
  store?: StateStore;
  /** The grid and run detail of a `target: aws` mode (read-only). */
  aws?: AwsUiData;
  stateDir: string;
  host?: string;
  port?: number;
  readOnly?: boolean;
  /** Required on a non-loopback host (generated when absent); ignored on loopback. */
  token?: string;
  /** Who actions are recorded as (e.g. `alice@host (ui)`). */
  actor: string;
  /** Run reset instances at once after a rerun/backfill (default true; tests may turn it off). */
  runAfterActions?: boolean;
  /** Values no response may contain (passwords the process knows). */
  secrets?: string[];
}

export interface UiServer {
  url: string;
  host: string;
  port: number;
  /** The token a non-loopback server requires (undefined on loopback). */
  token?: string;
  /** Runs the server started after actions, still going (tests wait for them). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The assets the page needs: a fixed list, so a request can never name another file. */
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export function assetDir(): string {
  // dist/src/ui/server.js and src/ui/server.ts both find the sources' assets (shipped in the package).
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(`${join('dist', 'src', 'ui')}`)
    ? join(here, '..', '..', '..', 'src', 'ui', 'assets')
    : join(here, 'assets');
}

/** Secret-looking values of the environment (passwords, tokens, keys) no page may show. */
export function environmentSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([k, v]) => /PASS|SECRET|TOKEN|PRIVATE|CREDENTIAL|_KEY$/i.test(k) && v && v.length >= 6)
    .map(([, v]) => v!);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new HttpError(415, 'a JSON body is required');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 65_536) throw new HttpError(413, 'request too large');
    chunks.push(c);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body is not a JSON object');
  }
}

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 1000)
    throw new HttpError(400, `${what} is required`);
  return v;
};
const int = (v: unknown, what: string): number => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpError(400, `${what} must be a whole number`);
  return n;
};

/** A date (YYYY-MM-DD, midnight UTC) or an ISO 8601 date-time, as ISO 8601. */
const isoDate = (v: unknown, what: string): string => {
  const t = str(v, what);
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t);
  if (Number.isNaN(d.getTime())) throw new HttpError(400, `${what} is not a date`);
  return d.toISOString();
};

export class UiHttp {
  private readonly localData?: UiData;
  readonly csrf = randomBytes(24).toString('base64url');
  private readonly secrets: string[];
  private readonly runs = new Map<string, { running: Promise<void>; again: boolean }>();
  private allowedHosts = new Set<string>();
  private loopback = true;

  constructor(
    private readonly o: UiOptions,
    readonly token: string | undefined,
  ) {
    if (o.store) this.localData = new UiData(o.store, o.stateDir, o.readOnly ?? false);
    this.secrets = [...(o.secrets ?? []), ...(token ? [token] : [])].filter((s) => s.length >= 4);
  }

  /** The local store and its views; a `target: aws` server has neither (404 naming why). */
  private get data(): UiData {
    if (!this.localData)
      throw new HttpError(404, 'not available for a target: aws mode (the grid and run detail are)');
    return this.localData;
  }

  private get readOnly(): boolean {
    return this.o.aws ? true : this.data.readOnly;
  }

  setAddress(host: string, port: number): void {
    this.loopback = LOOPBACK.has(host);
    const names = LOOPBACK.has(host)
      ? ['127.0.0.1', 'localhost', '[::1]']
      : [host.includes(':') ? `[${host}]` : host];
    this.allowedHosts = new Set(names.map((n) => `${n}:${port}`));
  }

  /** Every response body passes here: no secret value leaves the process. */
  private redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join('•••••');
    return out;
  }

  private send(
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ): void {
    const payload = typeof body === 'string' ? this.redact(body) : body;
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      ...extra,
    });
    res.end(payload);
  }

  /**
   * A body the page asks for again and again (the grid): an ETag, so an unchanged grid is a 304 and
   * the page skips redrawing it, and gzip when the client takes it (a remote `--host` gets ~10 KB
   * instead of ~100 KB). `no-cache` lets the browser keep it only to revalidate.
   */
  private sendRevalidated(
    req: IncomingMessage,
    res: ServerResponse,
    type: string,
    body: string,
    extra: Record<string, string>,
  ): void {
    const payload = Buffer.from(this.redact(body));
    const etag = `"${createHash('sha1').update(payload).digest('base64url')}"`;
    const headers = { ...extra, ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
    if (req.headers['if-none-match'] === etag) return this.send(res, 304, type, '', headers);
    const gzip = payload.length > 16_384 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (!gzip) return this.send(res, 200, type, payload, headers);
    this.send(res, 200, type, gzipSync(payload, { level: 1 }), { ...headers, 'Content-Encoding': 'gzip' });
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    this.send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (e) {
      if (e instanceof HttpError) this.json(res, e.status, { error: e.message });
      else if (e instanceof EtlError)
        this.json(res, 409, {
          error: e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'),
          diagnostics: e.diagnostics,
        });
      else this.json(res, 500, { error: 'internal error (see the etlctl ui console)' });
    }
  }

  /** Host header (DNS rebinding) and, off loopback, the token. Returns false when it answered. */
  private admit(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    // On loopback the Host header must name this server (a rebound DNS name must not reach it);
    // elsewhere the token does that job.
    if (this.loopback && !this.allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      this.json(res, 421, { error: 'unexpected Host header' });
      return false;
    }
    if (!this.token) return true;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? cookie(req, 'etlctl_ui');
    if (given && sameText(given, this.token)) return true;
    const q = url.searchParams.get('token');
    if (req.method === 'GET' && url.pathname === '/' && q && sameText(q, this.token)) {
      // The link with the token is used once: a cookie carries it from now on, and the URL is cleaned.
      res.writeHead(303, {
        Location: '/',
        'Set-Cookie': `etlctl_ui=${encodeURIComponent(this.token)}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      });
      res.end();
      return false;
    }
    this.json(res, 401, { error: 'a token is required (open the URL etlctl ui printed)' });
    return false;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://ui.invalid');
    if (!this.admit(req, res, url)) return;
    const path = url.pathname;
    if (req.method === 'POST') return this.post(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    if (path === '/' || path === '/index.html') return this.page(res);
    if (path.startsWith('/assets/')) return this.asset(res, path.slice('/assets/'.length));
    const q = (k: string): string | undefined => url.searchParams.get(k) ?? undefined;
    switch (path) {
      case '/api/grid': {
        const status = q('status');
        if (status && !CATEGORIES.includes(status as Category)) throw new HttpError(400, 'unknown status');
        const t0 = performance.now();
        const grid = await (this.o.aws ?? this.data).grid({
          end: q('end'),
          days: q('days') ? int(q('days'), 'days') : undefined,
          status: status as Category | undefined,
          q: q('q'),
        });
        // How long the server took, for `npm run bench` (scenario ui) and the browser's devtools.
        const body = JSON.stringify(grid);
        const ms = (performance.now() - t0).toFixed(1);
        return this.sendRevalidated(req, res, 'application/json; charset=utf-8', body, {
          'Server-Timing': `grid;dur=${ms}`,
        });
      }
      case '/api/cell': {
        const cell = await (this.o.aws ?? this.data).cell(
          str(q('pipeline'), 'pipeline'),
          str(q('day'), 'day'),
        );
        if (!cell) throw new HttpError(404, 'no such pipeline or day');
        return this.json(res, 200, cell);
      }
      case '/api/log': {
        const chunk = await this.data.log(
          int(q('instance'), 'instance'),
          int(q('attempt'), 'attempt'),
          int(q('offset') ?? '0', 'offset'),
        );
        if (!chunk) throw new HttpError(404, 'no log for that attempt');
        return this.json(res, 200, chunk);
      }
      case '/api/pipeline': {
        const page = await this.data.pipeline(str(q('name'), 'name'));
        if (!page) throw new HttpError(404, 'no such pipeline');
        return this.json(res, 200, page);
      }
      case '/api/graph':
        return this.graph(res, str(q('pipeline'), 'pipeline'));
      case '/api/actions': {
        const list = await this.data.store.actions({ pipeline: q('pipeline'), limit: 200 });
        return this.json(res, 200, { actions: list, readOnly: this.readOnly });
      }
      default:
        throw new HttpError(404, 'not found');
    }
  }

  private page(res: ServerResponse): void {
    const html = readFileSync(join(assetDir(), 'index.html'), 'utf8').replace('%CSRF%', this.csrf);
    this.send(res, 200, 'text/html; charset=utf-8', html);
  }

  private asset(res: ServerResponse, name: string): void {
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) throw new HttpError(404, 'no such asset');
    this.send(res, 200, type, readFileSync(join(assetDir(), name)), { 'Cache-Control': 'no-cache' });
  }

  private readonly graphs = new Map<string, string>();

  /** The pipeline's picture (the visualize renderer), cached per definition version. */
  private async graph(res: ServerResponse, pipeline: string): Promise<void> {
    const { store } = this.data;
    const p = await store.pipeline(pipeline);
    const json = p && (await store.definitionJson(p.name, p.version));
    if (!p || !json) throw new HttpError(404, 'no such pipeline');
    const key = `${p.name}\u0000${p.version}`;
    let svg = this.graphs.get(key);
    if (!svg) {
      const { renderDefinition } = await import('../graph/index.js');
      const { fromFileJson } = await import('../definition/json.js');
      svg = String(await renderDefinition(fromFileJson(JSON.parse(json) as never), { format: 'svg' }));
      this.graphs.set(key, svg);
    }
    this.send(res, 200, 'image/svg+xml', svg);
  }

  private async post(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameText(sent, this.csrf))
      throw new HttpError(403, 'missing or wrong CSRF token');
    if (this.readOnly)
      throw new HttpError(
        403,
        this.o.aws
          ? 'etlctl ui on a target: aws mode is read-only'
          : 'etlctl ui runs read-only (--read-only)',
      );
    const body = await readJson(req);
    const pipeline = str(body.pipeline, 'pipeline');
    const note =
      typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 1000) : undefined;
    const { store } = this.data;
    const { actor } = this.o;
    let result: ActionResult;
    switch (path) {
      case '/api/actions/rerun':
        result = await rerunInstance(store, {
          pipeline,
          instanceId: int(body.instanceId, 'instanceId'),
          downstream: body.downstream === true,
          note,
          actor,
        });
        break;
      case '/api/actions/backfill':
        result = await backfill(store, {
          pipeline,
          from: isoDate(body.from, 'from'),
          to: isoDate(body.to, 'to'),
          note,
          actor,
        });
        break;
      case '/api/actions/pause':
      case '/api/actions/resume':
        result = await pauseResume(store, { pipeline, pause: path.endsWith('pause'), note, actor });
        break;
      case '/api/actions/acknowledge':
        result = await acknowledge(store, {
          pipeline,
          instanceId: int(body.instanceId, 'instanceId'),
          note,
          actor,
        });
        break;
      default:
        throw new HttpError(404, 'not found');
    }
    if (result.reset.length > 0 && this.o.runAfterActions !== false) this.runSoon(pipeline);
    this.json(res, 200, result);
  }

  /** Run the pipeline's reset instances in this process; a run asked for while one goes runs after it. */
  private runSoon(pipeline: string): void {
    const current = this.runs.get(pipeline);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { running: Promise.resolve(), again: false };
    const loop = async (): Promise<void> => {
      const { runStoredPipeline } = await import('../local/run-stored.js');
      do {
        entry.again = false;
        try {
          await runStoredPipeline({ store: this.data.store, stateDir: this.o.stateDir, pipeline });
        } catch {
          // Another process runs the pipeline (it takes the reset instances), or it cannot run:
          // the grid shows the instances still waiting, and the CLI says why.
        }
      } while (entry.again);
      this.runs.delete(pipeline);
    };
    this.runs.set(pipeline, entry);
    entry.running = loop();
  }

  async idle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs.values()].map((r) => r.running));
  }
}

export async function startUi(o: UiOptions): Promise<UiServer> {
  const host = o.host ?? '127.0.0.1';
  const loopback = LOOPBACK.has(host);
  let token: string | undefined;
  if (!loopback) {
    token = o.token ?? randomBytes(24).toString('base64url');
    if (token.length < 16) {
      throw new EtlError(
        diag('ETL7711', `the token for etlctl ui on ${host} is too short (${token.length} characters)`, {
          hint: 'set ETLCTL_UI_TOKEN to at least 16 random characters, or leave it unset to get one',
        }),
        ExitCode.USAGE,
      );
    }
  }
  const app = new UiHttp(o, token);
  const server: Server = createServer((req, res) => void app.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new EtlError(
          diag('ETL7710', `etlctl ui cannot listen on ${host}:${o.port ?? 0}: ${e.code ?? e.message}`, {
            hint:
              e.code === 'EADDRINUSE'
                ? 'the port is taken: pick another --port (0 picks a free one)'
                : 'check --host',
          }),
          ExitCode.ENVIRONMENT,
        ),
      ),
    );
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 0);
  app.setAddress(host, port);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    host,
    port,
    token,
    idle: () => app.idle(),
    close: async () => {
      await app.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
