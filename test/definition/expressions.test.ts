import { describe, expect, it } from 'vitest';
import { EtlError } from '../../src/diagnostics.js';
import {
  evaluateField,
  evaluateTemplate,
  evaluateTemplateList,
  parseTemplate,
  tryEvaluate,
} from '../../src/definition/expressions.js';
import type { EvalContext } from '../../src/definition/expressions.js';
import { formatJoda } from '../../src/definition/joda.js';
import { find, validDefinition } from './fixtures.js';

const at = (iso: string): EvalContext => ({ scheduledStartTime: new Date(iso + 'Z') });
const MAY = at('2011-05-24T17:10:00'); // the reference's example instant

describe('parseTemplate', () => {
  it('splits text and expressions', () => {
    const p = parseTemplate("s3://b/#{myPrefix}/#{format(@scheduledStartTime,'YYYY-MM-dd')}.csv");
    expect(p.errors).toEqual([]);
    expect(p.parts.map((x) => x.kind)).toEqual(['text', 'expr', 'text', 'expr', 'text']);
    const call = p.parts[3];
    expect(call.kind === 'expr' && call.expr.kind === 'call' && call.expr.name).toBe('format');
  });

  it('parses method form as a call with the receiver first', () => {
    const p = parseTemplate("#{@scheduledStartTime.format('YYYY')}");
    const e = p.parts[0];
    expect(e.kind === 'expr' && e.expr).toMatchObject({
      kind: 'call',
      name: 'format',
      method: true,
      args: [
        { kind: 'path', parts: ['@scheduledStartTime'] },
        { kind: 'string', value: 'YYYY' },
      ],
    });
  });

  it('parses paths, encrypted parameters and precedence', () => {
    const p = parseTemplate('#{node.output.directoryPath}#{*myPassword}#{1 + 2 * 3}');
    expect(p.errors).toEqual([]);
    const [a, b, c] = p.parts;
    expect(a.kind === 'expr' && a.expr).toMatchObject({
      kind: 'path',
      parts: ['node', 'output', 'directoryPath'],
    });
    expect(b.kind === 'expr' && b.expr).toMatchObject({ kind: 'path', parts: ['*myPassword'] });
    expect(c.kind === 'expr' && c.expr).toMatchObject({
      kind: 'binary',
      op: '+',
      right: { kind: 'binary', op: '*' },
    });
  });

  const errors: [string, number, RegExp][] = [
    ['abc #{format(@scheduledStartTime,}', 33, /unexpected '\}'|expression ends/],
    ['#{', 0, /unterminated expression/],
    ['x #{}', 4, /empty expression/],
    ["#{'abc}", 2, /unterminated string/],
    ['#{1 +}', 5, /.+/],
    ['#{a $ b}', 4, /unexpected character '\$'/],
    ['#{plusDays(@x, 1}', 16, /expected '\)'/],
    ['#{@scheduledStartTime(1)}', 2, /runtime field, not a function/],
  ];
  for (const [text, pos, message] of errors) {
    it(`reports a syntax error with its position: ${text}`, () => {
      const p = parseTemplate(text);
      expect(p.errors).toHaveLength(1);
      expect(p.errors[0].code).toBe('ETL4070');
      expect(p.errors[0].pos).toBe(pos);
      expect(p.errors[0].message).toMatch(new RegExp(`character ${pos + 1}`));
      expect(p.errors[0].message).toMatch(message);
    });
  }
});

