/** The human printer stays readable and bounded whatever the input (issue 12: 307 MB on stderr). */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { formatDiagnostic, formatDiagnostics } from '../../src/diagnostics/index.js';

const d = (line: number, column?: number, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  code: 'ETL1004',
  severity: 'error',
  message: 'bad value',
  file: 'p.yaml',
  line,
  column,
  ...extra,
});

describe('formatDiagnostics', () => {
  it('prints the line and a caret under the column', () => {
    const sources = new Map([['p.yaml', 'name: x\nsteps: 3\r\n']]);
    expect(formatDiagnostic(d(2, 8, { hint: 'use a list' }), sources)).toBe(
      ['p.yaml:2:8: error ETL1004: bad value', '  2 | steps: 3', '    |        ^', '  hint: use a list'].join(
        '\n',
      ),
    );
  });

  it('clips a long line around the column instead of printing it whole', () => {
    const line = 'x'.repeat(30_000) + 'HERE' + 'y'.repeat(25_000);
    const out = formatDiagnostic(d(1, 30_001), new Map([['p.yaml', line]]));
    const [, src, caret] = out.split('\n');
    expect(src.length).toBeLessThan(200);
    expect(src).toContain('HERE');
    expect(src).toMatch(/^ {2}1 \| …x+HEREy+…$/);
    // The caret stands under the H of HERE.
    expect(caret.indexOf('^')).toBe(src.indexOf('HERE'));
  });

  it('prints at most 50 diagnostics per file, then how many more', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `k${i}: ${'v'.repeat(500)}`).join('\n');
    const list = Array.from({ length: 1000 }, (_, i) => d(i + 1, 4));
    const out = formatDiagnostics(list, new Map([['p.yaml', text]]));
    expect(out.match(/error ETL1004/g)).toHaveLength(50);
    expect(out).toContain('… 950 more diagnostics in p.yaml (--json lists them all)');
    expect(out.length).toBeLessThan(50 * 500);
  });

  it('shortens a huge message and hint', () => {
    const out = formatDiagnostic(d(1, 1, { message: 'm'.repeat(100_000), hint: 'h'.repeat(100_000) }));
    expect(out.length).toBeLessThan(3000);
    expect(out).toContain('(99000 more characters)');
  });

  it('a 55 KB one-line file with thousands of findings prints kilobytes, not megabytes', () => {
    const text = '['.repeat(55_000);
    const list = Array.from({ length: 5000 }, (_, i) => d(1, i * 11 + 1));
    const out = formatDiagnostics(list, new Map([['p.yaml', text]]));
    expect(out.length).toBeLessThan(20_000);
  });
});
