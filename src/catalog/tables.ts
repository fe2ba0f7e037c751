/**
 * The table definition files a set of pipelines uses (issue 16), found the way the compiler
 * finds them: every `.sql` value in a pipeline file, resolved against defaults.resource_base_path
 * and then the pipeline's folder. Files that are not a CREATE TABLE (SQL scripts) are skipped;
 * the compiler reports real errors in table definitions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TableDef } from '../compile/table-definition.js';
import { parseTableDefinition } from '../compile/table-definition.js';
import type { Diagnostic } from '../diagnostics.js';

export interface TableFile {
  /** Display path (relative to cwd when inside it). */
  file: string;
  text: string;
  table: TableDef;
  diagnostics: Diagnostic[];
}

const SQL_VALUE = /:\s*["']?([^\s"'#:]+\.sql)["']?\s*(?:#.*)?$/gm;

export class TableFiles {
  private readonly byPath = new Map<string, TableFile | null>();
  /** Lower-case full name → the files defining it, in discovery order. */
  readonly byName = new Map<string, TableFile[]>();

  constructor(
    private readonly cwd: string,
    private readonly resourceBase?: string,
  ) {}

  /** Parse the table definitions named in one pipeline file. */
  addPipeline(absPath: string, text: string): TableFile[] {
    const found: TableFile[] = [];
    for (const m of text.matchAll(SQL_VALUE)) {
      const value = m[1];
      const bases = [this.resourceBase, dirname(absPath)].filter((b): b is string => !!b);
      for (const base of bases) {
        const p = isAbsolute(value) ? value : resolve(base, value);
        const t = this.read(p);
        if (t !== undefined) {
          if (t) found.push(t);
          break;
        }
      }
    }
    return found;
  }

  /** undefined: no such file; null: not a table definition. */
  private read(abs: string): TableFile | null | undefined {
    if (this.byPath.has(abs)) return this.byPath.get(abs);
    if (!existsSync(abs)) return undefined;
    const text = readFileSync(abs, 'utf8');
    const file = relative(this.cwd, abs).startsWith('..') ? abs : relative(this.cwd, abs);
    const parsed = parseTableDefinition(text, file);
    const t =
      parsed.table && !parsed.table.isView
        ? { file, text, table: parsed.table, diagnostics: parsed.diagnostics }
        : null;
    this.byPath.set(abs, t);
    if (t) {
      const key = t.table.fullName.toLowerCase();
      this.byName.set(key, [...(this.byName.get(key) ?? []), t]);
    }
    return t;
  }

  all(): TableFile[] {
    return [...this.byPath.values()].filter((t): t is TableFile => !!t);
  }
}