describe('evaluateTemplate: functions of reference §4 (myDateTime = 2011-05-24T17:10:00Z)', () => {
  const cases: [string, string][] = [
    ['#{day(@scheduledStartTime)}', '24'],
    ['#{dayOfYear(@scheduledStartTime)}', '144'],
    ['#{firstOfMonth(@scheduledStartTime)}', '2011-05-01T17:10:00'],
    ["#{format(@scheduledStartTime,'YYYY-MM-dd HH:mm:ss z')}", '2011-05-24 17:10:00 UTC'],
    ['#{hour(@scheduledStartTime)}', '17'],
    ['#{makeDate(2011,5,24)}', '2011-05-24T00:00:00'],
    ['#{makeDateTime(2011,5,24,14,21)}', '2011-05-24T14:21:00'],
    ['#{midnight(@scheduledStartTime)}', '2011-05-24T00:00:00'],
    ['#{minusDays(@scheduledStartTime,1)}', '2011-05-23T17:10:00'],
    ['#{minusHours(@scheduledStartTime,1)}', '2011-05-24T16:10:00'],
    ['#{minusMinutes(@scheduledStartTime,1)}', '2011-05-24T17:09:00'],
    ['#{minusMonths(@scheduledStartTime,1)}', '2011-04-24T17:10:00'],
    ['#{minusWeeks(@scheduledStartTime,1)}', '2011-05-17T17:10:00'],
    ['#{minusYears(@scheduledStartTime,1)}', '2010-05-24T17:10:00'],
    ['#{minute(@scheduledStartTime)}', '10'],
    ['#{month(@scheduledStartTime)}', '5'],
    ['#{plusDays(@scheduledStartTime,1)}', '2011-05-25T17:10:00'],
    ['#{plusHours(@scheduledStartTime,1)}', '2011-05-24T18:10:00'],
    ['#{plusMinutes(@scheduledStartTime,1)}', '2011-05-24T17:11:00'],
    ['#{plusMonths(@scheduledStartTime,1)}', '2011-06-24T17:10:00'],
    ['#{plusWeeks(@scheduledStartTime,1)}', '2011-05-31T17:10:00'],
    ['#{plusYears(@scheduledStartTime,1)}', '2012-05-24T17:10:00'],
    ['#{sunday(@scheduledStartTime)}', '2011-05-22T17:10:00'],
    ['#{year(@scheduledStartTime)}', '2011'],
    ['#{yesterday(@scheduledStartTime)}', '2011-05-23T17:10:00'],
    ["#{format(minusMinutes(@scheduledStartTime,30),'YYYY-MM-dd hh:mm:ss')}", '2011-05-24 04:40:00'],
    ["#{@scheduledStartTime.format('YYYY-MM-dd HH:mm:ss')}", '2011-05-24 17:10:00'],
    ["#{plusPeriod(@scheduledStartTime,'1 day')}", '2011-05-25T17:10:00'],
    ['#{1/2}', '0'],
    ['#{1.0/2}', '0.5'],
    ['#{2 ^ 2}', '4.0'],
    ['#{7 - 2 * 3}', '1'],
    ['#{-3 + 1}', '-2'],
    ['#{"hel" + "lo"}', 'hello'],
    ["#{'n=' + 1}", 'n=1'],
    ['#{@scheduledStartTime}', '2011-05-24T17:10:00'],
  ];
  for (const [text, want] of cases) {
    it(`${text} → ${want}`, () => expect(evaluateTemplate(text, MAY)).toBe(want));
  }

  it('sunday() keeps a Sunday', () => {
    expect(evaluateTemplate('#{sunday(@scheduledStartTime)}', at('2011-05-22T08:00:00'))).toBe(
      '2011-05-22T08:00:00',
    );
  });
  it('plusMonths clamps to the end of the month', () => {
    expect(evaluateTemplate('#{plusMonths(@scheduledStartTime,1)}', at('2024-01-31T00:00:00'))).toBe(
      '2024-02-29T00:00:00',
    );
  });
});

