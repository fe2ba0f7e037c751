/**
 * The compile context: the Definition under construction, and the per-step API that step
 * plugins (steps/*.ts) use to emit objects. Pure apart from reading input files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ResolvedConfig, DatabaseConfig } from '../config/types.js';
import { describeSecret } from '../config/secrets.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean } from '../diagnostics.js';
import type { Asset, Definition, FieldValue, Origin, PipelineObject } from '../definition/model.js';
import { ref } from '../definition/model.js';
import type { KeyPath, YamlFile } from '../spec/yaml.js';
import type { Frequency } from './schedule.js';
import type { TableDef } from './table-definition.js';
import { parseTableDefinition } from './table-definition.js';
import { renderTemplate } from './templates.js';

/** Data Pipeline's limit on one field; longer generated SQL goes to an uploaded asset. */
export const MAX_INLINE_FIELD_BYTES = 10_240;

export interface PipelineInfo {
  name: string;
  file: YamlFile;
  frequency: Frequency;
  /** Absolute folder of the YAML file. */
  dir: string;
  maxRetries: number;
  retryDelay: string;
  lateAfter?: string;
  topicArn?: string;
  workerGroup?: string;
}

/** One step as parsed from YAML. */
export interface StepSpec {
  index: number;
  name: string;
  type: string;
  params: Record<string, unknown>;
  path: KeyPath;
  line: number;
  column: number;
}

type TableResult = { table?: TableDef; diagnostics: Diagnostic[] };

/**
 * Table definitions parsed, and input files found, during one `compileFiles` call, shared by all
 * its pipelines (many pipelines read the same tables). Scoped to the call, not the process, so an
 * edited file is re-read by the next call (the local agent and tests compile repeatedly in one
 * process).
 */
let shared:
  | {
      tables: Map<string, TableResult>;
      isFile: Map<string, boolean>;
      /** Resolved paths: every step reading a table definition checks it and the allowed roots. */
      realPaths: Map<string, string>;
    }
  | undefined;

/** Run `fn` with table definitions and file lookups cached across every DefinitionBuilder it creates. */
export function withSharedTableCache<T>(fn: () => T): T {
  if (shared) return fn();
  shared = { tables: new Map(), isFile: new Map(), realPaths: new Map() };
  try {
    return fn();
  } finally {
    shared = undefined;
  }
}

/** A path with symbolic links resolved (as far as it exists). */
function realPath(p: string): string {
  const cached = shared?.realPaths.get(p);
  if (cached !== undefined) return cached;
  let real: string;
  try {
    real = realpathSync(p);
  } catch {
    real = resolve(p);
  }
  shared?.realPaths.set(p, real);
  return real;
}

/** Folders local files may be read from (see StepContext.readable). */
export function allowedRoots(config: ResolvedConfig, pipelineDir: string, cwd: string): string[] {
  const roots = [
    config.projectRoot ?? cwd,
    pipelineDir,
    config.defaults.resourceBasePath,
    ...(config.files?.allowedRoots ?? []),
  ];
  return roots.filter((r): r is string => !!r).map(realPath);
}

function isFile(p: string): boolean {
  const cached = shared?.isFile.get(p);
  if (cached !== undefined) return cached;
  const found = existsSync(p) && statSync(p).isFile();
  shared?.isFile.set(p, found);
  return found;
}

export class DefinitionBuilder {
  readonly objects = new Map<string, PipelineObject>();
  readonly parameters = new Map<string, { id: string; attributes: Record<string, string | string[]> }>();
  readonly assets = new Map<string, Asset>();
  readonly secrets: Record<string, string> = {};
  readonly diagnostics: Diagnostic[] = [];
  readonly steps: { name: string; type: string; line: number; objectIds: string[] }[] = [];
  /** Database object ids by connection name. */
  private readonly databaseIds = new Map<string, string>();
  private tableCache = shared?.tables ?? new Map<string, TableResult>();
  needsEtlctlOnWorker = false;
  usesEc2 = false;
  usesEmr = false;

