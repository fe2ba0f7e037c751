/**
 * S3 for the local engine (DESIGN.md decision 7): `s3://bucket/key` maps to
 * `<stateDir>/s3/<bucket>/<key>`, or to an S3-compatible endpoint when one is configured.
 * A directoryPath is a prefix holding part files; a filePath is one object. Everything is a
 * stream; writes land atomically (temp file + rename, or upload after the local file is complete).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { diag, EtlError, ExitCode } from '../diagnostics.js';

export interface S3Uri {
  bucket: string;
  key: string;
}

export interface S3EndpointConfig {
  endpoint: string;
  region?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  /** Use the SDK's default credential chain (an EC2 instance role) instead of the local fallback. */
  defaultCredentials?: boolean;
  secretAccessKey?: string;
}

/** A stream being written to one object; `commit` makes it visible, `abort` discards it. */
export interface S3Upload {
  stream: Writable;
  /** Ends the stream if needed, waits for it, and publishes the object. */
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface LocalS3 {
  /** Where objects live: a local directory, or the endpoint URL. For messages. */
  readonly description: string;
  /**
   * Object URIs under a prefix, sorted; a URI naming one object lists just it. Directory-style
   * prefixes (`s3://b/dir` or `s3://b/dir/`) list every object below, skipping `_SUCCESS`-style
   * markers and hidden temp files.
   */
  list(uri: string): Promise<string[]>;
  /** True when the object exists, or (for a prefix) when at least one object is below it. */
  exists(uri: string): Promise<boolean>;
  read(uri: string): Promise<Readable>;
  readText(uri: string): Promise<string>;
  write(uri: string): Promise<S3Upload>;
  writeText(uri: string, text: string): Promise<void>;
  /** Deletes every object below a prefix (or the one object). */
  remove(uri: string): Promise<void>;
  /** The local path of an object when backed by the filesystem, else undefined. */
  localPath(uri: string): string | undefined;
}

const S3_CODE = 'ETL7010';

export function parseS3Uri(uri: string): S3Uri {
  const m = /^s3n?a?:\/\/([^/]+)\/?(.*)$/i.exec(uri.trim());
  if (!m) {
    throw new EtlError(diag(S3_CODE, `'${uri}' is not an S3 URI`, { hint: 'write s3://bucket/path' }));
  }
  const key = m[2];
  if (key.split('/').some((seg) => seg === '..' || seg === '.')) {
    throw new EtlError(diag(S3_CODE, `S3 URI '${uri}' contains a '.' or '..' path segment`));
  }
  // The bucket is a folder of the local S3 root: a name like `..` would leave it.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(m[1]) || m[1].includes('..')) {
    throw new EtlError(
      diag(S3_CODE, `S3 URI '${uri}' has an invalid bucket name '${m[1]}'`, {
        hint: "a bucket name holds letters, digits, '.', '-' and '_', starts with a letter or digit and has no '..'",
      }),
    );
  }
  return { bucket: m[1], key };
}

export function formatS3Uri(u: S3Uri): string {
  return `s3://${u.bucket}/${u.key}`;
}

/** Joins a directory URI and a part name with exactly one slash. */
export function joinS3(dirUri: string, name: string): string {
  return dirUri.replace(/\/+$/, '') + '/' + name.replace(/^\/+/, '');
}

function isHiddenPart(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base === '' || base.startsWith('.') || base.startsWith('_');
}

export function createLocalS3(opts: { stateDir: string; endpoint?: S3EndpointConfig }): LocalS3 {
  return opts.endpoint ? new EndpointS3(opts.endpoint) : new FsS3(join(opts.stateDir, 's3'));
}

class FsS3 implements LocalS3 {
  constructor(private readonly root: string) {}

  get description(): string {
    return this.root;
  }

  localPath(uri: string): string {
    const u = parseS3Uri(uri);
    const path = join(this.root, u.bucket, ...u.key.split('/').filter((s) => s !== ''));
    // parseS3Uri refuses what could climb out; this is the last word on it.
    if (!path.startsWith(join(this.root, u.bucket) + sep) && path !== join(this.root, u.bucket))
      throw new EtlError(diag(S3_CODE, `S3 URI '${uri}' leads outside the local S3 folder ${this.root}`));
    return path;
  }

  async list(uri: string): Promise<string[]> {
    const u = parseS3Uri(uri);
    const path = this.localPath(uri);
    const st = await stat(path).catch(() => undefined);
    if (st?.isFile()) return [formatS3Uri(u)];
    if (st?.isDirectory()) {
      const files: string[] = [];
      await walk(path, files);
      const bucketRoot = join(this.root, u.bucket);
      return files
        .map((f) => relative(bucketRoot, f).split(sep).join('/'))
        .filter((k) => !isHiddenPart(k))
        .sort()
        .map((k) => formatS3Uri({ bucket: u.bucket, key: k }));
    }
    // A bare prefix like s3://b/dir/part- : list siblings starting with it.
    const parent = dirname(path);
    const base = path.slice(parent.length + 1);
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries) {
      if (!e.name.startsWith(base)) continue;
      out.push(...(await this.list(joinS3(formatS3Uri({ ...u, key: dirnameKey(u.key) }), e.name))));
    }
    return out.sort();
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.list(uri)).length > 0;
  }

  async read(uri: string): Promise<Readable> {
    const path = this.localPath(uri);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) throw notFound(uri, path);
    return createReadStream(path, { highWaterMark: 256 * 1024 });
  }

  async readText(uri: string): Promise<string> {
    const path = this.localPath(uri);
    try {
      return await readFile(path, 'utf8');
    } catch {
      throw notFound(uri, path);
    }
  }

  async write(uri: string): Promise<S3Upload> {
    const path = this.localPath(uri);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(
      dirname(path),
      `.${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`,
    );
    const stream = createWriteStream(tmp, { highWaterMark: 256 * 1024 });
    return {
      stream,
      async commit() {
        if (!stream.writableEnded) stream.end();
        await finished(stream);
        await rename(tmp, path);
      },
      async abort() {
        stream.destroy();
        await rm(tmp, { force: true });
      },
    };
  }

  async writeText(uri: string, text: string): Promise<void> {
    const path = this.localPath(uri);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }

  async remove(uri: string): Promise<void> {
    await rm(this.localPath(uri), { recursive: true, force: true });
  }
}

