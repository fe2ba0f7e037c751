/**
 * Table- and column-level lineage of SQL scripts (issue 16): which tables a script reads and
 * writes, and for each written column the source columns it is computed from — through temporary
 * tables, derived tables, CTEs and `SELECT *`, as far as the SQL says it. Built on the engine's
 * tokenizer (src/local/translate.ts), so strings, quoted names and comments are never mistaken
 * for SQL. Anything it cannot follow is left out (table-level lineage still holds), never guessed.
 *
 * Handled: INSERT … SELECT|VALUES, CREATE [TEMP] TABLE … AS SELECT | (LIKE t) | (columns),
 * UPDATE … SET … [FROM], DELETE [USING], TRUNCATE, MERGE INTO … USING, COPY … FROM 's3://…',
 * UNLOAD ('…') TO 's3://…', plain SELECT (reads), WITH, UNION, joins, subqueries.
 */
import { parseTableDefinition } from '../compile/table-definition.js';
import type { Token } from '../local/translate.js';
import { splitStatements, tokenize } from '../local/translate.js';

export type FlowKind = 'identity' | 'transformation' | 'aggregation';

export interface ColumnSource {
  table: string;
  column: string;
  kind: FlowKind;
}

export interface ScriptLineage {
  /** Persistent tables read (lower case, as qualified in the script). */
  reads: string[];
  /** Persistent tables written (INSERT, UPDATE, DELETE, TRUNCATE, MERGE, COPY, CREATE … AS). */
  writes: string[];
  /** Written table → column → its source columns (persistent tables only). */
  columns: Map<string, Map<string, ColumnSource[]>>;
  /** Columns (and types) of the tables the script creates with a column list. */
  created: Map<string, { name: string; type: string }[]>;
  /** S3 locations read by COPY … FROM and written by UNLOAD … TO, with the UNLOAD's columns. */
  s3Reads: string[];
  s3Writes: { uri: string; columns: { name: string; sources: ColumnSource[] }[] }[];
}

export interface AnalyzeOptions {
  mysql?: boolean;
  /** Known columns of a persistent table, in order (from table definitions). */
  columnsOf?: (table: string) => readonly string[] | undefined;
}

interface OutItem {
  name?: string;
  sources: ColumnSource[];
  /** `*` over a table whose columns are unknown: any column name resolves to that table's column. */
  starOf?: string;
}

interface SelectOut {
  items: OutItem[];
}

type Source = { alias: string; table?: string; sub?: SelectOut };

const AGGREGATES = new Set([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'LISTAGG',
  'STRING_AGG',
  'ARRAY_AGG',
  'GROUP_CONCAT',
  'MEDIAN',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VARIANCE',
  'VAR_POP',
  'VAR_SAMP',
  'BOOL_AND',
  'BOOL_OR',
  'APPROXIMATE',
  'PERCENTILE_CONT',
  'PERCENTILE_DISC',
]);

const KEYWORDS = new Set(
  (
    'SELECT FROM WHERE AND OR NOT NULL IS IN LIKE ILIKE SIMILAR BETWEEN CASE WHEN THEN ELSE END AS DISTINCT ' +
    'TRUE FALSE INTERVAL CURRENT_DATE CURRENT_TIMESTAMP CURRENT_TIME LOCALTIME LOCALTIMESTAMP SYSDATE ' +
    'OVER PARTITION BY ORDER ASC DESC NULLS FIRST LAST ROWS RANGE UNBOUNDED PRECEDING FOLLOWING CURRENT ROW ' +
    'EXISTS ANY ALL SOME WITH ON USING JOIN LEFT RIGHT INNER OUTER FULL CROSS NATURAL LATERAL UNION ' +
    'INTERSECT EXCEPT GROUP HAVING LIMIT OFFSET FETCH QUALIFY WINDOW ESCAPE COLLATE AT ZONE TIME DATE ' +
    'TIMESTAMP BOTH LEADING TRAILING FOR TOP UNKNOWN DEFAULT VALUES SET INTO'
  ).split(' '),
);

const CLAUSE_END = new Set([
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'QUALIFY',
  'WINDOW',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'FOR',
  'RETURNING',
  'ON',
]);
const JOIN_WORDS = new Set([
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'OUTER',
  'CROSS',
  'NATURAL',
  'LATERAL',
]);
/** Functions whose arguments contain FROM without naming a table. */
const FROM_FUNCTIONS = new Set(['EXTRACT', 'TRIM', 'SUBSTRING', 'POSITION', 'OVERLAY']);