  constructor(
    readonly config: ResolvedConfig,
    readonly pipeline: PipelineInfo,
    readonly cwd: string,
  ) {}

  add(id: string, fields: Record<string, FieldValue | undefined>, origin: Origin): string {
    if (this.objects.has(id)) {
      this.diagnostics.push(
        diag('ETL3001', `two objects would get the id '${id}'`, {
          file: origin.file,
          line: origin.line,
          column: origin.column,
          hint: 'rename one of the steps so their object ids differ',
        }),
      );
      return id;
    }
    const clean: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      clean[k] = v;
    }
    this.objects.set(id, { id, name: id, fields: clean, origin });
    return id;
  }

  get(id: string): PipelineObject | undefined {
    return this.objects.get(id);
  }

  /** s3://bucket/base/<area>/<pipeline>/<rest> */
  s3Uri(area: 'data' | 'logs' | 'assets', rest: string): string {
    const bucket = this.config.aws.s3Bucket ?? 'etlctl-local';
    const base = this.config.aws.s3BasePath.replace(/^\/+|\/+$/g, '');
    const parts = [bucket, base, area, area === 'assets' ? '' : this.pipeline.name, rest].filter(
      (p) => p !== '',
    );
    return 's3://' + parts.join('/').replace(/\/+/g, '/');
  }

  /** `source.uri` uploads to a chosen place (e.g. a step's output_path) instead of the content-addressed one. */
  addAsset(
    kind: string,
    name: string,
    source: { localPath?: string; content?: string; uri?: string },
  ): string {
    const { uri: chosen, ...from } = source;
    const bytes =
      from.content !== undefined ? Buffer.from(from.content, 'utf8') : readFileSync(from.localPath as string);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const uri = chosen ?? this.s3Uri('assets', `${sha256.slice(0, 16)}/${name}`);
    if (!this.assets.has(uri)) this.assets.set(uri, { uri, sha256, kind, ...from });
    return uri;
  }

  /** A `*password` parameter for a database; the value is supplied at activation. */
  passwordParameter(db: DatabaseConfig): string | undefined {
    if (!db.password) return undefined;
    // The `*` id prefix makes Data Pipeline mask the value and encrypt it at rest.
    const id = `*my${pascal(db.name)}Password`;
    if (!this.parameters.has(id)) {
      this.parameters.set(id, {
        id,
        attributes: {
          type: 'String',
          description: `Password of database connection '${db.name}' (supplied at activation)`,
        },
      });
      this.secrets[id] = describeSecret(db.password);
    }
    return `#{${id}}`;
  }

  /** The Data Pipeline database object for a named connection, created once. */
  databaseObject(db: DatabaseConfig, origin: Origin): string {
    const existing = this.databaseIds.get(db.name);
    if (existing) return existing;
    const id = `${pascal(db.name)}Database`;
    const password = this.passwordParameter(db);
    const common = { username: db.user, '*password': password, myConnection: db.name };
    let fields: Record<string, FieldValue | undefined>;
    if (db.engine === 'redshift') {
      fields = {
        type: 'RedshiftDatabase',
        databaseName: db.database,
        clusterId: db.connectionString ? undefined : (db.clusterId ?? db.name),
        connectionString: db.connectionString,
        ...common,
      };
    } else if (db.rdsInstanceId) {
      fields = {
        type: 'RdsDatabase',
        rdsInstanceId: db.rdsInstanceId,
        databaseName: db.database,
        region: db.region,
        jdbcDriverJarUri: undefined,
        ...common,
      };
    } else {
      const port = db.port ?? (db.engine === 'mysql' ? 3306 : 5432);
      const host = db.host ?? 'localhost';
      fields = {
        type: 'JdbcDatabase',
        connectionString:
          db.connectionString ??
          `jdbc:${db.engine === 'mysql' ? 'mysql' : 'postgresql'}://${host}:${port}/${db.database ?? ''}`,
        jdbcDriverClass: db.engine === 'mysql' ? 'com.mysql.jdbc.Driver' : 'org.postgresql.Driver',
        ...common,
      };
    }
    this.add(id, fields, { file: origin.file, line: origin.line, column: origin.column });
    this.databaseIds.set(db.name, id);
    return id;
  }

  readTable(absPath: string, display: string): { table?: TableDef; diagnostics: Diagnostic[] } {
    // The display path is part of the key: it is in the diagnostics.
    const key = `${absPath}\0${display}`;
    const cached = this.tableCache.get(key);
    if (cached) return cached;
    const result = parseTableDefinition(readFileSync(absPath, 'utf8'), display);
    this.tableCache.set(key, result);
    return result;
  }

  build(): Definition {
    return {
      objects: [...this.objects.values()],
      parameters: [...this.parameters.values()],
      values: {},
      meta: {
        pipelineName: this.pipeline.name,
        sourceFile: this.pipeline.file.path,
        mode: this.config.mode,
        tags: this.config.aws.tags,
        assets: [...this.assets.values()],
        secrets: this.secrets,
        steps: this.steps,
      },
    };
  }
}

