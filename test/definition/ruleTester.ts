/**
 * A small RuleTester in the style of ESLint's: each rule family is a table of `valid` definitions
 * (no errors or warnings at all, unless listed in `allow`) and `invalid` definitions with the
 * findings they must produce (code, object, field, and optionally severity).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Severity } from '../../src/diagnostics.js';
import { checkDefinition } from '../../src/definition/check.js';
import type { Definition } from '../../src/definition/model.js';
import { NOW } from './fixtures.js';

export interface Expected {
  code: string;
  objectId?: string;
  field?: string;
  severity?: Severity;
}

export interface ValidCase {
  name: string;
  def: Definition;
  /** Codes tolerated (e.g. a deprecation warning the case cannot avoid). */
  allow?: string[];
  now?: Date | null;
}

export interface InvalidCase {
  name: string;
  def: Definition;
  errors: Expected[];
  now?: Date | null;
  maxObjects?: number;
  /** Checked as at activation (`--require-values`). */
  requireValues?: boolean;
}

function run(
  def: Definition,
  now: Date | null | undefined,
  maxObjects?: number,
  requireValues?: boolean,
): Diagnostic[] {
  return checkDefinition(def, { now: now === null ? undefined : (now ?? NOW), maxObjects, requireValues });
}

function show(list: Diagnostic[]): string {
  return list
    .map((d) => `${d.severity} ${d.code} [${d.objectId ?? ''}.${d.field ?? ''}] ${d.message}`)
    .join('\n');
}

export function ruleTester(family: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(family, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const found = run(c.def, c.now).filter(
          (d) => d.severity !== 'info' && !(c.allow ?? []).includes(d.code),
        );
        expect(found, show(found)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const found = run(c.def, c.now, c.maxObjects, c.requireValues);
        for (const e of c.errors) {
          const match = found.find(
            (d) =>
              d.code === e.code &&
              (e.objectId === undefined || d.objectId === e.objectId) &&
              (e.field === undefined || d.field === e.field) &&
              (e.severity === undefined || d.severity === e.severity),
          );
          expect(match, `expected ${JSON.stringify(e)} in:\n${show(found)}`).toBeDefined();
          expect(match?.message.length).toBeGreaterThan(0);
          expect(match?.hint?.length).toBeGreaterThan(0);
        }
      });
    }
  });
}
