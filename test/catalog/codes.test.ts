/** Every catalog-area code used in the sources is registered once, in the area's ranges (issue 16). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_CODES } from '../../src/diagnostics/codes/catalog.js';
import { ROOT } from '../helpers.js';

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

const inRange = (code: string) => {
  const n = Number(code.slice(3));
  return (n >= 1400 && n <= 1499) || (n >= 3500 && n <= 3699);
};

describe('catalog diagnostic codes', () => {
  it('are registered, in range, with a summary and an explanation', () => {
    const used = new Set<string>();
    for (const f of [...files('src'), ...files('steps')]) {
      for (const m of readFileSync(f, 'utf8').matchAll(/['`"](ETL\d{4})\b/g))
        if (inRange(m[1])) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(CATALOG_CODES[code], code).toBeDefined();
    for (const [code, doc] of Object.entries(CATALOG_CODES)) {
      expect(inRange(code), code).toBe(true);
      expect(used.has(code), `${code} is registered but never used`).toBe(true);
      expect(doc.summary.length).toBeGreaterThan(10);
      expect(doc.explain.length).toBeGreaterThan(20);
    }
  });
});
