/**
 * The Data Pipeline expression language (reference §4): parser, static typing helpers and
 * evaluator, used by the definition checker and by the local engine.
 *
 * Templates are strings with `#{…}` parts: `s3://b/#{myPrefix}/#{format(@scheduledStartTime,'YYYY-MM-dd')}`.
 * Inside `#{…}`: numbers (`1`, `1.5`), strings (`'…'` or `"…"`), paths (`table`, `input.directoryPath`,
 * `node.@scheduledStartTime`, `@scheduledStartTime`, `myParam`, `*myPassword`), calls
 * (`plusDays(@scheduledStartTime, 1)`), method calls (`@scheduledStartTime.format('YYYY')` =
 * `format(@scheduledStartTime, 'YYYY')`), `+ - * / ^` and parentheses. Integer division truncates,
 * `^` gives a Double, `+` with a string concatenates, and an operation on a list maps over it.
 *
 * ## Evaluation context (`EvalContext`)
 *
 * - `scheduledStartTime`, `scheduledEndTime`, `actualStartTime`, `actualEndTime`: the instance's
 *   `@…` times (Date, UTC). Other runtime fields (`@pipelineId`, `@status`, …) go in `runtime`
 *   keyed with their `@` (Date or string).
 * - `object`: the object whose field is being evaluated. `#{table}` reads its field; `#{id}`/`#{name}`
 *   its id and name. With `definition` given, fields are inherited (own → parent → Default) and
 *   references are followed: `#{input.directoryPath}` reads the referenced object's field, itself
 *   evaluated as a template in that object's context (same instance times).
 * - `node`, `nodeRuntime`: for SnsAlarm / preconditions, the object that triggered them and its
 *   runtime fields (`#{node.@scheduledStartTime}`, `#{node.output.directoryPath}`); `nodeRuntime`
 *   defaults to this context's times.
 * - `parameters`: parameter values by id (`myX`, `*myX`); a missing one falls back to the
 *   definition's `values`, then the parameter's `default`. Integer/Double parameters evaluate as
 *   numbers.
 * - `lookup`: alternative to `definition` for resolving references (no inheritance then).
 *
 * Times are UTC unless converted with `inTimeZone(dt, 'Area/City')`. A DateTime interpolated
 * without `format` renders as `YYYY-MM-ddTHH:mm:ss`. `format` uses Joda-Time patterns (see joda.ts).
 */
import type { Definition, FieldValue, PipelineObject } from './model.js';
import { isRef } from './model.js';
import type { Diagnostic } from '../diagnostics.js';
import { EtlError } from '../diagnostics.js';
import { inheritanceFor } from './inherit.js';
import type { ZonedTime } from './joda.js';
import {
  JodaError,
  checkZone,
  formatJoda,
  fromLocal,
  localFields,
  parsePattern,
  plusCalendar,
} from './joda.js';
import { parseDateTime, parsePeriod } from './rules/values.js';

// ───────────────────────────── AST ─────────────────────────────

export type Expr =
  | { kind: 'number'; value: number; integer: boolean; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'path'; parts: string[]; pos: number }
  | { kind: 'call'; name: string; args: Expr[]; pos: number; method: boolean }
  | { kind: 'binary'; op: '+' | '-' | '*' | '/' | '^'; left: Expr; right: Expr; pos: number }
  | { kind: 'negate'; operand: Expr; pos: number };

export type TemplatePart =
  | { kind: 'text'; text: string; start: number }
  | { kind: 'expr'; expr: Expr; source: string; start: number; end: number };

/** A parse or evaluation problem; `pos` is the 0-based character offset in the template. */
export interface ExpressionError {
  code: string;
  message: string;
  pos: number;
  hint: string;
}

export interface ParsedTemplate {
  parts: TemplatePart[];
  errors: ExpressionError[];
}

// ───────────────────────────── lexer ─────────────────────────────

