/**
 * Every example pipeline, compiled for AWS: the checker finds no errors, and its definition
 * survives file → API → file (aws-cli translation rules).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFiles, expandPipelinePaths } from '../../src/compile/index.js';
import { checkDefinition } from '../../src/definition/check.js';
import { toFileJson } from '../../src/definition/json.js';
import { ROOT } from '../helpers.js';
import { expectLosslessRoundTrip } from './roundTrip.js';

const files = expandPipelinePaths([join(ROOT, 'pipelines')], ROOT).files;
const now = new Date('2026-01-01T12:00:00Z');

describe('example pipelines as AWS definitions', () => {
  const result = compileFiles(files, {
    cwd: ROOT,
    mode: 'production',
    start: '2026-01-01T02:00:00',
    now,
    env: { APP_DB_PASSWORD: 'x', WAREHOUSE_PASSWORD: 'x' },
  });
  it('covers every pipeline in pipelines/', () => {
    expect(result.pipelines.length).toBe(files.length);
    expect(files.length).toBeGreaterThanOrEqual(8);
  });
  for (const p of result.pipelines) {
    it(`${p.file}: compiles, passes the checker with no errors, round-trips`, () => {
      expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const def = p.definition!;
      expect(checkDefinition(def, { now }).filter((d) => d.severity === 'error')).toEqual([]);
      expectLosslessRoundTrip(toFileJson(def));
    });
  }
});
