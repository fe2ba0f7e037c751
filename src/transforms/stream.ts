/**
 * Column transforms applied inside the engine-TSV byte stream between extract and load: whole
 * records are cut from each chunk, only the transformed fields are decoded and re-encoded, the
 * rest pass through as raw text, dropped fields are never written. No second pass and no copy on
 * disk; lookups (tokenize, convert_id) run once per chunk for its distinct values.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { diag, EtlError } from '../diagnostics.js';
import { encodeTsvField, lastRecordEnd, TSV_NULL } from '../local/tsv.js';
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
  constructor(private readonly plan: TransformPlan) {
    super({ highWaterMark: 256 * 1024 });
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
    this.process(data.toString('utf8', 0, end)).then((out) => cb(null, out), cb);
  }

  override _flush(cb: TransformCallback): void {
    const rest = this.carry;
    this.carry = null;
    if (!rest || rest.length === 0) return cb();
    this.process(rest.toString('utf8') + '\n').then((out) => cb(null, out), cb);
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
      if (r.length !== n) {
        throw new EtlError(
          diag(
            'ETL3707',
            `record ${this.record} has ${r.length} fields, the data has ${n} columns (${columns.map((c) => c.name).join(', ')})`,
          ),
        );
      }
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
