/**
 * YAML loading that keeps positions. Everything is parsed as YAML 1.2 (core schema), so an
 * unquoted `13:30` stays the string "13:30" instead of YAML 1.1's base-60 number 810.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { checkYamlDocument, checkYamlText, firstCollectionAlias, LIMITS } from './limits.js';

export type KeyPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export class YamlFile {
  readonly path: string;
  readonly text: string;
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
  private readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  /** `bytes`: the size of the file on disk when it was too large to read (see `read`). */
  constructor(path: string, text: string, bytes = text.length) {
    this.path = path;
    this.text = text;
    this.lines = new LineCounter();
    // Size and nesting first: a file over the limits is never handed to the parser (issue 12).
    const refused = checkYamlText(text, path, bytes);
    this.doc = parseDocument(refused.length > 0 ? '' : text, {
      lineCounter: this.lines,
      version: '1.2',
      schema: 'core',
      prettyErrors: false,
      uniqueKeys: true,
    });
    this.diagnostics = refused;
    this.syntaxErrors(path);
    if (this.diagnostics.length === 0)
      this.diagnostics.push(...checkYamlDocument(this.doc, path, (o) => this.posOf(o)));
    let value: unknown = undefined;
    if (this.diagnostics.length === 0) {
      try {
        value = this.doc.toJS({ maxAliasCount: LIMITS.aliasCount });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const bomb = /alias count/i.test(message);
        this.diagnostics.push(
          diag(
            bomb ? 'ETL1303' : 'ETL1001',
            bomb ? 'aliases here expand into too many copies (an alias bomb)' : `YAML error: ${message}`,
            {
              file: path,
              ...this.posOf(bomb ? firstCollectionAlias(this.doc) : undefined),
              hint: bomb
                ? `aliases may copy at most ${LIMITS.aliasCount} collections in one file; write the values out`
                : 'fix the YAML at this line',
            },
          ),
        );
      }
    }
    this.value = value;
  }

  /** The parser's errors at their lines, at most LIMITS.yamlErrors of them, then one "N more". */
  private syntaxErrors(path: string): void {
    const errors = this.doc.errors;
    for (const e of errors.slice(0, LIMITS.yamlErrors)) {
      const pos = this.lines.linePos(e.pos[0]);
      this.diagnostics.push(
        diag('ETL1001', `YAML syntax error: ${firstLine(e.message)}`, {
          file: path,
          line: pos.line,
          column: pos.col,
          hint:
            e.code === 'DUPLICATE_KEY'
              ? 'each key may appear once in a mapping; remove or rename the duplicate'
              : 'fix the YAML syntax (indentation, quoting, a missing colon or dash)',
        }),
      );
    }
    if (errors.length > LIMITS.yamlErrors) {
      const pos = this.lines.linePos(errors[LIMITS.yamlErrors].pos[0]);
      const more = errors.length - LIMITS.yamlErrors;
      this.diagnostics.push(
        diag(
          'ETL1302',
          `${more} more YAML syntax error${more === 1 ? '' : 's'} from here on are not listed`,
          {
            file: path,
            line: pos.line,
            column: pos.col,
            hint: 'fix the errors above first: one broken line often causes many more',
          },
        ),
      );
    }
  }

  static read(path: string, displayPath = path): YamlFile {
    // A file over the limit is not read at all (a huge one would not even fit in a string).
    const size = statSync(path).size;
    if (size > LIMITS.yamlBytes) return new YamlFile(displayPath, '', size);
    return new YamlFile(displayPath, readFileSync(path, 'utf8'));
  }

  private nodeAt(path: KeyPath): { node?: Node; pair?: Pair } {
    let current: unknown = this.doc.contents;
    let pair: Pair | undefined;
    for (const key of path) {
      if (isMap(current)) {
        const found = current.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
        );
        if (!found) return { node: current as Node, pair };
        pair = found as Pair;
        current = found.value;
      } else if (isSeq(current) && typeof key === 'number') {
        current = current.items[key];
        pair = undefined;
      } else {
        return { node: current as Node | undefined, pair };
      }
    }
    return { node: current as Node | undefined, pair };
  }

  private posOf(offset: number | undefined): Position {
    if (offset === undefined) return { line: 1, column: 1 };
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  /** Position of the value at `path` (or of the nearest existing ancestor). */
  position(path: KeyPath): Position {
    const { node, pair } = this.nodeAt(path);
    const range = node?.range ?? (pair && isScalar(pair.key) ? pair.key.range : undefined);
    return this.posOf(range?.[0]);
  }

  /** Position of the key of the mapping entry at `path` (for "unknown key" errors). */
  keyPosition(path: KeyPath): Position {
    const { pair } = this.nodeAt(path);
    if (pair && isScalar(pair.key) && pair.key.range) return this.posOf(pair.key.range[0]);
    return this.position(path);
  }

  /**
   * The comment YAML cut off the plain (unquoted) scalar at `path` on its own line — `command:
   * echo a # b` is the command `echo a` — or undefined. For warnings where a `#` was likely meant
   * as part of the value (issue 18).
   */
  sameLineComment(path: KeyPath): string | undefined {
    const { node } = this.nodeAt(path);
    if (!isScalar(node) || node.type !== 'PLAIN' || !node.range) return undefined;
    const end = node.range[1];
    const eol = this.text.indexOf('\n', end);
    const rest = this.text.slice(end, eol < 0 ? undefined : eol);
    const m = /^[ \t]+#(.*)$/.exec(rest);
    return m ? m[1].replace(/\r$/, '') : undefined;
  }

  /** A diagnostic located at `path` in this file. */
  at(
    path: KeyPath,
    code: string,
    message: string,
    extra: Partial<Diagnostic> & { onKey?: boolean } = {},
  ): Diagnostic {
    const { onKey, ...rest } = extra;
    const pos = onKey ? this.keyPosition(path) : this.position(path);
    return diag(code, message, { file: this.path, line: pos.line, column: pos.column, ...rest });
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
