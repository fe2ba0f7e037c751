import { describe, expect, it } from 'vitest';
import {
  diffDefinitions,
  formatDiff,
  keepDeployedScheduleStart,
  refusedAfterActivation,
} from '../../src/aws/diff.js';
import { explainAwsError } from '../../src/aws/errors.js';
import { awsPipelineName, pipelineIdentity } from '../../src/aws/pipelines.js';
import { activationStart, parseTimeDelta } from '../../src/aws/time.js';
import { fromApiJson, toApiJson } from '../../src/definition/json.js';
import { sampleDefinition } from './fixtures.js';

describe('diffDefinitions', () => {
  it('a definition read back from the API equals the one put', () => {
    const def = sampleDefinition({ extra: true });
    const roundTrip = fromApiJson(JSON.parse(JSON.stringify(toApiJson(def))));
    expect(diffDefinitions(roundTrip, def).unchanged).toBe(true);
  });

  it('nothing deployed: every object is added', () => {
    const diff = diffDefinitions(undefined, sampleDefinition());
    expect(diff.objects.every((o) => o.kind === 'added')).toBe(true);
    expect(diff.parameters).toEqual([{ id: '*myWarehousePassword', kind: 'added' }]);
    expect(formatDiff(diff)).toContain('Objects: 5 to add, 0 to change, 0 to remove.');
  });

  it('reports field changes and hides encrypted fields', () => {
    const before = sampleDefinition();
    const after = sampleDefinition({ sql: 'SELECT 42;' });
    after.objects[3].fields['*password'] = '#{*myOtherPassword}';
    const diff = diffDefinitions(before, after);
    expect(diff.objects.map((o) => [o.id, o.fields.map((f) => f.key)])).toEqual([
      ['Warehouse', ['*password']],
      ['LoadStep', ['scriptUri']],
    ]);
    const text = formatDiff(diff);
    expect(text).toContain('*password: (hidden) -> (hidden)');
    expect(text).not.toContain('myOtherPassword');
  });

  it('ignores values supplied at activation', () => {
    const before = sampleDefinition();
    before.values = { '*myWarehousePassword': 'x' };
    expect(diffDefinitions(before, sampleDefinition(), ['*myWarehousePassword']).unchanged).toBe(true);
  });
});

describe('refusedAfterActivation', () => {
  it('refuses removed objects, changed references, schedule periods and new outputs on existing objects', () => {
    const before = sampleDefinition({ extra: true });
    const after = sampleDefinition({ period: '2 days' });
    after.objects[4].fields.runsOn = { ref: 'OtherEc2' };
    after.objects.push({
      id: 'Copy',
      name: 'Copy',
      fields: { type: 'CopyActivity', output: { ref: 'Warehouse' } },
    });
    const refused = refusedAfterActivation(diffDefinitions(before, after));
    expect(refused.map((r) => `${r.objectId}${r.field ? '.' + r.field : ''}`).sort()).toEqual([
      'CheckStep',
      'Copy.output',
      'DefaultSchedule.period',
      'LoadStep.runsOn',
    ]);
  });

  it('allows changing plain fields and adding objects', () => {
    const before = sampleDefinition();
    const after = sampleDefinition({ sql: 'SELECT 9;', extra: true });
    expect(refusedAfterActivation(diffDefinitions(before, after))).toEqual([]);
  });

  it('keeps the deployed schedule start', () => {
    const before = sampleDefinition();
    const after = sampleDefinition();
    after.objects[1].fields.startDateTime = '2027-01-01T00:00:00';
    const kept = keepDeployedScheduleStart(before, after);
    expect(kept.kept).toEqual(['DefaultSchedule']);
    expect(kept.definition.objects[1].fields.startDateTime).toBe('2026-11-23T01:00:00');
    expect(after.objects[1].fields.startDateTime).toBe('2027-01-01T00:00:00');
  });
});

describe('names, times and errors', () => {
  it('uniqueId is stable per name and mode', () => {
    expect(pipelineIdentity('prod_enrollments', 'production')).toEqual({
      name: 'prod_enrollments',
      uniqueId: 'etlctl:production:prod_enrollments',
    });
    expect(pipelineIdentity('x'.repeat(300), 'm').uniqueId).toMatch(/^etlctl:[0-9a-f]{40}$/);
    expect(awsPipelineName('enrollments', 'prod')).toBe('prod_enrollments');
    expect(awsPipelineName('prod_enrollments', 'prod')).toBe('prod_enrollments');
  });

  it('parses Dataduct time deltas', () => {
    expect(parseTimeDelta('0h')).toBe(0);
    expect(parseTimeDelta('1d12h')).toBe(36 * 3_600_000);
    expect(parseTimeDelta('90 min')).toBe(90 * 60_000);
    expect(() => parseTimeDelta('tomorrow')).toThrow(/cannot read time delta/);
  });

  it('startTimestamp only with -t/-b, from the compiled schedule start', () => {
    const def = sampleDefinition();
    const now = new Date('2026-11-23T12:00:00Z');
    expect(activationStart(def, {}, now)).toBeUndefined();
    expect(activationStart(def, { timeDelta: '1d', backfill: true }, now)?.toISOString()).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    def.objects.splice(1, 1);
    expect(activationStart(def, { timeDelta: '2h', backfill: true }, now)?.toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
  });

  it('explains common SDK failures in one line', () => {
    expect(explainAwsError(new Error('Region is missing'), 'ListPipelines').diagnostics[0].code).toBe(
      'ETL6002',
    );
    const cred = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(explainAwsError(cred, 'ListPipelines')).toMatchObject({ exitCode: 3 });
    expect(explainAwsError(cred, 'ListPipelines').diagnostics[0].code).toBe('ETL6003');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(explainAwsError(refused, 'CreatePipeline').diagnostics[0].code).toBe('ETL6004');
  });
});
