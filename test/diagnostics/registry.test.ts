/**
 * The code registry (issue 11): every code used in src/ and steps/ is registered, every registered
 * code is used, one code has one exit code everywhere it is thrown, and `etlctl explain` documents
 * each of them.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CodeTable } from '../../src/diagnostics/code-table.js';
import { loadRegistry, mergeTables } from '../../src/diagnostics/registry.js';
import { scanCodes } from './scan-codes.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The registry itself names codes; it is the list, not a use.
const uses = scanCodes(ROOT, ['src', 'steps'], (f) => f.startsWith('src/diagnostics/'));

describe('diagnostic code registry', () => {
  it('registers every code used in src/ and steps/', async () => {
    const registry = await loadRegistry();
    const missing = [
      ...new Set(uses.filter((u) => !registry.has(u.code)).map((u) => `${u.code} (${u.file}:${u.line})`)),
    ];
    expect(missing).toEqual([]);
  });

  it('uses every registered code', async () => {
    const registry = await loadRegistry();
    const used = new Set(uses.map((u) => u.code));
    expect([...registry.keys()].filter((c) => !used.has(c))).toEqual([]);
  });

  it('gives each code one exit code wherever it is thrown', async () => {
    const registry = await loadRegistry();
    const wrong = uses
      .filter((u) => u.exit !== undefined || u.defaultExit)
      .filter((u) => (u.exit ?? 1) !== (registry.get(u.code)?.exit ?? 1))
      .map(
        (u) =>
          `${u.code} exits ${u.exit ?? 1} at ${u.file}:${u.line}, registered ${registry.get(u.code)?.exit ?? 1}`,
      );
    expect(wrong).toEqual([]);
  });

  it('gives each code one severity at the call sites that state it', async () => {
    const registry = await loadRegistry();
    const wrong = uses
      .filter((u) => u.severity !== undefined && u.severity !== registry.get(u.code)?.severity)
      .map(
        (u) =>
          `${u.code} is ${u.severity} at ${u.file}:${u.line}, registered ${registry.get(u.code)?.severity}`,
      );
    expect(wrong).toEqual([]);
  });

  it('documents every code with a category, a summary and an explanation', async () => {
    for (const doc of (await loadRegistry()).values()) {
      expect(doc.code).toMatch(/^ETL\d{4}$/);
      expect(doc.category, doc.code).not.toBe('');
      expect(doc.summary.length, doc.code).toBeGreaterThan(5);
      expect(doc.explain.length, doc.code).toBeGreaterThan(20);
    }
  });

  it('the build ignores a table left over from an older build (its source is gone)', async () => {
    const codes = join(ROOT, 'dist/src/diagnostics/codes');
    expect(existsSync(join(codes, 'etl9-internal.js')), 'run npm run build first').toBe(true);
    const stale = join(codes, 'zz-removed-since.js');
    copyFileSync(join(codes, 'etl9-internal.js'), stale);
    try {
      const built = (await import(pathToFileURL(join(ROOT, 'dist/src/diagnostics/registry.js')).href)) as {
        loadRegistry: typeof loadRegistry;
      };
      expect((await built.loadRegistry()).get('ETL9000')?.table).toMatch(/etl9-internal\.js/);
    } finally {
      rmSync(stale);
    }
  });

  it('refuses a code registered in two tables', () => {
    const a: CodeTable = {
      ETL1001: { severity: 'error', category: 'x', summary: 'one', explain: 'first meaning' },
    };
    const b: CodeTable = {
      ETL1001: { severity: 'error', category: 'y', summary: 'two', explain: 'second meaning' },
    };
    expect(() =>
      mergeTables([
        { name: 'codes/a.ts', table: a },
        { name: 'codes/b.ts', table: b },
      ]),
    ).toThrow(/ETL1001 is registered twice: in codes\/a\.ts and codes\/b\.ts/);
  });
});
