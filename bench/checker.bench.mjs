// Definition checker benchmark: checkDefinition on 100- and 1,000-object definitions shaped like
// compiled pipelines (run after `npm run build`: node bench/checker.bench.mjs). Prints ms per check
// and the 1000/100 ratio measured in the same run (linear scaling gives about 10).
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { checkDefinition } from '../dist/src/definition/check.js';

function makeLargeDefinition(n) {
  const o = (id, fields) => ({ id, name: id, fields });
  const objects = [
    o('Default', {
      scheduleType: 'cron',
      schedule: { ref: 'Sched' },
      role: 'DataPipelineDefaultRole',
      resourceRole: 'DataPipelineDefaultResourceRole',
      pipelineLogUri: 's3://bucket/logs/',
    }),
    o('Sched', { type: 'Schedule', period: '1 day', startDateTime: '2026-03-01T00:00:00' }),
    o('Ec2', { type: 'Ec2Resource', terminateAfter: '2 Hours' }),
    o('Db', { type: 'RdsDatabase', rdsInstanceId: 'db', username: 'u', '*password': '#{*myDbPassword}' }),
  ];
  for (let k = 0; objects.length < n; k++) {
    objects.push(
      o(`Node${k}`, {
        type: 'SqlDataNode',
        database: { ref: 'Db' },
        table: `t${k}`,
        selectQuery: "select * from #{table} where d = '#{format(@scheduledStartTime,'YYYY-MM-dd')}'",
      }),
      o(`Out${k}`, {
        type: 'S3DataNode',
        directoryPath: `#{myS3Path}/t${k}/#{format(minusDays(@scheduledStartTime,1),'YYYY-MM-dd')}`,
      }),
      o(`Copy${k}`, {
        type: 'CopyActivity',
        input: { ref: `Node${k}` },
        output: { ref: `Out${k}` },
        runsOn: { ref: 'Ec2' },
        ...(k > 0 ? { dependsOn: { ref: `Copy${k - 1}` } } : {}),
      }),
      o(`Shell${k}`, {
        type: 'ShellCommandActivity',
        command: 'echo #{input.directoryPath}',
        input: { ref: `Out${k}` },
        runsOn: { ref: 'Ec2' },
      }),
    );
  }
  return {
    objects: objects.slice(0, n),
    parameters: [
      { id: 'myS3Path', attributes: { type: 'String' } },
      { id: '*myDbPassword', attributes: { type: 'String' } },
    ],
    values: { myS3Path: 's3://bucket/data', '*myDbPassword': 'x' },
  };
}

function time(def, runs) {
  for (let i = 0; i < 20; i++) checkDefinition(def);
  const t = performance.now();
  for (let i = 0; i < runs; i++) checkDefinition(def);
  return (performance.now() - t) / runs;
}

time(makeLargeDefinition(300), 20); // warm-up of every code path
const small = time(makeLargeDefinition(100), 50);
const large = time(makeLargeDefinition(1000), 10);
process.stdout.write(`checkDefinition 100 objects:   ${small.toFixed(2)} ms\n`);
process.stdout.write(
  `checkDefinition 1000 objects:  ${large.toFixed(2)} ms (ratio ${(large / small).toFixed(1)} vs 100)\n`,
);
