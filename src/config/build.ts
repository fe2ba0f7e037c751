/**
 * The merged config tree → the typed ResolvedConfig. Every key is read by its declaration in
 * CONFIG_SCHEMA (read-key.ts); what is checked here is what no single key says: connections,
 * and the names and S3 locations that end up in file names and keys.
 */
import type { Diagnostic } from '../diagnostics.js';
import { locateConfigFindings } from './where.js';
import { diag, EtlError, hasErrors } from '../diagnostics.js';
import { invalidBucket, invalidKey, invalidS3Uri, MAX_PREFIX_LENGTH, safeNameHint, unsafeName } from '../spec/names.js';
import { isRecord } from '../spec/yaml.js';
import type { KeySpec } from './schema.js';
import { camel, CONFIG_SCHEMA } from './schema.js';
import type { ReadContext } from './read-key.js';
import { readKey } from './read-key.js';
import type {
  AlertsConfig,
  AwsConfig,
  ConfigValue,
  DatabaseConfig,
  DefaultsConfig,
  Ec2Config,
  EmrConfig,
  FilesConfig,
  LocalConfig,
  ResolvedConfig,
  SchemaConfig,
  Target,
} from './types.js';

export interface BuildContext {
  file?: string;
  displayFile?: string;
  layout: ResolvedConfig['layout'];
  mode?: string;
  modes: string[];
  /** The config file's folder (else the current directory). */
  baseDir: string;
  /** Where `local.state_dir` and other project-relative paths resolve. */
  projectDir: string;
  projectRoot: string;
  sources: Map<string, string>;
  notices: Diagnostic[];
}

function readSection(
  name: string,
  keys: Readonly<Record<string, KeySpec>>,
  raw: unknown,
  rc: ReadContext,
  label: (key: string) => string = (k) => `${name}.${k}`,
): Record<string, unknown> {
  const tree = isRecord(raw) ? raw : {};
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(keys)) out[camel(k)] = readKey(spec, tree[k], `${name}.${k}`, rc, label(k));
  return out;
}

function readDatabases(raw: unknown, rc: ReadContext): Record<string, DatabaseConfig> {
  const keys = CONFIG_SCHEMA.databases.keys;
  const databases: Record<string, DatabaseConfig> = {};
  for (const [name, entry] of Object.entries(isRecord(raw) ? raw : {})) {
    if (!isRecord(entry)) continue;
    const why = unsafeName(name, MAX_PREFIX_LENGTH);
    if (why)
      rc.diagnostics.push(
        diag('ETL2102', `database connection name '${name}' cannot be used: ${why}`, {
          hint: `the name becomes part of file names and object ids; ${safeNameHint(name, MAX_PREFIX_LENGTH)}`,
          field: `databases.${name}`,
        }),
      );
    const prefix = `databases.${name}`;
    const before = rc.diagnostics.length;
    readKey(keys.engine, entry.engine, `${prefix}.engine`, rc, `database '${name}': engine`);
    // Without a known engine nothing else about the connection can be checked.
    if (rc.diagnostics.length > before) continue;
    if (entry.cluster_id && entry.connection_string) {
      rc.diagnostics.push(
        diag('ETL2007', `database '${name}': set cluster_id or connection_string, not both`, {
          hint: `from ${rc.where(`${prefix}.cluster_id`)}`,
        }),
      );
    }
    const db = readSection(prefix, keys, entry, rc, (k) => `database '${name}': ${k}`);
    databases[name] = { name, ...db } as DatabaseConfig;
  }
  return databases;
}

/** Names and S3 locations that become file names and keys must not leave their folders. */
function checkLocations(aws: AwsConfig, rc: ReadContext): void {
  const bad = (code: string, key: string, message: string, hint: string) =>
    rc.diagnostics.push(diag(code, `${message} (from ${rc.where(key)})`, { hint, field: key }));
  if (aws.namePrefix !== undefined) {
    const why = unsafeName(aws.namePrefix, MAX_PREFIX_LENGTH);
    if (why)
      bad(
        'ETL2102',
        'aws.name_prefix',
        `aws.name_prefix '${aws.namePrefix}' cannot be used: ${why}`,
        `it becomes part of every pipeline name and so of file names; ${safeNameHint(aws.namePrefix, MAX_PREFIX_LENGTH)}`,
      );
  }
  const bucketWhy = aws.s3Bucket === undefined ? undefined : invalidBucket(aws.s3Bucket);
  if (bucketWhy)
    bad('ETL2103', 'aws.s3_bucket', `aws.s3_bucket: ${bucketWhy}`, 'give the bucket name alone, e.g. acme-etl');
  const baseWhy = invalidKey(aws.s3BasePath);
  if (baseWhy)
    bad('ETL2103', 'aws.s3_base_path', `aws.s3_base_path '${aws.s3BasePath}': ${baseWhy}`, 'write a plain key prefix, e.g. etl/prod');
  const logWhy = aws.pipelineLogUri === undefined ? undefined : invalidS3Uri(aws.pipelineLogUri);
  if (logWhy)
    bad('ETL2103', 'aws.pipeline_log_uri', `aws.pipeline_log_uri: ${logWhy}`, 'write s3://bucket/prefix/');
}

export function build(m: Record<string, unknown>, values: Map<string, ConfigValue>, ctx: BuildContext): ResolvedConfig {
  const rc: ReadContext = {
    configDir: ctx.baseDir,
    projectDir: ctx.projectDir,
    where: (dotted) => values.get(dotted)?.source ?? 'config',
    diagnostics: [],
  };
  const s = CONFIG_SCHEMA;
  const typed: SchemaConfig = {
    target: readKey(s.target, m.target, 'target', rc) as Target,
    aws: readSection('aws', s.aws.keys, m.aws, rc) as AwsConfig,
    alerts: readSection('alerts', s.alerts.keys, m.alerts, rc) as AlertsConfig,
    ec2: readSection('ec2', s.ec2.keys, m.ec2, rc) as Ec2Config,
    emr: readSection('emr', s.emr.keys, m.emr, rc) as EmrConfig,
    defaults: readSection('defaults', s.defaults.keys, m.defaults, rc) as DefaultsConfig,
    databases: readDatabases(m.databases, rc),
    local: readSection('local', s.local.keys, m.local, rc) as LocalConfig,
    files: readSection('files', s.files.keys, m.files, rc) as FilesConfig,
    secretsFile: readKey(s.secrets_file, m.secrets_file, 'secrets_file', rc) as string | undefined,
    permissions: readSection('database', s.database.keys, m.database, rc).permissions as SchemaConfig['permissions'],
    bootstrap: readKey(s.bootstrap, m.bootstrap, 'bootstrap', rc) as SchemaConfig['bootstrap'],
    teardown: readKey(s.teardown, m.teardown, 'teardown', rc),
    parameters: readKey(s.parameters, m.parameters, 'parameters', rc),
  };
  checkLocations(typed.aws, rc);
  if (hasErrors(rc.diagnostics))
    throw new EtlError(locateConfigFindings(rc.diagnostics, values, ctx.displayFile));
  return {
    file: ctx.file,
    layout: ctx.layout,
    mode: ctx.mode,
    modes: ctx.modes,
    projectRoot: ctx.projectRoot,
    ...typed,
    values,
    sources: ctx.sources,
    notices: ctx.notices,
  };
}
