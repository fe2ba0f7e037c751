/**
 * Column transforms as declared (step `transforms:` in YAML, config `transforms.policy`) and as
 * compiled into `etlctl task copy --transforms <json>`. One parser serves both, so a definition
 * built by hand is checked the same way as one compiled from YAML.
 */

export const TRANSFORM_KINDS = ['drop', 'hmac_sha256', 'mask', 'encrypt', 'tokenize', 'convert_id'] as const;
export type TransformKind = (typeof TRANSFORM_KINDS)[number];

export type MaskKeep = 'domain' | 'first' | 'last' | 'none';

export interface TransformSpec {
  column: string;
  kind: TransformKind;
  /** hmac_sha256, encrypt: key id in config `transforms.keys` (default `transforms.default_key`). */
  key?: string;
  /** mask: which part stays readable. */
  keep?: MaskKeep;
  /** mask first/last: how many characters stay (default 4). */
  chars?: number;
  /** tokenize, convert_id: the PostgreSQL (or MySQL for convert_id) connection of the tables. */
  database?: string;
  /** tokenize: mapping domain; ids of one domain share tokens across pipelines (default: the column). */
  domain?: string;
  /** convert_id: lookup table and its columns. */
  table?: string;
  from?: string;
  to?: string;
  onMissing?: 'error' | 'null' | 'keep';
}

/** A problem with one entry; `key` is the path under `transforms` for the YAML position. */
export interface SpecProblem {
  code: 'ETL3700' | 'ETL3701';
  key: (string | number)[];
  message: string;
  hint?: string;
}

const OPTIONS: Record<TransformKind, readonly string[]> = {
  drop: [],
  hmac_sha256: ['key'],
  mask: ['keep', 'chars'],
  encrypt: ['key'],
  tokenize: ['database', 'domain'],
  convert_id: ['database', 'table', 'from', 'to', 'on_missing'],
};