type Tok =
  | { t: 'num'; v: number; integer: boolean; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'id'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

class SyntaxFail extends Error {
  constructor(
    readonly pos: number,
    message: string,
  ) {
    super(message);
  }
}

/** Tokenizes from `start` until the `}` closing the expression; returns tokens and that brace's index. */
function lex(text: string, start: number): { toks: Tok[]; close: number } {
  const toks: Tok[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '}') {
      toks.push({ t: 'end', pos: i });
      return { toks, close: i };
    } else if (c === "'" || c === '"') {
      let v = '';
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        v += text[j];
        j++;
      }
      if (j >= text.length) throw new SyntaxFail(i, `unterminated string starting with ${c}`);
      toks.push({ t: 'str', v, pos: i });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(\d*\.\d+|\d+\.\d*|\d+)/.exec(text.slice(i, i + 64));
      const s = m ? m[1] : c;
      // `1.format(...)` is not a thing; a trailing dot followed by a letter belongs to a path.
      const numText = /\.$/.test(s) && /[A-Za-z@]/.test(text[i + s.length] ?? '') ? s.slice(0, -1) : s;
      toks.push({ t: 'num', v: Number(numText), integer: !numText.includes('.'), pos: i });
      i += numText.length;
    } else if (/[A-Za-z_@]/.test(c)) {
      const m = /^@?[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 300));
      if (!m) throw new SyntaxFail(i, `expected a name after '@'`);
      toks.push({ t: 'id', v: m[0], pos: i });
      i += m[0].length;
    } else if ('+-*/^(),.'.includes(c)) {
      toks.push({ t: 'op', v: c, pos: i });
      i++;
    } else if (c === '#' && text[i + 1] === '{') {
      throw new SyntaxFail(i, `'#{' inside an expression; expressions do not nest`);
    } else {
      throw new SyntaxFail(i, `unexpected character '${c}'`);
    }
  }
  throw new SyntaxFail(start - 2, `unterminated expression: '#{' without a closing '}'`);
}

// ───────────────────────────── parser ─────────────────────────────

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private expectOp(v: string, what: string): void {
    if (!this.isOp(v))
      throw new SyntaxFail(this.peek().pos, `expected '${v}' ${what}, found ${describe(this.peek())}`);
    this.i++;
  }

  parseAll(): Expr {
    if (this.peek().t === 'end') throw new SyntaxFail(this.peek().pos, 'empty expression #{}');
    const e = this.additive();
    if (this.peek().t !== 'end') throw new SyntaxFail(this.peek().pos, `unexpected ${describe(this.peek())}`);
    return e;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next() as { v: '+' | '-'; pos: number };
      left = { kind: 'binary', op: op.v, left, right: this.multiplicative(), pos: op.pos };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.power();
    while (this.isOp('*') || this.isOp('/')) {
      const op = this.next() as { v: '*' | '/'; pos: number };
      left = { kind: 'binary', op: op.v, left, right: this.power(), pos: op.pos };
    }
    return left;
  }

  private power(): Expr {
    const base = this.unary();
    if (this.isOp('^')) {
      const pos = this.next().pos;
      return { kind: 'binary', op: '^', left: base, right: this.power(), pos };
    }
    return base;
  }

  private unary(): Expr {
    if (this.isOp('-')) {
      const pos = this.next().pos;
      return { kind: 'negate', operand: this.unary(), pos };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    while (this.isOp('.')) {
      const dot = this.next();
      const name = this.next();
      if (name.t !== 'id')
        throw new SyntaxFail(
          name.pos,
          `expected a field or function name after '.', found ${describe(name)}`,
        );
      if (this.isOp('(')) {
        const args = this.args();
        e = { kind: 'call', name: name.v, args: [e, ...args], pos: name.pos, method: true };
      } else if (e.kind === 'path') {
        e = { ...e, parts: [...e.parts, name.v] };
      } else {
        throw new SyntaxFail(dot.pos, `cannot read field '${name.v}' of a computed value`);
      }
    }
    return e;
  }

  private args(): Expr[] {
    this.expectOp('(', 'to open the argument list');
    const args: Expr[] = [];
    if (this.isOp(')')) {
      this.i++;
      return args;
    }
    for (;;) {
      args.push(this.additive());
      if (this.isOp(',')) {
        this.i++;
        continue;
      }
      this.expectOp(')', 'to close the argument list');
      return args;
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.t) {
      case 'num':
        return { kind: 'number', value: t.v, integer: t.integer, pos: t.pos };
      case 'str':
        return { kind: 'string', value: t.v, pos: t.pos };
      case 'id':
        if (this.isOp('(')) {
          if (t.v.startsWith('@')) throw new SyntaxFail(t.pos, `'${t.v}' is a runtime field, not a function`);
          return { kind: 'call', name: t.v, args: this.args(), pos: t.pos, method: false };
        }
        return { kind: 'path', parts: [t.v], pos: t.pos };
      case 'op':
        if (t.v === '(') {
          const e = this.additive();
          this.expectOp(')', 'to close the parenthesis');
          return e;
        }
        if (t.v === '*') {
          const name = this.next();
          if (name.t === 'id' && !name.v.startsWith('@') && name.pos === t.pos + 1) {
            return { kind: 'path', parts: ['*' + name.v], pos: t.pos };
          }
          throw new SyntaxFail(
            t.pos,
            `'*' must be followed directly by an encrypted parameter name (#{*myPassword})`,
          );
        }
        throw new SyntaxFail(t.pos, `unexpected '${t.v}'`);
      case 'end':
        throw new SyntaxFail(t.pos, 'expression ends too early');
    }
  }
}

