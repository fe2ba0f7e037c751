/**
 * Config layering: embedded defaults < config file < mode (deep-merged) < environment
 * (`ETLCTL_…`) < CLI overrides. Every leaf remembers where it came from.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean, EtlError, ExitCode, hasErrors } from '../diagnostics.js';
import { isRecord, YamlFile } from '../spec/yaml.js';
import type { KeyPath } from '../spec/yaml.js';
import { dataductModes, isDataductLayout, translateDataduct } from './dataduct.js';
import { parseSecretRef } from './secrets.js';
import type {
  ConfigValue,
  DatabaseConfig,
  Engine,
  Permission,
  ResolvedConfig,
  Target,
} from './types.js';

export interface LoadConfigOptions {
  configPath?: string;
  mode?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** CLI flag overrides by dotted key, e.g. { target: 'aws' }. */
  overrides?: Record<string, unknown>;
}

export const DEFAULT_CONFIG_PATH = 'config/etlctl.yaml';

const EMBEDDED_DEFAULTS: Record<string, unknown> = {
  target: 'local',
  aws: {
    role: 'DataPipelineDefaultRole',
    resource_role: 'DataPipelineDefaultResourceRole',
    s3_base_path: 'etlctl',
    tags: {},
  },
  alerts: {},
  ec2: { instance_type: 'm5.large', terminate_after: '6 Hours' },
  emr: {
    master_instance_type: 'm5.xlarge',
    core_instance_type: 'm5.xlarge',
    core_instance_count: 2,
    terminate_after: '6 Hours',
  },
  defaults: { max_retries: 0, retry_delay: '10 Minutes', max_active_instances: 1, load_time: '01:00' },
  databases: {},
  local: { state_dir: '.etlctl', overlap_steps: true },
};

/** The keys an etlctl-layout config may have, per section (for unknown-key errors). */
const SCHEMA: Record<string, readonly string[] | 'any' | 'scalar'> = {
  target: 'scalar',
  aws: ['region', 'role', 'resource_role', 's3_bucket', 's3_base_path', 'name_prefix', 'pipeline_log_uri', 'tags'],
  alerts: ['failure_topic', 'warning_topic', 'late_topic', 'success_topic'],
  ec2: [
    'instance_type',
    'image_id',
    'terminate_after',
    'security_groups',
    'security_group_ids',
    'subnet_id',
    'key_pair',
    'worker_group',
    'region',
  ],
  emr: [
    'master_instance_type',
    'core_instance_type',
    'core_instance_count',
    'task_instance_type',
    'task_instance_count',
    'task_instance_bid_price',
    'terminate_after',
    'release_label',
    'ami_version',
    'applications',
    'bootstrap_actions',
    'subnet_id',
    'key_pair',
    'worker_group',
  ],
  defaults: [
    'max_retries',
    'retry_delay',
    'max_active_instances',
    'load_time',
    'frequency_override',
    'resource_base_path',
    'warehouse',
    'late_after',
  ],
  databases: 'any',
  local: ['state_dir', 's3_endpoint', 'overlap_steps'],
  secrets_file: 'scalar',
  database: ['permissions'],
  bootstrap: 'any',
  teardown: 'any',
  modes: 'any',
  // Checked key by key, with positions, by src/catalog/settings.ts (issue 16).
  catalog: 'any',
  lineage: 'any',
};

const DATABASE_KEYS = [
  'engine',
  'rds_instance_id',
  'cluster_id',
  'connection_string',
  'region',
  'host',
  'port',
  'database',
  'user',
  'password',
  'url',
  'seed',
  // Redshift Data API (etlctl database --execute): a Secrets Manager secret or a serverless workgroup.
  'secret_arn',
  'workgroup_name',
];

interface Layer {
  tree: Record<string, unknown>;
  describe: (dotted: string) => string;
}

function flatten(tree: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isRecord(tree) && Object.keys(tree).length > 0) {
    for (const [k, v] of Object.entries(tree)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, tree);
  }
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    if (isRecord(v) && isRecord(target[k])) deepMerge(target[k] as Record<string, unknown>, v);
    else target[k] = isRecord(v) ? structuredClone(v) : v;
  }
}

