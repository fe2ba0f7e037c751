/**
 * Field-definition documents (issue 16): the spreadsheets teams keep per table — one row per
 * column with its type, length, nullability, keys, description and PII level — read from CSV (or
 * TSV, or `;`-separated as some spreadsheet exports write) or YAML, every mistake reported at its
 * row. `database generate` turns them into CREATE TABLE statements (src/catalog/ddl.ts).
 *
 * CSV: a header row naming the columns below (any order, case-insensitive; aliases in brackets):
 *   table [table_name]       schema.table (or give --table for a one-table file)
 *   column [name, field]     required
 *   type [data_type]         required: string, varchar, char, text, integer, bigint, smallint,
 *                            decimal, double, real, boolean, date, timestamp, timestamptz, json,
 *                            or with its size: varchar(64), decimal(12,2)
 *   length [size, precision] 64, or 12,2 for decimal
 *   nullable [null]          yes/no (blank: yes)
 *   key [pk, primary_key]    yes marks a primary key column (several: a composite key, in row order)
 *   dist_key [distkey]       yes (Redshift; one per table)
 *   sort_key [sortkey]       yes, or 1, 2, … for the order of a compound sort key (Redshift)
 *   description              text
 *   pii [pii_level]          none | internal | pii | sensitive
 *
 * YAML: `{table, description, owner, tags, columns: [{column, type, …}]}` or `{tables: [...]}`.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { PiiLevel } from '../compile/table-comments.js';
import { PII_LEVELS } from '../compile/table-comments.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean, EtlError, ExitCode } from '../diagnostics.js';
import type { KeyPath } from '../spec/yaml.js';
import { isRecord, YamlFile } from '../spec/yaml.js';
import { LOGICAL_TYPES, parseFieldType } from './ddl-types.js';
import type { FieldType } from './ddl-types.js';

export interface FieldDef {
  name: string;
  type: FieldType;
  nullable: boolean;
  key: boolean;
  distKey: boolean;
  /** Position in a compound sort key (1-based), when the column is in it. */
  sortKey?: number;
  description?: string;
  pii?: PiiLevel;
  /** Where the row is, for messages. */
  line: number;
}

export interface TableFields {
  table: string;
  description?: string;
  owner?: string;
  tags: string[];
  columns: FieldDef[];
  line: number;
}

const HEADERS: Record<string, string[]> = {
  table: ['table', 'table_name'],
  column: ['column', 'name', 'field', 'column_name', 'field_name'],
  type: ['type', 'data_type'],
  length: ['length', 'size', 'precision'],
  nullable: ['nullable', 'null'],
  key: ['key', 'pk', 'primary_key'],
  dist_key: ['dist_key', 'distkey'],
  sort_key: ['sort_key', 'sortkey'],
  description: ['description', 'comment'],
  pii: ['pii', 'pii_level'],
};
const KNOWN = Object.values(HEADERS).flat();

/** RFC 4180 records with the line each starts on (quoted fields may hold newlines and doubled quotes). */
export function parseCsv(text: string, delimiter: string): { cells: string[]; line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((x) => x.trim() !== '')) records.push({ cells, line: start });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x.trim() !== '')) records.push({ cells, line: start });
  return records;
}

function yes(v: string | undefined): boolean | undefined {
  const w = (v ?? '').trim().toLowerCase();
  if (w === '') return undefined;
  if (['yes', 'y', 'true', '1', 'x', 'pk', 'primary', 'primary key'].includes(w)) return true;
  if (['no', 'n', 'false', '0', '-'].includes(w)) return false;
  return undefined;
}

interface RowInput {
  values: Partial<Record<keyof typeof HEADERS, string>>;
  line: number;
  /** Where a value is, for messages (CSV: its line; YAML: its key's position). */
  at: (key: string) => Pick<Diagnostic, 'line' | 'column'>;
}