const up = (t: Token | undefined): string => (t && t.type === 'word' ? t.text.toUpperCase() : '');
const isName = (t: Token | undefined): boolean => !!t && (t.type === 'word' || t.type === 'qident');

function nameOf(t: Token): string {
  if (t.type === 'qident') return t.text.slice(1, -1).replace(/""|``/g, (m) => m[0]);
  return t.text.toLowerCase();
}

function combine(a: FlowKind, b: FlowKind): FlowKind {
  if (a === 'aggregation' || b === 'aggregation') return 'aggregation';
  if (a === 'transformation' || b === 'transformation') return 'transformation';
  return 'identity';
}

function dedupe(list: ColumnSource[]): ColumnSource[] {
  const seen = new Map<string, ColumnSource>();
  for (const s of list) {
    const k = `${s.table}\0${s.column}`;
    const prev = seen.get(k);
    seen.set(k, prev ? { ...s, kind: combine(prev.kind, s.kind) } : s);
  }
  return [...seen.values()];
}

/** Index of the ')' matching the '(' at `open`, or -1. */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Split tokens at depth-0 occurrences of `isSep`. */
function splitTop(tokens: Token[], isSep: (t: Token) => boolean): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (depth === 0 && isSep(t)) parts.push([]);
    else parts[parts.length - 1].push(t);
  }
  return parts;
}

/**
 * Data Pipeline expressions (`#{format(@scheduledStartTime,'YYYY-MM-dd')}`) are evaluated before
 * the SQL runs and may hold quotes of their own; for lineage each is just a value.
 */
function withoutExpressions(sql: string): string {
  return sql.replace(/#\{[^}]*\}/g, '0');
}

/** Index of the first depth-0 token from `from` matching `pred`, or tokens.length. */
function findTop(tokens: Token[], from: number, pred: (t: Token) => boolean): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    if (tokens[k].text === '(') depth++;
    if (tokens[k].text === ')') depth--;
    if (depth === 0 && pred(tokens[k])) return k;
  }
  return tokens.length;
}

/** Qualified name at `i` (`a`, `a.b`, `"a"."b"`); the parts and the next index. */
function qualified(tokens: Token[], i: number): { name: string; next: number } | undefined {
  if (!isName(tokens[i])) return undefined;
  const parts = [nameOf(tokens[i])];
  let j = i + 1;
  while (tokens[j]?.text === '.' && isName(tokens[j + 1])) {
    parts.push(nameOf(tokens[j + 1]));
    j += 2;
  }
  return { name: parts.join('.'), next: j };
}

export class ScriptAnalyzer {
  private readonly reads = new Set<string>();
  private readonly writes = new Set<string>();
  private readonly temps = new Map<string, { order: string[]; flows: Map<string, ColumnSource[]> }>();
  private readonly ctes = new Map<string, SelectOut>();
  private readonly out: ScriptLineage = {
    reads: [],
    writes: [],
    columns: new Map(),
    created: new Map(),
    s3Reads: [],
    s3Writes: [],
  };

  constructor(private readonly opts: AnalyzeOptions = {}) {}

  /** Analyze a whole script; statements that cannot be tokenized leave the result as far as it got. */
  analyze(sql: string): ScriptLineage {
    let statements;
    try {
      statements = splitStatements(withoutExpressions(sql), { mysql: this.opts.mysql });
    } catch {
      return this.result();
    }
    for (const st of statements) {
      const tokens = st.tokens.filter((t) => t.type !== 'ws' && t.type !== 'comment');
      this.ctes.clear();
      try {
        this.statement(tokens, st.text);
      } catch {
        // An unexpected shape: the statement contributes what was recorded before the failure.
      }
    }
    return this.result();
  }

  /** The output columns of one query (a SqlDataNode's selectQuery), and the tables it reads. */
  analyzeQuery(sql: string): { reads: string[]; columns: { name: string; sources: ColumnSource[] }[] } {
    let tokens: Token[];
    try {
      tokens = tokenize(withoutExpressions(sql), { mysql: this.opts.mysql }).filter(
        (t) => t.type !== 'ws' && t.type !== 'comment',
      );
    } catch {
      return { reads: [], columns: [] };
    }
    while (tokens[tokens.length - 1]?.text === ';') tokens.pop();
    this.scanReads(tokens);
    const sel = this.query(tokens);
    return { reads: [...this.reads], columns: this.named(sel) };
  }

