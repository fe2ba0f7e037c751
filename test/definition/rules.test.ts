/** Every rule family of reference §1–§6 / §9, as RuleTester tables over the clean fixture pipeline. */
import type { FieldValue } from '../../src/definition/model.js';
import { edit, find, obj, validDefinition } from './fixtures.js';
import { ruleTester } from './ruleTester.js';

const r = (id: string) => ({ ref: id });
const set = (id: string, fields: Record<string, FieldValue>) =>
  edit((d) => Object.assign(find(d, id).fields, fields));
const unset = (id: string, ...keys: string[]) =>
  edit((d) => {
    for (const k of keys) delete find(d, id).fields[k];
  });
const add = (id: string, fields: Record<string, FieldValue>) => edit((d) => d.objects.push(obj(id, fields)));

ruleTester('API shape and empty values', {
  valid: [{ name: 'the fixture pipeline', def: validDefinition() }],
  invalid: [
    {
      name: 'empty string value is fatal on AWS',
      def: set('Extract', { maximumRetries: '' }),
      errors: [{ code: 'ETL4013', objectId: 'Extract', field: 'maximumRetries' }],
    },
    {
      name: 'empty reference',
      def: set('Extract', { runsOn: r('') }),
      errors: [{ code: 'ETL4013', objectId: 'Extract', field: 'runsOn' }],
    },
    {
      name: 'empty id',
      def: edit((d) => (find(d, 'Csv').id = '')),
      errors: [{ code: 'ETL4010', objectId: '' }],
    },
    {
      name: 'empty name',
      def: edit((d) => (find(d, 'Csv').name = '')),
      errors: [{ code: 'ETL4010', objectId: 'Csv', field: 'name' }],
    },
    { name: 'id over 256 bytes', def: add('é'.repeat(129), { type: 'CSV' }), errors: [{ code: 'ETL4011' }] },
    {
      name: 'empty field key',
      def: set('Csv', { '': 'x' }),
      errors: [{ code: 'ETL4012', objectId: 'Csv', field: '' }],
    },
    {
      name: 'value over 10,240 bytes',
      def: set('Check', { command: 'x'.repeat(10_241) }),
      errors: [{ code: 'ETL4014', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'XML-illegal control character',
      def: set('Check', { command: 'echo \u0001' }),
      errors: [{ code: 'ETL4015', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'lone surrogate',
      def: set('Check', { command: 'echo \ud800' }),
      errors: [{ code: 'ETL4015', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'empty list is dropped',
      def: set('Csv', { column: [] }),
      errors: [{ code: 'ETL4016', objectId: 'Csv', field: 'column', severity: 'warning' }],
    },
  ],
});

function many(n: number) {
  return edit((d) => {
    for (let i = 0; i < n; i++) d.objects.push(obj(`F${i}`, { type: 'CSV' }));
  });
}

ruleTester('limits', {
  valid: [{ name: '100 objects', def: many(100 - validDefinition().objects.length) }],
  invalid: [
    {
      name: '101 objects: adjustable limit, warning',
      def: many(101 - validDefinition().objects.length),
      errors: [{ code: 'ETL4020', severity: 'warning' }],
    },
    {
      name: 'explicit maxObjects: error',
      def: many(60),
      maxObjects: 50,
      errors: [{ code: 'ETL4020', severity: 'error' }],
    },
    {
      name: '51 fields (repeated keys count)',
      def: set('Csv', { column: Array.from({ length: 51 }, (_, i) => `c${i} INT`) }),
      errors: [{ code: 'ETL4021', objectId: 'Csv' }],
    },
    {
      name: 'object over 15,360 bytes',
      def: set('Check', { command: 'x'.repeat(9000), myNote: 'y'.repeat(9000) }),
      errors: [{ code: 'ETL4022', objectId: 'Check' }],
    },
    {
      name: '51 parameters',
      def: edit((d) => {
        for (let i = 0; i < 51; i++) d.parameters.push({ id: `myP${i}`, attributes: { default: 'x' } });
      }),
      errors: [{ code: 'ETL4023' }],
    },
    {
      name: '11 tags',
      def: edit((d) => {
        d.meta = {
          pipelineName: 'p',
          assets: [],
          secrets: {},
          steps: [],
          tags: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])),
        };
      }),
      errors: [{ code: 'ETL4024' }],
    },
  ],
});

ruleTester('ids, references, parent, types', {
  valid: [
    {
      name: 'parent template without type; inherited required field',
      def: edit((d) => {
        d.objects.push(obj('RedshiftTemplate', { username: 'etl', '*password': '#{*myDbPassword}' }));
        d.objects.push(
          obj('Dw2', { type: 'RedshiftDatabase', parent: r('RedshiftTemplate'), clusterId: 'dw2' }),
        );
      }),
    },
  ],
  invalid: [
    {
      name: 'duplicate id',
      def: add('Csv', { type: 'TSV' }),
      errors: [{ code: 'ETL4030', objectId: 'Csv', field: 'id' }],
    },
    {
      name: 'dangling ref',
      def: set('Extract', { runsOn: r('Ec3') }),
      errors: [{ code: 'ETL4031', objectId: 'Extract', field: 'runsOn' }],
    },
    {
      name: 'dangling parent',
      def: set('Csv', { parent: r('Nope') }),
      errors: [{ code: 'ETL4031', objectId: 'Csv', field: 'parent' }],
    },
    {
      name: 'dangling schedule on Default',
      def: set('Default', { schedule: r('Hourly') }),
      errors: [{ code: 'ETL4031', objectId: 'Default', field: 'schedule' }],
    },
    {
      name: 'dangling ref in a user field',
      def: set('Csv', { myOther: r('Gone') }),
      errors: [{ code: 'ETL4031', objectId: 'Csv', field: 'myOther' }],
    },
    {
      name: 'parent cycle',
      def: edit((d) => {
        d.objects.push(obj('A', { parent: r('B') }), obj('B', { parent: r('A') }));
      }),
      errors: [{ code: 'ETL4032', field: 'parent' }],
    },
    {
      name: 'missing type',
      def: add('Loose', { table: 't' }),
      errors: [{ code: 'ETL4033', objectId: 'Loose', field: 'type' }],
    },
    {
      name: 'unknown type',
      def: set('Csv', { type: 'CVS' }),
      errors: [{ code: 'ETL4034', objectId: 'Csv', field: 'type' }],
    },
  ],
});

ruleTester('inheritance, required, not allowed, kinds and enums', {
  valid: [
    { name: 'any region code shape', def: set('Ec2', { region: 'me-south-1' }) },
    { name: 'role inherited from Default by SnsAlarm and Ec2Resource', def: validDefinition() },
    {
      name: 'enum case-insensitive',
      def: set('Default', { scheduleType: 'CRON', failureAndRerunMode: 'none' }),
    },
    {
      name: 'Period spellings',
      def: set('Ec2', { terminateAfter: '1 HOUR', attemptTimeout: '70 Minutes', retryDelay: '10 minutes' }),
    },
    {
      name: 'parameter substituted before the kind check',
      def: edit((d) => {
        d.parameters.push({ id: 'myRetries', attributes: { type: 'Integer', default: '3' } });
        find(d, 'Extract').fields.maximumRetries = '#{myRetries}';
      }),
    },
  ],
  invalid: [
    {
      name: 'region code',
      def: set('Ec2', { region: 'virginia' }),
      errors: [{ code: 'ETL4047', objectId: 'Ec2', field: 'region' }],
    },
    {
      name: 'required field missing after inheritance',
      def: unset('Default', 'role'),
      errors: [
        { code: 'ETL4040', objectId: 'Ec2', field: 'role' },
        { code: 'ETL4040', objectId: 'FailureAlarm', field: 'role' },
      ],
    },
    {
      name: 'not allowed field',
      def: set('Ec2', { workerGroup: 'wg' }),
      errors: [{ code: 'ETL4043', objectId: 'Ec2', field: 'workerGroup' }],
    },
    {
      name: 'unknown field with did-you-mean',
      def: set('Extract', { maximumRetry: '2' }),
      errors: [{ code: 'ETL4044', objectId: 'Extract', field: 'maximumRetry', severity: 'warning' }],
    },
    {
      name: 'unknown field on Default',
      def: set('Default', { scheduleTyp: 'cron' }),
      errors: [{ code: 'ETL4044', objectId: 'Default', field: 'scheduleTyp' }],
    },
    {
      name: 'user field not my[A-Z_]',
      def: set('Csv', { mycomment: 'x' }),
      errors: [{ code: 'ETL4045', objectId: 'Csv', field: 'mycomment' }],
    },
    {
      name: 'runtime field set',
      def: set('Extract', { '@status': 'FINISHED' }),
      errors: [{ code: 'ETL4046', objectId: 'Extract', field: '@status' }],
    },
    {
      name: 'enum value',
      def: set('Default', { failureAndRerunMode: 'retry' }),
      errors: [{ code: 'ETL4047', objectId: 'Default', field: 'failureAndRerunMode' }],
    },
    {
      name: 'Period',
      def: set('Ec2', { terminateAfter: 'two hours' }),
      errors: [{ code: 'ETL4048', objectId: 'Ec2', field: 'terminateAfter' }],
    },
    {
      name: 'DateTime',
      def: set('DailySchedule', { startDateTime: '2026-03-01 00:00' }),
      errors: [{ code: 'ETL4049', objectId: 'DailySchedule', field: 'startDateTime' }],
    },
    {
      name: 'DateTime must be literal',
      def: set('DailySchedule', { startDateTime: "#{format(@scheduledStartTime,'YYYY')}" }),
      errors: [{ code: 'ETL4049', objectId: 'DailySchedule', field: 'startDateTime' }],
    },
    {
      name: 'Integer',
      def: set('Extract', { maximumRetries: 'three' }),
      errors: [{ code: 'ETL4050', objectId: 'Extract', field: 'maximumRetries' }],
    },
    {
      name: 'Double',
      def: set('Ec2', { spotBidPrice: 'cheap' }),
      errors: [{ code: 'ETL4051', objectId: 'Ec2', field: 'spotBidPrice' }],
    },
    {
      name: 'Boolean',
      def: set('Check', { stage: 'yes' }),
      errors: [{ code: 'ETL4052', objectId: 'Check', field: 'stage' }],
    },
    {
      name: 'string where a reference is expected',
      def: set('Extract', { runsOn: 'Ec2' }),
      errors: [{ code: 'ETL4053', objectId: 'Extract', field: 'runsOn' }],
    },
    {
      name: 'reference where a string is expected',
      def: set('Check', { command: r('Ec2') }),
      errors: [{ code: 'ETL4053', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'reference target type',
      def: set('Load', { dependsOn: r('Orders') }),
      errors: [{ code: 'ETL4035', objectId: 'Load', field: 'dependsOn' }],
    },
    {
      name: 'several values for a single field',
      def: set('Extract', { runsOn: [r('Ec2'), r('Ec2')] }),
      errors: [{ code: 'ETL4054', objectId: 'Extract', field: 'runsOn' }],
    },
    {
      name: 'maximumRetries above 5',
      def: set('Extract', { maximumRetries: '6' }),
      errors: [{ code: 'ETL4055', objectId: 'Extract', field: 'maximumRetries', severity: 'error' }],
    },
    {
      name: 'retryDelay below 2 minutes',
      def: set('Extract', { retryDelay: '1 minute' }),
      errors: [{ code: 'ETL4055', objectId: 'Extract', field: 'retryDelay' }],
    },
    {
      name: 'maxActiveInstances above 5 (adjustable)',
      def: set('Extract', { maxActiveInstances: '8' }),
      errors: [{ code: 'ETL4055', objectId: 'Extract', field: 'maxActiveInstances', severity: 'warning' }],
    },
    {
      name: 'spot bid price out of (0, 20)',
      def: set('Ec2', { spotBidPrice: '20' }),
      errors: [{ code: 'ETL4055', objectId: 'Ec2', field: 'spotBidPrice' }],
    },
  ],
});

const ONDEMAND = () =>
  edit((d) => {
    d.objects = d.objects.filter((o) => o.id !== 'DailySchedule');
    delete find(d, 'Default').fields.schedule;
    find(d, 'Default').fields.scheduleType = 'ondemand';
  });

ruleTester('schedules', {
  valid: [
    { name: '36 months is within 3 years', def: set('DailySchedule', { period: '36 months' }) },
    { name: 'occurrences instead of endDateTime', def: set('DailySchedule', { occurrences: '10' }) },
    { name: 'end after start', def: set('DailySchedule', { endDateTime: '2026-04-01T00:00:00' }) },
    { name: 'on-demand pipeline', def: ONDEMAND() },
    {
      name: 'start in the past without now',
      def: set('DailySchedule', { startDateTime: '2020-01-01T00:00:00' }),
      now: null,
    },
  ],
  invalid: [
    {
      name: 'both startAt and startDateTime',
      def: set('DailySchedule', { startAt: 'FIRST_ACTIVATION_DATE_TIME' }),
      errors: [{ code: 'ETL4042', objectId: 'DailySchedule', field: 'startDateTime' }],
    },
    {
      name: 'neither start',
      def: unset('DailySchedule', 'startDateTime'),
      errors: [{ code: 'ETL4041', objectId: 'DailySchedule', field: 'startAt|startDateTime' }],
    },
    {
      name: 'occurrences and endDateTime',
      def: set('DailySchedule', { occurrences: '3', endDateTime: '2026-04-01T00:00:00' }),
      errors: [{ code: 'ETL4042', objectId: 'DailySchedule', field: 'endDateTime' }],
    },
    {
      name: 'end not after start',
      def: set('DailySchedule', { endDateTime: '2026-03-01T00:00:00' }),
      errors: [{ code: 'ETL4060', objectId: 'DailySchedule', field: 'endDateTime' }],
    },
    {
      name: 'period below 15 minutes',
      def: set('DailySchedule', { period: '10 minutes' }),
      errors: [{ code: 'ETL4061', objectId: 'DailySchedule', field: 'period' }],
    },
    {
      name: 'period above 3 years',
      def: set('DailySchedule', { period: '4 years' }),
      errors: [{ code: 'ETL4061', objectId: 'DailySchedule', field: 'period' }],
    },
    {
      name: 'start more than one day before now',
      def: set('DailySchedule', { startDateTime: '2026-02-20T00:00:00' }),
      errors: [{ code: 'ETL4062', objectId: 'DailySchedule', field: 'startDateTime', severity: 'warning' }],
    },
    {
      name: 'cascade + backfill',
      def: set('DailySchedule', { startDateTime: '2026-02-27T00:00:00' }),
      errors: [{ code: 'ETL4063', objectId: 'Default', field: 'failureAndRerunMode' }],
    },
    {
      name: 'ondemand with a schedule ref',
      def: edit((d) => (find(d, 'Extract').fields.schedule = r('Csv')), ONDEMAND()),
      errors: [{ code: 'ETL4064', objectId: 'Extract', field: 'schedule', severity: 'error' }],
    },
    {
      name: 'ondemand with a Schedule object',
      def: edit(
        (d) =>
          d.objects.push(
            obj('S', { type: 'Schedule', period: 'ONDEMAND_PERIOD', startAt: 'ONDEMAND_ACTIVATION_TIME' }),
          ),
        ONDEMAND(),
      ),
      errors: [{ code: 'ETL4064', objectId: 'S', severity: 'warning' }],
    },
    {
      name: 'ondemand not on Default',
      def: set('Extract', { scheduleType: 'ondemand' }),
      errors: [{ code: 'ETL4065', objectId: 'Extract', field: 'scheduleType' }],
    },
    {
      name: 'lateAfterTimeout in ondemand',
      def: edit((d) => (find(d, 'Extract').fields.lateAfterTimeout = '1 hour'), ONDEMAND()),
      errors: [{ code: 'ETL4066', objectId: 'Extract', field: 'lateAfterTimeout' }],
    },
    {
      name: 'scheduled pipeline, object without schedule',
      def: unset('Default', 'schedule'),
      errors: [{ code: 'ETL4040', objectId: 'Extract', field: 'schedule' }],
    },
  ],
});

ruleTester('parameters', {
  valid: [
    {
      name: 'optional parameter without value',
      def: edit((d) => d.parameters.push({ id: 'myOpt', attributes: { optional: 'true' } })),
    },
    {
      name: 'array parameter',
      def: edit((d) => {
        d.parameters.push({ id: 'myList', attributes: { isArray: 'true' } });
        d.values.myList = ['a', 'b'];
      }),
    },
    {
      name: 'secret supplied at activation',
      def: edit((d) => {
        delete d.values['*myDbPassword'];
        d.meta = {
          pipelineName: 'p',
          assets: [],
          steps: [],
          secrets: { '*myDbPassword': 'env:DB_PASSWORD' },
        };
      }),
    },
  ],
  invalid: [
    {
      name: 'no value, default or optional: needed at activation (a note for a template)',
      def: edit((d) => delete d.values.myS3Path),
      errors: [{ code: 'ETL4200', objectId: 'myS3Path', severity: 'info' }],
    },
    {
      name: 'no value, default or optional, at activation (--require-values)',
      def: edit((d) => delete d.values.myS3Path),
      requireValues: true,
      errors: [{ code: 'ETL4076', objectId: 'myS3Path', severity: 'error' }],
    },
    {
      name: 'encrypted parameter without value at activation: supplied as a secret, warning',
      def: edit((d) => delete d.values['*myDbPassword']),
      requireValues: true,
      errors: [{ code: 'ETL4076', objectId: '*myDbPassword', severity: 'warning' }],
    },
    {
      name: 'value not in allowedValues',
      def: edit((d) => (d.values.myThreshold = '7')),
      errors: [{ code: 'ETL4077', objectId: 'myThreshold', field: 'value' }],
    },
    {
      name: 'Integer parameter with a non-integer value',
      def: edit((d) => {
        d.parameters[2].attributes = { type: 'Integer' };
        d.values.myThreshold = '1.5';
      }),
      errors: [{ code: 'ETL4078', objectId: 'myThreshold' }],
    },
    {
      name: 'parameter id without my',
      def: edit((d) => d.parameters.push({ id: 'bucket', attributes: { default: 'b' } })),
      errors: [{ code: 'ETL4079', objectId: 'bucket', severity: 'error' }],
    },
    {
      name: 'parameter id my + lowercase',
      def: edit((d) => d.parameters.push({ id: 'mybucket', attributes: { default: 'b' } })),
      errors: [{ code: 'ETL4079', objectId: 'mybucket', severity: 'warning' }],
    },
    {
      name: 'value for an undeclared parameter',
      def: edit((d) => (d.values.myGhost = 'x')),
      errors: [{ code: 'ETL4084', objectId: 'myGhost' }],
    },
    {
      name: 'bad parameter type',
      def: edit((d) => (d.parameters[0].attributes.type = 'Number')),
      errors: [{ code: 'ETL4085', objectId: 'myS3Path', field: 'type' }],
    },
    {
      name: 'several values for a non-array parameter',
      def: edit((d) => (d.values.myS3Path = ['s3://a', 's3://b'])),
      errors: [{ code: 'ETL4085', objectId: 'myS3Path' }],
    },
    {
      name: 'duplicate parameter',
      def: edit((d) => d.parameters.push({ id: 'myS3Path', attributes: {} })),
      errors: [{ code: 'ETL4086', objectId: 'myS3Path' }],
    },
  ],
});

const cmd = (command: string) => set('Check', { command });

ruleTester('expressions', {
  valid: [
    {
      name: 'a parameter with no parameter object but a value (put-pipeline-definition --parameter-values)',
      def: (() => {
        const d = cmd('aws s3 ls s3://#{myBucket}/');
        d.values.myBucket = 'acme';
        return d;
      })(),
    },
    {
      name: 'method form, nested calls, arithmetic',
      def: cmd(
        "#{@scheduledStartTime.format('YYYY-MM-dd')} #{format(minusMinutes(@scheduledStartTime,30),'YYYY-MM-dd hh:mm:ss')} #{1 + 2 * 3 ^ 2}",
      ),
    },
    { name: 'encrypted parameter', def: cmd('psql -W #{*myDbPassword}') },
    {
      name: 'reference path and user field',
      def: edit((d) => {
        find(d, 'Check').fields.myDir = 'x';
        find(d, 'Check').fields.command = 'ls #{input.directoryPath} #{myDir} #{output}'.replace(
          ' #{output}',
          '',
        );
      }),
    },
    { name: 'node in SnsAlarm', def: validDefinition() },
    {
      name: 'inTimeZone',
      def: cmd("#{format(inTimeZone(@scheduledStartTime,'America/Los_Angeles'),'HH:mm z')}"),
    },
  ],
  invalid: [
    {
      name: 'syntax error',
      def: cmd('echo #{format(@scheduledStartTime,}'),
      errors: [{ code: 'ETL4070', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'unterminated',
      def: cmd('echo #{myS3Path'),
      errors: [{ code: 'ETL4070', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'unknown function',
      def: cmd('#{formatDate(@scheduledStartTime)}'),
      errors: [{ code: 'ETL4071', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'arity',
      def: cmd('#{plusDays(@scheduledStartTime)}'),
      errors: [{ code: 'ETL4072', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'argument type',
      def: cmd("#{plusDays(@scheduledStartTime, 'one')}"),
      errors: [{ code: 'ETL4073', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'node outside alarms and preconditions',
      def: cmd('#{node.name}'),
      errors: [{ code: 'ETL4074', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'undeclared parameter with no value: a warning naming the flag',
      def: cmd('#{myBucket}'),
      errors: [{ code: 'ETL4201', objectId: 'Check', field: 'command', severity: 'warning' }],
    },
    {
      name: 'plusPeriod is undocumented',
      def: cmd("#{plusPeriod(@scheduledStartTime,'1 day')}"),
      errors: [{ code: 'ETL4080', objectId: 'Check', field: 'command', severity: 'warning' }],
    },
    {
      name: 'field the object does not have',
      def: cmd('#{tableName}'),
      errors: [{ code: 'ETL4081', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'field the referenced object does not have',
      def: cmd('#{input.tableName}'),
      errors: [{ code: 'ETL4081', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'runtime field through a reference',
      def: cmd('#{input.@scheduledStartTime}'),
      errors: [{ code: 'ETL4082', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'encrypted parameter without *',
      def: cmd('#{myDbPassword}'),
      errors: [{ code: 'ETL4083', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'unknown runtime field',
      def: cmd('#{@scheduledTime}'),
      errors: [{ code: 'ETL4087', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'bad Joda pattern',
      def: cmd("#{format(@scheduledStartTime,'YYYY-MM-dd T')}"),
      errors: [{ code: 'ETL4088', objectId: 'Check', field: 'command' }],
    },
    {
      name: 'unknown time zone',
      def: cmd("#{inTimeZone(@scheduledStartTime,'Mars/Olympus')}"),
      errors: [{ code: 'ETL4088', objectId: 'Check', field: 'command' }],
    },
  ],
});

ruleTester('warnings where AWS warns or samples deviate', {
  valid: [{ name: 'the fixture pipeline', def: validDefinition() }],
  invalid: [
    {
      name: 'no pipelineLogUri',
      def: unset('Default', 'pipelineLogUri'),
      errors: [{ code: 'ETL4090', objectId: 'Default', severity: 'warning' }],
    },
    {
      name: 'resource without terminateAfter',
      def: unset('Ec2', 'terminateAfter'),
      errors: [{ code: 'ETL4091', objectId: 'Ec2', field: 'terminateAfter' }],
    },
    {
      name: 'scriptArgument with scriptUri',
      def: edit((d) => {
        const f = find(d, 'Check').fields;
        delete f.command;
        f.scriptUri = 's3://b/run.sh';
        f.scriptArgument = ['a'];
      }),
      errors: [{ code: 'ETL4092', objectId: 'Check', field: 'scriptArgument', severity: 'warning' }],
    },
    {
      name: 'MySqlDataNode is deprecated',
      def: set('Orders', { type: 'MySqlDataNode' }),
      errors: [{ code: 'ETL4093', objectId: 'Orders', field: 'type' }],
    },
    {
      name: 'deprecated field',
      def: set('Ec2', { instanceCount: '2' }),
      errors: [{ code: 'ETL4094', objectId: 'Ec2', field: 'instanceCount' }],
    },
    {
      name: 'deprecated startAt',
      def: edit((d) => {
        const f = find(d, 'DailySchedule').fields;
        delete f.startDateTime;
        f.startAt = 'FIRST_ACTIVATION_DATE_TIME';
      }),
      errors: [{ code: 'ETL4094', objectId: 'DailySchedule', field: 'startAt' }],
    },
    {
      name: 'onLateAction without lateAfterTimeout',
      def: set('Extract', { onLateAction: r('FailureAlarm') }),
      errors: [{ code: 'ETL4095', objectId: 'Extract', field: 'onLateAction' }],
    },
    {
      name: 'sample-only field',
      def: set('Ec2', { logUri: 's3://b/ec2/' }),
      errors: [{ code: 'ETL4096', objectId: 'Ec2', field: 'logUri', severity: 'info' }],
    },
  ],
});