function describe(t: Tok): string {
  switch (t.t) {
    case 'end':
      return "'}'";
    case 'num':
      return `number ${t.v}`;
    case 'str':
      return `string '${t.v}'`;
    case 'id':
      return `'${t.v}'`;
    case 'op':
      return `'${t.v}'`;
  }
}

/** Splits a template into text and parsed `#{…}` parts; syntax errors carry their position. */
/**
 * Templates parsed so far, by text. A definition repeats its templates on every object of a kind
 * (4,000 objects: 4,000 parses of the same few strings were ~8 % of `definition validate`), and
 * the engine evaluates the same fields for every instance. Results are shared: read only.
 */
const parsedTemplates = new Map<string, ParsedTemplate>();
const PARSED_TEMPLATES_MAX = 10_000;

export function parseTemplate(text: string): ParsedTemplate {
  let parsed = parsedTemplates.get(text);
  if (parsed === undefined) {
    // A bound, not an LRU: past it (generated text), start over rather than grow.
    if (parsedTemplates.size >= PARSED_TEMPLATES_MAX) parsedTemplates.clear();
    parsed = parseTemplateText(text);
    parsedTemplates.set(text, parsed);
  }
  return parsed;
}

function parseTemplateText(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: ExpressionError[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('#{', i);
    if (open < 0) {
      parts.push({ kind: 'text', text: text.slice(i), start: i });
      break;
    }
    if (open > i) parts.push({ kind: 'text', text: text.slice(i, open), start: i });
    try {
      const { toks, close } = lex(text, open + 2);
      const expr = new Parser(toks).parseAll();
      parts.push({ kind: 'expr', expr, source: text.slice(open + 2, close), start: open, end: close + 1 });
      i = close + 1;
    } catch (e) {
      if (!(e instanceof SyntaxFail)) throw e;
      errors.push({
        code: 'ETL4070',
        message: `expression syntax error at character ${e.pos + 1}: ${e.message}`,
        pos: e.pos,
        hint: "expressions look like #{format(@scheduledStartTime,'YYYY-MM-dd')} or #{myParameter}",
      });
      break;
    }
  }
  return { parts, errors };
}

export function hasExpression(text: string): boolean {
  return text.includes('#{');
}

/** Calls `visit` for every node, depth first. */
export function walkExpr(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  switch (e.kind) {
    case 'call':
      e.args.forEach((a) => walkExpr(a, visit));
      break;
    case 'binary':
      walkExpr(e.left, visit);
      walkExpr(e.right, visit);
      break;
    case 'negate':
      walkExpr(e.operand, visit);
      break;
  }
}

// ───────────────────────────── values and functions ─────────────────────────────

export type Value =
  | { t: 'str'; v: string }
  | { t: 'int'; v: number }
  | { t: 'dbl'; v: number }
  | { t: 'dt'; v: ZonedTime }
  | { t: 'list'; items: Value[] };

/** Static types, for the checker. `unknown` is a field or parameter whose type is not known. */
export type StaticType = 'string' | 'int' | 'double' | 'datetime' | 'unknown';
type ArgType = 'datetime' | 'int' | 'string';

class EvalFail extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly pos: number,
    readonly hint = '',
  ) {
    super(message);
  }
}

export interface FunctionSpec {
  params: readonly ArgType[];
  returns: StaticType;
  /** Documented in reference §4; false for plusPeriod. */
  documented: boolean;
  impl: (args: Value[], pos: number) => Value;
}

const dtv = (v: ZonedTime): Value => ({ t: 'dt', v });
const intv = (v: number): Value => ({ t: 'int', v });

function asDate(v: Value, pos: number): ZonedTime {
  if (v.t === 'dt') return v.v;
  if (v.t === 'str') {
    const d = parseDateTime(v.v.replace(/(\.\d+)?(Z|z)$/, ''));
    if (d) return { ms: d.getTime(), zone: 'UTC' };
  }
  throw new EvalFail('ETL4073', `expected a DateTime, got ${renderValue(v)}`, pos);
}

function asInt(v: Value, pos: number): number {
  if (v.t === 'int') return v.v;
  if (v.t === 'dbl' && Number.isInteger(v.v)) return v.v;
  if (v.t === 'str' && /^\s*[-+]?\d+\s*$/.test(v.v)) return Number(v.v);
  throw new EvalFail('ETL4073', `expected an integer, got ${renderValue(v)}`, pos);
}

function asString(v: Value): string {
  return renderValue(v);
}

function plusFn(unit: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year', sign: 1 | -1): FunctionSpec {
  return {
    params: ['datetime', 'int'],
    returns: 'datetime',
    documented: true,
    impl: ([d, n], pos) => {
      const t = asDate(d, pos);
      const k = sign * asInt(n, pos);
      if (unit === 'minute') return dtv({ ms: t.ms + k * 60_000, zone: t.zone });
      if (unit === 'hour') return dtv({ ms: t.ms + k * 3_600_000, zone: t.zone });
      return dtv(plusCalendar(t, unit, k));
    },
  };
}