  private result(): ScriptLineage {
    const isTemp = (t: string) => this.temps.has(t);
    this.out.reads = [...this.reads].filter((t) => !isTemp(t));
    this.out.writes = [...this.writes].filter((t) => !isTemp(t));
    for (const t of [...this.out.columns.keys()]) if (isTemp(t)) this.out.columns.delete(t);
    return this.out;
  }

  private statement(tokens: Token[], text: string): void {
    const w = up(tokens[0]);
    if (w === 'WITH') {
      // WITH … INSERT/UPDATE/DELETE: the CTEs are in scope for the statement that follows them.
      const rest = this.withClause(tokens);
      if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(up(rest[0]))) {
        this.scanReads(tokens.slice(0, tokens.length - rest.length));
        return this.statement(rest, text);
      }
    }
    if (w === 'WITH' || w === 'SELECT' || tokens[0]?.text === '(') {
      // Parsed first for its CTE names, which are not tables.
      this.query(tokens);
      this.scanReads(tokens);
      return;
    }
    if (w === 'INSERT') return this.insert(tokens);
    if (w === 'CREATE') return this.create(tokens, text);
    if (w === 'UPDATE') return this.update(tokens);
    if (w === 'DELETE') {
      const q = qualified(tokens, up(tokens[1]) === 'FROM' ? 2 : 1);
      if (q) this.writes.add(q.name);
      this.scanReads(tokens.slice(q?.next ?? 1));
      return;
    }
    if (w === 'TRUNCATE') {
      const q = qualified(tokens, up(tokens[1]) === 'TABLE' ? 2 : 1);
      if (q) this.writes.add(q.name);
      return;
    }
    if (w === 'MERGE') {
      const q = qualified(tokens, up(tokens[1]) === 'INTO' ? 2 : 1);
      if (q) this.writes.add(q.name);
      this.scanReads(tokens, true);
      return;
    }
    if (w === 'COPY') {
      const q = qualified(tokens, 1);
      const from = tokens.findIndex((t) => up(t) === 'FROM');
      if (q && tokens[from + 1]?.type === 'string') {
        this.writes.add(q.name);
        this.out.s3Reads.push(tokens[from + 1].text.slice(1, -1));
      }
      return;
    }
    if (w === 'UNLOAD') return this.unload(tokens);
  }

  private insert(tokens: Token[]): void {
    let i = up(tokens[1]) === 'INTO' ? 2 : 1;
    const q = qualified(tokens, i);
    if (!q) return;
    i = q.next;
    this.writes.add(q.name);
    let cols: string[] | undefined;
    if (tokens[i]?.text === '(' && !['SELECT', 'WITH'].includes(up(tokens[i + 1]))) {
      const end = closing(tokens, i);
      cols = tokens
        .slice(i + 1, end)
        .filter(isName)
        .map(nameOf);
      i = end + 1;
    }
    const rest = tokens.slice(i);
    if (up(rest[0]) === 'VALUES' || up(rest[0]) === 'DEFAULT') return this.scanReads(rest);
    const sel = this.query(rest);
    this.scanReads(rest);
    this.assign(q.name, cols ?? this.columnsOf(q.name), sel);
  }

  /** Map a query's output columns onto a table's columns, by position (and by name past an unknown `*`). */
  private assign(table: string, cols: readonly string[] | undefined, sel: SelectOut): void {
    if (!cols) {
      // No column list and unknown columns: the query's named outputs name the columns.
      for (const it of this.named(sel)) this.flow(table, it.name, it.sources);
      return;
    }
    for (let k = 0; k < sel.items.length && k < cols.length; k++) {
      const it = sel.items[k];
      if (it.starOf) {
        for (const c of cols.slice(k)) this.flow(table, c, this.lookupStar(it.starOf, c));
        return;
      }
      this.flow(table, cols[k], it.sources);
    }
  }

  private flow(table: string, column: string, sources: ColumnSource[]): void {
    const temp = this.temps.get(table);
    if (temp) {
      if (!temp.order.includes(column)) temp.order.push(column);
      temp.flows.set(column, dedupe(sources));
      return;
    }
    // A column set from constants only (SYSDATE, a literal) has no source column to show.
    if (sources.length === 0) return;
    let m = this.out.columns.get(table);
    if (!m) this.out.columns.set(table, (m = new Map()));
    m.set(column, dedupe([...(m.get(column) ?? []), ...sources]));
  }

  private create(tokens: Token[], text: string): void {
    let i = 1;
    let temp = false;
    while (['TEMP', 'TEMPORARY', 'LOCAL', 'GLOBAL', 'UNLOGGED'].includes(up(tokens[i]))) {
      temp = temp || up(tokens[i]) !== 'UNLOGGED';
      i++;
    }
    if (up(tokens[i]) !== 'TABLE') {
      if (up(tokens[i]) === 'VIEW' || up(tokens[i + 2]) === 'VIEW') this.scanReads(tokens);
      return;
    }
    i++;
    if (up(tokens[i]) === 'IF') i += 3;
    const q = qualified(tokens, i);
    if (!q) return;
    i = q.next;
    if (temp || q.name.startsWith('#')) this.temps.set(q.name, { order: [], flows: new Map() });
    if (tokens[i]?.text === '(' && up(tokens[i + 1]) === 'LIKE') {
      const like = qualified(tokens, i + 2);
      const t = this.temps.get(q.name);
      const cols = like ? this.columnsOf(like.name) : undefined;
      if (t && cols) t.order.push(...cols);
      return;
    }
    if (tokens[i]?.text === '(') {
      const parsed = parseTableDefinition(text, '');
      if (parsed.table) {
        const cols = parsed.table.columns.map((c) => ({ name: c.name, type: c.type }));
        this.out.created.set(q.name, cols);
        const t = this.temps.get(q.name);
        if (t) t.order.push(...cols.map((c) => c.name));
      }
      return;
    }
    // CREATE TABLE … [(options)] AS SELECT …
    const as = tokens.findIndex((t, k) => k >= i && up(t) === 'AS');
    if (as < 0) return;
    const rest = tokens.slice(as + 1);
    if (!temp) this.writes.add(q.name);
    const sel = this.query(rest);
    this.scanReads(rest);
    for (const it of this.named(sel)) this.flow(q.name, it.name, it.sources);
  }

  private update(tokens: Token[]): void {
    const q = qualified(tokens, 1);
    if (!q) return;
    this.writes.add(q.name);
    let i = q.next;
    let alias = q.name.split('.').pop()!;
    if (up(tokens[i]) === 'AS') i++;
    if (isName(tokens[i]) && up(tokens[i]) !== 'SET') alias = nameOf(tokens[i++]);
    if (up(tokens[i]) !== 'SET') return;
    const setEnd = findTop(tokens, i + 1, (t) => up(t) === 'FROM' || up(t) === 'WHERE');
    const sources: Source[] = [{ alias, table: q.name }];
    if (up(tokens[setEnd]) === 'FROM') sources.push(...this.fromList(tokens.slice(setEnd + 1)));
    this.scanReads(tokens.slice(setEnd));
    for (const part of splitTop(tokens.slice(i + 1, setEnd), (t) => t.text === ',')) {
      const eq = part.findIndex((t) => t.text === '=');
      if (eq < 1 || !isName(part[eq - 1])) continue;
      const item = this.expression(part.slice(eq + 1), sources);
      this.flow(q.name, nameOf(part[eq - 1]), item.sources);
    }
  }

  private unload(tokens: Token[]): void {
    const open = tokens.findIndex((t) => t.text === '(');
    const to = tokens.findIndex((t) => up(t) === 'TO');
    if (open < 0 || tokens[open + 1]?.type !== 'string' || tokens[to + 1]?.type !== 'string') return;
    const query = tokens[open + 1].text.slice(1, -1).replace(/''/g, "'");
    const inner = new ScriptAnalyzer(this.opts).analyzeQuery(query);
    for (const r of inner.reads) this.reads.add(r);
    this.out.s3Writes.push({ uri: tokens[to + 1].text.slice(1, -1), columns: inner.columns });
  }

  /** Every table named after FROM/JOIN/USING anywhere in the tokens (subqueries included). */
  private scanReads(tokens: Token[], merge = false): void {
    const fnStack: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.text === '(') fnStack.push(up(tokens[i - 1]));
      else if (t.text === ')') fnStack.pop();
      const w = up(t);
      if (!(w === 'FROM' || w === 'JOIN' || (w === 'USING' && (merge || fnStack.length === 0)))) continue;
      if (w === 'FROM' && FROM_FUNCTIONS.has(fnStack[fnStack.length - 1] ?? '')) continue;
      const q = qualified(tokens, i + 1);
      if (!q || this.ctes.has(q.name) || KEYWORDS.has(q.name.toUpperCase())) continue;
      this.reads.add(q.name);
      // FROM a, b: later comma-separated names at the same depth are read too.
      let j = q.next;
      for (;;) {
        while (isName(tokens[j]) && !CLAUSE_END.has(up(tokens[j])) && !JOIN_WORDS.has(up(tokens[j]))) j++;
        if (tokens[j]?.text !== ',' || w !== 'FROM') break;
        const next = qualified(tokens, j + 1);
        if (!next) break;
        if (!this.ctes.has(next.name)) this.reads.add(next.name);
        j = next.next;
      }
    }
  }

  /** A query: [WITH …] SELECT … [UNION …]. */
  query(tokens: Token[]): SelectOut {
    let body = tokens;
    while (body[0]?.text === '(' && closing(body, 0) === body.length - 1) body = body.slice(1, -1);
    if (up(body[0]) === 'WITH') body = this.withClause(body);
    const branches = splitTop(body, (t) => ['UNION', 'INTERSECT', 'EXCEPT'].includes(up(t)));
    const selects = branches.map((b) =>
      this.select(up(b[0]) === 'ALL' || up(b[0]) === 'DISTINCT' ? b.slice(1) : b),
    );
    if (selects.length === 1) return selects[0];
    return {
      items: selects[0].items.map((it, k) => ({
        name: it.name,
        sources: dedupe(selects.flatMap((s) => s.items[k]?.sources ?? [])),
      })),
    };
  }

  private withClause(tokens: Token[]): Token[] {
    let i = 1;
    if (up(tokens[i]) === 'RECURSIVE') i++;
    for (;;) {
      const name = tokens[i];
      let j = i + 1;
      if (tokens[j]?.text === '(') j = closing(tokens, j) + 1;
      if (!isName(name) || up(tokens[j]) !== 'AS' || tokens[j + 1]?.text !== '(') return tokens.slice(i);
      const end = closing(tokens, j + 1);
      this.ctes.set(nameOf(name), this.query(tokens.slice(j + 2, end)));
      i = end + 1;
      if (tokens[i]?.text !== ',') return tokens.slice(i);
      i++;
    }
  }

  private select(tokens: Token[]): SelectOut {
    if (up(tokens[0]) !== 'SELECT') return { items: [] };
    let i = 1;
    while (['DISTINCT', 'ALL'].includes(up(tokens[i]))) i++;
    if (up(tokens[i]) === 'TOP') i += 2;
    let depth = 0;
    let from = tokens.length;
    for (let k = i; k < tokens.length; k++) {
      if (tokens[k].text === '(') depth++;
      if (tokens[k].text === ')') depth--;
      if (depth === 0 && up(tokens[k]) === 'FROM') {
        from = k;
        break;
      }
    }
    const sources = from < tokens.length ? this.fromList(tokens.slice(from + 1)) : [];
    const items: OutItem[] = [];
    for (const part of splitTop(tokens.slice(i, from), (t) => t.text === ',')) {
      if (part.length === 0) continue;
      items.push(...this.selectItem(part, sources));
    }
    return { items };
  }

  private selectItem(part: Token[], sources: Source[]): OutItem[] {
    // `*` and `alias.*`
    if (part.length === 1 && part[0].text === '*') return sources.flatMap((s) => this.starItems(s));
    if (part.length === 3 && part[2].text === '*' && part[1].text === '.') {
      const src = this.findSource(sources, nameOf(part[0]));
      return src ? this.starItems(src) : [];
    }
    let expr = part;
    let alias: string | undefined;
    const last = part[part.length - 1];
    const prev = part[part.length - 2];
    if (
      part.length >= 2 &&
      isName(last) &&
      !KEYWORDS.has(up(last)) &&
      prev.text !== '.' &&
      prev.text !== '::'
    ) {
      alias = nameOf(last);
      expr = part.slice(0, up(prev) === 'AS' ? -2 : -1);
    } else if (part.length >= 3 && up(prev) === 'AS' && last.type === 'string') {
      alias = last.text.slice(1, -1);
      expr = part.slice(0, -2);
    }
    const item = this.expression(expr, sources);
    return [{ ...item, name: alias ?? item.name }];
  }

  private starItems(src: Source): OutItem[] {
    if (src.sub) return src.sub.items;
    const cols = src.table ? this.columnsOf(src.table) : undefined;
    if (!cols) return [{ starOf: src.table, sources: [] }];
    return cols.map((c) => ({ name: c, sources: this.resolveIn(src, c) }));
  }

  /** The FROM list: tables and derived tables with their aliases; ON conditions are skipped. */
  private fromList(tokens: Token[]): Source[] {
    const sources: Source[] = [];
    let i = 0;
    while (i < tokens.length) {
      const t = tokens[i];
      if (t.text === ',' || JOIN_WORDS.has(up(t))) {
        i++;
        continue;
      }
      if (CLAUSE_END.has(up(t)) || up(t) === 'USING' || t.text === ')' || t.text === ';') {
        if (up(t) !== 'ON' && up(t) !== 'USING') break;
        // Skip the join condition up to the next join or comma at this depth.
        let depth = 0;
        i++;
        while (i < tokens.length) {
          const x = tokens[i];
          if (x.text === '(') depth++;
          if (x.text === ')') {
            if (depth === 0) break;
            depth--;
          }
          if (
            depth === 0 &&
            (x.text === ',' || JOIN_WORDS.has(up(x)) || (CLAUSE_END.has(up(x)) && up(x) !== 'ON'))
          )
            break;
          i++;
        }
        continue;
      }
      let src: Source | undefined;
      if (t.text === '(') {
        const end = closing(tokens, i);
        if (end < 0) break;
        src = { alias: '', sub: this.query(tokens.slice(i + 1, end)) };
        i = end + 1;
      } else {
        const q = qualified(tokens, i);
        if (!q) break;
        const cte = this.ctes.get(q.name);
        src = cte ? { alias: q.name, sub: cte } : { alias: q.name.split('.').pop()!, table: q.name };
        i = q.next;
      }
      if (up(tokens[i]) === 'AS') i++;
      if (isName(tokens[i]) && !KEYWORDS.has(up(tokens[i])) && !JOIN_WORDS.has(up(tokens[i]))) {
        src.alias = nameOf(tokens[i]);
        i++;
        if (tokens[i]?.text === '(') i = closing(tokens, i) + 1; // column aliases
      }
      sources.push(src);
    }
    return sources;
  }

  /** The column references of an expression, resolved to source columns, and its kind. */
  private expression(tokens: Token[], sources: Source[]): OutItem {
    const found: ColumnSource[] = [];
    let aggregate = false;
    let bare: string | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.text === '(' && up(tokens[i + 1]) === 'SELECT') {
        const end = closing(tokens, i);
        const sub = this.query(tokens.slice(i + 1, end));
        for (const it of sub.items) found.push(...it.sources);
        i = end;
        continue;
      }
      if (!isName(t)) continue;
      if (tokens[i + 1]?.text === '(') {
        if (AGGREGATES.has(up(t))) aggregate = true;
        continue;
      }
      const before = tokens[i - 1];
      if (before && (before.text === '::' || up(before) === 'AS' || before.text === '.')) continue;
      if (t.type === 'word' && KEYWORDS.has(up(t))) continue;
      let qualifier: string | undefined;
      let column = nameOf(t);
      let j = i;
      while (tokens[j + 1]?.text === '.' && isName(tokens[j + 2])) {
        qualifier = qualifier ? `${qualifier}.${column}` : column;
        column = nameOf(tokens[j + 2]);
        j += 2;
      }
      if (tokens[j + 1]?.text === '.' && tokens[j + 2]?.text === '*') {
        i = j + 2;
        continue;
      }
      i = j;
      const src = qualifier ? this.findSource(sources, qualifier) : this.sourceWithColumn(sources, column);
      if (src) found.push(...this.resolveIn(src, column));
      if (tokens.length === j + 1 && (j === 0 || (qualifier && j === 2 * qualifier.split('.').length)))
        bare = column;
    }
    const kind: FlowKind = aggregate ? 'aggregation' : bare !== undefined ? 'identity' : 'transformation';
    return { name: bare, sources: dedupe(found.map((s) => ({ ...s, kind: combine(s.kind, kind) }))) };
  }

  private findSource(sources: Source[], qualifier: string): Source | undefined {
    return (
      sources.find((s) => s.alias === qualifier) ??
      sources.find((s) => s.table === qualifier || s.table?.split('.').pop() === qualifier)
    );
  }

  private sourceWithColumn(sources: Source[], column: string): Source | undefined {
    const known = sources.filter((s) => this.hasColumn(s, column));
    if (known.length >= 1) return known[0];
    const unknown = sources.filter((s) => this.hasColumn(s, column) === undefined);
    return unknown.length === 1 ? unknown[0] : undefined;
  }

  /** true/false when the source's columns are known, undefined when they are not. */
  private hasColumn(s: Source, column: string): boolean | undefined {
    if (s.sub) {
      if (s.sub.items.some((it) => it.name === column)) return true;
      return s.sub.items.some((it) => it.starOf !== undefined) ? undefined : false;
    }
    const cols = s.table ? this.columnsOf(s.table) : undefined;
    return cols ? cols.includes(column) : undefined;
  }

  /** A column of a source, as persistent source columns (temp tables and subqueries followed). */
  private resolveIn(s: Source, column: string): ColumnSource[] {
    if (s.sub) {
      const it = s.sub.items.find((x) => x.name === column);
      if (it) return it.sources;
      const star = s.sub.items.find((x) => x.starOf !== undefined);
      return star?.starOf ? this.lookupStar(star.starOf, column) : [];
    }
    return s.table ? this.lookupStar(s.table, column) : [];
  }

  private lookupStar(table: string, column: string): ColumnSource[] {
    const temp = this.temps.get(table);
    if (temp) return temp.flows.get(column) ?? [];
    return [{ table, column, kind: 'identity' }];
  }

  private columnsOf(table: string): readonly string[] | undefined {
    const temp = this.temps.get(table);
    if (temp && temp.order.length > 0) return temp.order;
    return this.out.created.get(table)?.map((c) => c.name) ?? this.opts.columnsOf?.(table);
  }

  /** Named output columns (unnamed expressions have no column to land in). */
  private named(sel: SelectOut): { name: string; sources: ColumnSource[] }[] {
    return sel.items.filter((it): it is OutItem & { name: string } => it.name !== undefined);
  }
}

