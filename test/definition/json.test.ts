/** Raw JSON shape checks (both formats) and lossless file ↔ API conversion (aws-cli rules, reference §1.3). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinitionJson } from '../../src/definition/check.js';
import {
  apiToFile,
  canonicalFileJson,
  convertDefinitionJson,
  fileToApi,
} from '../../src/definition/convert.js';
import { expectLosslessRoundTrip } from './roundTrip.js';
import type { FileDefinitionJson } from '../../src/definition/json.js';
import { fromApiJson, fromFileJson, isApiJson, toApiJson, toFileJson } from '../../src/definition/json.js';
import { validDefinition } from './fixtures.js';

const HAND_WRITTEN: FileDefinitionJson = {
  objects: [
    {
      id: 'Default',
      name: 'Default',
      failureAndRerunMode: 'CASCADE',
      schedule: { ref: 'Sched' },
      scheduleType: 'cron',
    },
    {
      id: 'Sched',
      name: 'Every day',
      type: 'Schedule',
      period: '1 day',
      startDateTime: '2026-01-01T00:00:00',
    },
    {
      id: 'Act',
      name: 'Act',
      type: 'ShellCommandActivity',
      command: 'echo #{myX}',
      dependsOn: [{ ref: 'A' }, { ref: 'B' }],
      myMixed: ['s3://foo1', { ref: 'otherValue' }, 's3://foo3'],
      scriptArgument: ['1', '2', '3'],
      workerGroup: 'wg',
    },
  ],
  parameters: [
    { id: 'myX', allowedValues: ['a', 'b'], default: 'a', description: 'an x', type: 'String' },
    { id: '*myPassword', description: 'secret', type: 'String' },
  ],
  values: { myX: 'b', myArr: ['v1', 'v2'] },
};

describe('file ↔ API conversion', () => {
  it('round-trips a hand-written definition with parameters, lists and refs', () => {
    expectLosslessRoundTrip(HAND_WRITTEN, true);
  });

  it('round-trips the fixture pipeline through the Definition model', () => {
    const def = validDefinition();
    expect(fromApiJson(JSON.parse(JSON.stringify(toApiJson(def))))).toEqual(def);
    expect(fromFileJson(JSON.parse(JSON.stringify(toFileJson(def))))).toEqual(def);
  });

  it('follows the aws-cli translator examples', () => {
    const api = fileToApi({
      objects: [
        {
          id: 'S3ToS3Copy',
          type: 'CopyActivity',
          schedule: { ref: 'CopyPeriod' },
          input: { ref: 'InputData' },
          output: { ref: 'OutputData' },
        },
        { id: 'X', step: ['s3://foo1', { ref: 'otherValue' }, 's3://foo3'] },
      ],
    });
    expect(api.pipelineObjects[0]).toEqual({
      id: 'S3ToS3Copy',
      name: 'S3ToS3Copy',
      fields: [
        { key: 'input', refValue: 'InputData' },
        { key: 'output', refValue: 'OutputData' },
        { key: 'schedule', refValue: 'CopyPeriod' },
        { key: 'type', stringValue: 'CopyActivity' },
      ],
    });
    expect(api.pipelineObjects[1].fields).toEqual([
      { key: 'step', stringValue: 's3://foo1' },
      { key: 'step', refValue: 'otherValue' },
      { key: 'step', stringValue: 's3://foo3' },
    ]);
  });

  it('sorts parameter attributes, repeats list attributes and values', () => {
    const api = fileToApi(HAND_WRITTEN);
    expect(api.parameterObjects?.[0].attributes).toEqual([
      { key: 'allowedValues', stringValue: 'a' },
      { key: 'allowedValues', stringValue: 'b' },
      { key: 'default', stringValue: 'a' },
      { key: 'description', stringValue: 'an x' },
      { key: 'type', stringValue: 'String' },
    ]);
    expect(api.parameterValues).toEqual([
      { id: 'myX', stringValue: 'b' },
      { id: 'myArr', stringValue: 'v1' },
      { id: 'myArr', stringValue: 'v2' },
    ]);
  });

  it('convertDefinitionJson detects the input format and stringifies scalars', () => {
    const r = convertDefinitionJson({ objects: [{ id: 'A', type: 'Schedule', occurrences: 3 }] }, 'api');
    expect(r.from).toBe('file');
    expect(r.output).toEqual({
      pipelineObjects: [
        {
          id: 'A',
          name: 'A',
          fields: [
            { key: 'occurrences', stringValue: '3' },
            { key: 'type', stringValue: 'Schedule' },
          ],
        },
      ],
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ETL4005']);
    const back = convertDefinitionJson(r.output, 'file');
    expect(back.from).toBe('api');
    expect(back.output).toEqual({ objects: [{ id: 'A', name: 'A', type: 'Schedule', occurrences: '3' }] });
  });

  it('refuses to convert JSON with shape errors', () => {
    const r = convertDefinitionJson({ objects: [{ id: 'A', x: { ref: 'B', extra: 1 } }] }, 'api');
    expect(r.output).toBeUndefined();
    expect(r.diagnostics[0].code).toBe('ETL4004');
  });

  // The lead adds compiled example pipelines under test/golden/; every JSON definition there must round-trip.
  const goldenDir = join(import.meta.dirname, '..', 'golden');
  const goldens: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) goldens.push(p);
    }
  };
  if (existsSync(goldenDir)) walk(goldenDir);
  /** Definitions inside a golden: the file itself, or (step goldens) every list of objects nested in it. */
  const definitionsIn = (json: unknown): FileDefinitionJson[] => {
    if (typeof json !== 'object' || json === null) return [];
    if (isApiJson(json)) return [apiToFile(json)];
    if ('objects' in json) return [json as FileDefinitionJson];
    if (Array.isArray(json)) {
      const isObjects =
        json.length > 0 && json.every((o) => typeof o === 'object' && o !== null && typeof o.id === 'string');
      return isObjects ? [{ objects: json as FileDefinitionJson['objects'] }] : json.flatMap(definitionsIn);
    }
    return Object.values(json).flatMap(definitionsIn);
  };
  for (const file of goldens) {
    const defs = definitionsIn(JSON.parse(readFileSync(file, 'utf8')));
    if (defs.length === 0) continue;
    it(`round-trips golden ${file.slice(goldenDir.length + 1)} (${defs.length} definition${defs.length === 1 ? '' : 's'})`, () => {
      for (const d of defs) expectLosslessRoundTrip(d);
    });
  }
});

