/**
 * Upload the local files a definition needs (Definition.meta.assets) to S3 before the definition
 * that references them is put. Keys are content-addressed by the compiler, so an object that is
 * already there (HeadObject) is the same bytes and is skipped.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Asset } from '../definition/model.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { AwsClients } from './clients.js';
import { awsCall, awsErrorName } from './errors.js';

export interface AssetResult {
  uri: string;
  kind: string;
  /** uploaded: sent now; present: already on S3; would-upload: dry run, missing on S3. */
  action: 'uploaded' | 'present' | 'would-upload';
  bytes: number;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!m)
    throw new EtlError(
      diag('ETL6020', `asset location '${uri}' is not an s3://bucket/key URI`),
      ExitCode.FAILURE,
    );
  return { bucket: m[1], key: m[2] };
}

async function assetBytes(asset: Asset): Promise<Buffer> {
  let body: Buffer;
  if (asset.content !== undefined) {
    body = Buffer.from(asset.content, 'utf8');
  } else if (asset.localPath) {
    try {
      body = await readFile(asset.localPath);
    } catch {
      throw new EtlError(
        diag('ETL8125', `asset file '${asset.localPath}' cannot be read`, {
          file: asset.localPath,
          hint: 'check the path in the pipeline step',
        }),
        ExitCode.USAGE,
      );
    }
  } else {
    throw new EtlError(
      diag('ETL6020', `asset ${asset.uri} has neither a local file nor content`),
      ExitCode.FAILURE,
    );
  }
  const sha = createHash('sha256').update(body).digest('hex');
  if (asset.sha256 && sha !== asset.sha256) {
    throw new EtlError(
      diag('ETL6020', `asset '${asset.localPath ?? asset.uri}' changed after the pipeline was compiled`, {
        file: asset.localPath,
        hint: 'run the command again so the definition points at the current content',
      }),
      ExitCode.FAILURE,
    );
  }
  return body;
}

function contentType(uri: string): string {
  if (/\.(sql|sh|txt|csv|tsv|py)$/i.test(uri)) return 'text/plain; charset=utf-8';
  if (/\.json$/i.test(uri)) return 'application/json';
  return 'application/octet-stream';
}

/** True when the object exists (HeadObject 200); false on 404/NotFound; other errors are thrown. */
async function exists(clients: AwsClients, bucket: string, key: string): Promise<boolean> {
  const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = await clients.s3();
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    const name = awsErrorName(e);
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NotFound' || name === 'NoSuchKey' || status === 404) return false;
    throw e;
  }
}

/**
 * Make every asset present on S3. Identical URIs are handled once. With `dryRun`, only HeadObject
 * is called and missing objects are reported as `would-upload`.
 */
export async function uploadAssets(
  clients: AwsClients,
  assets: readonly Asset[],
  opts: { dryRun?: boolean } = {},
): Promise<AssetResult[]> {
  const seen = new Set<string>();
  const results: AssetResult[] = [];
  for (const asset of assets) {
    if (seen.has(asset.uri)) continue;
    seen.add(asset.uri);
    const body = await assetBytes(asset);
    const { bucket, key } = parseS3Uri(asset.uri);
    const present = await awsCall(`HeadObject ${asset.uri}`, () => exists(clients, bucket, key));
    if (present) {
      results.push({ uri: asset.uri, kind: asset.kind, action: 'present', bytes: body.length });
      continue;
    }
    if (opts.dryRun) {
      results.push({ uri: asset.uri, kind: asset.kind, action: 'would-upload', bytes: body.length });
      continue;
    }
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = await clients.s3();
    await awsCall(`PutObject ${asset.uri}`, () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType(key) })),
    );
    results.push({ uri: asset.uri, kind: asset.kind, action: 'uploaded', bytes: body.length });
  }
  return results;
}
