/**
 * What EMR steps need to know about the pipeline's EmrCluster: its software generation, which
 * decides the hadoop-streaming step syntax (reference/dataduct.md §2.3, Dataduct issue #10).
 */
import type { StepContext } from '../src/compile/context.js';
import { isRecord } from '../src/spec/yaml.js';

export type EmrGeneration =
  /** AMI 1.x/2.x: Hadoop 1, scripts passed as S3 URIs to -mapper/-reducer. */
  | 'hadoop1'
  /** AMI 3.x: Hadoop 2, scripts shipped with -files and named by file name. */
  | 'hadoop2'
  /** release_label (emr-4.0.0 and later): like hadoop2, run through command-runner.jar. */
  | 'release';

export function emrGeneration(ctx: StepContext): { generation: EmrGeneration; known: boolean } {
  const top = ctx.pipeline.file.value;
  const o = isRecord(top) && isRecord(top.emr_cluster_config) ? top.emr_cluster_config : {};
  const release = typeof o.release_label === 'string' ? o.release_label : ctx.config.emr.releaseLabel;
  if (release) return { generation: 'release', known: true };
  const ami = typeof o.ami_version === 'string' ? o.ami_version : ctx.config.emr.amiVersion;
  if (!ami) return { generation: 'hadoop2', known: false };
  return { generation: ['1', '2'].includes(ami.split('.')[0]) ? 'hadoop1' : 'hadoop2', known: true };
}

/**
 * EmrActivity `step` arguments are comma-separated; a comma inside one is written `\\,`. Commas
 * inside `#{…}` expressions stay: the expression is evaluated (and gone) before the split.
 */
export function stepArg(s: string): string {
  return s
    .split(/(#\{[^}]*\})/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/,/g, '\\\\,')))
    .join('');
}

/** S3 URI of an S3DataNode (its folder or file). */
export function nodeUri(ctx: StepContext, id: string): string | undefined {
  const f = ctx.b.get(id)?.fields;
  const v = f?.directoryPath ?? f?.filePath;
  return typeof v === 'string' ? v : undefined;
}
