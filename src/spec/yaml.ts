/**
 * YAML loading that keeps positions. Everything is parsed as YAML 1.2 (core schema), so an
 * unquoted `13:30` stays the string "13:30" instead of YAML 1.1's base-60 number 810.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';

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

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    this.lines = new LineCounter();
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      version: '1.2',
      schema: 'core',
      prettyErrors: false,
      uniqueKeys: true,
    });
    this.diagnostics = [];
    for (const e of this.doc.errors) {
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
    let value: unknown = undefined;
    if (this.diagnostics.length === 0) {
      try {
        value = this.doc.toJS({ maxAliasCount: 1000 });
      } catch (e) {
        this.diagnostics.push(
          diag('ETL1001', `YAML error: ${e instanceof Error ? e.message : String(e)}`, { file: path }),
        );
      }
    }
    this.value = value;
  }

  static read(path: string, displayPath = path): YamlFile {
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
