/**
 * transform: a shell command or script on the worker, reading its input from
 * INPUT1_STAGING_DIR and writing OUTPUT1_STAGING_DIR (ShellCommandActivity with `stage`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { ref } from '../src/definition/model.js';
import type { FieldValue } from '../src/definition/model.js';
import type { StepContext } from '../src/compile/context.js';
import { SCRIPT_ARGUMENTS, scriptArguments } from './common.js';
import type { JsonSchema, StepPlugin, StepOutput } from './types.js';

export const TRANSFORM_PARAMS: Record<string, JsonSchema> = {
  command: { type: 'string', description: 'shell command' },
  script: { type: 'string', description: 'local script file, uploaded on activate' },
  script_uri: { type: 'string', description: 'script already on S3' },
  script_directory: {
    type: 'string',
    description: 'local folder of scripts, uploaded; run script_name from it',
  },
  script_name: { type: 'string', description: 'the script to run inside script_directory' },
  script_arguments: SCRIPT_ARGUMENTS,
  no_output: { type: 'boolean', description: 'the step writes no S3 output' },
  no_input: { type: 'boolean', description: 'the step reads no S3 input' },
  resource_type: { type: 'string', enum: ['ec2', 'emr'] },
  additional_s3_files: {
    type: 'array',
    items: { type: 'string' },
    description: 'extra S3 files staged as inputs',
  },
};

export function compileTransform(
  ctx: StepContext,
  extraArgs: string[] = [],
  forceNoOutput = false,
): StepOutput {
  const p = ctx.params;
  // As in extract-s3 (and Dataduct): the config's aws.s3_base_path. Other braces are left alone,
  // since shell arguments may hold ${VARIABLES}.
  const basePath = ctx.config.aws.s3BasePath.replace(/^\/+|\/+$/g, '');
  const substitute = (s: string) => s.replace(/\{S3_BASE_PATH\}/g, basePath);
  const args = [...scriptArguments(p.script_arguments, substitute), ...extraArgs];
  const inputs = p.no_input === true ? [] : [...ctx.inputs];
  for (const [i, uri] of ((p.additional_s3_files as string[] | undefined) ?? []).entries()) {
    inputs.push(ctx.s3Node(`AdditionalFile${i}`, { path: uri, directory: false }));
  }
  let command: string | undefined = ctx.str('command');
  let scriptUri: string | undefined = ctx.str('script_uri');
  if (ctx.str('script')) {
    const local = ctx.localPath('script');
    if (!local) return {};
    scriptUri = ctx.asset('script', local.split('/').pop() as string, { localPath: local });
  }
  if (ctx.str('script_directory')) {
    if (!ctx.str('script_name')) {
      ctx.error('ETL1017', 'script_directory needs script_name: the script to run from that folder', [
        'script_directory',
      ]);
      return {};
    }
    const dir = String(ctx.str('script_directory'));
    const dirUri = dir.startsWith('s3://') ? dir : uploadDirectory(ctx, dir);
    if (!dirUri) return {};
    const dirInput = ctx.s3Node('ScriptDirectory', { path: dirUri, directory: true });
    inputs.push(dirInput);
    command = `cd "\${INPUT${inputs.length}_STAGING_DIR}" && chmod +x "./${ctx.str('script_name')}" && exec "./${ctx.str('script_name')}" "$@"`;
  }
  const noOutput = forceNoOutput || p.no_output === true;
  const fields: Record<string, FieldValue | undefined> = {
    command,
    scriptUri,
    scriptArgument: args,
    input: inputs.map(ref),
  };
  let output: string | undefined;
  const namedOutputs: Record<string, string> = {};
  if (!noOutput) {
    const base = ctx.str('output_path') ?? ctx.dataPath('output');
    output = ctx.s3Node('Output', { path: base, directory: true, format: 'tsv' });
    fields.output = [ref(output)];
    const names =
      p.output_node === undefined
        ? []
        : Array.isArray(p.output_node)
          ? p.output_node.map(String)
          : [String(p.output_node)];
    for (const n of names) {
      namedOutputs[n] = ctx.s3Node(`Output_${n}`, {
        path: `${base.replace(/\/?$/, '/')}${n}/`,
        directory: true,
        format: 'tsv',
      });
    }
  }
  fields.stage = inputs.length > 0 || output ? 'true' : undefined;
  ctx.activity('Transform', 'ShellCommandActivity', fields, {
    resource: p.resource_type === 'emr' ? 'emr' : 'ec2',
  });
  return { output, namedOutputs };
}

/**
 * A local script folder becomes assets under one prefix named by the hash of all its files, so
 * the scripts can share code (Dataduct issue #262) and a changed file uploads a new prefix.
 */
function uploadDirectory(ctx: StepContext, dir: string): string | undefined {
  const bases = [ctx.config.defaults.resourceBasePath, ctx.pipeline.dir].filter((x): x is string => !!x);
  const abs = bases
    .map((b) => (isAbsolute(dir) ? dir : resolve(b, dir)))
    .find((p) => existsSync(p) && statSync(p).isDirectory());
  if (!abs) {
    ctx.error(
      'ETL1018',
      `script_directory not found: ${dir}`,
      ['script_directory'],
      'give a folder relative to the YAML file (or defaults.resource_base_path), or an s3:// URI',
    );
    return undefined;
  }
  if (!ctx.readable(abs, ['script_directory'], dir)) return undefined;
  const files = readdirSync(abs, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(abs, f)).isFile())
    .sort();
  // A link inside the folder may not lead outside what may be read either.
  if (!files.every((f) => ctx.readable(join(abs, f), ['script_directory'], join(dir, f)))) return undefined;
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(abs, f)))
      .update('\0');
  const prefix = ctx.b.s3Uri('assets', `${hash.digest('hex').slice(0, 16)}/${basename(abs)}/`);
  for (const f of files) ctx.asset('script', f, { localPath: join(abs, f), uri: prefix + f });
  return prefix;
}

const plugin: StepPlugin = {
  type: 'transform',
  summary: 'Run a shell command or script on the worker, with staged S3 input and output',
  input: 'optional',
  params: { properties: TRANSFORM_PARAMS },
  exactlyOne: [['command', 'script', 'script_uri', 'script_directory']],
  compile(ctx) {
    return compileTransform(ctx);
  },
};

export default plugin;
