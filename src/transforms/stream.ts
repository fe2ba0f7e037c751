/**
 * Column transforms applied inside the engine-TSV byte stream between extract and load: whole
 * records are cut from each chunk, only the transformed fields are decoded and re-encoded, the
 * rest pass through as raw text, dropped fields are never written. No second pass and no copy on
 * disk; lookups (tokenize, convert_id) run once per chunk for its distinct values.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { diag, EtlError } from '../diagnostics.js';
import { encodeTsvField, lastRecordEnd, TSV_NULL } from '../local/tsv.js';
import type { HmacSha256 } from './hmac.js';
import type { TransformSpec } from './spec.js';
import { describeTransform } from './spec.js';

/** Turns a chunk's distinct values into their replacements (null: write NULL). */
export interface BatchLookup {
  resolve(values: string[]): Promise<Map<string, string | null>>;
}

/** What one column gets: a function of the value, or a batch lookup; drop has neither. */
export interface ColumnAction {
  spec: TransformSpec;
  keyId?: string;
  apply?: (value: string) => string;
  /** hmac_sha256: hashes the value's bytes where they lie (the fast path of `apply`). */
  hmac?: HmacSha256;
  lookup?: BatchLookup;
}

/** One line of the run report / output metadata. */
export interface AppliedTransform {
  column: string;
  transform: string;
  kind: TransformSpec['kind'];
  keyId?: string;
  /** Non-NULL values transformed (for drop: values removed, NULLs included). */
  values: number;
}

export interface PlanColumn {
  name: string;
  action?: ColumnAction;
}

/** The column layout of the stream: input columns in order, each kept, dropped or transformed. */
export class TransformPlan {
  readonly counts: number[];
  constructor(readonly columns: PlanColumn[]) {
    this.counts = columns.map(() => 0);
  }
  get outputColumns(): string[] {
    return this.columns.filter((c) => c.action?.spec.kind !== 'drop').map((c) => c.name);
  }
  applied(): AppliedTransform[] {
    return this.columns.flatMap((c, i) =>
      c.action
        ? [
            {
              column: c.name,
              transform: describeTransform(c.action.spec, c.action.keyId),
              kind: c.action.spec.kind,
              ...(c.action.keyId ? { keyId: c.action.keyId } : {}),
              values: this.counts[i],
            },
          ]
        : [],
    );
  }
}

const UNESCAPE = /\\([\s\S])/g;

function decodeField(raw: string): string | null {
  if (raw === TSV_NULL) return null;
  return raw.indexOf('\\') < 0 ? raw : raw.replace(UNESCAPE, '$1');
}

/** Raw (still escaped) fields of each record in `text`, which ends with a record's LF. */
export function splitRecords(text: string): string[][] {
  const rows: string[][] = [];
  if (text.indexOf('\\') < 0) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      rows.push(text.slice(start, nl).split('\t'));
      start = nl + 1;
    }
    return rows;
  }
  let row: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 9) {
      row.push(text.slice(start, i));
      start = i + 1;
    } else if (c === 10) {
      row.push(text.slice(start, i));
      rows.push(row);
      row = [];
      start = i + 1;
    }
  }
  return rows;
}

export class TsvColumnTransform extends Transform {
  private carry: Buffer | null = null;
  private record = 0;
  private readonly bytes: ByteChunks | undefined;
  /** Told the records passed so far after each chunk (progress). */
  onChunk?: (rows: number) => void;
  constructor(private readonly plan: TransformPlan) {
    super({ highWaterMark: 256 * 1024 });
    this.bytes = plan.columns.some((c) => c.action?.lookup)
      ? undefined
      : new ByteChunks(plan, () => ++this.record);
  }

  /** Records passed so far. */
  get rows(): number {
    return this.record;
  }

  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = lastRecordEnd(data);
    this.carry = end < data.length ? Buffer.from(data.subarray(end)) : null;
    if (end === 0) return cb();
    this.run(data, end, cb);
  }

  /** Without lookups a chunk is done synchronously on its bytes; with them, as text after the lookups. */
  private run(data: Buffer, end: number, cb: TransformCallback): void {
    if (this.bytes) {
      let out: Buffer;
      try {
        out = this.bytes.chunk(data, end);
      } catch (e) {
        return cb(e as Error);
      }
      this.onChunk?.(this.record);
      return cb(null, out);
    }
    this.process(data.toString('utf8', 0, end)).then((out) => {
      this.onChunk?.(this.record);
      cb(null, out);
    }, cb);
  }

  override _flush(cb: TransformCallback): void {
    const rest = this.carry;
    this.carry = null;
    if (!rest || rest.length === 0) return cb();
    const whole = Buffer.concat([rest, Buffer.from('\n')]);
    this.run(whole, whole.length, cb);
  }

  private async process(text: string): Promise<string> {
    const { columns, counts } = this.plan;
    const rows = splitRecords(text);
    const n = columns.length;
    // Lookups first: one query per column per chunk for its distinct values.
    const looked = new Map<number, Map<string, string | null>>();
    for (let c = 0; c < n; c++) {
      const lookup = columns[c].action?.lookup;
      if (!lookup) continue;
      const distinct = new Set<string>();
      for (const r of rows) {
        const v = r.length === n ? decodeField(r[c]) : null;
        if (v !== null) distinct.add(v);
      }
      looked.set(c, await lookup.resolve([...distinct]));
    }
    let out = '';
    for (const r of rows) {
      this.record++;
      if (r.length !== n) throw fieldCountError(this.record, r.length, columns);
      let first = true;
      for (let c = 0; c < n; c++) {
        const action = columns[c].action;
        let field = r[c];
        if (action) {
          if (action.spec.kind === 'drop') {
            counts[c]++;
            continue;
          }
          const v = decodeField(field);
          if (v !== null) {
            counts[c]++;
            const map = looked.get(c);
            field = encodeTsvField(map ? (map.get(v) ?? null) : action.apply!(v));
          }
        }
        out += first ? field : '\t' + field;
        first = false;
      }
      out += '\n';
    }
    return out;
  }
}

