/**
 * Named connections (DESIGN.md decision 7): a database object in the definition maps to a
 * config connection by its `myConnection` field (compiled definitions), by object id = connection
 * name, or by `rdsInstanceId`/`clusterId` (hand-written definitions). In local mode a connection
 * without a URL is an embedded PGlite database under `<stateDir>/db/<name>`.
 */
import { readFileSync } from 'node:fs';
import type { PipelineObject } from '../definition/model.js';
import { EtlError, ExitCode, diag } from '../diagnostics.js';
import { resolveSecret } from '../config/secrets.js';
import type { DatabaseConfig, ResolvedConfig } from '../config/types.js';
import type { Driver } from './drivers/types.js';
import type { ObjectGraph } from './objects.js';

/** The part of the resolved config the engine reads; a full ResolvedConfig fits. */
export type EngineConfig = Pick<ResolvedConfig, 'databases'> &
  Partial<Pick<ResolvedConfig, 'alerts' | 'local' | 'mode' | 'file'>>;

export interface Connection {
  name: string;
  url: string;
  seedSql?: string;
  embedded: boolean;
}

export function connectionFor(
  graph: ObjectGraph,
  dbObj: PipelineObject,
  config: EngineConfig,
  stateDir: string,
  localDatabaseUrl: (stateDir: string, name: string) => string,
): Connection {
  const dbs = config.databases ?? {};
  const named = graph.str(dbObj, 'myConnection');
  let cfg: DatabaseConfig | undefined;
  let name: string | undefined;
  if (named) {
    cfg = dbs[named];
    name = named;
  } else if (dbs[dbObj.id]) {
    cfg = dbs[dbObj.id];
    name = dbObj.id;
  } else {
    const rds = graph.str(dbObj, 'rdsInstanceId');
    const cluster = graph.str(dbObj, 'clusterId');
    const hit = Object.entries(dbs).find(
      ([, d]) => (rds && d.rdsInstanceId === rds) || (cluster && d.clusterId === cluster),
    );
    if (hit) [name, cfg] = hit;
  }
  if (!name || !cfg) {
    const known = Object.keys(dbs);
    throw new EtlError(
      diag(
        'ETL7520',
        named
          ? `database object '${dbObj.id}' names connection '${named}', which the config does not define`
          : `database object '${dbObj.id}' does not match any configured connection`,
        {
          objectId: dbObj.id,
          hint:
            `add it under \`databases:\` in the config (by that name, or with a matching rdsInstanceId/clusterId)` +
            (known.length ? `; configured: ${known.join(', ')}` : ''),
        },
      ),
    );
  }
  const seedSql = cfg.seed ? readSeed(cfg.seed, name) : undefined;
  if (cfg.url) {
    return {
      name,
      url: withPassword(cfg.url, cfg, config),
      seedSql,
      embedded: cfg.url.startsWith('pglite:'),
    };
  }
  return { name, url: localDatabaseUrl(stateDir, name), seedSql, embedded: true };
}

/** Server URLs without a password get the connection's configured secret when it is available (never logged). */
export function withPassword(
  url: string,
  cfg: DatabaseConfig,
  config: EngineConfig,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (!cfg.password || !/^(postgres(ql)?|mysql|mariadb):\/\//i.test(url)) return url;
  const u = new URL(url);
  if (u.password) return url;
  try {
    u.password = encodeURIComponent(resolveSecret(cfg.password, { config: config as ResolvedConfig, env }));
  } catch {
    // Local servers often need none (trust auth); a wrong guess shows up as a connect error.
    return url;
  }
  return u.toString();
}

function readSeed(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new EtlError(
      diag('ETL7521', `seed SQL for connection '${name}' cannot be read: ${(e as Error).message}`),
      ExitCode.ENVIRONMENT,
    );
  }
}

/** The sessions of one attempt (ConnectionPool.lease). */
export interface Lease {
  connect(c: Connection): Promise<Driver>;
  exclusive(): Promise<void>;
  /** Cancels the statements of the attempt's server sessions; resolves with the failures, one line each. */
  cancel(why: Error): Promise<string[]>;
  release(): Promise<void>;
}

/**
 * Sessions for one run. Embedded PGlite databases are single-process and (for `pglite://memory`)
 * exist only while open, so one driver per URL lives for the whole run, and attempts that use
 * embedded databases take turns (one lock for all of them, so no lock-order deadlocks). A
 * subprocess that opens them itself (`etlctl task …`) takes the same lock exclusively, and the
 * run's own drivers on database folders are closed first so the subprocess can open them.
 * Server databases get a fresh session per request, closed when the attempt ends.
 */
export class ConnectionPool {
  private readonly embedded = new Map<string, Promise<Driver>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly open: (c: Connection) => Promise<Driver>) {}

  private async lockEmbedded(): Promise<() => void> {
    const prev = this.queue;
    let unlock!: () => void;
    this.queue = new Promise<void>((r) => (unlock = r));
    await prev;
    return unlock;
  }

  /**
   * A lease for one attempt: `connect` as often as needed, `release` once at the end. `cancel`
   * (the attempt was stopped) cancels what its server sessions run and refuses new sessions.
   */
  lease(): Lease {
    const opened: Driver[] = [];
    let cancelled: Error | undefined;
    // Kept as a promise so a release during a pending acquisition still unlocks once it is granted.
    let locked: Promise<() => void> | undefined;
    const lock = (): Promise<() => void> => (locked ??= this.lockEmbedded());
    return {
      connect: async (c) => {
        if (cancelled) throw cancelled;
        if (!c.url.startsWith('pglite:')) {
          const d = await this.open(c);
          opened.push(d);
          // Stopped while connecting: the runner must not start a statement nobody would cancel.
          if (cancelled) throw cancelled;
          return d;
        }
        await lock();
        let driver = this.embedded.get(c.url);
        if (!driver) {
          driver = this.open(c);
          this.embedded.set(c.url, driver);
        }
        return driver;
      },
      exclusive: async () => {
        await lock();
        await this.closeEmbedded((url) => !/^pglite:\/\/(memory)?$/i.test(url));
      },
      cancel: async (why) => {
        cancelled ??= why;
        const failures: string[] = [];
        await Promise.all(
          opened.map((d) =>
            d.cancel?.().catch((e: unknown) => {
              failures.push(`${d.displayUrl}: ${e instanceof Error ? e.message : String(e)}`);
            }),
          ),
        );
        return failures;
      },
      release: async () => {
        await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
        if (locked) (await locked)();
      },
    };
  }

  private async closeEmbedded(which: (url: string) => boolean): Promise<void> {
    for (const [url, driver] of [...this.embedded]) {
      if (!which(url)) continue;
      this.embedded.delete(url);
      await driver.then((d) => d.close()).catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    await this.closeEmbedded(() => true);
  }
}
