/**
 * Golden-test harness for step plugins (ESLint RuleTester style): compile a small pipeline with a
 * fixed config, clock and start, then compare the step's objects with a reviewed golden file, or
 * assert the errors (code, line, column) of invalid cases.
 *
 *   compileStep(yaml, { mode, files }) → { definition, diagnostics, errors, objects(step) }
 *   runStepTests('load-redshift', { valid: [...], invalid: [...] })
 *
 * Goldens: test/golden/steps/<step>.json, one entry per valid case. `UPDATE_GOLDEN=1` rewrites
 * them from the cases that ran (run the whole file, not a `-t` subset, or other cases are dropped);
 * without it a missing golden fails. Valid cases must also pass the offline definition checker.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { compilePipelineText } from '../../src/compile/pipeline.js';
import { checkDefinition } from '../../src/definition/check.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { toFileJson } from '../../src/definition/json.js';
import type { FileObjectJson } from '../../src/definition/json.js';
import type { Definition, PipelineObject } from '../../src/definition/model.js';
import { fieldValues, isRef } from '../../src/definition/model.js';

export const ROOT = resolve(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'steps');
/** Fixed config: its resource_base_path is FIXTURES, so `tables/…`, `sql/…`, `scripts/…` resolve there. */
export const STEP_CONFIG = join(FIXTURES, 'etlctl.yaml');
export const GOLDEN_DIR = join(ROOT, 'test', 'golden', 'steps');
export const FIXED_NOW = new Date('2026-01-15T12:00:00Z');
export const FIXED_START = '2026-01-01T01:00:00';

export interface CompileStepOptions {
  /** Config mode (see test/fixtures/steps/etlctl.yaml: no_alerts, production). */
  mode?: string;
  /** Extra files next to the pipeline, by relative path (they win over FIXTURES only if FIXTURES lacks them). */
  files?: Record<string, string>;
  /** Schedule start; default FIXED_START. */
  start?: string;
  /** Another config file. */
  configPath?: string;
}

export interface CompiledStep {
  definition?: Definition;
  diagnostics: Diagnostic[];
  /** Error-severity diagnostics as `{code, line, column}`, sorted by position. */
  errors: { code: string; line?: number; column?: number }[];
  warnings: { code: string; line?: number; column?: number }[];
  /** File-format JSON of the objects a step made, plus the shared objects they refer to. */
  objects(stepName: string): FileObjectJson[];
}

const SHARED_SKIP = new Set(['Schedule', 'SnsAlarm', 'Ec2Resource']);