/** One column row → FieldDef, or diagnostics at the row. */
function fieldRow(row: RowInput, file: string, diagnostics: Diagnostic[]): FieldDef | undefined {
  const v = row.values;
  const bad = (key: string, message: string, hint?: string) =>
    diagnostics.push(diag('ETL3601', message, { file, ...row.at(key), hint }));
  const name = v.column?.trim();
  if (!name) return void bad('column', 'the row has no column name', 'fill the column (or name) field');
  if (!v.type?.trim())
    return void bad('type', `column ${name} has no type`, `one of: ${LOGICAL_TYPES.join(', ')}`);
  const type = parseFieldType(v.type, v.length);
  if ('error' in type)
    return void bad(type.key === 'length' ? 'length' : 'type', `column ${name}: ${type.error}`, type.hint);
  const nullable = yes(v.nullable);
  if (v.nullable?.trim() && nullable === undefined)
    bad('nullable', `column ${name}: nullable '${v.nullable}' is not yes or no`);
  const key = yes(v.key) ?? false;
  let sortKey: number | undefined;
  const sk = v.sort_key?.trim();
  if (sk) {
    if (/^\d+$/.test(sk) && Number(sk) > 0) sortKey = Number(sk);
    else if (yes(sk) === true) sortKey = Number.MAX_SAFE_INTEGER;
    else if (yes(sk) === undefined)
      bad('sort_key', `column ${name}: sort_key '${sk}' is not yes, no or a position`);
  }
  let pii: PiiLevel | undefined;
  const p = v.pii?.trim().toLowerCase();
  if (p) {
    if ((PII_LEVELS as readonly string[]).includes(p)) pii = p as PiiLevel;
    else
      bad(
        'pii',
        `column ${name}: pii level '${v.pii}' is not one of ${PII_LEVELS.join(', ')}`,
        didYouMean(p, PII_LEVELS),
      );
  }
  return {
    name,
    type,
    nullable: key ? false : (nullable ?? true),
    key,
    distKey: yes(v.dist_key) ?? false,
    ...(sortKey !== undefined ? { sortKey } : {}),
    ...(v.description?.trim() ? { description: v.description.trim() } : {}),
    ...(pii ? { pii } : {}),
    line: row.line,
  };
}

function canonicalHeader(h: string): keyof typeof HEADERS | undefined {
  const w = h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return (Object.keys(HEADERS) as (keyof typeof HEADERS)[]).find((k) => HEADERS[k].includes(w));
}