describe('checkDefinitionJson: raw JSON shape', () => {
  const cases: {
    name: string;
    json: unknown;
    code: string;
    objectId?: string;
    field?: string;
    converts: boolean;
  }[] = [
    { name: 'not an object', json: [1, 2], code: 'ETL4001', converts: false },
    { name: 'missing objects', json: { parameters: [] }, code: 'ETL4002', converts: false },
    { name: 'objects not a list', json: { objects: {} }, code: 'ETL4002', converts: false },
    { name: 'object without id', json: { objects: [{ type: 'CSV' }] }, code: 'ETL4003', converts: true },
    { name: 'element not an object', json: { objects: ['x'] }, code: 'ETL4003', converts: true },
    {
      name: 'dict with keys besides ref',
      json: { objects: [{ id: 'A', type: 'CSV', x: { ref: 'A', y: 1 } }] },
      code: 'ETL4004',
      objectId: 'A',
      field: 'x',
      converts: true,
    },
    {
      name: 'null value',
      json: { objects: [{ id: 'A', type: 'CSV', column: null }] },
      code: 'ETL4004',
      objectId: 'A',
      field: 'column',
      converts: true,
    },
    {
      name: 'nested list',
      json: { objects: [{ id: 'A', type: 'CSV', column: [['a']] }] },
      code: 'ETL4004',
      objectId: 'A',
      field: 'column',
      converts: true,
    },
    {
      name: 'number value',
      json: { objects: [{ id: 'A', type: 'Schedule', occurrences: 3 }] },
      code: 'ETL4005',
      objectId: 'A',
      field: 'occurrences',
      converts: true,
    },
    {
      name: 'boolean parameter attribute',
      json: { objects: [], parameters: [{ id: 'myX', optional: true }] },
      code: 'ETL4005',
      objectId: 'myX',
      field: 'optional',
      converts: true,
    },
    {
      name: 'parameter without id',
      json: { objects: [], parameters: [{ type: 'String' }] },
      code: 'ETL4003',
      converts: true,
    },
    { name: 'values not an object', json: { objects: [], values: ['x'] }, code: 'ETL4003', converts: true },
    {
      name: '__proto__ as a field name',
      json: JSON.parse('{"objects": [{"id": "A", "type": "CSV", "__proto__": {"ref": "A"}}]}'),
      code: 'ETL4004',
      objectId: 'A',
      field: '__proto__',
      converts: true,
    },
    { name: 'unknown top-level key', json: { objects: [], extra: 1 }, code: 'ETL4007', converts: true },
    {
      name: 'API field with both values',
      json: {
        pipelineObjects: [{ id: 'A', name: 'A', fields: [{ key: 'k', stringValue: 's', refValue: 'r' }] }],
      },
      code: 'ETL4006',
      objectId: 'A',
      field: 'k',
      converts: true,
    },
    {
      name: 'API field with neither value',
      json: { pipelineObjects: [{ id: 'A', name: 'A', fields: [{ key: 'k' }] }] },
      code: 'ETL4006',
      objectId: 'A',
      field: 'k',
      converts: true,
    },
    {
      name: 'API object without name',
      json: { pipelineObjects: [{ id: 'A', fields: [] }] },
      code: 'ETL4003',
      objectId: 'A',
      field: 'name',
      converts: true,
    },
    {
      name: 'API pipelineObjects not a list',
      json: { pipelineObjects: 3 },
      code: 'ETL4002',
      converts: false,
    },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, () => {
      const r = checkDefinitionJson(c.json, 'x.json');
      const hit = r.diagnostics.find((d) => d.code === c.code);
      expect(hit, JSON.stringify(r.diagnostics)).toBeDefined();
      expect(hit?.file).toBe('x.json');
      if (c.objectId) expect(hit?.objectId).toBe(c.objectId);
      if (c.field) expect(hit?.field).toBe(c.field);
      expect(r.definition !== undefined).toBe(c.converts);
    });
  }

  it('checks both formats the same way', () => {
    const file = toFileJson(validDefinition());
    const api = toApiJson(validDefinition());
    const a = checkDefinitionJson(JSON.parse(JSON.stringify(file)));
    const b = checkDefinitionJson(JSON.parse(JSON.stringify(api)));
    expect(a.diagnostics).toEqual([]);
    expect(b.diagnostics).toEqual([]);
    expect(a.definition).toEqual(b.definition);
  });
});

describe('canonicalFileJson', () => {
  it('collapses one-element lists, drops empty ones and stringifies, like a trip through the API', () => {
    expect(
      canonicalFileJson({
        objects: [
          {
            id: 'A',
            type: 'ShellCommandActivity',
            dependsOn: [{ ref: 'B' }],
            scriptArgument: [],
            stage: 'true',
          },
        ],
        parameters: [{ id: 'myX', allowedValues: ['only'] }],
        values: { myX: ['only'] },
      }),
    ).toEqual({
      objects: [{ id: 'A', name: 'A', type: 'ShellCommandActivity', dependsOn: { ref: 'B' }, stage: 'true' }],
      parameters: [{ id: 'myX', allowedValues: 'only' }],
      values: { myX: 'only' },
    });
  });
});
