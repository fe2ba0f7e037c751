/**
 * A linear, non-recursive scan of definition JSON text, run before JSON.parse (issue 12): it
 * finds the position of a syntax error itself (Node 20's "Unexpected token" messages name none),
 * refuses nesting deeper than LIMITS.depth at its position (JSON.parse would overflow the stack
 * on the result's users), and records where each entry of the top-level object lists starts, so
 * findings about an object without a usable id still get a line.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/index.js';
import { diag } from '../diagnostics/index.js';
import { LIMITS } from '../spec/limits.js';
import { lineLocator } from '../spec/line-index.js';
import { objectLineIndex } from './json-lines.js';

export interface JsonScan {
  /** A syntax error: offset and what was expected. */
  error?: { offset: number; message: string };
  /** Offset where nesting first went past the limit. */
  tooDeep?: number;
  /** Start offsets of the entries of top-level lists, by key (`objects`, `pipelineObjects`, …). */
  entries: Map<string, number[]>;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

type Frame = { kind: 'object' | 'array'; key?: string; state: 'start' | 'key' | 'colon' | 'value' | 'comma' };

/** Reads a string at `i` (which is a quote); returns the offset after it, or an error. */
function scanString(text: string, i: number): number | { offset: number; message: string } {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    // Control characters are not allowed inside a string.
    if (c < 0x20) return { offset: j, message: 'control character in a string' };
    if (c !== 0x5c) continue;
    const e = text[j + 1];
    if (e === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6)))
        return { offset: j, message: 'bad \\u escape in a string' };
      j += 5;
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) j++;
    else return { offset: j, message: 'bad escape in a string' };
  }
  return { offset: text.length, message: 'unterminated string' };
}

/** Scan `text`; stops at the first syntax error or at the depth limit. */
export function scanJson(text: string, maxDepth: number = LIMITS.depth): JsonScan {
  const entries = new Map<string, number[]>();
  const stack: Frame[] = [];
  let i = 0;
  let done = false;
  const fail = (offset: number, message: string): JsonScan => ({ error: { offset, message }, entries });
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  // After a value: the enclosing frame expects a comma or its end.
  const valueDone = () => {
    const top = stack[stack.length - 1];
    if (top) top.state = 'comma';
    else done = true;
  };
  for (;;) {
    skip();
    if (i >= text.length) {
      if (done) return { entries };
      return fail(text.length, 'unexpected end of the text');
    }
    if (done) return fail(i, 'unexpected text after the end of the JSON value');
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top?.kind === 'object' && (top.state === 'start' || top.state === 'key')) {
      if (c === '}' && top.state === 'start') {
        stack.pop();
        i++;
        valueDone();
        continue;
      }
      if (c !== '"') return fail(i, 'expected a "key" in double quotes');
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.message);
      top.key = stack.length === 1 ? text.slice(i + 1, end - 1) : undefined;
      top.state = 'colon';
      i = end;
      continue;
    }
    if (top?.kind === 'object' && top.state === 'colon') {
      if (c !== ':') return fail(i, "expected ':' after the key");
      top.state = 'value';
      i++;
      continue;
    }
    if (top?.state === 'comma') {
      if (c === ',') {
        top.state = top.kind === 'object' ? 'key' : 'value';
        i++;
        continue;
      }
      if (c === (top.kind === 'object' ? '}' : ']')) {
        stack.pop();
        i++;
        valueDone();
        continue;
      }
      return fail(i, `expected ',' or '${top.kind === 'object' ? '}' : ']'}'`);
    }
    if (top?.kind === 'array' && top.state === 'start' && c === ']') {
      stack.pop();
      i++;
      valueDone();
      continue;
    }
    // A value is expected here.
    if (top?.kind === 'array' && stack.length === 2 && stack[0].key !== undefined) {
      const list = entries.get(stack[0].key) ?? [];
      list.push(i);
      entries.set(stack[0].key, list);
    }
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return { tooDeep: i, entries };
      stack.push({ kind: c === '{' ? 'object' : 'array', state: 'start' });
      i++;
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (typeof end !== 'number') return fail(end.offset, end.message);
      i = end;
      valueDone();
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num && num[0].length > 0) {
      i += num[0].length;
      valueDone();
      continue;
    }
    const lit = LITERALS.find((l) => text.startsWith(l, i));
    if (lit) {
      i += lit.length;
      valueDone();
      continue;
    }
    return fail(i, `unexpected ${JSON.stringify(c)}: expected a value`);
  }
}