function fromCsv(
  file: string,
  text: string,
  delimiter: string,
  tableFlag?: string,
): { tables: TableFields[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const records = parseCsv(text.replace(/^\uFEFF/, ''), delimiter);
  const header = records.shift();
  if (!header)
    return {
      tables: [],
      diagnostics: [diag('ETL3601', 'the field-definition file is empty', { file, line: 1 })],
    };
  const cols: (keyof typeof HEADERS | undefined)[] = [];
  let offset = 1;
  for (const h of header.cells) {
    const c = canonicalHeader(h);
    if (!c && h.trim() !== '')
      diagnostics.push(
        diag('ETL3602', `unknown column '${h.trim()}' in the header`, {
          file,
          line: header.line,
          column: offset,
          hint:
            didYouMean(h.trim().toLowerCase(), KNOWN) ?? `known columns: ${Object.keys(HEADERS).join(', ')}`,
        }),
      );
    cols.push(c);
    offset += h.length + 1;
  }
  for (const need of ['column', 'type'] as const)
    if (!cols.includes(need))
      diagnostics.push(
        diag('ETL3602', `the header has no '${need}' column`, { file, line: header.line, column: 1 }),
      );
  if (!cols.includes('table') && !tableFlag)
    diagnostics.push(
      diag('ETL3605', 'the file does not say which table it describes', {
        file,
        line: header.line,
        column: 1,
        hint: 'add a table column, or pass --table schema.name',
      }),
    );
  if (diagnostics.length > 0) return { tables: [], diagnostics };
  const tables = new Map<string, TableFields>();
  for (const r of records) {
    const values: RowInput['values'] = {};
    cols.forEach((c, k) => {
      if (c) values[c] = r.cells[k];
    });
    const table = values.table?.trim() || tableFlag!;
    const f = fieldRow({ values, line: r.line, at: () => ({ line: r.line }) }, file, diagnostics);
    if (!tables.has(table)) tables.set(table, { table, tags: [], columns: [], line: r.line });
    if (f) tables.get(table)!.columns.push(f);
  }
  return { tables: [...tables.values()], diagnostics };
}

function fromYaml(
  file: string,
  text: string,
  tableFlag?: string,
): { tables: TableFields[]; diagnostics: Diagnostic[] } {
  const y = new YamlFile(file, text);
  if (y.diagnostics.length > 0) return { tables: [], diagnostics: y.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const root = y.value;
  const list: [unknown, KeyPath][] =
    isRecord(root) && Array.isArray(root.tables)
      ? root.tables.map((t, k) => [t, ['tables', k]])
      : [[root, []]];
  const tables: TableFields[] = [];
  const TABLE_KEYS = ['table', 'description', 'owner', 'tags', 'columns'];
  for (const [t, path] of list) {
    if (!isRecord(t) || !Array.isArray(t.columns)) {
      diagnostics.push(
        y.at(path, 'ETL3601', 'expected a mapping with table: and a columns: list', {
          hint: 'see README "Field definitions → DDL"',
        }),
      );
      continue;
    }
    for (const k of Object.keys(t))
      if (!TABLE_KEYS.includes(k))
        diagnostics.push(
          y.at([...path, k], 'ETL3602', `unknown key '${k}'`, {
            onKey: true,
            hint: didYouMean(k, TABLE_KEYS) ?? `known keys: ${TABLE_KEYS.join(', ')}`,
          }),
        );
    const name = typeof t.table === 'string' ? t.table : tableFlag;
    if (!name) {
      diagnostics.push(
        y.at(path, 'ETL3605', 'the table has no name', { hint: 'add table: schema.name, or pass --table' }),
      );
      continue;
    }
    const out: TableFields = {
      table: name,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      ...(typeof t.owner === 'string' ? { owner: t.owner } : {}),
      tags: Array.isArray(t.tags) ? t.tags.map(String) : [],
      columns: [],
      line: y.position(path).line,
    };
    t.columns.forEach((c, k) => {
      const cpath = [...path, 'columns', k];
      if (!isRecord(c)) {
        diagnostics.push(y.at(cpath, 'ETL3601', 'each column must be a mapping (column: …, type: …)'));
        return;
      }
      const values: RowInput['values'] = {};
      for (const [key, v] of Object.entries(c)) {
        const h = canonicalHeader(key);
        if (!h || h === 'table') {
          diagnostics.push(
            y.at([...cpath, key], 'ETL3602', `unknown key '${key}'`, {
              onKey: true,
              hint: didYouMean(key, KNOWN) ?? `known keys: ${Object.keys(HEADERS).join(', ')}`,
            }),
          );
          continue;
        }
        values[h] =
          v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
        if (h === 'column') values.column = String(v);
      }
      const keyOf = (h: string) => Object.keys(c).find((k2) => canonicalHeader(k2) === h) ?? h;
      const f = fieldRow(
        {
          values,
          line: y.position(cpath).line,
          at: (h) => {
            const p = y.position([...cpath, keyOf(h)]);
            return { line: p.line, column: p.column };
          },
        },
        file,
        diagnostics,
      );
      if (f) out.columns.push(f);
    });
    tables.push(out);
  }
  return { tables, diagnostics };
}

/** Read a field-definition file; a missing file or unknown extension is a usage error. */
export function readFieldDefinitions(
  path: string,
  display: string,
  tableFlag?: string,
): { tables: TableFields[]; diagnostics: Diagnostic[]; text: string } {
  const ext = extname(path).toLowerCase();
  if (!['.csv', '.tsv', '.txt', '.yaml', '.yml'].includes(ext))
    throw new EtlError(
      diag('ETL3600', `${display}: a field-definition file is .csv, .tsv, .yaml or .yml`, {
        hint: 'export the spreadsheet as CSV',
      }),
      ExitCode.USAGE,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EtlError(diag('ETL3600', `cannot read ${display}: ${(e as Error).message}`), ExitCode.USAGE);
  }
  const res =
    ext === '.yaml' || ext === '.yml'
      ? fromYaml(display, text, tableFlag)
      : fromCsv(display, text, ext === '.tsv' ? '\t' : delimiterOf(text), tableFlag);
  for (const t of res.tables) {
    const seen = new Map<string, number>();
    for (const c of t.columns) {
      const prev = seen.get(c.name.toLowerCase());
      if (prev !== undefined)
        res.diagnostics.push(
          diag('ETL3603', `column ${c.name} of ${t.table} is defined twice (also at line ${prev})`, {
            file: display,
            line: c.line,
          }),
        );
      seen.set(c.name.toLowerCase(), c.line);
    }
    const dist = t.columns.filter((c) => c.distKey);
    if (dist.length > 1)
      res.diagnostics.push(
        diag(
          'ETL3601',
          `${t.table} has ${dist.length} dist keys (${dist.map((c) => c.name).join(', ')}); Redshift allows one`,
          {
            file: display,
            line: dist[1].line,
          },
        ),
      );
    if (t.columns.length === 0 && !res.diagnostics.some((d) => d.severity === 'error'))
      res.diagnostics.push(diag('ETL3601', `${t.table} has no columns`, { file: display, line: t.line }));
  }
  return { ...res, text };
}

function delimiterOf(text: string): string {
  const first = text.split('\n', 1)[0];
  const count = (c: string) => first.split(c).length - 1;
  return count('\t') > count(',') && count('\t') >= count(';') ? '\t' : count(';') > count(',') ? ';' : ',';
}
