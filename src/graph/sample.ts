/**
 * A generated, pipeline-shaped Definition of any length, for the visualize benchmark and
 * tests: repeating extract → load → upsert → qa steps, each depending on the previous one,
 * with the pipeline-level objects a compiled pipeline has (Default, schedule, resource,
 * databases, bootstrap, teardown with a failure alarm).
 */
import type { Definition, FieldValue, PipelineObject } from '../definition/model.js';
import { ref } from '../definition/model.js';

const STEP_TYPES = ['extract-rds', 'load-redshift', 'upsert', 'primary-key-check'] as const;
const FILE = 'pipelines/chain.yaml';

export function makeChainDefinition(steps: number): Definition {
  const objects: PipelineObject[] = [];
  const metaSteps: NonNullable<Definition['meta']>['steps'] = [];
  const add = (
    id: string,
    fields: Record<string, FieldValue>,
    line: number,
    step?: string,
    stepType?: string,
  ) => {
    objects.push({
      id,
      name: id,
      fields,
      origin: { file: FILE, line, column: 3, ...(step ? { step, stepType } : {}) },
    });
    return id;
  };
  add(
    'Default',
    {
      scheduleType: 'cron',
      failureAndRerunMode: 'CASCADE',
      role: 'DataPipelineDefaultRole',
      resourceRole: 'DataPipelineDefaultResourceRole',
      schedule: ref('DefaultSchedule'),
      runsOn: ref('Ec2Resource'),
    },
    1,
  );
  add('DefaultSchedule', { type: 'Schedule', period: '1 day', startDateTime: '2026-01-01T03:00:00' }, 2);
  add('Ec2Resource', { type: 'Ec2Resource', instanceType: 'm5.large', terminateAfter: '6 Hours' }, 3);
  add(
    'AppDatabase',
    { type: 'RdsDatabase', rdsInstanceId: 'app-db', username: 'etl', '*password': '#{*myAppDbPassword}' },
    4,
  );
  add(
    'Warehouse',
    { type: 'RedshiftDatabase', clusterId: 'dw', username: 'etl', '*password': '#{*myWarehousePassword}' },
    5,
  );
  add(
    'FailureAlarm',
    {
      type: 'SnsAlarm',
      topicArn: 'arn:aws:sns:us-east-1:123456789012:etl-failures',
      subject: 'failed',
      message: 'failed',
      role: 'DataPipelineDefaultRole',
    },
    6,
  );
  const bootstrap = add(
    'bootstrap.ShellCommandActivity',
    { type: 'ShellCommandActivity', command: 'npm install -g etlctl@0.1.0' },
    7,
    'bootstrap',
    'bootstrap',
  );
  metaSteps.push({ name: 'bootstrap', type: 'bootstrap', line: 7, objectIds: [bootstrap] });

  const chain: Chain = { prev: bootstrap, bootstrap, s3: '', table: '' };
  for (let i = 0; i < steps; i++) metaSteps.push(addChainStep(add, chain, i));
  const teardown = add(
    'teardown.ShellCommandActivity',
    {
      type: 'ShellCommandActivity',
      command: 'true',
      dependsOn: [ref(chain.prev)],
      onFail: ref('FailureAlarm'),
    },
    10 + steps * 6,
    'teardown',
    'teardown',
  );
  metaSteps.push({ name: 'teardown', type: 'teardown', line: 10 + steps * 6, objectIds: [teardown] });

  return {
    objects,
    parameters: [
      { id: '*myAppDbPassword', attributes: { type: 'String', description: 'app database password' } },
      { id: '*myWarehousePassword', attributes: { type: 'String', description: 'warehouse password' } },
    ],
    values: {},
    meta: {
      pipelineName: `chain-${steps}`,
      sourceFile: FILE,
      assets: [],
      secrets: {
        '*myAppDbPassword': 'env:APP_DB_PASSWORD',
        '*myWarehousePassword': 'env:WAREHOUSE_PASSWORD',
      },
      steps: metaSteps,
    },
  };
}

type AddObject = (
  id: string,
  fields: Record<string, FieldValue>,
  line: number,
  step?: string,
  stepType?: string,
) => string;

/** Where the chain has got to: the last activity, and the S3 folder and table the next steps read. */
interface Chain {
  prev: string;
  bootstrap: string;
  s3: string;
  table: string;
}

/** Step `i` of the chain: its objects, depending on the step before it. */
function addChainStep(
  add: AddObject,
  chain: Chain,
  i: number,
): NonNullable<Definition['meta']>['steps'][number] {
  const type = STEP_TYPES[i % STEP_TYPES.length];
  const name = `step_${String(i + 1).padStart(3, '0')}`;
  const line = 10 + i * 6;
  const ids: string[] = [];
  const obj = (suffix: string, fields: Record<string, FieldValue>) => {
    const id = add(`${name}.${suffix}`, fields, line, name, type);
    ids.push(id);
    return id;
  };
  const common = { dependsOn: [ref(chain.prev), ref(chain.bootstrap)] };
  let activity: string;
  if (type === 'extract-rds') {
    const source = obj('SqlDataNode', {
      type: 'SqlDataNode',
      table: `source_${i}`,
      database: ref('AppDatabase'),
    });
    chain.s3 = obj('S3DataNode', {
      type: 'S3DataNode',
      directoryPath: `s3://etl-bucket/data/chain/#{format(@scheduledStartTime,'YYYYMMdd')}/${name}/`,
    });
    activity = obj('CopyActivity', {
      type: 'CopyActivity',
      input: ref(source),
      output: ref(chain.s3),
      ...common,
    });
  } else if (type === 'load-redshift') {
    chain.table = obj('RedshiftDataNode', {
      type: 'RedshiftDataNode',
      schemaName: 'staging',
      tableName: `t_${i}`,
      database: ref('Warehouse'),
    });
    activity = obj('RedshiftCopyActivity', {
      type: 'RedshiftCopyActivity',
      insertMode: 'TRUNCATE',
      input: ref(chain.s3),
      output: ref(chain.table),
      ...common,
    });
  } else if (type === 'upsert') {
    const dest = obj('RedshiftDataNode', {
      type: 'RedshiftDataNode',
      schemaName: 'analytics',
      tableName: `t_${i}`,
      database: ref('Warehouse'),
    });
    activity = obj('SqlActivity', {
      type: 'SqlActivity',
      database: ref('Warehouse'),
      script: 'BEGIN; … COMMIT;',
      input: ref(chain.table),
      output: ref(dest),
      ...common,
    });
    chain.table = dest;
  } else {
    activity = obj('ShellCommandActivity', {
      type: 'ShellCommandActivity',
      command: `etlctl task qa primary-key ${name}`,
      ...common,
    });
  }
  chain.prev = activity;
  return { name, type, line, objectIds: ids };
}