function setDotted(tree: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isRecord(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

function coerceEnv(v: string): unknown {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true';
  return v;
}

/** `ETLCTL_AWS__S3_BUCKET=x` → aws.s3_bucket = x; `ETLCTL_TARGET=aws` → target. */
function envLayer(env: NodeJS.ProcessEnv): Layer {
  const tree: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ETLCTL_') || value === undefined) continue;
    const rest = name.slice('ETLCTL_'.length);
    // Process knobs, not config keys.
    if (['CONFIG', 'MODE', 'DEBUG', 'STATE_DIR_OVERRIDE', 'NO_HELP_CACHE', 'NO_TEMPLATE_CACHE'].includes(rest))
      continue;
    const dotted = rest
      .toLowerCase()
      .split('__')
      .filter((p) => p.length > 0)
      .join('.');
    if (!dotted) continue;
    setDotted(tree, dotted, coerceEnv(value));
    names.set(dotted, name);
  }
  return { tree, describe: (d) => `environment ${names.get(d) ?? 'ETLCTL_*'}` };
}

function checkKeys(
  tree: Record<string, unknown>,
  file: YamlFile | undefined,
  pathOf: (p: KeyPath) => KeyPath,
  diagnostics: Diagnostic[],
  where: string,
): void {
  const at = (p: KeyPath, code: string, message: string, hint?: string) =>
    diagnostics.push(
      file
        ? file.at(pathOf(p), code, message, { hint, onKey: true, field: p.join('.') })
        : diag(code, message, { hint, field: p.join('.') }),
    );
  for (const [section, value] of Object.entries(tree)) {
    const spec = SCHEMA[section];
    if (spec === undefined) {
      at(
        [section],
        'ETL2002',
        `unknown config key '${section}' in ${where}`,
        didYouMean(section, Object.keys(SCHEMA)) ?? `known keys: ${Object.keys(SCHEMA).join(', ')}`,
      );
      continue;
    }
    if (Array.isArray(spec) && isRecord(value)) {
      for (const key of Object.keys(value)) {
        if (section === 'aws' && key === 'tags') continue;
        if (!spec.includes(key))
          at(
            [section, key],
            'ETL2002',
            `unknown config key '${section}.${key}' in ${where}`,
            didYouMean(key, spec) ?? `known keys under ${section}: ${spec.join(', ')}`,
          );
      }
    }
    if (section === 'databases' && isRecord(value)) {
      for (const [db, spec2] of Object.entries(value)) {
        if (!isRecord(spec2)) {
          at([section, db], 'ETL2003', `database '${db}' must be a mapping of settings`);
          continue;
        }
        for (const key of Object.keys(spec2)) {
          if (!DATABASE_KEYS.includes(key))
            at(
              [section, db, key],
              'ETL2002',
              `unknown key '${key}' in database '${db}'`,
              didYouMean(key, DATABASE_KEYS) ?? `known keys: ${DATABASE_KEYS.join(', ')}`,
            );
        }
      }
    }
  }
}

export function findConfigPath(opts: LoadConfigOptions): string | undefined {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit = opts.configPath ?? env.ETLCTL_CONFIG;
  if (explicit) return resolve(cwd, explicit);
  const dflt = resolve(cwd, DEFAULT_CONFIG_PATH);
  return existsSync(dflt) ? dflt : undefined;
}

export function loadConfig(opts: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? env.ETLCTL_MODE;
  const diagnostics: Diagnostic[] = [];
  const layers: Layer[] = [{ tree: structuredClone(EMBEDDED_DEFAULTS), describe: () => 'default' }];
  const sources = new Map<string, string>();
  const configPath = findConfigPath(opts);
  let layout: ResolvedConfig['layout'] = 'defaults';
  let modes: string[] = [];
  let baseDir = cwd;

  if (configPath) {
    if (!existsSync(configPath)) {
      throw new EtlError(
        diag('ETL2001', `config file not found: ${configPath}`, {
          hint: 'pass an existing file with --config, set ETLCTL_CONFIG, or create config/etlctl.yaml',
        }),
        ExitCode.USAGE,
      );
    }
    const display = displayPath(configPath, cwd);
    const file = YamlFile.read(configPath, display);
    sources.set(display, file.text);
    if (file.diagnostics.length > 0) throw new EtlError(file.diagnostics);
    const raw = file.value ?? {};
    if (!isRecord(raw)) {
      throw new EtlError(
        file.at([], 'ETL2003', 'config file must be a YAML mapping', { hint: 'see config/etlctl.yaml for the layout' }),
      );
    }
    baseDir = dirname(configPath);
    const at = (p: KeyPath) => {
      const pos = file.position(p);
      return `${display}:${pos.line}`;
    };
    if (isDataductLayout(raw)) {
      layout = 'dataduct';
      modes = dataductModes(raw);
      const base = translateDataduct(raw);
      layers.push({ tree: base.tree, describe: (d) => at(base.origin.get(d) ?? [d.split('.')[0]]) });
      if (mode) {
        if (!modes.includes(mode)) throw unknownMode(mode, modes, display);
        const m = translateDataduct(raw[mode] as Record<string, unknown>, [mode]);
        layers.push({ tree: m.tree, describe: (d) => `mode ${mode} (${at(m.origin.get(d) ?? [mode])})` });
      }
    } else {
      layout = 'etlctl';
      const { modes: modeTree, ...base } = raw;
      checkKeys(base, file, (p) => p, diagnostics, display);
      modes = isRecord(modeTree) ? Object.keys(modeTree) : [];
      layers.push({ tree: base, describe: (d) => at(d.split('.')) });
      if (mode) {
        if (!isRecord(modeTree) || !isRecord(modeTree[mode])) throw unknownMode(mode, modes, display);
        const m = modeTree[mode] as Record<string, unknown>;
        checkKeys(m, file, (p) => ['modes', mode, ...p], diagnostics, `mode '${mode}'`);
        layers.push({ tree: m, describe: (d) => `mode ${mode} (${at(['modes', mode, ...d.split('.')])})` });
      }
    }
  } else if (mode && mode !== 'local') {
    throw new EtlError(
      diag('ETL2004', `unknown mode '${mode}': no config file found`, {
        hint: 'create config/etlctl.yaml with a `modes:` section, or pass --config',
      }),
      ExitCode.USAGE,
    );
  }

  const envL = envLayer(env);
  if (Object.keys(envL.tree).length > 0) {
    checkKeys(envL.tree, undefined, (p) => p, diagnostics, 'ETLCTL_* environment variables');
    layers.push(envL);
  }
  if (opts.overrides && Object.keys(opts.overrides).length > 0) {
    const tree: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opts.overrides)) if (v !== undefined) setDotted(tree, k, v);
    layers.push({ tree, describe: (d) => `command line (--${d.replace(/[._]/g, '-')})` });
  }
  if (hasErrors(diagnostics)) throw new EtlError(diagnostics);

  const merged: Record<string, unknown> = {};
  const values = new Map<string, ConfigValue>();
  for (const layer of layers) {
    deepMerge(merged, layer.tree);
    const flat = new Map<string, unknown>();
    flatten(layer.tree, '', flat);
    for (const [k, v] of flat) {
      // A later layer replacing a subtree hides the earlier leaves under it.
      for (const existing of [...values.keys()]) if (existing.startsWith(k + '.')) values.delete(existing);
      values.set(k, { value: v, source: layer.describe(k) });
    }
  }
  return build(merged, values, {
    file: configPath,
    layout,
    mode,
    modes,
    baseDir,
    cwd,
    sources,
    displayFile: configPath ? displayPath(configPath, cwd) : undefined,
  });
}