export function compileStep(yamlText: string, opts: CompileStepOptions = {}): CompiledStep {
  const dir = mkdtempSync(join(tmpdir(), 'etlctl-step-'));
  try {
    for (const [rel, content] of Object.entries(opts.files ?? {})) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    const file = join(dir, 'pipeline.yaml');
    writeFileSync(file, yamlText);
    const config = loadConfig({
      configPath: opts.configPath ?? STEP_CONFIG,
      mode: opts.mode,
      cwd: ROOT,
      env: {},
    });
    const r = compilePipelineText('pipeline.yaml', file, yamlText, {
      config,
      now: FIXED_NOW,
      start: opts.start ?? FIXED_START,
      version: '0.0.0-test',
      cwd: dir,
    });
    const pick = (sev: string) =>
      r.diagnostics
        .filter((d) => d.severity === sev)
        .map((d) => ({ code: d.code, line: d.line, column: d.column }))
        .sort(
          (a, b) =>
            (a.line ?? 0) - (b.line ?? 0) ||
            (a.column ?? 0) - (b.column ?? 0) ||
            a.code.localeCompare(b.code),
        );
    return {
      definition: r.definition,
      diagnostics: r.diagnostics,
      errors: pick('error'),
      warnings: pick('warning'),
      objects: (stepName) => (r.definition ? stepObjects(r.definition, stepName) : []),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A step's objects in definition order, then the non-step objects they reference (databases, formats, EmrCluster). */
export function stepObjects(def: Definition, stepName: string): FileObjectJson[] {
  const own = def.objects.filter((o) => o.origin?.step === stepName);
  const byId = new Map(def.objects.map((o) => [o.id, o]));
  const shared = new Map<string, PipelineObject>();
  for (const o of own) {
    for (const [key, v] of Object.entries(o.fields)) {
      if (key === 'schedule' || key === 'dependsOn' || key === 'onFail' || key === 'onLateAction') continue;
      for (const item of fieldValues(o, key)) {
        if (!isRef(item)) continue;
        const t = byId.get(item.ref);
        if (t && !t.origin?.step && !SHARED_SKIP.has(String(t.fields.type))) shared.set(t.id, t);
      }
      void v;
    }
  }
  const picked = def.objects.filter((o) => own.includes(o) || shared.has(o.id));
  return toFileJson({ objects: picked, parameters: [], values: {} }).objects;
}

/** Lines joined with \n, so a test can count the line numbers its errors point at. */
export function lines(...ls: string[]): string {
  return ls.join('\n') + '\n';
}

// ------------------------------------------------------------------------------ goldens

export function goldenPath(step: string): string {
  return join(GOLDEN_DIR, `${step}.json`);
}

function readGolden(step: string): Record<string, unknown> | undefined {
  const p = goldenPath(step);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : undefined;
}

const updates = new Map<string, Record<string, unknown>>();
const updating = process.env.UPDATE_GOLDEN === '1';

/** Compare `value` with entry `caseName` of the step's golden file (or record it when updating). */
export function expectGolden(step: string, caseName: string, value: unknown): void {
  if (updating) {
    const all = updates.get(step) ?? {};
    all[caseName] = value;
    updates.set(step, all);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(goldenPath(step), JSON.stringify(sortCases(all), null, 2) + '\n');
    return;
  }
  const golden = readGolden(step);
  if (!golden || !(caseName in golden)) {
    throw new Error(
      `no golden for ${step} / ${caseName} in ${goldenPath(step)}: run with UPDATE_GOLDEN=1, then review the file`,
    );
  }
  expect(value).toEqual(golden[caseName]);
}

function sortCases(all: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(all)
      .sort()
      .map((k) => [k, all[k]]),
  );
}

// ------------------------------------------------------------------------------ tables of cases

export interface ValidCase extends CompileStepOptions {
  name: string;
  yaml: string;
  /** Step whose objects go to the golden; default: every step of the pipeline (by name). */
  step?: string | string[];
  /** Warning codes expected (default none). */
  warnings?: string[];
}

export interface InvalidCase extends CompileStepOptions {
  name: string;
  yaml: string;
  /** Every error expected, in position order. */
  errors: { code: string; line: number; column: number }[];
}

export function runStepTests(step: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${step}: valid`, () => {
    for (const c of cases.valid) {
      it(c.name, () => {
        const r = compileStep(c.yaml, c);
        expect(r.errors, JSON.stringify(r.diagnostics, null, 2)).toEqual([]);
        expect(r.warnings.map((w) => w.code)).toEqual(c.warnings ?? []);
        // The offline Data Pipeline checker (AWS rules, §3 of the reference) must accept the result.
        const findings = checkDefinition(r.definition!, { now: FIXED_NOW }).filter(
          (d) => d.severity === 'error',
        );
        expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);
        const steps =
          c.step === undefined
            ? (r.definition?.meta?.steps ?? []).map((s) => s.name).filter((n) => n !== 'teardown')
            : [c.step].flat();
        const value = Object.fromEntries(steps.map((s) => [s, r.objects(s)]));
        expectGolden(step, c.name, value);
      });
    }
  });
  describe(`${step}: invalid`, () => {
    for (const c of cases.invalid) {
      it(c.name, () => {
        const r = compileStep(c.yaml, c);
        expect(r.errors, JSON.stringify(r.diagnostics, null, 2)).toEqual(c.errors);
      });
    }
  });
}
