/**
 * A loopback S3-compatible endpoint over the local S3 folder (`<stateDir>/s3/<bucket>/<key>`), so
 * `aws s3 cp/ls/rm/sync` and `aws s3api` basics inside shell steps read and write the same files
 * the engine's data nodes use (issue 13). The engine starts one per run on 127.0.0.1 and gives
 * shell steps `AWS_ENDPOINT_URL_S3` with dummy credentials; nothing is checked (it only listens on
 * loopback, for this run's steps).
 *
 * The subset: ListBuckets, Head/Create/DeleteBucket, ListObjects (v1 and v2, prefix, delimiter,
 * paging), Get/Head/Put/Delete/CopyObject and DeleteObjects. Uploads stream to a temporary file
 * beside the target (renamed into place when complete), downloads stream from the file, so a large
 * `aws s3 cp` does not grow memory; the AWS CLI is configured (shell-compat.ts) never to use
 * multipart uploads.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface S3Endpoint {
  url: string;
  close(): Promise<void>;
}

const xmlEscape = (s: string): string =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

class S3Failure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A bucket/key inside the root, refusing anything that would leave it. */
function pathOf(root: string, bucket: string, key = ''): string {
  const parts = [bucket, ...key.split('/')].filter((p) => p !== '');
  if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket) || parts.some((p) => p === '.' || p === '..'))
    throw new S3Failure(400, 'InvalidArgument', `invalid bucket or key: ${bucket}/${key}`);
  return join(root, ...parts);
}

/** The request declares an aws-chunked body (the CLI's streaming signature or trailing checksum). */
function isChunked(req: IncomingMessage): boolean {
  return (
    /aws-chunked/i.test(String(req.headers['content-encoding'] ?? '')) ||
    String(req.headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-')
  );
}

/** A small request body (DeleteObjects XML), whole. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const source = isChunked(req) ? req.pipe(new AwsChunkedDecoder()) : req;
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * aws-chunked, decoded as it streams: `<hex size>[;ext]\r\n<data>\r\n` … `0[;ext]\r\n`, then
 * trailers (ignored). Only a chunk header is ever buffered.
 */
export class AwsChunkedDecoder extends Transform {
  private header = Buffer.alloc(0);
  /** Data bytes left in the current chunk; -1 while reading a header. */
  private left = -1;
  /** CRLF bytes to skip after a chunk's data. */
  private skip = 0;
  private done = false;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let at = 0;
    while (at < chunk.length && !this.done) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
      } else if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        this.push(chunk.subarray(at, at + n));
        this.left -= n;
        at += n;
        if (this.left === 0) {
          this.left = -1;
          this.skip = 2;
        }
      } else {
        const eol = chunk.indexOf(0x0a, at);
        const end = eol < 0 ? chunk.length : eol + 1;
        this.header = Buffer.concat([this.header, chunk.subarray(at, end)]);
        at = end;
        if (this.header.length > 4096)
          return cb(new S3Failure(400, 'IncompleteBody', 'bad aws-chunked header'));
        if (eol < 0) continue;
        const size = parseInt(this.header.toString('latin1').split(';')[0].trim(), 16);
        this.header = Buffer.alloc(0);
        if (!Number.isFinite(size)) return cb(new S3Failure(400, 'IncompleteBody', 'bad aws-chunked header'));
        if (size === 0) this.done = true;
        else this.left = size;
      }
    }
    cb();
  }
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Every key of a bucket, sorted (S3 lists in UTF-8 byte order; keys here are mostly ASCII). */
async function keysOf(bucketDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && !e.name.startsWith('.etlctl-tmp-'))
        out.push(relative(bucketDir, p).split(sep).join('/'));
    }
  };
  await walk(bucketDir);
  return out.sort();
}

function etagOf(size: number, mtimeMs: number): string {
  return `"${createHash('md5').update(`${size}:${mtimeMs}`).digest('hex')}"`;
}