describe('Joda-Time patterns', () => {
  const cases: [string, string, string][] = [
    // The YYYY trap: Joda's Y is the year of era (calendar year), not a week-year.
    ['2026-12-31T23:59:00', 'YYYY-MM-dd', '2026-12-31'],
    ['2026-12-31T23:59:00', 'yyyy-MM-dd', '2026-12-31'],
    ['2027-01-01T00:00:00', 'YYYY-MM-dd', '2027-01-01'],
    ['2027-01-01T00:00:00', "xxxx-'W'ww-e", '2026-W53-5'],
    ['2024-12-30T00:00:00', 'YYYY xxxx ww', '2024 2025 01'],
    ['2026-12-31T23:59:00', 'YY yy xx', '26 26 26'],
    ['2026-03-05T07:04:09.123Z', 'd/M/y H:m:s SSS', '5/3/2026 7:4:9 123'],
    ['2026-03-05T00:30:00', 'hh:mm a kk KK', '12:30 AM 24 00'],
    ['2026-03-05T13:30:00', 'h a', '1 PM'],
    ['2026-03-05T13:30:00', 'E EEEE MMM MMMM D', 'Thu Thursday Mar March 64'],
    ['2026-03-05T13:30:00', "'at' HH 'o''clock' ''", "at 13 o'clock '"],
    ['2026-03-05T13:30:00', 'G C Z ZZ ZZZ z zzzz', 'AD 20 +0000 +00:00 UTC UTC Coordinated Universal Time'],
    ['2026-03-05T13:30:00', 'yyyy/MM/dd-HH', '2026/03/05-13'],
  ];
  for (const [iso, pattern, want] of cases) {
    it(`${iso} '${pattern}' → ${want}`, () => {
      const ms = new Date(iso.endsWith('Z') ? iso : iso + 'Z').getTime();
      expect(formatJoda({ ms, zone: 'UTC' }, pattern)).toBe(want);
    });
  }

  it('inTimeZone converts for formatting and keeps wall-clock time across DST for plusDays', () => {
    const ctx = at('2026-03-07T18:00:00'); // 10:00 PST, the day before the US DST change
    expect(
      evaluateTemplate(
        "#{format(inTimeZone(@scheduledStartTime,'America/Los_Angeles'),'yyyy-MM-dd HH:mm z ZZ')}",
        ctx,
      ),
    ).toBe('2026-03-07 10:00 PST -08:00');
    expect(
      evaluateTemplate(
        "#{format(plusDays(inTimeZone(@scheduledStartTime,'America/Los_Angeles'),1),'yyyy-MM-dd HH:mm ZZ')}",
        ctx,
      ),
    ).toBe('2026-03-08 10:00 -07:00');
    expect(
      evaluateTemplate(
        "#{format(midnight(inTimeZone(@scheduledStartTime,'Asia/Tokyo')),'yyyy-MM-dd HH:mm ZZZ')}",
        ctx,
      ),
    ).toBe('2026-03-08 00:00 Asia/Tokyo');
  });
});