function dirnameKey(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

async function walk(dir: string, out: string[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

function notFound(uri: string, where: string): EtlError {
  return new EtlError(
    diag('ETL7011', `S3 object ${uri} does not exist (looked in ${where})`, {
      hint: 'check the path, or that the step producing it has run',
    }),
  );
}

/** S3-compatible endpoint; the SDK loads only when this is used (DESIGN.md decision 11). */
class EndpointS3 implements LocalS3 {
  private clientPromise?: Promise<{
    client: import('@aws-sdk/client-s3').S3Client;
    sdk: typeof import('@aws-sdk/client-s3');
  }>;

  constructor(private readonly cfg: S3EndpointConfig) {}

  get description(): string {
    return this.cfg.endpoint;
  }

  localPath(): undefined {
    return undefined;
  }

  private async s3() {
    this.clientPromise ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        endpoint: this.cfg.endpoint,
        region: this.cfg.region ?? 'us-east-1',
        forcePathStyle: this.cfg.forcePathStyle ?? true,
        // S3-compatible servers rarely understand flexible checksums with trailers.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        credentials: this.cfg.defaultCredentials
          ? undefined
          : {
              accessKeyId: this.cfg.accessKeyId ?? process.env.AWS_ACCESS_KEY_ID ?? 'local',
              secretAccessKey: this.cfg.secretAccessKey ?? process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
            },
      }),
    }));
    return this.clientPromise;
  }

  private envError(uri: string, e: unknown): EtlError {
    const msg = e instanceof Error ? e.message : String(e);
    return new EtlError(
      diag('ETL7012', `S3 endpoint ${this.cfg.endpoint} failed for ${uri}: ${msg}`),
      ExitCode.ENVIRONMENT,
    );
  }

  async list(uri: string): Promise<string[]> {
    const u = parseS3Uri(uri);
    const { client, sdk } = await this.s3();
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await client.send(
          new sdk.ListObjectsV2Command({ Bucket: u.bucket, Prefix: u.key, ContinuationToken: token }),
        );
        for (const o of res.Contents ?? []) {
          if (!o.Key || o.Key.endsWith('/')) continue;
          // Plain S3 prefix semantics, as Redshift COPY uses them.
          if (isHiddenPart(o.Key)) continue;
          keys.push(o.Key);
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw this.envError(uri, e);
    }
    return keys.sort().map((k) => formatS3Uri({ bucket: u.bucket, key: k }));
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.list(uri)).length > 0;
  }

  async read(uri: string): Promise<Readable> {
    const u = parseS3Uri(uri);
    const { client, sdk } = await this.s3();
    try {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: u.bucket, Key: u.key }));
      return res.Body as Readable;
    } catch (e) {
      if ((e as { name?: string }).name === 'NoSuchKey') throw notFound(uri, this.cfg.endpoint);
      throw this.envError(uri, e);
    }
  }

  async readText(uri: string): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of await this.read(uri)) chunks.push(Buffer.from(c as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  }

  async write(uri: string): Promise<S3Upload> {
    // Spool to a local temp file so the upload knows its length and memory stays flat.
    const u = parseS3Uri(uri);
    const dir = join(tmpdir(), 'etlctl-s3');
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const stream = createWriteStream(tmp);
    return {
      stream,
      commit: async () => {
        if (!stream.writableEnded) stream.end();
        await finished(stream);
        const { client, sdk } = await this.s3();
        try {
          const st = await stat(tmp);
          await client.send(
            new sdk.PutObjectCommand({
              Bucket: u.bucket,
              Key: u.key,
              Body: createReadStream(tmp),
              ContentLength: st.size,
            }),
          );
        } catch (e) {
          throw this.envError(uri, e);
        } finally {
          await rm(tmp, { force: true });
        }
      },
      abort: async () => {
        stream.destroy();
        await rm(tmp, { force: true });
      },
    };
  }

  async writeText(uri: string, text: string): Promise<void> {
    const u = parseS3Uri(uri);
    const { client, sdk } = await this.s3();
    try {
      await client.send(new sdk.PutObjectCommand({ Bucket: u.bucket, Key: u.key, Body: text }));
    } catch (e) {
      throw this.envError(uri, e);
    }
  }

  async remove(uri: string): Promise<void> {
    const u = parseS3Uri(uri);
    const { client, sdk } = await this.s3();
    try {
      for (const o of await this.list(uri)) {
        await client.send(new sdk.DeleteObjectCommand({ Bucket: u.bucket, Key: parseS3Uri(o).key }));
      }
    } catch (e) {
      if (e instanceof EtlError) throw e;
      throw this.envError(uri, e);
    }
  }
}
