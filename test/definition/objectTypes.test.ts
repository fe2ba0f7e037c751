/**
 * One valid and one invalid case for every object type in the rules table. Each case adds an
 * object `X` to the clean fixture pipeline (which also gets an EmrCluster `Emr`, a DynamoDBDataNode
 * `Dynamo` and an S3DataNode `Csv2` to point references at).
 */
import { describe, expect, it } from 'vitest';
import type { Definition, FieldValue } from '../../src/definition/model.js';
import { OBJECT_TYPES } from '../../src/definition/rules/objectTypes.js';
import { checkDefinition } from '../../src/definition/check.js';
import { NOW, obj, validDefinition } from './fixtures.js';

const r = (id: string) => ({ ref: id });

interface TypeCase {
  valid: Record<string, FieldValue>;
  allow?: string[];
  invalid: Record<string, FieldValue>;
  code: string;
  field: string;
}

const TYPE_CASES: Record<string, TypeCase> = {
  Schedule: {
    valid: { period: '1 hour', startDateTime: '2026-03-01T00:00:00' },
    invalid: { period: '1 hour' },
    code: 'ETL4041',
    field: 'startAt|startDateTime',
  },
  ShellCommandActivity: {
    valid: { command: 'echo hi', runsOn: r('Ec2') },
    invalid: { runsOn: r('Ec2') },
    code: 'ETL4041',
    field: 'command|scriptUri',
  },
  SqlActivity: {
    valid: { database: r('SourceDb'), script: 'select 1', runsOn: r('Ec2') },
    invalid: { script: 'select 1', runsOn: r('Ec2') },
    code: 'ETL4040',
    field: 'database',
  },
  CopyActivity: {
    valid: { input: r('Orders'), output: r('OrdersCsv'), runsOn: r('Ec2') },
    invalid: { input: r('Csv'), output: r('OrdersCsv'), runsOn: r('Ec2') },
    code: 'ETL4035',
    field: 'input',
  },
  RedshiftCopyActivity: {
    valid: { input: r('OrdersCsv'), output: r('OrdersTable'), insertMode: 'append', workerGroup: 'wg' },
    invalid: { input: r('OrdersCsv'), output: r('OrdersTable'), insertMode: 'UPSERT', workerGroup: 'wg' },
    code: 'ETL4047',
    field: 'insertMode',
  },
  EmrActivity: {
    valid: { runsOn: r('Emr'), step: ['s3://b/a.jar,arg1', 's3://b/b.jar'] },
    invalid: { runsOn: r('Ec2'), step: 's3://b/a.jar' },
    code: 'ETL4035',
    field: 'runsOn',
  },
  HiveActivity: {
    valid: { runsOn: r('Emr'), hiveScript: 'select 1', input: r('OrdersCsv'), output: r('Csv2') },
    invalid: { runsOn: r('Emr'), hiveScript: 'select 1', input: r('OrdersCsv') },
    code: 'ETL4040',
    field: 'output',
  },
  HadoopActivity: {
    valid: { runsOn: r('Emr'), jarUri: 's3://b/job.jar', argument: ['a', 'b'] },
    invalid: { runsOn: r('Emr') },
    code: 'ETL4040',
    field: 'jarUri',
  },
  PigActivity: {
    valid: { runsOn: r('Emr'), script: 'A = LOAD x;' },
    invalid: { runsOn: r('Emr'), script: 'A = LOAD x;', scriptUri: 's3://b/s.pig' },
    code: 'ETL4042',
    field: 'scriptUri',
  },
  HiveCopyActivity: {
    valid: { runsOn: r('Emr'), input: r('Dynamo'), output: r('OrdersCsv') },
    invalid: { input: r('Dynamo'), output: r('OrdersCsv') },
    code: 'ETL4041',
    field: 'runsOn|workerGroup',
  },
  S3DataNode: {
    valid: { filePath: 's3://b/k.csv', compression: 'GZIP' },
    invalid: { compression: 'gzip' },
    code: 'ETL4041',
    field: 'filePath|directoryPath',
  },
  SqlDataNode: {
    valid: { table: 't', database: r('SourceDb') },
    invalid: { database: r('SourceDb') },
    code: 'ETL4040',
    field: 'table',
  },
  MySqlDataNode: {
    valid: { table: 't', database: r('SourceDb') },
    allow: ['ETL4093'],
    invalid: { database: r('SourceDb') },
    code: 'ETL4040',
    field: 'table',
  },
  RedshiftDataNode: {
    valid: { database: r('Warehouse'), tableName: 't', primaryKeys: ['a', 'b'] },
    invalid: { database: r('SourceDb'), tableName: 't' },
    code: 'ETL4035',
    field: 'database',
  },
  DynamoDBDataNode: {
    valid: { tableName: 't', readThroughputPercent: '0.5' },
    invalid: { tableName: 't', readThroughputPercent: '1.5' },
    code: 'ETL4055',
    field: 'readThroughputPercent',
  },
  Ec2Resource: {
    valid: { terminateAfter: '1 hour', securityGroupIds: ['sg-1', 'sg-2'] },
    invalid: { terminateAfter: '1 hour', runsOn: r('Ec2') },
    code: 'ETL4043',
    field: 'runsOn',
  },
  EmrCluster: {
    valid: { terminateAfter: '2 Hours', releaseLabel: 'emr-6.15.0', coreInstanceCount: '2' },
    invalid: { terminateAfter: '2 Hours', workerGroup: 'wg' },
    code: 'ETL4043',
    field: 'workerGroup',
  },
  HttpProxy: {
    valid: { hostname: 'proxy', port: '8080' },
    invalid: { hostname: 'proxy', port: 'eighty' },
    code: 'ETL4050',
    field: 'port',
  },
  ShellCommandPrecondition: {
    valid: { command: 'test -f x' },
    invalid: {},
    code: 'ETL4041',
    field: 'command|scriptUri',
  },
  Exists: {
    valid: {},
    invalid: { preconditionTimeout: 'soon' },
    code: 'ETL4048',
    field: 'preconditionTimeout',
  },
  S3KeyExists: { valid: { s3Key: 's3://b/k' }, invalid: {}, code: 'ETL4040', field: 's3Key' },
  S3PrefixNotEmpty: { valid: { s3Prefix: 's3://b/p/' }, invalid: {}, code: 'ETL4040', field: 's3Prefix' },
  DynamoDBDataExists: { valid: { tableName: 't' }, invalid: {}, code: 'ETL4040', field: 'tableName' },
  DynamoDBTableExists: { valid: { tableName: 't' }, invalid: {}, code: 'ETL4040', field: 'tableName' },
  RdsDatabase: {
    valid: { rdsInstanceId: 'db', username: 'u', '*password': '#{*myDbPassword}' },
    invalid: { rdsInstanceId: 'db', username: 'u', password: 'x' },
    code: 'ETL4040',
    field: '*password',
  },
  JdbcDatabase: {
    valid: {
      connectionString: 'jdbc:postgresql://h/db',
      jdbcDriverClass: 'org.postgresql.Driver',
      username: 'u',
      '*password': 'p',
    },
    invalid: { connectionString: 'jdbc:postgresql://h/db', username: 'u', '*password': 'p' },
    code: 'ETL4040',
    field: 'jdbcDriverClass',
  },
  RedshiftDatabase: {
    valid: { connectionString: 'jdbc:redshift://h:5439/dw', username: 'u', '*password': 'p' },
    invalid: {
      clusterId: 'c',
      connectionString: 'jdbc:redshift://h:5439/dw',
      username: 'u',
      '*password': 'p',
    },
    code: 'ETL4042',
    field: 'connectionString',
  },
  CSV: {
    valid: { column: ['a INT'] },
    invalid: { columnSeparator: ',' },
    code: 'ETL4044',
    field: 'columnSeparator',
  },
  TSV: { valid: { columnSeparator: '\t' }, invalid: { column: r('Csv') }, code: 'ETL4053', field: 'column' },
  Custom: { valid: { columnSeparator: '|' }, invalid: {}, code: 'ETL4040', field: 'columnSeparator' },
  RegEx: {
    valid: { inputRegEx: '(.*)', outputFormat: '%1$s' },
    invalid: { inputRegex: '(.*)' },
    code: 'ETL4044',
    field: 'inputRegex',
  },
  DynamoDBDataFormat: {
    valid: { column: 'a STRING' },
    invalid: { parent: r('Nope') },
    code: 'ETL4031',
    field: 'parent',
  },
  DynamoDBExportDataFormat: {
    valid: {},
    invalid: { '@status': 'RUNNING' },
    code: 'ETL4046',
    field: '@status',
  },
  SnsAlarm: {
    valid: { topicArn: 'arn:aws:sns:us-east-1:1:t', subject: 's', message: 'm' },
    invalid: { subject: 's', message: 'm' },
    code: 'ETL4040',
    field: 'topicArn',
  },
  Terminate: { valid: {}, invalid: { message: 'bye' }, code: 'ETL4044', field: 'message' },
  ShellScriptConfig: {
    valid: { scriptUri: 's3://b/s.sh', scriptArgument: ['1', '2'] },
    invalid: { scriptUri: r('Ec2') },
    code: 'ETL4053',
    field: 'scriptUri',
  },
  EmrConfiguration: {
    valid: { classification: 'core-site' },
    invalid: {},
    code: 'ETL4040',
    field: 'classification',
  },
  Property: { valid: { key: 'k', value: 'v' }, invalid: { key: 'k' }, code: 'ETL4040', field: 'value' },
  EbsConfiguration: {
    valid: { ebsOptimized: 'true' },
    invalid: { ebsOptimized: 'yes' },
    code: 'ETL4052',
    field: 'ebsOptimized',
  },
  EbsBlockDeviceConfig: {
    valid: { volumesPerInstance: '2' },
    invalid: { volumesPerInstance: '2.5' },
    code: 'ETL4050',
    field: 'volumesPerInstance',
  },
  VolumeSpecification: {
    valid: { sizeInGB: '100', volumeType: 'gp2' },
    invalid: { iops: 'many' },
    code: 'ETL4050',
    field: 'iops',
  },
};