async function list(root: string, bucket: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const dir = pathOf(root, bucket);
  if (!(await stat(dir).catch(() => undefined))) throw new S3Failure(404, 'NoSuchBucket', bucket);
  const v2 = q.get('list-type') === '2';
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const max = Math.min(Number(q.get('max-keys') ?? 1000) || 1000, 1000);
  const after = (v2 ? (q.get('continuation-token') ?? q.get('start-after')) : q.get('marker')) ?? '';
  const contents: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const key of await keysOf(dir)) {
    if (!key.startsWith(prefix) || key <= after) continue;
    const rest = key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const entry = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : key;
    if (cut >= 0 && prefixes.has(entry)) continue;
    if (contents.length + prefixes.size >= max) {
      truncated = true;
      break;
    }
    last = cut >= 0 ? entry + '\uffff' : key;
    if (cut >= 0) prefixes.add(entry);
    else {
      const s = await stat(join(dir, ...key.split('/')));
      contents.push(
        `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${s.mtime.toISOString()}</LastModified>` +
          `<ETag>${xmlEscape(etagOf(s.size, s.mtimeMs))}</ETag><Size>${s.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      );
    }
  }
  const paging = v2
    ? `<KeyCount>${contents.length + prefixes.size}</KeyCount>` +
      (truncated ? `<NextContinuationToken>${xmlEscape(last)}</NextContinuationToken>` : '')
    : `<Marker>${xmlEscape(after)}</Marker>` +
      (truncated ? `<NextMarker>${xmlEscape(last)}</NextMarker>` : '');
  send(
    res,
    200,
    `<ListBucketResult ${NS}><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix>` +
      `<MaxKeys>${max}</MaxKeys>${delimiter ? `<Delimiter>${xmlEscape(delimiter)}</Delimiter>` : ''}` +
      `<IsTruncated>${truncated}</IsTruncated>${paging}${contents.join('')}` +
      [...prefixes].map((p) => `<CommonPrefixes><Prefix>${xmlEscape(p)}</Prefix></CommonPrefixes>`).join('') +
      '</ListBucketResult>',
  );
}

function send(res: ServerResponse, status: number, xml?: string, headers: Record<string, string> = {}): void {
  const body = xml === undefined ? undefined : XML_HEAD + xml;
  res.writeHead(status, {
    ...(body !== undefined
      ? { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) }
      : {}),
    ...headers,
  });
  res.end(body);
}

async function putObject(
  root: string,
  bucket: string,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const target = pathOf(root, bucket, key);
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(
    dirname(target),
    `.etlctl-tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  const source = req.headers['x-amz-copy-source'];
  if (typeof source === 'string') {
    const [srcBucket, ...srcKey] = decodeURIComponent(source.replace(/^\//, '').split('?')[0]).split('/');
    const from = pathOf(root, srcBucket, srcKey.join('/'));
    if (!(await isFile(from))) throw new S3Failure(404, 'NoSuchKey', source);
    await copyFile(from, tmp);
    await rename(tmp, target);
    const s = await stat(target);
    send(
      res,
      200,
      `<CopyObjectResult><LastModified>${s.mtime.toISOString()}</LastModified><ETag>${xmlEscape(etagOf(s.size, s.mtimeMs))}</ETag></CopyObjectResult>`,
    );
    return;
  }
  try {
    if (isChunked(req)) await pipeline(req, new AwsChunkedDecoder(), createWriteStream(tmp));
    else await pipeline(req, createWriteStream(tmp));
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, target);
  const s = await stat(target);
  send(res, 200, undefined, { ETag: etagOf(s.size, s.mtimeMs) });
}

async function deleteObjects(root: string, bucket: string, req: IncomingMessage, res: ServerResponse) {
  const xml = (await readBody(req)).toString('utf8');
  const unescape = (s: string) =>
    s.replace(
      /&(lt|gt|amp|apos|quot);/g,
      (_, e: string) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e]!,
    );
  const keys = [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => unescape(m[1]));
  for (const k of keys) await rm(pathOf(root, bucket, k), { force: true });
  send(
    res,
    200,
    `<DeleteResult ${NS}>${keys.map((k) => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join('')}</DeleteResult>`,
  );
}

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [bucket = '', ...rest] = url.pathname.replace(/^\//, '').split('/');
  const key = decodeURIComponent(rest.join('/'));
  const b = decodeURIComponent(bucket);
  const method = req.method ?? 'GET';
  if (!b) {
    const names = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((e) =>
      e.isDirectory(),
    );
    send(
      res,
      200,
      `<ListAllMyBucketsResult ${NS}><Owner><ID>etlctl</ID><DisplayName>etlctl</DisplayName></Owner><Buckets>` +
        names
          .map(
            (n) =>
              `<Bucket><Name>${xmlEscape(n.name)}</Name><CreationDate>2020-01-01T00:00:00.000Z</CreationDate></Bucket>`,
          )
          .join('') +
        '</Buckets></ListAllMyBucketsResult>',
    );
    return;
  }
  if (!key) {
    const dir = pathOf(root, b);
    if (method === 'PUT') {
      await mkdir(dir, { recursive: true });
      return send(res, 200, undefined, { Location: `/${b}` });
    }
    if (method === 'POST' && url.searchParams.has('delete')) return deleteObjects(root, b, req, res);
    const exists = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (method === 'HEAD') return send(res, exists ? 200 : 404);
    if (method === 'DELETE') {
      await rmdir(dir).catch(() => undefined);
      return send(res, 204);
    }
    if (url.searchParams.has('location'))
      return send(res, 200, `<LocationConstraint ${NS}></LocationConstraint>`);
    return list(root, b, url.searchParams, res);
  }
  const file = pathOf(root, b, key);
  if (method === 'PUT') return putObject(root, b, key, req, res);
  if (method === 'DELETE') {
    await rm(file, { force: true });
    return send(res, 204);
  }
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) {
    if (method === 'HEAD') return send(res, 404);
    throw new S3Failure(404, 'NoSuchKey', 'The specified key does not exist.');
  }
  const headers = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(s.size),
    ETag: etagOf(s.size, s.mtimeMs),
    'Last-Modified': s.mtime.toUTCString(),
  };
  if (method === 'HEAD') return send(res, 200, undefined, headers);
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

/** Start the endpoint over `<stateDir>/s3` on a free loopback port. */
export async function startS3Endpoint(stateDir: string): Promise<S3Endpoint> {
  const root = join(stateDir, 's3');
  await mkdir(root, { recursive: true });
  const server: Server = createServer((req, res) => {
    handle(root, req, res).catch((e: unknown) => {
      const f = e instanceof S3Failure ? e : new S3Failure(500, 'InternalError', String(e));
      if (res.headersSent) return res.destroy();
      if (req.method === 'HEAD') return send(res, f.status);
      send(res, f.status, `<Error><Code>${f.code}</Code><Message>${xmlEscape(f.message)}</Message></Error>`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