function unknownMode(mode: string, modes: string[], file: string): EtlError {
  return new EtlError(
    diag('ETL2004', `unknown mode '${mode}' in ${file}`, {
      hint: (didYouMean(mode, modes) ?? '') + (modes.length ? ` known modes: ${modes.join(', ')}` : ' the file defines no modes'),
    }),
    ExitCode.USAGE,
  );
}

export function displayPath(p: string, cwd: string): string {
  if (p.startsWith(cwd + '/')) return p.slice(cwd.length + 1);
  return p;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}
function num(v: unknown, dflt: number): number {
  const n = Number(v);
  return v === undefined || v === null || Number.isNaN(n) ? dflt : n;
}
/** Config files write booleans, environment variables words (unset: on); undefined when it is neither. */
function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null || v === '') return true;
  const word = String(v).trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(word)) return true;
  if (['false', 'no', 'off', '0'].includes(word)) return false;
  return undefined;
}
function list(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String) : String(v).split(',').map((s) => s.trim());
}

function build(
  m: Record<string, unknown>,
  values: Map<string, ConfigValue>,
  ctx: {
    file?: string;
    displayFile?: string;
    layout: ResolvedConfig['layout'];
    mode?: string;
    modes: string[];
    baseDir: string;
    cwd: string;
    sources: Map<string, string>;
  },
): ResolvedConfig {
  const sec = (k: string): Record<string, unknown> => (isRecord(m[k]) ? (m[k] as Record<string, unknown>) : {});
  const aws = sec('aws');
  const alerts = sec('alerts');
  const ec2 = sec('ec2');
  const emr = sec('emr');
  const defaults = sec('defaults');
  const local = sec('local');
  const diagnostics: Diagnostic[] = [];
  const where = (dotted: string) => values.get(dotted)?.source ?? 'config';
  const target = String(m.target ?? 'local') as Target;
  if (target !== 'local' && target !== 'aws') {
    diagnostics.push(
      diag('ETL2005', `target must be 'local' or 'aws', got '${target}' (from ${where('target')})`, {
        hint: 'set `target: local` or `target: aws` in the config or mode',
      }),
    );
  }
  const overlapSteps = bool(local.overlap_steps);
  if (overlapSteps === undefined) {
    diagnostics.push(
      diag(
        'ETL2009',
        `local.overlap_steps must be true or false, got '${String(local.overlap_steps)}' (from ${where('local.overlap_steps')})`,
        { hint: 'write `overlap_steps: false` to run each load after its extract has finished' },
      ),
    );
  }
  const databases: Record<string, DatabaseConfig> = {};
  for (const [name, raw] of Object.entries(sec('databases'))) {
    if (!isRecord(raw)) continue;
    const engine = String(raw.engine ?? '') as Engine;
    if (!['mysql', 'postgres', 'redshift'].includes(engine)) {
      diagnostics.push(
        diag(
          'ETL2006',
          `database '${name}': engine must be one of mysql, postgres, redshift (got '${raw.engine ?? ''}', from ${where(`databases.${name}.engine`)})`,
          { hint: 'add `engine: mysql|postgres|redshift` to the database' },
        ),
      );
      continue;
    }
    if (raw.cluster_id && raw.connection_string) {
      diagnostics.push(
        diag('ETL2007', `database '${name}': set cluster_id or connection_string, not both`, {
          hint: `from ${where(`databases.${name}.cluster_id`)}`,
        }),
      );
    }
    let password;
    if (raw.password !== undefined && raw.password !== null) {
      const parsed = parseSecretRef(raw.password, `databases.${name}.password`);
      if ('error' in parsed) {
        diagnostics.push(
          diag('ETL2008', `database '${name}': ${parsed.error} (from ${where(`databases.${name}.password`)})`, {
            hint: 'write the password as ${env:VARIABLE} or ${file:key} (a key in the secrets file)',
          }),
        );
      } else password = parsed.ref;
    }
    databases[name] = {
      name,
      engine,
      rdsInstanceId: str(raw.rds_instance_id),
      clusterId: str(raw.cluster_id),
      connectionString: str(raw.connection_string),
      region: str(raw.region),
      host: str(raw.host),
      port: raw.port === undefined ? undefined : Number(raw.port),
      database: str(raw.database),
      user: str(raw.user),
      password,
      url: str(raw.url),
      seed: str(raw.seed) ? resolve(ctx.baseDir, String(raw.seed)) : undefined,
    };
  }
  if (hasErrors(diagnostics)) throw new EtlError(diagnostics.map((d) => ({ ...d, file: d.file ?? ctx.displayFile })));

  const tags: Record<string, string> = {};
  if (isRecord(aws.tags)) for (const [k, v] of Object.entries(aws.tags)) tags[k] = String(v);
  const permissions: Permission[] = [];
  const db = sec('database');
  if (Array.isArray(db.permissions)) {
    for (const p of db.permissions) {
      if (isRecord(p))
        permissions.push({ user: str(p.user), group: str(p.group), permission: String(p.permission ?? 'SELECT') });
    }
  }
  const rbp = str(defaults.resource_base_path);
  const stateDir = str(local.state_dir) ?? '.etlctl';
  return {
    file: ctx.file,
    layout: ctx.layout,
    mode: ctx.mode,
    modes: ctx.modes,
    target,
    aws: {
      region: str(aws.region),
      role: str(aws.role) ?? 'DataPipelineDefaultRole',
      resourceRole: str(aws.resource_role) ?? 'DataPipelineDefaultResourceRole',
      s3Bucket: str(aws.s3_bucket),
      s3BasePath: str(aws.s3_base_path) ?? '',
      namePrefix: str(aws.name_prefix),
      pipelineLogUri: str(aws.pipeline_log_uri),
      tags,
    },
    alerts: {
      failureTopic: str(alerts.failure_topic),
      warningTopic: str(alerts.warning_topic),
      lateTopic: str(alerts.late_topic),
      successTopic: str(alerts.success_topic),
    },
    ec2: {
      instanceType: str(ec2.instance_type) ?? 'm5.large',
      imageId: str(ec2.image_id),
      terminateAfter: str(ec2.terminate_after) ?? '6 Hours',
      securityGroups: list(ec2.security_groups),
      securityGroupIds: list(ec2.security_group_ids),
      subnetId: str(ec2.subnet_id),
      keyPair: str(ec2.key_pair),
      workerGroup: str(ec2.worker_group),
      region: str(ec2.region),
    },
    emr: {
      masterInstanceType: str(emr.master_instance_type) ?? 'm5.xlarge',
      coreInstanceType: str(emr.core_instance_type) ?? 'm5.xlarge',
      coreInstanceCount: num(emr.core_instance_count, 2),
      taskInstanceType: str(emr.task_instance_type),
      taskInstanceCount: emr.task_instance_count === undefined ? undefined : num(emr.task_instance_count, 0),
      taskInstanceBidPrice: str(emr.task_instance_bid_price),
      terminateAfter: str(emr.terminate_after) ?? '6 Hours',
      releaseLabel: str(emr.release_label),
      amiVersion: str(emr.ami_version),
      applications: list(emr.applications),
      bootstrapActions: list(emr.bootstrap_actions),
      subnetId: str(emr.subnet_id),
      keyPair: str(emr.key_pair),
      workerGroup: str(emr.worker_group),
    },
    defaults: {
      maxRetries: num(defaults.max_retries, 0),
      retryDelay: str(defaults.retry_delay) ?? '10 Minutes',
      maxActiveInstances: num(defaults.max_active_instances, 1),
      loadTime: str(defaults.load_time) ?? '01:00',
      frequencyOverride: str(defaults.frequency_override),
      resourceBasePath: rbp ? (isAbsolute(rbp) ? rbp : resolve(ctx.baseDir, rbp)) : undefined,
      warehouse: str(defaults.warehouse),
      lateAfter: str(defaults.late_after),
    },
    databases,
    local: {
      stateDir: isAbsolute(stateDir) ? stateDir : resolve(ctx.cwd, stateDir),
      s3Endpoint: str(local.s3_endpoint),
      overlapSteps: overlapSteps ?? true,
    },
    secretsFile: str(m.secrets_file) ? resolve(ctx.baseDir, String(m.secrets_file)) : undefined,
    permissions,
    bootstrap: isRecord(m.bootstrap) ? (m.bootstrap as ResolvedConfig['bootstrap']) : undefined,
    teardown: m.teardown,
    values,
    sources: ctx.sources,
  };
}
