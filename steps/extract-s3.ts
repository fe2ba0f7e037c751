/**
 * extract-s3: data already on S3 (a file or a folder) as the next step's input. No activity and
 * no resource. `{S3_BASE_PATH}` is replaced by the config's aws.s3_base_path, as in Dataduct.
 */
import type { StepContext } from '../src/compile/context.js';
import type { KeyPath } from '../src/spec/yaml.js';
import type { StepPlugin } from './types.js';

/** `{NAME}` placeholders that are not part of a `#{…}` expression. */
const PLACEHOLDER = /(?<!#)\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replace `{S3_BASE_PATH}` in a step's S3 URI; any other `{NAME}` is an error at `key`. */
export function substituteBasePath(
  ctx: StepContext,
  key: string | KeyPath,
  value: string,
  onError: () => void = () => undefined,
): string {
  const basePath = ctx.config.aws.s3BasePath.replace(/^\/+|\/+$/g, '');
  const path = typeof key === 'string' ? [key] : key;
  return value.replace(PLACEHOLDER, (m, name: string) => {
    if (name === 'S3_BASE_PATH') return basePath;
    ctx.error(
      'ETL1103',
      `unknown placeholder ${m} in ${path.join('.')}`,
      path,
      'only {S3_BASE_PATH} is replaced; Data Pipeline expressions are written #{…}',
    );
    onError();
    return m;
  });
}

const plugin: StepPlugin = {
  type: 'extract-s3',
  summary: 'Use an S3 file or folder as the input of the next steps',
  input: 'none',
  params: {
    properties: {
      file_uri: {
        type: 'string',
        minLength: 1,
        description: 'an S3 file, e.g. s3://bucket/{S3_BASE_PATH}/in/data.tsv',
      },
      directory_uri: {
        type: 'string',
        minLength: 1,
        description: 'an S3 folder; every file under it is read',
      },
    },
  },
  exactlyOne: [['file_uri', 'directory_uri']],
  compile(ctx) {
    const key = ctx.str('file_uri') !== undefined ? 'file_uri' : 'directory_uri';
    const raw = ctx.str(key);
    if (raw === undefined) return; // neither given: reported by the exactly-one check
    let bad = false;
    const uri = substituteBasePath(ctx, key, raw, () => (bad = true));
    if (!/^s3:\/\/[^/]+/.test(uri)) {
      ctx.error(
        'ETL1104',
        `${key} must be an s3:// URI, got '${raw}'`,
        [key],
        'for a file next to the pipeline, use extract-local (one-time pipelines)',
      );
      bad = true;
    }
    if (bad) return;
    const directory = key === 'directory_uri';
    return {
      output: ctx.s3Node('Output', { path: directory && !uri.endsWith('/') ? `${uri}/` : uri, directory }),
    };
  },
};

export default plugin;