describe('evaluation context', () => {
  const def = validDefinition();
  const check = find(def, 'Check');
  const base: EvalContext = {
    definition: def,
    object: check,
    scheduledStartTime: new Date('2026-03-01T00:00:00Z'),
  };

  it('reads own fields, referenced fields (themselves templates), parameters and defaults', () => {
    expect(evaluateTemplate(check.fields.command as string, base)).toBe(
      'echo s3://bucket/data/orders/2026-03-01 10',
    );
    expect(evaluateTemplate('#{input.dataFormat.column}', base)).toBe('id INT,amount DOUBLE');
    expect(evaluateTemplate('#{id}/#{name}/#{type}', base)).toBe('Check/Check/ShellCommandActivity');
    expect(evaluateTemplate('#{myThreshold * 2}', base)).toBe('20');
    expect(evaluateTemplate('#{*myDbPassword}', base)).toBe('secret');
    expect(evaluateTemplate('#{myS3Path}', { ...base, parameters: { myS3Path: 's3://other' } })).toBe(
      's3://other',
    );
  });

  it('inherits fields from Default', () => {
    expect(evaluateTemplate('#{pipelineLogUri}', base)).toBe('s3://bucket/logs/');
  });

  it('gives node fields to alarms', () => {
    const alarm = find(def, 'FailureAlarm');
    const ctx: EvalContext = {
      ...base,
      object: alarm,
      node: check,
      nodeRuntime: { '@scheduledStartTime': new Date('2026-03-02T00:00:00Z') },
    };
    expect(evaluateTemplate(alarm.fields.subject as string, ctx)).toBe('Failed: Check');
    expect(evaluateTemplate('#{node.@scheduledStartTime} #{node.input.directoryPath}', ctx)).toBe(
      '2026-03-02T00:00:00 s3://bucket/data/orders/2026-03-02',
    );
  });

  it('inherits for an engine-side copy of an object, and own fields of the copy win', () => {
    const copy = { ...check, fields: { ...check.fields, errorMessage: 'boom' } };
    expect(evaluateTemplate('#{pipelineLogUri} #{errorMessage}', { ...base, object: copy })).toBe(
      's3://bucket/logs/ boom',
    );
  });

  it('an undefined runtime entry does not hide the shorthand time', () => {
    expect(
      evaluateTemplate('#{@scheduledStartTime}', { ...base, runtime: { '@scheduledStartTime': undefined } }),
    ).toBe('2026-03-01T00:00:00');
  });

  it('parameters win over a same-named user field', () => {
    const copy = { ...check, fields: { ...check.fields, myS3Path: 'field' } };
    expect(evaluateTemplate('#{myS3Path}', { ...base, object: copy })).toBe('s3://bucket/data');
  });

  it('maps string + over list parameters', () => {
    const ctx: EvalContext = { parameters: { myList: ['one', 'two'] } };
    expect(evaluateTemplateList("#{'this is ' + myList}", ctx)).toEqual(['this is one', 'this is two']);
    expect(evaluateField(['#{myList}', { ref: 'X' }], ctx)).toEqual(['one', 'two', { ref: 'X' }]);
  });

  it('uses @actualStartTime and other runtime fields', () => {
    const ctx: EvalContext = {
      actualStartTime: new Date('2026-01-02T03:04:05Z'),
      runtime: { '@pipelineId': 'df-1' },
    };
    expect(evaluateTemplate("#{format(@actualStartTime,'HH:mm:ss')} #{@pipelineId}", ctx)).toBe(
      '03:04:05 df-1',
    );
  });

  const failures: [string, EvalContext, string][] = [
    ['#{myMissing}', {}, 'ETL4075'],
    ['#{@scheduledStartTime}', {}, 'ETL4089'],
    ['#{1/0}', {}, 'ETL4089'],
    ['#{nosuch(1)}', {}, 'ETL4071'],
    ["#{format(@scheduledStartTime,'q')}", MAY, 'ETL4088'],
    ["#{format('x','YYYY')}", {}, 'ETL4073'],
    ['#{tableName}', { definition: def, object: find(def, 'Check') }, 'ETL4081'],
    [
      '#{input.@scheduledStartTime}',
      { definition: def, object: find(def, 'Check'), scheduledStartTime: new Date() },
      'ETL4082',
    ],
    ['#{node.name}', {}, 'ETL4074'],
    ['#{broken', {}, 'ETL4070'],
  ];
  for (const [text, ctx, code] of failures) {
    it(`${text} fails with ${code}`, () => {
      const r = tryEvaluate(text, ctx);
      expect(r.value).toBeUndefined();
      expect(r.diagnostics[0].code).toBe(code);
      expect(() => evaluateTemplate(text, ctx)).toThrow(EtlError);
    });
  }

  it('stops on fields that refer to each other', () => {
    const d = validDefinition();
    const o = find(d, 'Check');
    o.fields.myA = '#{myB}';
    o.fields.myB = '#{myA}';
    expect(tryEvaluate('#{myA}', { definition: d, object: o }).diagnostics[0].code).toBe('ETL4089');
  });
});
