/**
 * Property tests: whatever it is fed, the checker returns an array of well-formed ETL4xxx
 * diagnostics and never throws, and no rule crashes (no ETL4999). The same holds for the
 * expression parser and evaluator.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics.js';
import { checkDefinition, checkDefinitionJson } from '../../src/definition/check.js';
import { parseTemplate, tryEvaluate } from '../../src/definition/expressions.js';
import type { Definition, FieldScalar, FieldValue } from '../../src/definition/model.js';
import { KNOWN_TYPES, OBJECT_TYPES } from '../../src/definition/rules/objectTypes.js';
import { NOW, validDefinition } from './fixtures.js';

/** Plain checks first, `expect` only on failure: thousands of expect calls would dominate the runtime. */
function wellFormed(list: Diagnostic[]): void {
  if (!Array.isArray(list)) expect.fail('checker did not return an array');
  const bad = list.filter(
    (d) =>
      !/^ETL4\d{3}$/.test(d.code) ||
      d.code === 'ETL4999' ||
      !['error', 'warning', 'info'].includes(d.severity) ||
      typeof d.message !== 'string' ||
      d.message === '' ||
      typeof d.hint !== 'string' ||
      d.hint === '',
  );
  if (bad.length > 0) expect(bad).toEqual([]);
}

const IDS = ['Default', 'A', 'B', 'C', 'Sched', 'Ec2', 'Db', ''];
const FIELD_NAMES = [
  ...new Set(Object.values(OBJECT_TYPES).flatMap((t) => Object.keys(t.fields))),
  'myX',
  'mything',
  '@status',
  '*password',
  '',
];
const STRINGS = [
  '1 day',
  '10 minutes',
  '4 years',
  'ONDEMAND_PERIOD',
  '2026-01-01T00:00:00',
  '2020-02-30T00:00:00',
  'cascade',
  'ondemand',
  'cron',
  'true',
  '3',
  '-1',
  '0.5',
  '',
  '#{',
  '#{}',
  '#{myX}',
  '#{*myX}',
  '#{node.name}',
  '#{input.directoryPath}',
  "#{format(@scheduledStartTime,'YYYY-MM-dd')}",
  '#{plusDays(@scheduledStartTime)}',
  '#{1/0}',
  '#{a.b.c.@d}',
  "#{format(x,'qq')}",
  '\u0000',
  'x'.repeat(11000),
];

const scalar: fc.Arbitrary<FieldScalar> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(...IDS).map((ref) => ({ ref })),
);
const value: fc.Arbitrary<FieldValue> = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }));
const typeName = fc.oneof(
  fc.constantFrom(...KNOWN_TYPES),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('toString', 'constructor', '__proto__'),
);

const object = fc.record({
  id: fc.oneof(fc.constantFrom(...IDS), fc.string({ maxLength: 10 })),
  name: fc.string({ maxLength: 10 }),
  fields: fc
    .tuple(
      fc.option(typeName, { nil: undefined }),
      fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 8 }),
    )
    .map(([type, fields]) => (type === undefined ? fields : { ...fields, type })),
});

export const definitionArb: fc.Arbitrary<Definition> = fc.record({
  objects: fc.array(object, { maxLength: 12 }),
  parameters: fc.array(
    fc.record({
      id: fc.oneof(fc.constantFrom('myX', '*myX', 'bad', ''), fc.string({ maxLength: 6 })),
      attributes: fc.dictionary(
        fc.constantFrom('type', 'default', 'optional', 'isArray', 'allowedValues', 'description'),
        fc.oneof(
          fc.constantFrom('Integer', 'Double', 'true', 'x', '3'),
          fc.array(fc.constantFrom('a', '3', '#{'), { maxLength: 3 }),
        ),
      ),
    }),
    { maxLength: 4 },
  ),
  values: fc.dictionary(
    fc.constantFrom('myX', '*myX', 'myY'),
    fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 })),
  ),
});

type Mutation = (d: Definition) => void;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...FIELD_NAMES), value).map(([i, k, v]): Mutation => (d) => {
    const o = d.objects[i % d.objects.length];
    o.fields[k] = v;
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([i, j]): Mutation => (d) => {
    const o = d.objects[i % d.objects.length];
    const keys = Object.keys(o.fields);
    if (keys.length > 0) delete o.fields[keys[j % keys.length]];
  }),
  fc.nat().map((i): Mutation => (d) => {
    d.objects.push(structuredClone(d.objects[i % d.objects.length]));
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...IDS)).map(([i, p]): Mutation => (d) => {
    d.objects[i % d.objects.length].fields.parent = { ref: p };
  }),
  fc.nat().map((i): Mutation => (d) => {
    if (d.objects.length > 1) d.objects.splice(i % d.objects.length, 1);
  }),
);

describe('property: the checker never throws', () => {
  it('random JSON through checkDefinitionJson', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.record({ objects: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }) }),
        ),
        (json) => {
          const r = checkDefinitionJson(json, 'fuzz.json');
          wellFormed(r.diagnostics);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random definitions through checkDefinition', () => {
    fc.assert(
      fc.property(definitionArb, fc.boolean(), (def, withNow) => {
        wellFormed(checkDefinition(def, withNow ? { now: NOW } : {}));
      }),
      { numRuns: 800 },
    );
  });

  it('mutated valid definitions', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const def = validDefinition();
        for (const m of mutations) m(def);
        wellFormed(checkDefinition(def, { now: NOW }));
      }),
      { numRuns: 800 },
    );
  });

  it('random expressions: the parser and evaluator return errors as values', () => {
    const fragment = fc.constantFrom(
      '#{',
      '}',
      '(',
      ')',
      ',',
      "'",
      '"',
      '.',
      '@',
      '*',
      '+',
      '-',
      '/',
      '^',
      '1',
      '2.5',
      'format',
      'plusDays',
      '@scheduledStartTime',
      'myX',
      'node',
      "'YYYY'",
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(fragment, { maxLength: 20 }).map((a) => a.join('')),
        fc.string({ maxLength: 20 }),
        (a, b) => {
          for (const text of [a, b, `#{${b}}`]) {
            const p = parseTemplate(text);
            expect(Array.isArray(p.errors)).toBe(true);
            const r = tryEvaluate(text, { scheduledStartTime: NOW, parameters: { myX: '3' } });
            expect(r.value !== undefined || r.diagnostics.length > 0).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('checker failures become diagnostics', () => {
  it('reports ETL4999 instead of throwing when the input misbehaves', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    const def = {
      objects: [{ id: 'A', name: 'A', fields: hostile }],
      parameters: [],
      values: {},
    } as unknown as Definition;
    const found = checkDefinition(def);
    expect(found.map((d) => d.code)).toEqual(['ETL4999']);
    expect(found[0].message).toContain('boom');
  });

  it('rejects non-definitions without throwing', () => {
    for (const bad of [null, undefined, 3, 'x', [], { objects: 'no' }]) {
      const found = checkDefinition(bad as unknown as Definition);
      expect(found.map((d) => d.code)).toEqual(['ETL4002']);
    }
  });
});