function fieldCountError(record: number, fields: number, columns: PlanColumn[]): EtlError {
  return new EtlError(
    diag(
      'ETL3707',
      `record ${record} has ${fields} fields, the data has ${columns.length} columns (${columns.map((c) => c.name).join(', ')})`,
    ),
  );
}

const TAB = 9;
const LF = 10;
const BS = 92;

/**
 * The byte path: fields are found by scanning for TAB/LF (skipping escaped bytes), kept fields are
 * copied as they are, hmac_sha256 hashes the field's bytes in place (unescaped first only when the
 * field holds a backslash) and writes the hex into the output, other transforms decode just their
 * field. One output buffer per chunk, nothing allocated per row.
 */
class ByteChunks {
  private out = Buffer.allocUnsafe(0);
  private len = 0;
  private scratch = Buffer.allocUnsafe(256);

  constructor(
    private readonly plan: TransformPlan,
    private readonly nextRecord: () => number,
  ) {}

  private ensure(extra: number): void {
    if (this.len + extra <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.len + extra, 64 * 1024));
    this.out.copy(grown, 0, 0, this.len);
    this.out = grown;
  }

  private put(src: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    this.out.set(src.subarray(start, end), this.len);
    this.len += end - start;
  }

  /** The field's value bytes (escapes removed) in the scratch buffer; returns their length. */
  private unescape(src: Buffer, start: number, end: number): number {
    if (this.scratch.length < end - start) this.scratch = Buffer.allocUnsafe(2 * (end - start));
    let n = 0;
    for (let i = start; i < end; i++) {
      if (src[i] === BS && i + 1 < end) i++;
      this.scratch[n++] = src[i];
    }
    return n;
  }

  /** `data[0..end)` holds whole records; returns their transformed bytes. */
  chunk(data: Buffer, end: number): Buffer {
    const { columns, counts } = this.plan;
    const n = columns.length;
    // Hashes make a field at most 64 bytes long; a rough first size avoids most regrowth.
    this.out = Buffer.allocUnsafe(end + (end >> 1) + 1024);
    this.len = 0;
    let p = 0;
    while (p < end) {
      const record = this.nextRecord();
      const recordStart = p;
      let first = true;
      for (let c = 0; c < n; c++) {
        let q = p;
        let escaped = false;
        for (;;) {
          const b = data[q];
          if (b === TAB || b === LF || q >= end) break;
          if (b === BS) {
            escaped = true;
            q += 2;
          } else q++;
        }
        if (q >= end) q = end - 1;
        const sep = data[q];
        if ((c < n - 1 && sep !== TAB) || (c === n - 1 && sep !== LF))
          throw fieldCountError(record, countFields(data, recordStart, end), columns);
        this.field(c, data, p, q, escaped, first);
        if (columns[c].action?.spec.kind !== 'drop') first = false;
        else counts[c]++;
        p = q + 1;
      }
      this.ensure(1);
      this.out[this.len++] = LF;
    }
    return this.out.subarray(0, this.len);
  }

  private field(c: number, data: Buffer, p: number, q: number, escaped: boolean, first: boolean): void {
    const action = this.plan.columns[c].action;
    if (action?.spec.kind === 'drop') return;
    if (!first) {
      this.ensure(1);
      this.out[this.len++] = TAB;
    }
    const isNull = q - p === 2 && data[p] === BS && data[p + 1] === 78; // \N
    if (!action || isNull) return this.put(data, p, q);
    this.plan.counts[c]++;
    if (action.hmac) {
      this.ensure(64);
      if (escaped) action.hmac.hexInto(this.scratch, 0, this.unescape(data, p, q), this.out, this.len);
      else action.hmac.hexInto(data, p, q, this.out, this.len);
      this.len += 64;
      return;
    }
    const raw = data.toString('utf8', p, q);
    const text = encodeTsvField(action.apply!(escaped ? raw.replace(UNESCAPE, '$1') : raw));
    this.ensure(Buffer.byteLength(text));
    this.len += this.out.write(text, this.len, 'utf8');
  }
}

/** Fields of the record starting at `start` (for the error message). */
function countFields(data: Buffer, start: number, end: number): number {
  let fields = 1;
  for (let i = start; i < end; i++) {
    const b = data[i];
    if (b === BS) i++;
    else if (b === TAB) fields++;
    else if (b === LF) break;
  }
  return fields;
}
