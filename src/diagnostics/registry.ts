/**
 * The code registry: every table exported by a module under codes/ (one file per area, added by
 * whoever owns the area), merged into one map. A code registered twice is an error, so two areas
 * cannot give one code two meanings. Loaded only by `etlctl explain` and the tests.
 */
import { readdirSync } from 'node:fs';
import type { CodeDoc, CodeTable } from './code-table.js';

export interface RegisteredCode extends CodeDoc {
  code: string;
  /** The table file the code is registered in (e.g. `codes/etl6-aws.js`). */
  table: string;
}

const CODE_RE = /^ETL\d{4}$/;

function isCodeTable(v: unknown): v is CodeTable {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => CODE_RE.test(k));
}

/** Table modules in codes/: .js in the build, .ts when the tests run the sources. */
function tableFiles(dir: URL): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
}

/** Merge tables; throws on a code registered twice (with both places). */
export function mergeTables(tables: { name: string; table: CodeTable }[]): Map<string, RegisteredCode> {
  const all = new Map<string, RegisteredCode>();
  for (const { name, table } of tables) {
    for (const [code, doc] of Object.entries(table)) {
      const seen = all.get(code);
      if (seen) throw new Error(`diagnostic code ${code} is registered twice: in ${seen.table} and ${name}`);
      all.set(code, { ...doc, code, table: name });
    }
  }
  return all;
}

let loaded: Promise<Map<string, RegisteredCode>> | undefined;

/** Every registered code. */
export function loadRegistry(): Promise<Map<string, RegisteredCode>> {
  loaded ??= (async () => {
    const dir = new URL('./codes/', import.meta.url);
    const tables: { name: string; table: CodeTable }[] = [];
    for (const file of tableFiles(dir)) {
      const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      for (const [exported, value] of Object.entries(mod)) {
        if (isCodeTable(value)) tables.push({ name: `codes/${file} (${exported})`, table: value });
      }
    }
    return mergeTables(tables);
  })();
  return loaded;
}