export function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * What a step plugin sees. Objects it adds are attributed to its YAML step; activities get the
 * pipeline-wide fields (schedule, resource, retries, alarms, ordering) automatically.
 */
export class StepContext {
  /** S3 data node ids this step reads (resolved from input_node / input_path / the previous step). */
  readonly inputs: string[];
  /** Activity ids this step must run after. */
  readonly after: string[];
  readonly activities: string[] = [];
  readonly objectIds: string[] = [];

  constructor(
    readonly b: DefinitionBuilder,
    readonly step: StepSpec,
    inputs: string[],
    after: string[],
  ) {
    this.inputs = inputs;
    this.after = after;
  }

  get config(): ResolvedConfig {
    return this.b.config;
  }
  get pipeline(): PipelineInfo {
    return this.b.pipeline;
  }
  get params(): Record<string, unknown> {
    return this.step.params;
  }
  get origin(): Origin {
    return {
      file: this.pipeline.file.path,
      line: this.step.line,
      column: this.step.column,
      step: this.step.name,
      stepType: this.step.type,
    };
  }

  /** Object id for this step: `<step>.<suffix>`. */
  id(suffix: string): string {
    return `${this.step.name}.${suffix}`;
  }

  str(key: string): string | undefined {
    const v = this.params[key];
    return v === undefined || v === null ? undefined : String(v);
  }

  add(suffix: string, fields: Record<string, FieldValue | undefined>): string {
    const id = this.b.add(this.id(suffix), fields, this.origin);
    this.objectIds.push(id);
    return id;
  }

  /**
   * Add an activity with the pipeline-wide fields. `after` lists activities of this step it
   * follows; the first activity of a step follows the step's dependencies.
   */
  activity(
    suffix: string,
    type: string,
    fields: Record<string, FieldValue | undefined>,
    opts: { after?: string[]; resource?: 'ec2' | 'emr' | 'none' } = {},
  ): string {
    const resource =
      opts.resource ??
      (type === 'EmrActivity' || type === 'HiveActivity' || type === 'PigActivity' ? 'emr' : 'ec2');
    const deps =
      opts.after ??
      (this.activities.length === 0 ? this.after : [this.activities[this.activities.length - 1]]);
    const p = this.pipeline;
    const lateAfter = this.str('late_after') ?? p.lateAfter ?? this.config.defaults.lateAfter;
    const common: Record<string, FieldValue | undefined> = {
      type,
      schedule: p.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
      maximumRetries: String(this.params.max_retries ?? p.maxRetries),
      retryDelay: type === 'EmrActivity' ? undefined : String(this.params.retry_delay ?? p.retryDelay),
      dependsOn: deps.map(ref),
      onFail: this.b.get('FailureAlarm') ? ref('FailureAlarm') : undefined,
      lateAfterTimeout: lateAfter,
      onLateAction: lateAfter && this.b.get('LateAlarm') ? ref('LateAlarm') : undefined,
      attemptTimeout: this.str('timeout'),
    };
    if (resource === 'ec2') {
      const wg = this.str('worker_group') ?? p.workerGroup ?? this.config.ec2.workerGroup;
      if (wg) common.workerGroup = wg;
      else {
        common.runsOn = ref('Ec2Resource');
        this.b.usesEc2 = true;
      }
    } else if (resource === 'emr') {
      const wg = this.config.emr.workerGroup;
      if (wg) common.workerGroup = wg;
      else {
        common.runsOn = ref('EmrCluster');
        this.b.usesEmr = true;
      }
    }
    const id = this.add(suffix, { ...common, ...fields });
    this.activities.push(id);
    return id;
  }

