/**
 * Smoke run of the benchmark suite (`node bench/run.mjs --smoke`): every scenario at tiny sizes,
 * one repetition, so the bench code cannot rot. Needs the built CLI (the global setup builds it); runs in `npm run test:all` and CI, not in `npm test`.
 * The data scenarios skip themselves when the database servers are down, and baselines whose
 * tools are missing (pgloader) are left out; timings are not asserted, only that every scenario
 * ran, produced samples and, for etlctl's data runs, the right rows.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

interface Sample {
  ms: number;
  peakRssMb?: number;
}
interface ScenarioResult {
  skipped?: string;
  error?: string;
  rows?: { scenario: string; value: number }[];
  samples?: Record<string, Sample[]>;
  details?: { checks?: { who: string; ok: boolean }[] };
}
interface Results {
  machine: { cpus: number };
  versions: { node: string; etlctl: string };
  scenarios: Record<string, ScenarioResult>;
  table: string;
}

/** The scenario list bench/run.mjs runs (one list for both). */
const SCENARIOS = JSON.parse(readFileSync(join(ROOT, 'bench/lib/scenarios.json'), 'utf8')) as {
  all: string[];
  data: string[];
};

const dir = tempDir('etlctl-bench-smoke-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('benchmark suite (smoke)', () => {
  it('runs every scenario at tiny sizes and writes the table and the samples', () => {
    const out = join(dir, 'results.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'bench/run.mjs'), '--smoke', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.stderr, r.stderr).not.toMatch(/FAILED/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '| Scenario | Measurement | etlctl (median) | Baseline (median) | Ratio | CPU etlctl / baseline |',
    );

    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.versions.node).toBe(process.version);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(Object.keys(results.scenarios)).toEqual(SCENARIOS.all);
    for (const [name, s] of Object.entries(results.scenarios)) {
      if (s.skipped) {
        expect(SCENARIOS.data).toContain(name);
        continue;
      }
      expect(s.error, name).toBeUndefined();
      expect(s.rows!.length, name).toBeGreaterThan(0);
      for (const samples of Object.values(s.samples!))
        for (const sample of samples) expect(sample.ms, name).toBeGreaterThan(0);
      for (const row of s.rows!) expect(results.table).toContain(`| ${row.scenario} |`);
    }
    const copy = results.scenarios.copy;
    if (!copy.skipped) {
      expect(copy.details!.checks!.filter((c) => c.who === 'etlctl').every((c) => c.ok)).toBe(true);
      expect(
        copy.samples![Object.keys(copy.samples!).find((k) => k.startsWith('etlctl'))!][0].peakRssMb,
      ).toBeGreaterThan(0);
    }
  }, 180_000);
});