export interface ParsedJson {
  json?: unknown;
  diagnostics: Diagnostic[];
  scan?: JsonScan;
  /** Line and column of an offset in the text. */
  at: (offset: number) => { line: number; column: number };
}

/**
 * Definition JSON text → value, or the diagnostic that says why not, at its line and column.
 * `codes.syntax` is the caller's "not valid JSON" code (ETL4001 for the checker, ETL5004 for drawing).
 */
export function parseDefinitionText(text: string, file: string, codes: { syntax: string }): ParsedJson {
  const hint = 'definition files are strict JSON (no comments, no trailing commas)';
  const at = lineLocator(text);
  if (text.length > LIMITS.jsonBytes) return { diagnostics: [tooLarge(file, text.length)], at };
  const scan = scanJson(text);
  if (scan.error) {
    return {
      diagnostics: [
        diag(codes.syntax, `not valid JSON: ${scan.error.message}`, { file, ...at(scan.error.offset), hint }),
      ],
      at,
    };
  }
  if (scan.tooDeep !== undefined) {
    return {
      diagnostics: [
        diag('ETL4101', `the value here is nested more than ${LIMITS.depth} levels deep`, {
          file,
          ...at(scan.tooDeep),
          hint: 'a definition is objects → object → field → list or {"ref"}: flatten the value',
        }),
      ],
      at,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // The scan accepts only what JSON.parse accepts; kept in case they ever disagree.
    const message = e instanceof Error ? e.message : String(e);
    return {
      diagnostics: [diag(codes.syntax, `not valid JSON: ${message}`, { file, line: 1, column: 1, hint })],
      at,
    };
  }
  const count = Math.max(
    scan.entries.get('objects')?.length ?? 0,
    scan.entries.get('pipelineObjects')?.length ?? 0,
  );
  if (count > LIMITS.objects) {
    const key = (scan.entries.get('objects')?.length ?? 0) === count ? 'objects' : 'pipelineObjects';
    return {
      diagnostics: [
        diag(
          'ETL4102',
          `the definition has ${count.toLocaleString('en-US')} objects, more than the ${LIMITS.objects.toLocaleString('en-US')} etlctl checks`,
          {
            file,
            ...at(scan.entries.get(key)?.[LIMITS.objects] ?? 0),
            hint: 'split the pipeline (AWS allows 100 objects by default)',
          },
        ),
      ],
      scan,
      at,
    };
  }
  return { json, diagnostics: [], scan, at };
}

export function tooLarge(file: string, bytes: number): Diagnostic {
  const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;
  return diag('ETL4100', `the file has ${mib(bytes)}, more than the ${mib(LIMITS.jsonBytes)} etlctl reads`, {
    file,
    line: 1,
    column: 1,
    hint: 'split the pipeline: AWS accepts far smaller definitions',
  });
}

/** The position of the n-th entry of a top-level list (for findings about entries without an id). */
export function entryPosition(
  parsed: ParsedJson,
  key: string,
  index: number,
): { line: number; column: number } | undefined {
  const offset = parsed.scan?.entries.get(key)?.[index];
  return offset === undefined ? undefined : parsed.at(offset);
}

const ENTRY_REF = /\b(objects|pipelineObjects|parameters|parameterObjects|parameterValues)\[(\d+)\]/;

/**
 * Findings of the raw-JSON checks name an entry by its index in the message (`objects[3] …`)
 * when it has no usable id; this gives them that entry's line. Other findings without a position
 * are about the whole file and get its first line, so every finding has a location.
 */
export function locateFindings(
  list: Diagnostic[],
  parsed: ParsedJson,
  file: string,
  text?: string,
): Diagnostic[] {
  const lineOf = text === undefined ? undefined : objectLineIndex(text);
  return list.map((d) => {
    if (d.line !== undefined) return d;
    const own = d.objectId !== undefined ? lineOf?.(d.objectId) : undefined;
    if (own) return { ...d, file: d.file ?? file, ...own };
    const m = ENTRY_REF.exec(d.message);
    const pos =
      (m && entryPosition(parsed, m[1], Number(m[2]))) ||
      (d.objectId === undefined ? { line: 1, column: 1 } : undefined);
    return pos ? { ...d, file: d.file ?? file, ...pos } : d;
  });
}

/** The text of a file, or its size when it is over the limit (and so not read). */
export function readWithin(
  path: string,
  limit: number = LIMITS.jsonBytes,
): { text: string } | { bytes: number } {
  const size = statSync(path).size;
  return size > limit ? { bytes: size } : { text: readFileSync(path, 'utf8') };
}
