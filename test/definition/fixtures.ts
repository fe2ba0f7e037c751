/**
 * Definitions for the checker tests and benchmarks. `validDefinition()` passes the checker with
 * no errors and no warnings; tests add or change one thing and expect one finding.
 * `makeLargeDefinition(n)` builds an n-object definition for benchmarks (bench/ can import the
 * compiled copy from dist/test/definition/fixtures.js).
 */
import type { Definition, FieldValue, PipelineObject } from '../../src/definition/model.js';

export function obj(id: string, fields: Record<string, FieldValue>, name = id): PipelineObject {
  return { id, name, fields };
}

export const NOW = new Date('2026-03-01T12:00:00Z');

/** A clean scheduled pipeline: RDS → S3 via an EC2 resource, then Redshift, with an SNS alarm. */
export function validDefinition(): Definition {
  return {
    objects: [
      obj('Default', {
        scheduleType: 'cron',
        failureAndRerunMode: 'CASCADE',
        schedule: { ref: 'DailySchedule' },
        role: 'DataPipelineDefaultRole',
        resourceRole: 'DataPipelineDefaultResourceRole',
        pipelineLogUri: 's3://bucket/logs/',
        onFail: { ref: 'FailureAlarm' },
      }),
      obj('DailySchedule', { type: 'Schedule', period: '1 day', startDateTime: '2026-03-01T00:00:00' }),
      obj('Ec2', { type: 'Ec2Resource', terminateAfter: '2 Hours', instanceType: 'm5.large' }),
      obj('SourceDb', {
        type: 'RdsDatabase',
        rdsInstanceId: 'prod-db',
        username: 'etl',
        '*password': '#{*myDbPassword}',
      }),
      obj('Warehouse', {
        type: 'RedshiftDatabase',
        clusterId: 'dw',
        username: 'etl',
        '*password': '#{*myDbPassword}',
        databaseName: 'dw',
      }),
      obj('Orders', {
        type: 'SqlDataNode',
        database: { ref: 'SourceDb' },
        table: 'orders',
        selectQuery: "select * from #{table} where day = '#{format(@scheduledStartTime,'YYYY-MM-dd')}'",
      }),
      obj('OrdersCsv', {
        type: 'S3DataNode',
        directoryPath: "#{myS3Path}/orders/#{format(@scheduledStartTime,'YYYY-MM-dd')}",
        dataFormat: { ref: 'Csv' },
      }),
      obj('Csv', { type: 'CSV', column: ['id INT', 'amount DOUBLE'] }),
      obj('OrdersTable', { type: 'RedshiftDataNode', database: { ref: 'Warehouse' }, tableName: 'orders' }),
      obj('Extract', {
        type: 'CopyActivity',
        input: { ref: 'Orders' },
        output: { ref: 'OrdersCsv' },
        runsOn: { ref: 'Ec2' },
        maximumRetries: '2',
      }),
      obj('Load', {
        type: 'RedshiftCopyActivity',
        input: { ref: 'OrdersCsv' },
        output: { ref: 'OrdersTable' },
        insertMode: 'KEEP_EXISTING',
        runsOn: { ref: 'Ec2' },
        dependsOn: { ref: 'Extract' },
        commandOptions: ['EMPTYASNULL', 'IGNOREBLANKLINES'],
      }),
      obj('Check', {
        type: 'ShellCommandActivity',
        command: 'echo #{input.directoryPath} #{myThreshold}',
        input: { ref: 'OrdersCsv' },
        workerGroup: 'wg',
        dependsOn: [{ ref: 'Extract' }, { ref: 'Load' }],
      }),
      obj('FailureAlarm', {
        type: 'SnsAlarm',
        topicArn: 'arn:aws:sns:us-east-1:123456789012:etl',
        subject: 'Failed: #{node.name}',
        message: 'Run at #{node.@scheduledStartTime} failed: #{node.errorMessage}',
      }),
    ],
    parameters: [
      { id: 'myS3Path', attributes: { type: 'String', description: 'bucket prefix' } },
      { id: '*myDbPassword', attributes: { type: 'String', description: 'db password' } },
      { id: 'myThreshold', attributes: { type: 'Integer', default: '10', allowedValues: ['5', '10', '20'] } },
    ],
    values: { myS3Path: 's3://bucket/data', '*myDbPassword': 'secret' },
  };
}

/** Deep copy with an edit applied, so each test starts from the same clean definition. */
export function edit(change: (def: Definition) => void, base: Definition = validDefinition()): Definition {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

export function find(def: Definition, id: string): PipelineObject {
  const o = def.objects.find((x) => x.id === id);
  if (!o) throw new Error(`fixture has no object ${id}`);
  return o;
}

/**
 * An n-object definition shaped like a compiled pipeline: per group a SqlDataNode, an S3DataNode,
 * a CopyActivity and a ShellCommandActivity with expressions, sharing one resource and schedule.
 */
export function makeLargeDefinition(n: number): Definition {
  const base = validDefinition();
  const objects: PipelineObject[] = [...base.objects.slice(0, 5), find(base, 'FailureAlarm')];
  let i = 0;
  while (objects.length < n) {
    const k = i++;
    objects.push(
      obj(`Node${k}`, {
        type: 'SqlDataNode',
        database: { ref: 'SourceDb' },
        table: `t${k}`,
        selectQuery: `select * from #{table} where d = '#{format(@scheduledStartTime,'YYYY-MM-dd')}'`,
      }),
      obj(`Out${k}`, {
        type: 'S3DataNode',
        directoryPath: `#{myS3Path}/t${k}/#{format(minusDays(@scheduledStartTime,1),'YYYY-MM-dd')}`,
      }),
      obj(`Copy${k}`, {
        type: 'CopyActivity',
        input: { ref: `Node${k}` },
        output: { ref: `Out${k}` },
        runsOn: { ref: 'Ec2' },
        ...(k > 0 ? { dependsOn: { ref: `Copy${k - 1}` } } : {}),
      }),
      obj(`Shell${k}`, {
        type: 'ShellCommandActivity',
        command: `echo #{input.directoryPath} #{myThreshold}`,
        input: { ref: `Out${k}` },
        runsOn: { ref: 'Ec2' },
        dependsOn: { ref: `Copy${k}` },
        scriptArgument: ['a', 'b'],
      }),
    );
  }
  return { objects: objects.slice(0, Math.max(n, 6)), parameters: base.parameters, values: base.values };
}
