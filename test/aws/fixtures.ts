/** Hand-built Definitions for deploy tests (independent of the compiler). */
import { createHash } from 'node:crypto';
import type { Definition } from '../../src/definition/model.js';

export const SECRET = 'hunter2-very-secret-Value';

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function sampleDefinition(
  opts: { sql?: string; period?: string; extra?: boolean; localPath?: string; localSha?: string } = {},
): Definition {
  const sql = opts.sql ?? 'SELECT 1;';
  const sqlUri = `s3://etl-bucket/etlctl/assets/${sha(sql).slice(0, 16)}/load.sql`;
  const origin = (line: number, step?: string) => ({
    file: 'pipelines/demo.yaml',
    line,
    column: 3,
    ...(step ? { step, stepType: 'sql-command' } : {}),
  });
  const def: Definition = {
    objects: [
      {
        id: 'Default',
        name: 'Default',
        fields: {
          scheduleType: 'cron',
          failureAndRerunMode: 'CASCADE',
          schedule: { ref: 'DefaultSchedule' },
          role: 'DataPipelineDefaultRole',
          resourceRole: 'DataPipelineDefaultResourceRole',
          pipelineLogUri: 's3://etl-bucket/logs/',
        },
        origin: origin(1),
      },
      {
        id: 'DefaultSchedule',
        name: 'DefaultSchedule',
        fields: { type: 'Schedule', period: opts.period ?? '1 day', startDateTime: '2026-11-23T01:00:00' },
        origin: origin(2),
      },
      {
        id: 'Ec2',
        name: 'Ec2',
        fields: { type: 'Ec2Resource', instanceType: 'm5.large', terminateAfter: '6 Hours' },
        origin: origin(1),
      },
      {
        id: 'Warehouse',
        name: 'Warehouse',
        fields: {
          type: 'RedshiftDatabase',
          clusterId: 'dw',
          databaseName: 'analytics',
          username: 'etl',
          '*password': '#{*myWarehousePassword}',
        },
        origin: origin(1),
      },
      {
        id: 'LoadStep',
        name: 'load',
        fields: {
          type: 'SqlActivity',
          database: { ref: 'Warehouse' },
          runsOn: { ref: 'Ec2' },
          scriptUri: sqlUri,
        },
        origin: origin(7, 'load'),
      },
    ],
    parameters: [
      { id: '*myWarehousePassword', attributes: { type: 'String', description: 'warehouse password' } },
    ],
    values: {},
    meta: {
      pipelineName: 'demo',
      description: 'demo pipeline',
      mode: 'production',
      tags: { team: 'data' },
      assets: [{ uri: sqlUri, content: sql, sha256: sha(sql), kind: 'sql' }],
      secrets: { '*myWarehousePassword': 'env:TEST_WAREHOUSE_PASSWORD' },
      steps: [{ name: 'load', type: 'sql-command', line: 7, objectIds: ['LoadStep'] }],
    },
  };
  if (opts.localPath && opts.localSha) {
    def.meta!.assets.push({
      uri: `s3://etl-bucket/etlctl/assets/${opts.localSha.slice(0, 16)}/data.csv`,
      localPath: opts.localPath,
      sha256: opts.localSha,
      kind: 'data',
    });
  }
  if (opts.extra) {
    def.objects.push({
      id: 'CheckStep',
      name: 'check',
      fields: {
        type: 'ShellCommandActivity',
        command: 'echo ok',
        runsOn: { ref: 'Ec2' },
        dependsOn: { ref: 'LoadStep' },
      },
      origin: origin(12, 'check'),
    });
  }
  return def;
}
