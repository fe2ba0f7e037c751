/**
 * Parameters as the AWS CLI takes them (issue 13): a parameterised template validates; values come
 * from --parameter-values, --parameter-values-uri, --parameter-objects and the config's
 * `parameters:`; a missing value is an error only at activation or under --require-values; real
 * mistakes are still rejected. Runs the built CLI as a user would.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

const FIX = join(ROOT, 'test', 'fixtures', 'parity');
let dir: string;

interface Envelope {
  ok: boolean;
  exitCode: number;
  diagnostics: { code: string; severity: string; message: string; objectId?: string; hint?: string }[];
}

function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  return runCli(args, { cwd: dir, env: { ETLCTL_CONFIG: '' } });
}

function json(args: string[]): Envelope {
  const r = cli([...args, '--json']);
  return JSON.parse(r.stdout) as Envelope;
}

const codes = (e: Envelope, severity?: string) =>
  e.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code);

beforeAll(() => {
  dir = tempDir('etlctl-parity-params-');
  for (const f of ['shell-template.json', 'api-objects-form.json']) copyFileSync(join(FIX, f), join(dir, f));
  writeFileSync(
    join(dir, 'values.json'),
    JSON.stringify({ values: { myGreeting: 'Hi', myWho: ['a', 'b'] } }),
  );
});

const VALUES = [
  '--parameter-values',
  'myGreeting=Hello',
  'myWho=World',
  'myOutFile=out.txt',
  'myLogBucket=s3://l',
];

describe('definition validate: parameterised templates', () => {
  it('accepts a template whose parameters get their values at activation', () => {
    const e = json(['definition', 'validate', 'shell-template.json']);
    expect(e.exitCode, JSON.stringify(e.diagnostics)).toBe(0);
    expect(codes(e, 'error')).toEqual([]);
    // Needed at activation: a note per parameter; an undeclared #{myWho} is a warning naming the flag.
    expect(e.diagnostics.filter((d) => d.code === 'ETL4200').map((d) => d.objectId)).toEqual(
      expect.arrayContaining(['myGreeting', 'myOutFile']),
    );
    const who = e.diagnostics.find((d) => d.code === 'ETL4201' && d.message.includes('myWho'));
    expect(who?.severity).toBe('warning');
    expect(who?.hint).toContain('--parameter-values myWho=');
  });

  it('--require-values: a parameter without a value is an error, as at activation', () => {
    const r = cli(['definition', 'validate', 'shell-template.json', '--require-values']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error ETL4076: parameter 'myGreeting' has no value/);
    expect(r.stderr).toContain('--parameter-values myGreeting=');
  });

  it('--parameter-values k=v … supplies them (also for #{myX} without a parameter object)', () => {
    const e = json(['definition', 'validate', 'shell-template.json', '--require-values', ...VALUES]);
    expect(e.exitCode, JSON.stringify(e.diagnostics)).toBe(0);
    expect(codes(e)).not.toContain('ETL4201');
    expect(codes(e)).not.toContain('ETL4200');
  });

  it('--parameter-values-uri and --parameter-objects, as the AWS CLI reads them', () => {
    writeFileSync(
      join(dir, 'objects.json'),
      JSON.stringify({
        parameters: [
          { id: 'myGreeting', type: 'String' },
          { id: 'myWho', type: 'String', isArray: 'true' },
          { id: 'myOutFile', type: 'String', default: 'x.txt' },
          { id: 'myLogBucket', type: 'String', optional: 'true' },
        ],
      }),
    );
    const e = json([
      'definition',
      'validate',
      'shell-template.json',
      '--require-values',
      '--parameter-objects',
      'objects.json',
      '--parameter-values-uri',
      'file://values.json',
    ]);
    expect(e.exitCode, JSON.stringify(e.diagnostics)).toBe(0);
    expect(codes(e)).toEqual(expect.not.arrayContaining(['ETL4201', 'ETL4076', 'ETL4077']));
  });

  it('refuses --parameter-values with --parameter-values-uri, and a value without =, with exit 2', () => {
    const both = cli([
      'definition',
      'validate',
      'shell-template.json',
      ...VALUES,
      '--parameter-values-uri',
      'values.json',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Only parameter-values or parameter-values-uri is allowed');
    const bad = cli(['definition', 'validate', 'shell-template.json', '--parameter-values', 'myGreeting']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('ETL4202');
  });

  it('reads the SDK form: "objects" with "fields" lists of key/stringValue/refValue', () => {
    const e = json(['definition', 'validate', 'api-objects-form.json', '--parameter-values', 'myWord=hi']);
    expect(e.exitCode, JSON.stringify(e.diagnostics)).toBe(0);
    expect(codes(e)).not.toContain('ETL4004');
  });

  it('still rejects real mistakes: bad period, dangling ref, bad expression, over-limit', () => {
    const base = JSON.parse(readFileSync(join(FIX, 'shell-template.json'), 'utf8')) as {
      objects: Record<string, unknown>[];
    };
    const variant = (name: string, change: (objects: Record<string, unknown>[]) => void): string => {
      const d = structuredClone(base);
      change(d.objects);
      writeFileSync(join(dir, name), JSON.stringify(d, null, 2));
      return name;
    };
    const cases: [string, (o: Record<string, unknown>[]) => void, string][] = [
      [
        'period.json',
        (o) => {
          o[0].scheduleType = 'cron';
          o[0].schedule = { ref: 'Every' };
          o.push({
            id: 'Every',
            name: 'Every',
            type: 'Schedule',
            period: '1 fortnight',
            startAt: 'FIRST_ACTIVATION_DATE_TIME',
          });
        },
        'ETL4048',
      ],
      ['dangling.json', (o) => (o[2].runsOn = { ref: 'Nowhere' }), 'ETL4031'],
      ['expression.json', (o) => (o[2].command = "echo #{format(@scheduledStartTime, 'YYYY'}"), 'ETL4070'],
      ['limit.json', (o) => (o[2].command = 'x'.repeat(10_241)), 'ETL4014'],
    ];
    for (const [name, change, code] of cases) {
      const e = json(['definition', 'validate', variant(name, change), ...VALUES]);
      expect(e.exitCode, name).toBe(1);
      expect(codes(e, 'error'), name).toContain(code);
    }
  });
});

describe('definition run: values without editing the JSON', () => {
  it('runs the template with values from the command line and the config; unused fields are not evaluated', () => {
    writeFileSync(join(dir, 'etlctl.yaml'), 'parameters:\n  shell-template:\n    myGreeting: Hello\n');
    const r = cli([
      'definition',
      'run',
      'shell-template.json',
      '-c',
      'etlctl.yaml',
      '--parameter-values',
      'myWho=World',
      `myOutFile=${join(dir, 'greeting.txt')}`,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'greeting.txt'), 'utf8')).toBe('Hello, World\n');
  });

  it('stops before running when a parameter has no value, naming the flag', () => {
    const r = cli(['definition', 'run', 'shell-template.json', '--parameter-values', 'myWho=World']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error ETL4076: parameter 'myOutFile' has no value/);
    expect(r.stderr).toContain('--parameter-values myOutFile=');
  });
});
