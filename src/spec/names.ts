/**
 * Names that end up in file names and S3 keys (pipeline and step names, `aws.name_prefix`,
 * connection names) and S3 URIs: what is safe, and a one-line reason when it is not. A name
 * never holds a path separator or starts with a dot (so `..` cannot climb out of `out/` or
 * `.etlctl/`), and stays short enough for a file name with room for etlctl's suffixes.
 */

/** Longest pipeline or step name; file names are limited to 255 bytes and etlctl adds to them. */
export const MAX_NAME_LENGTH = 100;
/** Longest `aws.name_prefix` and connection name. */
export const MAX_PREFIX_LENGTH = 64;

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Why `name` cannot name a file, or undefined when it can. */
export function unsafeName(name: string, max = MAX_NAME_LENGTH): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > max) return `it has ${name.length} characters, more than ${max}`;
  if (name.startsWith('.')) return "it starts with '.'";
  if (!NAME_RE.test(name)) {
    const bad = [...name].find((c) => !/[A-Za-z0-9_.-]/.test(c)) ?? '?';
    return `it contains ${JSON.stringify(bad)}; use letters, digits, '_', '.' and '-'`;
  }
  return undefined;
}

/** A hint naming a safe variant of a name. */
export function safeNameHint(name: string, max = MAX_NAME_LENGTH): string {
  const cleaned =
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '_')
      .replace(/^[.]+/, '')
      .slice(0, max) || 'name';
  return `use letters, digits, '_', '.' and '-', at most ${max} characters, e.g. ${cleaned}`;
}

/**
 * S3 bucket naming rules (lower-case letters, digits, '.' and '-', starting and ending with a
 * letter or digit, no '..', not an IP address). AWS also asks for at least 3 characters; the
 * local S3 folder works with shorter names, so they are accepted here.
 */
export function invalidBucket(bucket: string): string | undefined {
  if (bucket.includes('#{')) return undefined; // an expression, evaluated by Data Pipeline
  if (bucket.length === 0) return 'the bucket name is empty';
  if (bucket.length > 63) return `the bucket name has ${bucket.length} characters, more than 63`;
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(bucket) || !/[a-z0-9]$/.test(bucket))
    return `'${bucket}' is not a valid bucket name (lower-case letters, digits, '.' and '-', starting and ending with a letter or digit)`;
  if (bucket.includes('..')) return `the bucket name '${bucket}' contains '..'`;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return `the bucket name '${bucket}' is an IP address`;
  return undefined;
}

/** A key (or key prefix) may not have '.' or '..' segments, which would leave its folder on a file system. */
export function invalidKey(key: string): string | undefined {
  const seg = key.split('/').find((s) => s === '..' || s === '.');
  if (seg) return `the key has a '${seg}' segment`;
  if (key.includes('\\')) return 'the key contains a backslash';
  if (key.includes('\0')) return 'the key contains a NUL character';
  return undefined;
}

const S3_RE = /^s3[an]?:\/\/([^/]*)(?:\/(.*))?$/is;

/** True for text that is meant as an S3 URI (s3://, s3n://, s3a://). */
export function looksLikeS3(text: string): boolean {
  return /^s3[an]?:\/\//i.test(text.trim());
}

/** Why an S3 URI is unsafe or malformed, or undefined when it is fine. */
export function invalidS3Uri(uri: string): string | undefined {
  const m = S3_RE.exec(uri.trim());
  if (!m) return `'${uri}' is not an S3 URI (s3://bucket/key)`;
  return invalidBucket(m[1]) ?? invalidKey(m[2] ?? '');
}
