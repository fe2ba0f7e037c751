/**
 * emr-streaming: a Hadoop streaming job (mapper and optional reducer scripts) as an EmrActivity
 * on the pipeline's EmrCluster. The step string follows the cluster's generation: Hadoop 1
 * (AMI 1.x/2.x), Hadoop 2 (AMI 3.x) or EMR release labels (command-runner.jar).
 */
import { basename } from 'node:path';
import type { StepContext } from '../src/compile/context.js';
import { ref } from '../src/definition/model.js';
import { emrGeneration, nodeUri, stepArg } from './emr.js';
import { substituteBasePath } from './extract-s3.js';
import type { StepPlugin } from './types.js';

const HADOOP_STREAMING_JAR = '/home/hadoop/contrib/streaming/hadoop-streaming.jar';

/** A script given as an S3 URI stays; a local file becomes an asset uploaded on deploy. */
function scriptUri(ctx: StepContext, key: string): string | undefined {
  const v = ctx.str(key);
  if (v === undefined) return undefined;
  if (v.startsWith('s3://')) return v;
  const local = ctx.localPath(key);
  return local ? ctx.asset('script', basename(local), { localPath: local }) : undefined;
}

const plugin: StepPlugin = {
  type: 'emr-streaming',
  summary: 'Run a Hadoop streaming job (mapper/reducer scripts) on the EMR cluster',
  input: 'optional',
  params: {
    properties: {
      mapper: {
        type: 'string',
        minLength: 1,
        description: 'mapper script: a local file (uploaded) or an s3:// URI',
      },
      reducer: {
        type: 'string',
        minLength: 1,
        description: 'reducer script: a local file (uploaded) or an s3:// URI',
      },
      input: {
        description: 'S3 URIs to read instead of input_node ({S3_BASE_PATH} is replaced)',
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
      },
      hadoop_params: {
        type: 'array',
        items: { type: 'string' },
        description:
          'generic Hadoop options placed before the streaming options, e.g. "-D mapreduce.job.reduces=4"',
      },
    },
    required: ['mapper'],
  },
  atMostOne: [['input', 'input_node', 'input_path']],
  compile(ctx) {
    const mapper = scriptUri(ctx, 'mapper');
    const reducer = scriptUri(ctx, 'reducer');
    let inputs: string[];
    if (ctx.params.input !== undefined) {
      const rawList = Array.isArray(ctx.params.input)
        ? ctx.params.input.map(String)
        : [String(ctx.params.input)];
      let badPlaceholder = false;
      const list = rawList.map((u, i) =>
        substituteBasePath(
          ctx,
          Array.isArray(ctx.params.input) ? ['input', i] : ['input'],
          u,
          () => (badPlaceholder = true),
        ),
      );
      if (badPlaceholder) return;
      const bad = list.findIndex((u) => !u.startsWith('s3://'));
      if (bad >= 0) {
        ctx.error(
          'ETL1130',
          `input '${list[bad]}' is not an s3:// URI`,
          Array.isArray(ctx.params.input) ? ['input', bad] : ['input'],
          'give S3 URIs, or read an earlier step with input_node',
        );
        return;
      }
      inputs = list.map((u, i) => ctx.s3Node(list.length === 1 ? 'InputUri' : `InputUri${i}`, { path: u }));
    } else inputs = [...ctx.inputs];
    if (inputs.length === 0) {
      ctx.error(
        'ETL1131',
        'emr-streaming needs input data',
        [],
        'give input: s3://…, input_node, or put it after a step that produces S3 data',
      );
      return;
    }
    if (!mapper || (ctx.str('reducer') !== undefined && !reducer)) return;
    const { generation, known } = emrGeneration(ctx);
    if (!known)
      ctx.warn(
        'ETL1132',
        'the EMR cluster has no release_label or ami_version; assuming AMI 3.x (Hadoop 2) step syntax',
        ['mapper'],
        'set emr_cluster_config.release_label (e.g. emr-6.15.0) in the pipeline or emr.release_label in the config',
      );
    const output = ctx.s3Node('Output', {
      path: ctx.str('output_path') ?? ctx.dataPath('output'),
      directory: true,
    });
    const io = [
      ...inputs.flatMap((id) => ['-input', nodeUri(ctx, id) ?? '']),
      '-output',
      nodeUri(ctx, output) as string,
    ];
    const hadoopParams = ((ctx.params.hadoop_params as string[] | undefined) ?? []).flatMap((p) => {
      const m = /^(-\S+)\s+(.+)$/.exec(p.trim());
      return m ? [m[1], m[2]] : [p.trim()];
    });
    const scripts = [mapper, reducer].filter((s): s is string => s !== undefined);
    let args: string[];
    if (generation === 'hadoop1') {
      args = [
        HADOOP_STREAMING_JAR,
        ...hadoopParams,
        ...io,
        '-mapper',
        mapper,
        ...(reducer ? ['-reducer', reducer] : []),
      ];
    } else {
      const jar =
        generation === 'release' ? ['command-runner.jar', 'hadoop-streaming'] : [HADOOP_STREAMING_JAR];
      // -files is a generic option: it must come before the streaming options.
      args = [
        ...jar,
        ...hadoopParams,
        '-files',
        scripts.join(','),
        ...io,
        '-mapper',
        basename(mapper),
        ...(reducer ? ['-reducer', basename(reducer)] : []),
      ];
    }
    ctx.activity('Streaming', 'EmrActivity', {
      step: args.map(stepArg).join(','),
      input: inputs.map(ref),
      output: [ref(output)],
    });
    return { output };
  },
};

export default plugin;
