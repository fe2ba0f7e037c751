/**
 * The code registry: every table exported by a module under codes/ (one file per area, added by
 * whoever owns the area), merged into one map. A code registered twice is an error, so two areas
 * cannot give one code two meanings. Loaded only by `etlctl explain` and the tests.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * A built table whose source is gone is left over from an older build (tsc does not delete
 * outputs): dist/src/diagnostics/codes/x.js without src/diagnostics/codes/x.ts next to dist/.
 */
function stale(path: string): boolean {
  const m = /[\\/]dist[\\/](src[\\/]diagnostics[\\/]codes[\\/][^\\/]+)\.js$/.exec(path);
  if (!m) return false;
  const root = path.slice(0, m.index);
  return existsSync(join(root, 'src')) && !existsSync(join(root, `${m[1]}.ts`));
}

/** Table modules in codes/: .js in the build, .ts when the tests run the sources. */
function tableFiles(dir: URL): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))
    .filter((f) => !stale(fileURLToPath(new URL(f, dir))))
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