const REQUIRED: Partial<Record<TransformKind, readonly string[]>> = {
  tokenize: ['database'],
  convert_id: ['database', 'table', 'from', 'to'],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isTransformKind(s: string): s is TransformKind {
  return (TRANSFORM_KINDS as readonly string[]).includes(s);
}

function unknownKind(kind: string, key: (string | number)[]): SpecProblem {
  const hashy = /^(sha|md5|hash)/i.test(kind);
  return {
    code: 'ETL3701',
    key,
    message: `unknown transform '${kind}'`,
    hint: hashy
      ? 'use hmac_sha256 (keyed): an unkeyed hash of a low-entropy id is reversible with a lookup table'
      : `one of ${TRANSFORM_KINDS.join(', ')}`,
  };
}

/** One `column: kind | {kind: options}` entry. */
function parseEntry(column: string, raw: unknown, problems: SpecProblem[]): TransformSpec | undefined {
  const key = [column];
  let kind: string;
  let opts: Record<string, unknown> = {};
  if (typeof raw === 'string') kind = raw;
  else if (isRecord(raw) && Object.keys(raw).length === 1) {
    kind = Object.keys(raw)[0];
    const o = raw[kind];
    if (o !== null && o !== undefined && !isRecord(o)) {
      if (kind === 'mask' && typeof o === 'string') opts = { keep: o };
      else if ((kind === 'hmac_sha256' || kind === 'encrypt') && typeof o === 'string') opts = { key: o };
      else {
        problems.push({
          code: 'ETL3700',
          key: [column, kind],
          message: `options of '${kind}' must be a mapping`,
        });
        return undefined;
      }
    } else opts = o ?? {};
  } else {
    problems.push({
      code: 'ETL3700',
      key,
      message: `transform of column '${column}' must be a kind (drop, hmac_sha256, …) or {kind: options}`,
    });
    return undefined;
  }
  if (!isTransformKind(kind)) {
    problems.push(unknownKind(kind, typeof raw === 'string' ? key : [column, kind]));
    return undefined;
  }
  const bad = Object.keys(opts).filter((k) => !OPTIONS[kind].includes(k));
  for (const b of bad) {
    problems.push({
      code: 'ETL3700',
      key: [column, kind, b],
      message: `'${b}' is not an option of ${kind}`,
      hint: OPTIONS[kind].length ? `options: ${OPTIONS[kind].join(', ')}` : `${kind} takes no options`,
    });
  }
  for (const r of REQUIRED[kind] ?? []) {
    if (typeof opts[r] !== 'string' || opts[r] === '')
      problems.push({
        code: 'ETL3700',
        key: [column, kind],
        message: `${kind} of column '${column}' needs '${r}'`,
      });
  }
  if (bad.length) return undefined;
  const spec: TransformSpec = { column, kind };
  const str = (k: string): string | undefined =>
    typeof opts[k] === 'string' ? (opts[k] as string) : undefined;
  if (str('key')) spec.key = str('key');
  if (kind === 'mask') {
    const keep = str('keep') ?? 'none';
    if (!['domain', 'first', 'last', 'none'].includes(keep)) {
      problems.push({
        code: 'ETL3700',
        key: [column, kind, 'keep'],
        message: `mask keep '${keep}' is not one of domain, first, last, none`,
      });
      return undefined;
    }
    spec.keep = keep as MaskKeep;
    if (opts.chars !== undefined) {
      if (typeof opts.chars !== 'number' || !Number.isInteger(opts.chars) || opts.chars < 0) {
        problems.push({
          code: 'ETL3700',
          key: [column, kind, 'chars'],
          message: 'mask chars must be a whole number',
        });
        return undefined;
      }
      spec.chars = opts.chars;
    }
  }
  for (const k of ['database', 'domain', 'table', 'from', 'to'] as const) if (str(k)) spec[k] = str(k);
  if (kind === 'convert_id') {
    const m = str('on_missing') ?? 'error';
    if (m !== 'error' && m !== 'null' && m !== 'keep') {
      problems.push({
        code: 'ETL3700',
        key: [column, kind, 'on_missing'],
        message: `on_missing '${m}' is not one of error, null, keep`,
      });
      return undefined;
    }
    spec.onMissing = m;
  }
  if (kind === 'tokenize' && spec.domain !== undefined && !/^[a-z][a-z0-9_]{0,40}$/.test(spec.domain)) {
    problems.push({
      code: 'ETL3700',
      key: [column, kind, 'domain'],
      message: `tokenize domain '${spec.domain}' must be lower-case letters, digits and _ (it names a table)`,
    });
    return undefined;
  }
  return REQUIRED[kind]?.some((r) => typeof opts[r] !== 'string' || opts[r] === '') ? undefined : spec;
}

/** The YAML mapping `transforms:` of a step. */
export function parseTransforms(raw: unknown): { specs: TransformSpec[]; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const specs: TransformSpec[] = [];
  if (!isRecord(raw)) {
    problems.push({ code: 'ETL3700', key: [], message: '`transforms:` must map column names to transforms' });
    return { specs, problems };
  }
  for (const [column, v] of Object.entries(raw)) {
    const s = parseEntry(column, v, problems);
    if (s) specs.push(s);
  }
  return { specs, problems };
}

/** A short description for reports: `hmac_sha256 (key k1)`, `mask (keep domain)`. */
export function describeTransform(s: TransformSpec, resolvedKey?: string): string {
  switch (s.kind) {
    case 'hmac_sha256':
    case 'encrypt':
      return `${s.kind} (key ${resolvedKey ?? s.key ?? 'default'})`;
    case 'mask':
      return `mask (keep ${s.keep ?? 'none'}${s.keep === 'first' || s.keep === 'last' ? ` ${s.chars ?? 4}` : ''})`;
    case 'tokenize':
      return `tokenize (domain ${s.domain ?? s.column} on ${s.database})`;
    case 'convert_id':
      return `convert_id (${s.table}.${s.from} → ${s.to} on ${s.database})`;
    default:
      return s.kind;
  }
}