function fieldFn(get: (f: ReturnType<typeof localFields>) => number): FunctionSpec {
  return {
    params: ['datetime'],
    returns: 'int',
    documented: true,
    impl: ([d], pos) => intv(get(localFields(asDate(d, pos)))),
  };
}

function withJoda<T>(pos: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JodaError)
      throw new EvalFail(
        'ETL4088',
        e.message,
        pos,
        'see the Joda-Time DateTimeFormat letters in reference §4',
      );
    throw e;
  }
}

/** The function table of reference §4 (plus `inTimeZone` and the undocumented `plusPeriod`). */
const FUNCTION_TABLE: Record<string, FunctionSpec> = {
  format: {
    params: ['datetime', 'string'],
    returns: 'string',
    documented: true,
    impl: ([d, p], pos) => ({ t: 'str', v: withJoda(pos, () => formatJoda(asDate(d, pos), asString(p))) }),
  },
  inTimeZone: {
    params: ['datetime', 'string'],
    returns: 'datetime',
    documented: true,
    impl: ([d, z], pos) => {
      const zone = asString(z);
      withJoda(pos, () => checkZone(zone));
      return dtv({ ms: asDate(d, pos).ms, zone });
    },
  },
  makeDate: {
    params: ['int', 'int', 'int'],
    returns: 'datetime',
    documented: true,
    impl: ([y, m, d], pos) => dtv(fromLocal('UTC', asInt(y, pos), asInt(m, pos), asInt(d, pos))),
  },
  makeDateTime: {
    params: ['int', 'int', 'int', 'int', 'int'],
    returns: 'datetime',
    documented: true,
    impl: ([y, m, d, h, mi], pos) =>
      dtv(fromLocal('UTC', asInt(y, pos), asInt(m, pos), asInt(d, pos), asInt(h, pos), asInt(mi, pos))),
  },
  day: fieldFn((f) => f.day),
  dayOfYear: fieldFn((f) => f.dayOfYear),
  hour: fieldFn((f) => f.hour),
  minute: fieldFn((f) => f.minute),
  month: fieldFn((f) => f.month),
  year: fieldFn((f) => f.year),
  firstOfMonth: {
    params: ['datetime'],
    returns: 'datetime',
    documented: true,
    impl: ([d], pos) => {
      const t = asDate(d, pos);
      const f = localFields(t);
      return dtv(fromLocal(t.zone, f.year, f.month, 1, f.hour, f.minute, f.second, f.millis));
    },
  },
  midnight: {
    params: ['datetime'],
    returns: 'datetime',
    documented: true,
    impl: ([d], pos) => {
      const t = asDate(d, pos);
      const f = localFields(t);
      return dtv(fromLocal(t.zone, f.year, f.month, f.day));
    },
  },
  sunday: {
    params: ['datetime'],
    returns: 'datetime',
    documented: true,
    impl: ([d], pos) => {
      const t = asDate(d, pos);
      return dtv(plusCalendar(t, 'day', -(localFields(t).dayOfWeek % 7)));
    },
  },
  yesterday: {
    params: ['datetime'],
    returns: 'datetime',
    documented: true,
    impl: ([d], pos) => dtv(plusCalendar(asDate(d, pos), 'day', -1)),
  },
  plusMinutes: plusFn('minute', 1),
  plusHours: plusFn('hour', 1),
  plusDays: plusFn('day', 1),
  plusWeeks: plusFn('week', 1),
  plusMonths: plusFn('month', 1),
  plusYears: plusFn('year', 1),
  minusMinutes: plusFn('minute', -1),
  minusHours: plusFn('hour', -1),
  minusDays: plusFn('day', -1),
  minusWeeks: plusFn('week', -1),
  minusMonths: plusFn('month', -1),
  minusYears: plusFn('year', -1),
  plusPeriod: {
    params: ['datetime', 'string'],
    returns: 'datetime',
    documented: false,
    impl: ([d, p], pos) => {
      const t = asDate(d, pos);
      const period = parsePeriod(asString(p));
      if (!period) throw new EvalFail('ETL4073', `'${asString(p)}' is not a period such as '1 day'`, pos);
      if (period.unit === 'minute') return dtv({ ms: t.ms + period.count * 60_000, zone: t.zone });
      if (period.unit === 'hour') return dtv({ ms: t.ms + period.count * 3_600_000, zone: t.zone });
      return dtv(plusCalendar(t, period.unit, period.count));
    },
  },
};

export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.assign(
  Object.create(null) as Record<string, FunctionSpec>,
  FUNCTION_TABLE,
);

