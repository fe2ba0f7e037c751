/**
 * `etlctl task copy`: one query (or S3 data) → column transforms → S3 (or a table), streaming.
 * The compiled definition of a step with `transforms:` runs this on the EC2 resource; the local
 * engine runs the very same command, so what is tested locally is what runs on AWS.
 */
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import { partChunks } from '../local/activities/data.js';
import type { LocalS3 } from '../local/s3.js';
import { createLocalS3, formatS3Uri, joinS3, parseS3Uri } from '../local/s3.js';
import { buildPlan } from '../transforms/plan.js';
import { transformSettings } from '../transforms/settings.js';
import type { TransformSpec } from '../transforms/spec.js';
import { isTransformKind } from '../transforms/spec.js';
import type { AppliedTransform, TransformPlan } from '../transforms/stream.js';
import { TsvColumnTransform } from '../transforms/stream.js';
import { Connections, taskStateDir } from './connect.js';
import type { StreamHandoff } from '../local/activities/types.js';

/**
 * Where the metadata of an output goes: not inside its prefix, which a Redshift COPY on AWS reads
 * whole (a leading `_` hides files only from local loads), but in a sibling `_etlctl_meta/`
 * folder: `s3://b/data/step/output/` → `s3://b/data/step/_etlctl_meta/output.transforms.json`.
 * A COPY from `…/output` (with or without the slash) never matches it.
 */
export function transformsMetaUri(dir: string): string {
  const u = parseS3Uri(dir);
  const key = u.key.replace(/\/+$/, '');
  const cut = key.lastIndexOf('/');
  const parent = cut >= 0 ? key.slice(0, cut + 1) : '';
  const name = key.slice(cut + 1) || 'output';
  return formatS3Uri({ ...u, key: `${parent}_etlctl_meta/${name}.transforms.json` });
}

export interface CopyTaskOptions {
  /** Source: a named connection and a SELECT, or S3 data with its column names. */
  fromDatabase?: string;
  query?: string;
  fromS3?: string;
  columns?: string[];
  /** Target: an S3 directory, or a table on a named connection. */
  toS3?: string;
  toDatabase?: string;
  table?: string;
  /** The compiled transforms (JSON list of TransformSpec). */
  transforms: string;
  pipeline: string;
  step: string;
  mode?: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  config?: ResolvedConfig;
  /** S3 to use instead of the configured one (tests, the engine). */
  s3?: LocalS3;
  /** Directory the config is found from and relative paths resolve against (default: cwd). */
  cwd?: string;
  /** The engine's reader of this output, fed as the data is written (src/local/handoff.ts). */
  handoff?: StreamHandoff;
  /** Stops the copy: the source connections close, the output is not committed. */
  signal?: AbortSignal;
  /** Records passed so far, for progress. */
  progress?: (rows: number) => void;
}

export interface CopyTaskReport {
  pipeline: string;
  step: string;
  rows: number;
  output: string;
  columns: string[];
  transforms: AppliedTransform[];
}

function usage(message: string): EtlError {
  return new EtlError(diag('ETL3709', message), ExitCode.USAGE);
}

export function parseSpecs(json: string): TransformSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw usage('--transforms is not valid JSON');
  }
  if (!Array.isArray(raw)) throw usage('--transforms must be a JSON list');
  return raw.map((r, i) => {
    const o = r as Partial<TransformSpec>;
    if (typeof o?.column !== 'string' || typeof o.kind !== 'string' || !isTransformKind(o.kind))
      throw usage(`--transforms entry ${i + 1} needs a column and a known kind`);
    return o as TransformSpec;
  });
}

/** S3 for the task: the local folder or endpoint in local modes, real S3 on an AWS worker. */
export function taskS3(config: ResolvedConfig, env: NodeJS.ProcessEnv): LocalS3 {
  if (config.target === 'aws') {
    const region = config.aws.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    return createLocalS3({
      stateDir: '.',
      endpoint: {
        endpoint: `https://s3.${region}.amazonaws.com`,
        region,
        forcePathStyle: false,
        defaultCredentials: true,
      },
    });
  }
  return createLocalS3({
    stateDir: taskStateDir(config, env),
    endpoint: config.local.s3Endpoint ? { endpoint: config.local.s3Endpoint } : undefined,
  });
}

/** Column names of a query, without reading its rows. */
async function queryColumns(conns: Connections, database: string, query: string): Promise<string[]> {
  const d = await conns.get(database);
  const r = await d.query(`SELECT * FROM (${query.replace(/[\s;]+$/, '')}) etlctl_q WHERE 1 = 0`);
  return r.fields.map((f) => f.name);
}

async function s3Source(s3: LocalS3, uri: string): Promise<Readable> {
  const parts = await s3.list(uri);
  if (parts.length === 0)
    throw new EtlError(diag('ETL7011', `no S3 objects at ${uri} (looked in ${s3.description})`));
  async function* all(): AsyncGenerator<Buffer> {
    for (const part of parts) yield* partChunks(await s3.read(part), part.endsWith('.gz'));
  }
  return Readable.from(all(), { objectMode: false, highWaterMark: 256 * 1024 });
}