function withObject(type: string, fields: Record<string, FieldValue>): Definition {
  const def = validDefinition();
  def.objects.push(
    obj('Emr', { type: 'EmrCluster', terminateAfter: '2 Hours', releaseLabel: 'emr-6.15.0' }),
    obj('Dynamo', { type: 'DynamoDBDataNode', tableName: 'events' }),
    obj('Csv2', { type: 'S3DataNode', directoryPath: 's3://b/out/' }),
    obj('X', { type, ...fields }),
  );
  return def;
}

describe('object types table', () => {
  it('has a test case for every object type', () => {
    expect(Object.keys(TYPE_CASES).sort()).toEqual(Object.keys(OBJECT_TYPES).sort());
  });

  for (const [type, c] of Object.entries(TYPE_CASES)) {
    it(`${type}: valid`, () => {
      const found = checkDefinition(withObject(type, c.valid), { now: NOW }).filter(
        (d) => d.severity !== 'info' && !(c.allow ?? []).includes(d.code),
      );
      expect(found.map((d) => `${d.code} ${d.objectId}.${d.field}: ${d.message}`)).toEqual([]);
    });
    it(`${type}: invalid → ${c.code} on ${c.field}`, () => {
      const found = checkDefinition(withObject(type, c.invalid), { now: NOW });
      const hit = found.find((d) => d.code === c.code && d.objectId === 'X' && d.field === c.field);
      expect(hit, found.map((d) => `${d.code} ${d.objectId}.${d.field}`).join('\n')).toBeDefined();
    });
  }
});