/** Java's Double.toString for the common range: `4.0`, `0.5`. */
function renderDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return v.toFixed(1);
  return String(v);
}

export function renderValue(v: Value): string {
  switch (v.t) {
    case 'str':
      return v.v;
    case 'int':
      return String(v.v);
    case 'dbl':
      return renderDouble(v.v);
    case 'dt':
      return formatJoda(v.v, "yyyy-MM-dd'T'HH:mm:ss");
    case 'list':
      return v.items.map(renderValue).join(',');
  }
}

// ───────────────────────────── static typing (checker) ─────────────────────────────

const TIME_RUNTIME = new Set([
  '@scheduledStartTime',
  '@scheduledEndTime',
  '@actualStartTime',
  '@actualEndTime',
  '@finishedTime',
  '@firstActivationTime',
  '@creationTime',
  '@latestRunTime',
  '@latestCompletedRunTime',
  '@nextRunTime',
  '@lastDeactivatedTime',
  '@healthStatusUpdatedTime',
]);

export function staticType(e: Expr): StaticType {
  switch (e.kind) {
    case 'number':
      return e.integer ? 'int' : 'double';
    case 'string':
      return 'string';
    case 'path': {
      const last = e.parts[e.parts.length - 1];
      return TIME_RUNTIME.has(last) ? 'datetime' : 'unknown';
    }
    case 'call':
      return FUNCTIONS[e.name]?.returns ?? 'unknown';
    case 'negate':
      return staticType(e.operand);
    case 'binary': {
      const l = staticType(e.left);
      const r = staticType(e.right);
      if (e.op === '^') return 'double';
      if (e.op === '+' && (l === 'string' || r === 'string')) return 'string';
      if ((l === 'int' || l === 'double') && (r === 'int' || r === 'double')) {
        return l === 'int' && r === 'int' ? 'int' : 'double';
      }
      return 'unknown';
    }
  }
}

/** Static problems of one expression: unknown functions, arity, argument types, bad literal patterns/zones. */
export function checkCalls(e: Expr): ExpressionError[] {
  const out: ExpressionError[] = [];
  walkExpr(e, (n) => {
    if (n.kind === 'call') {
      const fn = FUNCTIONS[n.name];
      if (!fn) {
        out.push({
          code: 'ETL4071',
          message: `unknown function '${n.name}'`,
          pos: n.pos,
          hint: `known functions: ${Object.keys(FUNCTIONS)
            .filter((k) => FUNCTIONS[k].documented)
            .join(', ')}`,
        });
        return;
      }
      if (n.args.length !== fn.params.length) {
        out.push({
          code: 'ETL4072',
          message: `${n.name} takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'}, got ${n.args.length}${n.method ? ' (counting the value before the dot)' : ''}`,
          pos: n.pos,
          hint: `call it as ${n.name}(${fn.params.join(', ')})`,
        });
        return;
      }
      n.args.forEach((a, i) => {
        const want = fn.params[i];
        const got = staticType(a);
        if (got === 'unknown' || got === want) return;
        out.push({
          code: 'ETL4073',
          message: `argument ${i + 1} of ${n.name} must be ${want === 'int' ? 'an integer' : `a ${want}`}, got ${got === 'int' ? 'an integer' : `a ${got}`}`,
          pos: a.pos,
          hint:
            want === 'datetime'
              ? 'use @scheduledStartTime, makeDate(…) or a DateTime parameter'
              : `pass a ${want}`,
        });
      });
      const lit = n.args[1];
      if (lit?.kind === 'string') {
        try {
          if (n.name === 'format') parsePattern(lit.value);
          if (n.name === 'inTimeZone') checkZone(lit.value);
        } catch (err) {
          if (err instanceof JodaError) {
            out.push({
              code: 'ETL4088',
              message: err.message,
              pos: lit.pos,
              hint: "Joda-Time letters: yyyy MM dd HH mm ss, E, a; quote literals with '…'",
            });
          }
        }
      }
    }
  });
  return out;
}

// ───────────────────────────── evaluator ─────────────────────────────

export type RuntimeFields = Record<string, Date | string | undefined>;

export interface EvalContext {
  scheduledStartTime?: Date;
  scheduledEndTime?: Date;
  actualStartTime?: Date;
  actualEndTime?: Date;
  /** Further runtime fields, keyed with their `@` (`@pipelineId`, `@status`). */
  runtime?: RuntimeFields;
  /** The object whose field is evaluated. */
  object?: PipelineObject;
  /** Enables inheritance, reference following, and parameter values/defaults from the definition. */
  definition?: Definition;
  /** Resolves references when no `definition` is given. */
  lookup?: (id: string) => PipelineObject | undefined;
  /** For SnsAlarm and preconditions: the object that triggered them. */
  node?: PipelineObject;
  nodeRuntime?: RuntimeFields;
  /** Parameter values by id (with `*` for encrypted ones); override the definition's values. */
  parameters?: Record<string, string | string[]>;
}