  /** An S3 data node; `path` defaults to this step's data folder `<suffix>/`. */
  s3Node(
    suffix: string,
    opts: { path?: string; directory?: boolean; format?: 'tsv' | 'csv'; compression?: string } = {},
  ): string {
    const directory = opts.directory ?? !opts.path?.match(/\.[A-Za-z0-9]+$/);
    const path = opts.path ?? this.dataPath(suffix);
    let dataFormat: FieldValue | undefined;
    if (opts.format) dataFormat = ref(this.dataFormat(opts.format));
    return this.add(suffix, {
      type: 'S3DataNode',
      schedule: this.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
      [directory ? 'directoryPath' : 'filePath']: path,
      dataFormat,
      compression: opts.compression,
    });
  }

  /** A shared data format object (`TsvFormat` / `CsvFormat`); see src/local/tsv.ts for the dialect. */
  dataFormat(kind: 'tsv' | 'csv'): string {
    const id = kind === 'tsv' ? 'TsvFormat' : 'CsvFormat';
    if (!this.b.get(id)) {
      this.b.add(id, kind === 'tsv' ? { type: 'TSV', escapeChar: '\\' } : { type: 'CSV' }, {
        file: this.pipeline.file.path,
        line: 1,
        column: 1,
      });
    }
    return id;
  }

  /** `s3://bucket/base/data/<pipeline>/[<scheduled time>/]<step>/<sub>/` */
  dataPath(sub: string): string {
    const stamp =
      this.pipeline.frequency.kind === 'periodic'
        ? "#{format(@scheduledStartTime,'YYYYMMdd-HH-mm-ss')}/"
        : '';
    const step = this.step.name.replace(/\./g, '_');
    return this.b.s3Uri('data', `${stamp}${step}/${sub}/`);
  }

  /** The database object for a named connection (param `key`, else the default warehouse). */
  database(
    key: string,
    opts: { engines?: string[]; fallbackToWarehouse?: boolean } = {},
  ): { id: string; db: DatabaseConfig } | undefined {
    const name =
      this.str(key) ?? (opts.fallbackToWarehouse !== false ? this.config.defaults.warehouse : undefined);
    const names = Object.keys(this.config.databases);
    if (!name) {
      this.error(
        'ETL2020',
        `step '${this.step.name}' needs a database: set '${key}' or defaults.warehouse in the config`,
        [],
        names.length
          ? `configured databases: ${names.join(', ')}`
          : 'add a `databases:` section to the config',
      );
      return undefined;
    }
    const db = this.config.databases[name];
    if (!db) {
      this.error(
        'ETL2021',
        `unknown database connection '${name}'`,
        this.params[key] !== undefined ? [key] : [],
        (didYouMean(name, names) ?? '') +
          (names.length ? ` configured: ${names.join(', ')}` : ' the config has no `databases:` section') +
          (this.config.file ? ` (config ${relative(this.b.cwd, this.config.file)})` : ''),
      );
      return undefined;
    }
    if (opts.engines && !opts.engines.includes(db.engine)) {
      this.error(
        'ETL2022',
        `database '${name}' is ${db.engine}, but ${this.step.type} needs ${opts.engines.join(' or ')}`,
        this.params[key] !== undefined ? [key] : [],
      );
      return undefined;
    }
    return { id: this.b.databaseObject(db, this.origin), db };
  }

