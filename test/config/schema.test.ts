/**
 * The config is typed from one schema (src/config/schema.ts): the loader, the ETLCTL_* mapping,
 * `config explain` and the editor JSON Schema all follow CONFIG_SCHEMA, so a key declared there
 * works everywhere and a key not declared is an error everywhere.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_SCHEMA, declaredKeys, envName } from '../../src/config/schema.js';
import { explainConfig } from '../../src/config/explain.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { EtlError } from '../../src/diagnostics.js';
import { ROOT, tempDir } from '../helpers.js';

const SCHEMA_FILE = join(ROOT, 'config', 'etlctl.schema.json');

function load(configText: string | undefined, env: NodeJS.ProcessEnv = {}, mode?: string) {
  const dir = tempDir();
  if (configText !== undefined) writeFileSync(join(dir, 'etlctl.yaml'), configText);
  return loadConfig({ cwd: dir, env, mode, configPath: configText === undefined ? undefined : 'etlctl.yaml' });
}

function errorOf(fn: () => unknown): EtlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EtlError) return e;
    throw e;
  }
  throw new Error('expected an EtlError');
}

/** A sample value of each declared type, as a config file would write it. */
function sample(type: string, values?: readonly string[]): unknown {
  switch (type) {
    case 'number':
      return 3;
    case 'boolean':
      return false;
    case 'enum':
      return values![0];
    case 'string-list':
    case 'path-list':
      return ['x', 'y'];
    case 'string-map':
      return { team: 'data' };
    case 'secret':
      return '${env:SOME_PASSWORD}';
    case 'permissions':
      return [{ group: 'analysts', permission: 'SELECT' }];
    case 'step-lists':
      return { ec2: [] };
    case 'any':
      return { step_type: 'transform', command: 'true' };
    default:
      return 'sample-value';
  }
}

describe('one schema for the config', () => {
  it('defaults come from the declarations', () => {
    const cfg = load(undefined);
    expect(cfg.aws.role).toBe(CONFIG_SCHEMA.aws.keys.role.default);
    expect(cfg.aws.s3BasePath).toBe('etlctl');
    expect(cfg.emr.coreInstanceCount).toBe(2);
    expect(cfg.local.overlapSteps).toBe(true);
    expect(cfg.files.allowedRoots).toEqual([]);
    expect(cfg.target).toBe('local');
  });

  it('accepts every declared key in a file, and sets each typed property from it', () => {
    const tree: Record<string, unknown> = {};
    for (const { path, spec } of declaredKeys()) {
      const parts = path.replace('<name>', 'app_db').split('.');
      let node = tree;
      for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      const key = parts[parts.length - 1];
      node[key] = key === 'connection_string' ? undefined : sample(spec.type, spec.values);
    }
    (tree.aws as Record<string, unknown>).s3_bucket = 'acme-etl';
    (tree.aws as Record<string, unknown>).pipeline_log_uri = 's3://acme-etl/logs/';
    const cfg = load(JSON.stringify(tree));
    expect(cfg.defaults.maxRetries).toBe(3);
    expect(cfg.local.overlapSteps).toBe(false);
    expect(cfg.ec2.securityGroups).toEqual(['x', 'y']);
    expect(cfg.aws.tags).toEqual({ team: 'data' });
    expect(cfg.databases.app_db).toMatchObject({ name: 'app_db', engine: 'mysql', port: 3, user: 'sample-value' });
    expect(cfg.databases.app_db.password).toEqual({ kind: 'env', name: 'SOME_PASSWORD' });
    expect(cfg.permissions).toEqual([{ group: 'analysts', permission: 'SELECT', user: undefined }]);
    // Paths resolve against the config file's folder.
    expect(cfg.files.allowedRoots.every((p) => p.startsWith('/'))).toBe(true);
  });

  it('maps ETLCTL_<SECTION>__<KEY> to each declared key, typed by its declaration', () => {
    const cfg = load(undefined, {
      [envName('aws.s3_bucket')]: 'env-bucket',
      ETLCTL_DEFAULTS__MAX_RETRIES: '4',
      ETLCTL_DEFAULTS__LOAD_TIME: '0200',
      ETLCTL_LOCAL__OVERLAP_STEPS: 'off',
      ETLCTL_FILES__ALLOWED_ROOTS: '/srv/a,/srv/b',
      ETLCTL_EMR__CORE_INSTANCE_COUNT: '5',
    });
    expect(envName('aws.s3_bucket')).toBe('ETLCTL_AWS__S3_BUCKET');
    expect(cfg.aws.s3Bucket).toBe('env-bucket');
    expect(cfg.defaults.maxRetries).toBe(4);
    expect(cfg.defaults.loadTime).toBe('0200'); // a string key stays a string
    expect(cfg.local.overlapSteps).toBe(false);
    expect(cfg.files.allowedRoots).toEqual(['/srv/a', '/srv/b']);
    expect(cfg.emr.coreInstanceCount).toBe(5);
    expect(cfg.values.get('aws.s3_bucket')?.source).toBe('environment ETLCTL_AWS__S3_BUCKET');
  });

  it('refuses a key no declaration has, in the file and in the environment', () => {
    const e = errorOf(() => load('aws:\n  s3_bukket: b\n'));
    expect(e.diagnostics[0]).toMatchObject({ code: 'ETL2002', line: 2, column: 3 });
    expect(e.diagnostics[0].hint).toMatch(/did you mean 's3_bucket'/);
    const env = errorOf(() => load(undefined, { ETLCTL_LOCAL__OVERLAP: 'false' }));
    expect(env.diagnostics[0].code).toBe('ETL2002');
  });

  it('a value of the wrong type is an error naming the key, not a silent default', () => {
    const e = errorOf(() => load('defaults:\n  max_retries: lots\n'));
    expect(e.diagnostics.map((d) => d.code)).toEqual(['ETL2101']);
    expect(e.diagnostics[0].message).toMatch(/defaults\.max_retries must be a number, got lots/);
  });

  it('config explain lists every declared key with its environment variable and documentation', () => {
    const cfg = load('databases:\n  app_db:\n    engine: mysql\n');
    const rows = explainConfig(cfg);
    const keys = rows.map((r) => r.key);
    for (const { path } of declaredKeys()) expect(keys).toContain(path.replace('<name>', 'app_db'));
    const bucket = rows.find((r) => r.key === 'aws.s3_bucket')!;
    expect(bucket).toMatchObject({ source: 'not set', env: 'ETLCTL_AWS__S3_BUCKET', text: '-' });
    expect(bucket.doc).toMatch(/bucket/);
    expect(explainConfig(cfg, 'local').every((r) => r.key.startsWith('local.'))).toBe(true);
  });

  it('the editor JSON Schema is derived from the declarations and is up to date', () => {
    const generated = JSON.stringify(configJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_GOLDEN) writeFileSync(SCHEMA_FILE, generated);
    expect(existsSync(SCHEMA_FILE), 'run UPDATE_GOLDEN=1 npx vitest run test/config/schema.test.ts').toBe(true);
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'config/etlctl.schema.json is stale: UPDATE_GOLDEN=1').toBe(generated);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(configJsonSchema());
    const example = parse(readFileSync(join(ROOT, 'config', 'etlctl.yaml'), 'utf8')) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ aws: { s3_bukket: 'x' } })).toBe(false);
    expect(validate({ databases: { a: { engine: 'oracle' } } })).toBe(false);
  });
});