/**
 * Pipelines generated from templates run the same scripts over and over (every upsert of a table
 * is the same SQL), so results are remembered: keyed by the text, and valid while every table's
 * columns the analysis looked up are still the same. Results are shared: callers only read them.
 */
const MEMO_LIMIT = 2000;
interface Memo<T> {
  result: T;
  lookups: [string, string | undefined][];
}
const memo = new Map<string, Memo<unknown>>();

function remembered<T>(kind: string, sql: string, opts: AnalyzeOptions, run: (o: AnalyzeOptions) => T): T {
  const key = `${kind}\0${opts.mysql ? 1 : 0}\0${sql}`;
  const cols = (t: string) => opts.columnsOf?.(t)?.join(',');
  const hit = memo.get(key) as Memo<T> | undefined;
  if (hit && hit.lookups.every(([t, c]) => cols(t) === c)) return hit.result;
  const lookups: [string, string | undefined][] = [];
  const result = run({
    ...opts,
    columnsOf: (t) => {
      const c = opts.columnsOf?.(t);
      lookups.push([t, c?.join(',')]);
      return c;
    },
  });
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, { result, lookups });
  return result;
}

export function analyzeScript(sql: string, opts: AnalyzeOptions = {}): ScriptLineage {
  return remembered('script', sql, opts, (o) => new ScriptAnalyzer(o).analyze(sql));
}

export function analyzeQuery(
  sql: string,
  opts: AnalyzeOptions = {},
): { reads: string[]; columns: { name: string; sources: ColumnSource[] }[] } {
  return remembered('query', sql, opts, (o) => new ScriptAnalyzer(o).analyzeQuery(sql));
}
