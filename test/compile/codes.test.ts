/** The compile area's diagnostic codes: each one used is registered, and each registered one is in its ranges. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPILE_CODES } from '../../src/diagnostics/codes/compile.js';
import { ROOT } from '../helpers.js';

const inRange = (code: string) => {
  const n = Number(code.slice(3));
  return (n >= 1200 && n <= 1299) || (n >= 2100 && n <= 2199) || (n >= 3400 && n <= 3499);
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('compile-area diagnostic codes', () => {
  it('are all within ETL1200–1299, ETL2100–2199, ETL3400–3499 and fully documented', () => {
    for (const [code, doc] of Object.entries(COMPILE_CODES)) {
      expect(inRange(code), code).toBe(true);
      expect(doc.summary.length, code).toBeGreaterThan(10);
      expect(doc.explain.length, code).toBeGreaterThan(80);
    }
  });

  it('every such code used in src/ and steps/ is registered', () => {
    const used = new Set<string>();
    for (const f of [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'steps'))])
      for (const m of readFileSync(f, 'utf8').matchAll(/'(ETL\d{4})'/g)) if (inRange(m[1])) used.add(m[1]);
    expect([...used].sort()).toEqual(Object.keys(COMPILE_CODES).sort());
  });
});