interface Scope {
  object?: PipelineObject;
  runtime: RuntimeFields;
  depth: number;
}

const MAX_DEPTH = 16;

/** Overlay runtime fields; an undefined value does not hide one that is set. */
function merge(base: RuntimeFields, over: RuntimeFields | undefined): RuntimeFields {
  const out: RuntimeFields = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

class Evaluator {
  constructor(private readonly ctx: EvalContext) {}

  private baseRuntime(): RuntimeFields {
    const c = this.ctx;
    return merge(
      {
        '@scheduledStartTime': c.scheduledStartTime,
        '@scheduledEndTime': c.scheduledEndTime,
        '@actualStartTime': c.actualStartTime,
        '@actualEndTime': c.actualEndTime,
      },
      c.runtime,
    );
  }

  rootScope(): Scope {
    return { object: this.ctx.object, runtime: this.baseRuntime(), depth: 0 };
  }

  private nodeScope(depth: number): Scope {
    return { object: this.ctx.node, runtime: merge(this.baseRuntime(), this.ctx.nodeRuntime), depth };
  }

  private lookup(id: string): PipelineObject | undefined {
    if (this.ctx.definition) return inheritanceFor(this.ctx.definition).byId.get(id);
    return this.ctx.lookup?.(id);
  }

  /** Own field first (the object may be an engine-side copy), then inherited through the definition. */
  private fieldOf(obj: PipelineObject, key: string): FieldValue | undefined {
    if (Object.hasOwn(obj.fields, key)) return obj.fields[key];
    if (this.ctx.definition) {
      const inh = inheritanceFor(this.ctx.definition);
      const base = inh.byId.get(obj.id);
      if (base) return inh.field(base, key);
    }
    return undefined;
  }

  private parameter(id: string): Value | undefined {
    const def = this.ctx.definition;
    const own = <T>(r: Record<string, T> | undefined): T | undefined =>
      r && Object.hasOwn(r, id) ? r[id] : undefined;
    let raw: string | string[] | undefined = own(this.ctx.parameters) ?? own(def?.values);
    const decl = def?.parameters.find((p) => p.id === id);
    if (raw === undefined && decl && Object.hasOwn(decl.attributes, 'default')) raw = decl.attributes.default;
    if (raw === undefined) return undefined;
    const type = decl?.attributes.type;
    const one = (s: string): Value => {
      if (type === 'Integer' && /^\s*[-+]?\d+\s*$/.test(s)) return intv(Number(s));
      if (type === 'Double' && s.trim() !== '' && !Number.isNaN(Number(s))) return { t: 'dbl', v: Number(s) };
      return { t: 'str', v: s };
    };
    return Array.isArray(raw) ? { t: 'list', items: raw.map(one) } : one(raw);
  }

  template(text: string, scope: Scope): Value {
    const parsed = parseTemplate(text);
    if (parsed.errors.length > 0) {
      const e = parsed.errors[0];
      throw new EvalFail(e.code, e.message, e.pos, e.hint);
    }
    if (parsed.parts.length === 1 && parsed.parts[0].kind === 'expr') {
      return this.expr(parsed.parts[0].expr, scope);
    }
    let pieces: string[] = [''];
    for (const part of parsed.parts) {
      const v: Value = part.kind === 'text' ? { t: 'str', v: part.text } : this.expr(part.expr, scope);
      const strings = v.t === 'list' ? v.items.map(renderValue) : [renderValue(v)];
      pieces = pieces.flatMap((p) => strings.map((s) => p + s));
    }
    return pieces.length === 1
      ? { t: 'str', v: pieces[0] }
      : { t: 'list', items: pieces.map((v) => ({ t: 'str', v })) };
  }

  private fieldValue(owner: PipelineObject, v: FieldValue, scope: Scope): Value {
    const one = (s: string | { ref: string }): Value => {
      if (isRef(s)) return { t: 'str', v: s.ref };
      return this.template(s, { object: owner, runtime: scope.runtime, depth: scope.depth + 1 });
    };
    if (scope.depth >= MAX_DEPTH)
      throw new EvalFail('ETL4089', `fields refer to each other in a loop (via '${owner.id}')`, 0);
    return Array.isArray(v) ? { t: 'list', items: v.map(one) } : one(v);
  }

  private path(e: Extract<Expr, { kind: 'path' }>, scope: Scope): Value {
    const [first, ...rest] = e.parts;
    let cur: PipelineObject | undefined;
    let curScope = scope;
    let viaReference = false;
    if (first === 'node') {
      if (!this.ctx.node)
        throw new EvalFail('ETL4074', "'node' is only available in SnsAlarm and precondition objects", e.pos);
      curScope = this.nodeScope(scope.depth);
      cur = this.ctx.node;
      if (rest.length === 0) return { t: 'str', v: cur.id };
    } else {
      const v = this.firstPart(first, scope, e.pos);
      if (rest.length === 0) return v.value;
      if (!v.object)
        throw new EvalFail(
          'ETL4081',
          `'${first}' is not a reference, so '${e.parts.join('.')}' cannot be read`,
          e.pos,
        );
      cur = v.object;
      viaReference = true;
    }
    for (let i = 0; i < rest.length; i++) {
      const name = rest[i];
      const last = i === rest.length - 1;
      if (name.startsWith('@')) {
        if (name === '@id') return { t: 'str', v: cur.id };
        if (viaReference) {
          throw new EvalFail(
            'ETL4082',
            `runtime field '${name}' cannot be read through another object`,
            e.pos,
          );
        }
        const r = curScope.runtime[name];
        if (r === undefined) throw new EvalFail('ETL4089', `no value for ${name} in this context`, e.pos);
        if (!last) throw new EvalFail('ETL4081', `cannot read fields of runtime value '${name}'`, e.pos);
        return r instanceof Date ? dtv({ ms: r.getTime(), zone: 'UTC' }) : { t: 'str', v: r };
      }
      if (name === 'id' || name === 'name') {
        if (!last) throw new EvalFail('ETL4081', `'${name}' is not a reference`, e.pos);
        return { t: 'str', v: name === 'id' ? cur.id : cur.name };
      }
      const fv = this.fieldOf(cur, name);
      if (fv === undefined) throw new EvalFail('ETL4081', `object '${cur.id}' has no field '${name}'`, e.pos);
      if (last) return this.fieldValue(cur, fv, curScope);
      const first1 = Array.isArray(fv) ? fv[0] : fv;
      if (first1 === undefined || !isRef(first1)) {
        throw new EvalFail('ETL4081', `field '${name}' of '${cur.id}' is not a reference`, e.pos);
      }
      const next = this.lookup(first1.ref);
      if (!next) throw new EvalFail('ETL4081', `reference '${first1.ref}' does not resolve`, e.pos);
      cur = next;
      viaReference = true;
    }
    return { t: 'str', v: cur.id };
  }

  private firstPart(name: string, scope: Scope, pos: number): { value: Value; object?: PipelineObject } {
    const obj = scope.object;
    if (name.startsWith('@')) {
      if (name === '@id' && obj) return { value: { t: 'str', v: obj.id } };
      const r = scope.runtime[name];
      if (r === undefined) throw new EvalFail('ETL4089', `no value for ${name} in this context`, pos);
      return { value: r instanceof Date ? dtv({ ms: r.getTime(), zone: 'UTC' }) : { t: 'str', v: r } };
    }
    if (obj && (name === 'id' || name === 'name'))
      return { value: { t: 'str', v: name === 'id' ? obj.id : obj.name } };
    // Parameters are substituted before anything else, so they win over a same-named user field.
    const isParamName = /^\*?my/.test(name);
    const param = isParamName ? this.parameter(name) : undefined;
    if (param !== undefined) return { value: param };
    const fv = obj ? this.fieldOf(obj, name) : undefined;
    if (fv !== undefined && obj) {
      const first = Array.isArray(fv) ? fv[0] : fv;
      const target = first !== undefined && isRef(first) ? this.lookup(first.ref) : undefined;
      return { value: this.fieldValue(obj, fv, scope), object: target };
    }
    if (isParamName) {
      throw new EvalFail(
        'ETL4075',
        `no value for parameter '${name}'`,
        pos,
        'declare it under parameters and give it a value or default',
      );
    }
    throw new EvalFail(
      'ETL4081',
      obj ? `object '${obj.id}' has no field '${name}'` : `no object to read field '${name}' from`,
      pos,
    );
  }

  expr(e: Expr, scope: Scope): Value {
    switch (e.kind) {
      case 'number':
        return e.integer ? intv(e.value) : { t: 'dbl', v: e.value };
      case 'string':
        return { t: 'str', v: e.value };
      case 'path':
        return this.path(e, scope);
      case 'negate':
        return this.arith('-', intv(0), this.expr(e.operand, scope), e.pos);
      case 'binary':
        return this.arith(e.op, this.expr(e.left, scope), this.expr(e.right, scope), e.pos);
      case 'call': {
        const fn = FUNCTIONS[e.name];
        if (!fn) throw new EvalFail('ETL4071', `unknown function '${e.name}'`, e.pos);
        if (e.args.length !== fn.params.length) {
          throw new EvalFail(
            'ETL4072',
            `${e.name} takes ${fn.params.length} arguments, got ${e.args.length}`,
            e.pos,
          );
        }
        const args = e.args.map((a) => this.expr(a, scope));
        const listIdx = args.findIndex((a) => a.t === 'list');
        if (listIdx >= 0) {
          const list = args[listIdx] as { t: 'list'; items: Value[] };
          return {
            t: 'list',
            items: list.items.map((item) =>
              fn.impl(
                args.map((a, i) => (i === listIdx ? item : a)),
                e.pos,
              ),
            ),
          };
        }
        return fn.impl(args, e.pos);
      }
    }
  }

  private arith(op: string, l: Value, r: Value, pos: number): Value {
    if (l.t === 'list') return { t: 'list', items: l.items.map((x) => this.arith(op, x, r, pos)) };
    if (r.t === 'list') return { t: 'list', items: r.items.map((x) => this.arith(op, l, x, pos)) };
    if (op === '+' && (l.t === 'str' || r.t === 'str' || l.t === 'dt' || r.t === 'dt')) {
      return { t: 'str', v: renderValue(l) + renderValue(r) };
    }
    const ln = numeric(l, pos);
    const rn = numeric(r, pos);
    if (op === '^') return { t: 'dbl', v: Math.pow(ln.v, rn.v) };
    const integer = ln.t === 'int' && rn.t === 'int';
    let v: number;
    switch (op) {
      case '+':
        v = ln.v + rn.v;
        break;
      case '-':
        v = ln.v - rn.v;
        break;
      case '*':
        v = ln.v * rn.v;
        break;
      default:
        if (integer && rn.v === 0) throw new EvalFail('ETL4089', 'division by zero', pos);
        v = integer ? Math.trunc(ln.v / rn.v) : ln.v / rn.v;
    }
    return integer ? intv(v) : { t: 'dbl', v };
  }
}

function numeric(v: Value, pos: number): { t: 'int' | 'dbl'; v: number } {
  if (v.t === 'int' || v.t === 'dbl') return v;
  if (v.t === 'str') {
    const s = v.v.trim();
    if (/^[-+]?\d+$/.test(s)) return { t: 'int', v: Number(s) };
    if (s !== '' && !Number.isNaN(Number(s))) return { t: 'dbl', v: Number(s) };
  }
  throw new EvalFail('ETL4073', `expected a number, got '${renderValue(v)}'`, pos);
}

function toDiagnostic(e: EvalFail | ExpressionError, text: string, ctx: EvalContext): Diagnostic {
  const d: Diagnostic = {
    code: e.code,
    severity: 'error',
    message: `${e.message} (in '${text.length > 120 ? text.slice(0, 117) + '...' : text}')`,
    hint: e.hint || 'check the expression against reference §4',
  };
  if (ctx.object) d.objectId = ctx.object.id;
  return d;
}

/** Evaluates to a Value (a list when a list parameter or list field is involved), or diagnostics. */
export function tryEvaluate(text: string, ctx: EvalContext): { value?: Value; diagnostics: Diagnostic[] } {
  const ev = new Evaluator(ctx);
  try {
    return { value: ev.template(text, ev.rootScope()), diagnostics: [] };
  } catch (e) {
    if (e instanceof EvalFail) return { diagnostics: [toDiagnostic(e, text, ctx)] };
    if (e instanceof JodaError) {
      return { diagnostics: [toDiagnostic(new EvalFail('ETL4088', e.message, 0), text, ctx)] };
    }
    if (e instanceof RangeError) {
      return { diagnostics: [toDiagnostic(new EvalFail('ETL4089', e.message, 0), text, ctx)] };
    }
    throw e;
  }
}

/** Evaluates a template to one string (list results joined with ','); throws EtlError (ETL40xx). */
export function evaluateTemplate(text: string, ctx: EvalContext = {}): string {
  const r = tryEvaluate(text, ctx);
  if (!r.value) throw new EtlError(r.diagnostics);
  return renderValue(r.value);
}

/** Like evaluateTemplate, but a list-valued result (`#{'x' + myList}`) gives one string per item. */
export function evaluateTemplateList(text: string, ctx: EvalContext = {}): string[] {
  const r = tryEvaluate(text, ctx);
  if (!r.value) throw new EtlError(r.diagnostics);
  return r.value.t === 'list' ? r.value.items.map(renderValue) : [renderValue(r.value)];
}

/** Evaluates every string of a field value (lists flatten, references stay references). */
export function evaluateField(value: FieldValue, ctx: EvalContext): FieldValue {
  const one = (s: string | { ref: string }): (string | { ref: string })[] =>
    isRef(s) ? [s] : evaluateTemplateList(s, ctx);
  if (Array.isArray(value)) return value.flatMap(one);
  const r = one(value);
  return r.length === 1 ? r[0] : r;
}