export async function runCopyTask(opts: CopyTaskOptions): Promise<CopyTaskReport> {
  const env = opts.env ?? process.env;
  const config =
    opts.config ?? loadConfig({ mode: opts.mode, configPath: opts.configPath, env, cwd: opts.cwd });
  const specs = parseSpecs(opts.transforms);
  if (!!opts.fromDatabase === !!opts.fromS3)
    throw usage('give one source: --from-database with --query, or --from-s3');
  if (!!opts.toS3 === !!opts.toDatabase)
    throw usage('give one target: --to-s3, or --to-database with --table');
  if (opts.fromDatabase && !opts.query) throw usage('--from-database needs --query');
  if (opts.fromS3 && !opts.columns?.length)
    throw usage('--from-s3 needs --columns (the column names of the data)');
  if (opts.toDatabase && !opts.table) throw usage('--to-database needs --table');
  const conns = new Connections({ config, stateDir: taskStateDir(config, env, opts.cwd), env });
  const s3 = opts.s3 ?? taskS3(config, env);
  // Stopped: closing the sessions ends the running query; the stream errors and nothing commits.
  const stop = (): void => void conns.closeAll();
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    opts.signal?.throwIfAborted();
    const columns = opts.fromDatabase
      ? await queryColumns(conns, opts.fromDatabase, opts.query!)
      : opts.columns!;
    const plan = await buildPlan(columns, specs, {
      config,
      settings: transformSettings(config),
      env,
      connect: (n) => conns.get(n),
    });
    const transform = new TsvColumnTransform(plan);
    transform.onChunk = opts.progress;
    const source = await openSource(opts, conns, s3);
    if (opts.signal) {
      const signal = opts.signal;
      signal.addEventListener('abort', () => source.destroy(signal.reason as Error), { once: true });
    }
    const rows = opts.toS3
      ? await toS3(s3, opts.toS3, source, transform, plan, opts.handoff)
      : await toTable(conns, opts.toDatabase!, opts.table!, source, transform, plan.outputColumns);
    return {
      pipeline: opts.pipeline,
      step: opts.step,
      rows,
      output: opts.toS3 ?? `${opts.toDatabase}:${opts.table}`,
      columns: plan.outputColumns,
      transforms: plan.applied(),
    };
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    await conns.closeAll();
  }
}

/** The report as `etlctl task copy` prints it: one `ETLCTL-TRANSFORM` line per column, then the total. */
export function copyReportLines(r: CopyTaskReport): string[] {
  return [
    ...r.transforms.map(
      (t) => `${TRANSFORM_LINE}${r.step}: column ${t.column}: ${t.transform}, ${t.values} values`,
    ),
    `copied ${r.rows} rows to ${r.output} (columns: ${r.columns.join(', ')})`,
  ];
}

/** The prefix the local engine lifts from a step's output into the run report. */
export const TRANSFORM_LINE = 'ETLCTL-TRANSFORM ';

/** The source bytes; a database extract streams as it is read, its errors fail the stream. */
async function openSource(opts: CopyTaskOptions, conns: Connections, s3: LocalS3): Promise<Readable> {
  if (opts.fromS3) return s3Source(s3, opts.fromS3);
  const d = await conns.get(opts.fromDatabase!);
  const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
  d.copyOut(opts.query!, pass, { end: true }).catch((e: unknown) => pass.destroy(e as Error));
  return pass;
}

async function toS3(
  s3: LocalS3,
  dir: string,
  source: Readable,
  transform: TsvColumnTransform,
  plan: TransformPlan,
  handoff: StreamHandoff | undefined,
): Promise<number> {
  const prefix = dir.replace(/\/+$/, '') + '/';
  const target = joinS3(dir, 'part-00000');
  const before = (await s3.list(dir)).filter(
    (u) => u.startsWith(prefix) && !u.slice(prefix.length).includes('/'),
  );
  const upload = await s3.write(target);
  // In the engine, the load reading this output gets the bytes as they are written.
  const tee = handoff?.sinkFor(dir, target);
  try {
    await pipeline([source, transform, ...(tee ? [tee] : []), upload.stream]);
    await upload.commit();
  } catch (e) {
    await upload.abort();
    throw e;
  }
  for (const old of before) if (old !== target) await s3.remove(old);
  // Where the data came from is in the definition; this says what was done to it, and with which key.
  await s3.writeText(
    transformsMetaUri(dir),
    JSON.stringify(
      { columns: plan.outputColumns, transforms: plan.applied().map(({ values: _v, ...t }) => t) },
      null,
      2,
    ) + '\n',
  );
  return transform.rows;
}

async function toTable(
  conns: Connections,
  database: string,
  table: string,
  source: Readable,
  transform: TsvColumnTransform,
  columns: string[],
): Promise<number> {
  const d = await conns.get(database);
  return d.transaction(async (tx) => {
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    const flow = pipeline(source, transform, out);
    const [n] = await Promise.all([tx.copyIn(table, columns, out), flow]);
    return n;
  });
}