  /** Resolve a local file path param against the resource base path, else the YAML file's folder. */
  localPath(key: string, value = this.str(key)): string | undefined {
    if (!value) return undefined;
    const bases = [this.config.defaults.resourceBasePath, this.pipeline.dir].filter((x): x is string => !!x);
    for (const base of bases) {
      const p = isAbsolute(value) ? value : resolve(base, value);
      if (isFile(p)) return this.readable(p, [key], value) ? p : undefined;
    }
    this.error(
      'ETL3102',
      `file not found: ${value}`,
      [key],
      `looked in ${bases.map((b) => relative(this.b.cwd, b) || '.').join(' and ')}; paths are relative to defaults.resource_base_path or the YAML file's folder`,
    );
    return undefined;
  }

  /**
   * Whether a local file (or folder) the pipeline names may be read: it must lie, after symbolic
   * links, under the project folder, the pipeline file's folder, defaults.resource_base_path or
   * one of files.allowed_roots — so a pipeline cannot make etlctl read (and deploy, as an asset)
   * /etc/passwd or ~/.ssh without the config saying so. Reports ETL3400 at `key` otherwise.
   */
  readable(abs: string, key: KeyPath, value: string): boolean {
    const roots = allowedRoots(this.config, this.pipeline.dir, this.b.cwd);
    const real = realPath(abs);
    if (roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep))) return true;
    this.error(
      'ETL3400',
      `${value} is outside the project: etlctl reads local files only from the project folder, the pipeline's folder, defaults.resource_base_path and files.allowed_roots`,
      key,
      `move the file into the project, or allow its folder in the config: files: {allowed_roots: [${dirname(real)}]}`,
    );
    return false;
  }

  /** Parse the table definition named by param `key`; errors point at that key. */
  tableDefinition(key: string, value = this.str(key)): TableDef | undefined {
    const abs = this.localPath(key, value);
    if (!abs) return undefined;
    const display = relative(this.b.cwd, abs) || abs;
    const { table, diagnostics } = this.b.readTable(abs, display);
    if (diagnostics.length > 0) {
      const at = this.pipeline.file.position([...this.step.path, key]);
      for (const d of diagnostics)
        this.b.diagnostics.push({
          ...d,
          hint: `${d.hint ?? ''} (used by ${this.pipeline.file.path}:${at.line}:${at.column} ${key})`.trim(),
        });
      return undefined;
    }
    return table;
  }

  asset(kind: string, name: string, source: { localPath?: string; content?: string; uri?: string }): string {
    return this.b.addAsset(kind, name, source);
  }

  /** SQL as an inline `script` when it fits, else as an uploaded `scriptUri` asset. */
  sqlScript(sql: string, name: string): { script?: string; scriptUri?: string } {
    if (Buffer.byteLength(sql, 'utf8') <= MAX_INLINE_FIELD_BYTES - 256) return { script: sql };
    return { scriptUri: this.asset('sql', `${this.step.name}.${name}.sql`, { content: sql }) };
  }

  render(template: string, data: Record<string, unknown>): string {
    return renderTemplate(template, data);
  }

  /** A command line that runs an etlctl task on the worker (the compiler adds the bootstrap that installs etlctl). */
  etlctlTask(task: string, args: string[]): { command: string; scriptArgument: string[] } {
    this.b.needsEtlctlOnWorker = true;
    return { command: `etlctl task ${task} "$@"`, scriptArgument: args };
  }

  error(code: string, message: string, key: KeyPath = [], hint?: string): void {
    this.b.diagnostics.push(
      this.pipeline.file.at([...this.step.path, ...key], code, message, {
        hint,
        field: key.join('.') || undefined,
      }),
    );
  }

  warn(code: string, message: string, key: KeyPath = [], hint?: string): void {
    this.b.diagnostics.push(
      this.pipeline.file.at([...this.step.path, ...key], code, message, {
        hint,
        severity: 'warning',
        field: key.join('.') || undefined,
      }),
    );
  }
}

export function fileName(p: string): string {
  return basename(p);
}
export function dirOf(p: string): string {
  return dirname(p);
}
