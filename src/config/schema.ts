/**
 * The one declaration of every config key: its type, default, documentation and (derived from
 * its path) its environment variable. The loader's unknown-key check, the embedded defaults,
 * the `ETLCTL_*` mapping and coercion, `config explain`, the TypeScript types in types.ts and
 * the JSON Schema for editors (json-schema.ts) are all derived from CONFIG_SCHEMA, so adding a
 * key is one entry here.
 */

/** How a leaf value is read. `path` values are resolved to absolute paths (see `relativeTo`). */
export type KeyType =
  | 'string'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'path'
  | 'path-list'
  | 'string-list'
  | 'string-map'
  | 'secret'
  | 'permissions'
  | 'step-lists'
  | 'any';

export interface KeySpec {
  readonly type: KeyType;
  readonly doc: string;
  /** Allowed values of an `enum`. */
  readonly values?: readonly string[];
  readonly default?: unknown;
  /** Must be given (a database's `engine`). */
  readonly required?: true;
  /** `path` and `path-list`: resolved against the config file's folder or the project root. */
  readonly relativeTo?: 'config' | 'project';
  /** An empty string is a value of its own (`s3_base_path: ""` means no base path). */
  readonly keepEmpty?: true;
  /** An example for the JSON Schema and `config explain`. */
  readonly example?: unknown;
}

export interface SectionSpec {
  readonly kind: 'section';
  readonly doc: string;
  readonly keys: Readonly<Record<string, KeySpec>>;
}

/** A mapping of user-chosen names to entries of the same keys (`databases:`). */
export interface EntriesSpec {
  readonly kind: 'entries';
  readonly doc: string;
  readonly keys: Readonly<Record<string, KeySpec>>;
}

export type NodeSpec = KeySpec | SectionSpec | EntriesSpec;

export function isSection(n: NodeSpec): n is SectionSpec {
  return 'kind' in n && n.kind === 'section';
}
export function isEntries(n: NodeSpec): n is EntriesSpec {
  return 'kind' in n && n.kind === 'entries';
}
export function isKey(n: NodeSpec): n is KeySpec {
  return !('kind' in n);
}

const DATABASE_NAME_DOC =
  'named database connections; steps refer to them by name (`host_name:`, `database:`)';

export const CONFIG_SCHEMA = {
  target: {
    type: 'enum',
    values: ['local', 'aws'],
    default: 'local',
    doc: 'where `pipeline activate` runs pipelines: the local engine or AWS Data Pipeline',
  },
  aws: {
    kind: 'section',
    doc: 'AWS Data Pipeline settings',
    keys: {
      region: { type: 'string', doc: 'AWS region (default: the SDK default chain)', example: 'us-east-1' },
      role: { type: 'string', default: 'DataPipelineDefaultRole', doc: 'IAM role of the pipeline' },
      resource_role: {
        type: 'string',
        default: 'DataPipelineDefaultResourceRole',
        doc: 'IAM role of the EC2/EMR resources',
      },
      s3_bucket: {
        type: 'string',
        doc: 'bucket for data, logs and assets (S3 bucket naming rules apply)',
        example: 'acme-etl',
      },
      s3_base_path: {
        type: 'string',
        default: 'etlctl',
        keepEmpty: true,
        doc: 'key prefix under the bucket (no `..` segments)',
      },
      name_prefix: {
        type: 'string',
        doc: 'prepended to every pipeline name as `<prefix>_<name>` (letters, digits, _ . -; at most 64 characters)',
      },
      pipeline_log_uri: { type: 'string', doc: 'S3 URI for Data Pipeline logs (default: <bucket>/<base>/logs/<pipeline>/)' },
      tags: { type: 'string-map', default: {}, doc: 'tags added to every pipeline' },
    },
  },
  alerts: {
    kind: 'section',
    doc: 'SNS topics for alarms',
    keys: {
      failure_topic: { type: 'string', doc: 'SNS topic ARN notified when an activity fails' },
      warning_topic: { type: 'string', doc: 'SNS topic ARN for QA warnings' },
      late_topic: { type: 'string', doc: 'SNS topic ARN for late activities (default: failure_topic)' },
      success_topic: { type: 'string', doc: 'SNS topic ARN notified on success' },
    },
  },
  ec2: {
    kind: 'section',
    doc: 'the Ec2Resource that runs shell and SQL activities',
    keys: {
      instance_type: { type: 'string', default: 'm5.large', doc: 'EC2 instance type' },
      image_id: { type: 'string', doc: 'AMI id' },
      terminate_after: { type: 'string', default: '6 Hours', doc: 'Data Pipeline period after which the resource ends' },
      security_groups: { type: 'string-list', doc: 'security group names (a list or comma-separated)' },
      security_group_ids: { type: 'string-list', doc: 'security group ids (a list or comma-separated)' },
      subnet_id: { type: 'string', doc: 'VPC subnet' },
      key_pair: { type: 'string', doc: 'EC2 key pair name' },
      worker_group: { type: 'string', doc: 'run on a Task Runner worker group instead of an Ec2Resource' },
      region: { type: 'string', doc: 'region of the resource' },
    },
  },
  emr: {
    kind: 'section',
    doc: 'the EmrCluster of EMR steps',
    keys: {
      master_instance_type: { type: 'string', default: 'm5.xlarge', doc: 'master node instance type' },
      core_instance_type: { type: 'string', default: 'm5.xlarge', doc: 'core node instance type' },
      core_instance_count: { type: 'number', default: 2, doc: 'number of core nodes' },
      task_instance_type: { type: 'string', doc: 'task node instance type' },
      task_instance_count: { type: 'number', doc: 'number of task nodes' },
      task_instance_bid_price: { type: 'string', doc: 'spot bid price of task nodes' },
      terminate_after: { type: 'string', default: '6 Hours', doc: 'Data Pipeline period after which the cluster ends' },
      release_label: { type: 'string', doc: 'EMR release label, e.g. emr-6.15.0' },
      ami_version: { type: 'string', doc: 'AMI version (older clusters, without release_label)' },
      applications: { type: 'string-list', doc: 'applications to install (with release_label)' },
      bootstrap_actions: { type: 'string-list', doc: 'bootstrap actions' },
      subnet_id: { type: 'string', doc: 'VPC subnet' },
      key_pair: { type: 'string', doc: 'EC2 key pair name' },
      worker_group: { type: 'string', doc: 'run EMR activities on a worker group instead of an EmrCluster' },
    },
  },
  defaults: {
    kind: 'section',
    doc: 'defaults of every pipeline',
    keys: {
      max_retries: { type: 'number', default: 0, doc: 'maximumRetries of activities' },
      retry_delay: { type: 'string', default: '10 Minutes', doc: 'retryDelay of activities' },
      max_active_instances: { type: 'number', default: 1, doc: 'maxActiveInstances of activities' },
      load_time: { type: 'string', default: '01:00', doc: 'daily load time HH:MM (UTC)' },
      frequency_override: { type: 'string', doc: "replaces every pipeline's frequency" },
      resource_base_path: {
        type: 'path',
        relativeTo: 'config',
        doc: "folder that table definitions, scripts and data files are resolved against (else the pipeline file's folder)",
      },
      warehouse: { type: 'string', doc: 'database used by load/upsert/sql/qa steps that name none' },
      late_after: { type: 'string', doc: 'lateAfterTimeout of activities' },
    },
  },
  databases: {
    kind: 'entries',
    doc: DATABASE_NAME_DOC,
    keys: {
      engine: {
        type: 'enum',
        values: ['mysql', 'postgres', 'redshift'],
        required: true,
        doc: 'database engine',
      },
      rds_instance_id: { type: 'string', doc: 'RDS instance id (AWS identity of a MySQL/Postgres database)' },
      cluster_id: { type: 'string', doc: 'Redshift cluster id' },
      connection_string: { type: 'string', doc: 'JDBC connection string (instead of cluster_id / rds_instance_id)' },
      region: { type: 'string', doc: 'region of the database' },
      host: { type: 'string', doc: 'host name' },
      port: { type: 'number', doc: 'port' },
      database: { type: 'string', doc: 'database name' },
      user: { type: 'string', doc: 'user name' },
      password: {
        type: 'secret',
        doc: 'password as ${env:VARIABLE} or ${file:key} (a key of the secrets file); supplied at activation only',
      },
      url: {
        type: 'string',
        doc: 'local engine connection URL (postgres://, mysql://, pglite://PATH|memory); none: embedded PGlite',
      },
      seed: { type: 'path', relativeTo: 'config', doc: 'SQL file run once when an embedded database is created' },
      // Redshift Data API (etlctl database --execute): a Secrets Manager secret or a serverless workgroup.
      secret_arn: { type: 'string', doc: 'Secrets Manager secret for the Redshift Data API' },
      workgroup_name: { type: 'string', doc: 'Redshift Serverless workgroup for the Redshift Data API' },
    },
  },
  local: {
    kind: 'section',
    doc: 'the local engine',
    keys: {
      state_dir: {
        type: 'path',
        relativeTo: 'project',
        default: '.etlctl',
        doc: 'run state, logs, embedded databases and local S3 (relative to the project folder)',
      },
      s3_endpoint: { type: 'string', doc: 'an S3-compatible endpoint instead of the local S3 folder' },
      // Many agents on many machines (issue 15): a shared state store, and how activations run.
      state_url: {
        type: 'string',
        doc: 'a shared state store for many agents: postgres://user@host/db (?schema=NAME, default etlctl); none: SQLite in state_dir',
      },
      execution: {
        type: 'enum',
        values: ['inline', 'agents'],
        default: 'inline',
        doc: 'inline: `pipeline activate` runs the instances itself; agents: it enqueues them for `etlctl agent`s',
      },
      shared_path: {
        type: 'boolean',
        default: false,
        doc: 'state_dir is on storage every agent machine sees (a network file system), so local S3 handoffs cross machines',
      },
      overlap_steps: {
        type: 'boolean',
        default: true,
        doc: 'start a load together with the extract writing its input and stream between them',
      },
      // Issue 13 (parity): shell steps as Data Pipeline's Amazon Linux workers run them.
      shell: {
        type: 'string',
        default: 'bash',
        doc: 'shell that runs ShellCommandActivity commands (Data Pipeline workers use bash)',
      },
      skip_package_installs: {
        type: 'boolean',
        default: true,
        doc: 'skip `yum install` / `apt-get install` preambles of shell commands (listed in the run report)',
      },
    },
  },
  files: {
    kind: 'section',
    doc: 'local files pipelines may read',
    keys: {
      allowed_roots: {
        type: 'path-list',
        relativeTo: 'config',
        default: [],
        doc:
          'folders outside the project from which pipelines may read local files (extract-local data, ' +
          'scripts, SQL and table definitions); without them only the project folder, the pipeline ' +
          "file's folder and defaults.resource_base_path are read",
        example: ['/srv/exports'],
      },
    },
  },
  secrets_file: {
    type: 'path',
    relativeTo: 'config',
    doc: 'YAML file of key: value secrets read by ${file:key} (keep it out of version control)',
  },
  database: {
    kind: 'section',
    doc: '`etlctl database` commands',
    keys: {
      permissions: {
        type: 'permissions',
        default: [],
        doc: 'grants: a list of {user | group, permission}',
      },
    },
  },
  // Read, with positions and their own rules, by src/catalog/settings.ts (ETL3510/ETL3511).
  catalog: {
    kind: 'section',
    doc: '`etlctl catalog build|check`: owners, tags and PII rules',
    keys: {
      default_owner: { type: 'string', doc: 'owner of tables whose pipeline names none (`meta.owner`)' },
      tags: {
        type: 'string-list',
        doc: 'the tag vocabulary pipelines may use in `meta.tags` (absent: any tag)',
        example: ['core', 'finance'],
      },
      pii_patterns: {
        type: 'string-list',
        doc:
          'regular expressions of column names that must declare a PII level ' +
          '(default: e-mail, phone, names, addresses, birth dates, national ids, card numbers, IP addresses, passwords)',
        example: ['email', 'phone'],
      },
    },
  },
  lineage: {
    kind: 'section',
    doc: 'OpenLineage run events from local runs (a file and/or an HTTP endpoint; neither: off)',
    keys: {
      file: {
        type: 'string',
        doc: 'NDJSON file the events are appended to (relative to the current directory)',
        example: '.etlctl/lineage.ndjson',
      },
      url: {
        type: 'string',
        doc: 'HTTP endpoint the events are POSTed to (http:// or https://)',
        example: 'http://localhost:5000/api/v1/lineage',
      },
      namespace: { type: 'string', doc: 'job namespace of the events (default: etlctl)' },
      timeout: { type: 'any', doc: 'per HTTP request: a duration (5s, 2000ms) or milliseconds (default: 5s)' },
      queue_size: {
        type: 'number',
        doc: 'events waiting for the endpoint before the oldest are dropped (default: 1000)',
      },
      api_key: { type: 'secret', doc: 'API key for the endpoint as ${env:VARIABLE} or ${file:key}' },
    },
  },
  bootstrap: { type: 'step-lists', doc: 'pipeline-level bootstrap steps ({ec2: [...], emr: [...]})' },
  teardown: { type: 'any', doc: 'the step run after every other step' },
  // Issue 13 (parity): values of Data Pipeline parameters, as `--parameter-values` gives them.
  parameters: {
    type: 'any',
    doc:
      'parameter values of definitions: `myX: value` (every definition) or `<definition>: {myX: value}` ' +
      '(by file name without .json); a list is an array value; under the command line\'s --parameter-values',
    example: { myS3Bucket: 'acme-etl', daily_export: { myRDSId: 'prod-db' } },
  },
} as const satisfies Readonly<Record<string, NodeSpec>>;

export type ConfigSchema = typeof CONFIG_SCHEMA;

/** `modes:` holds named overrides of every key above; it is not itself a value. */
export const MODES_KEY = 'modes';

/**
 * `ETLCTL_*` variables that steer the process rather than set a config key. WORKER_ID is the local
 * engine's worker id in a step's environment (an etlctl the step runs must not take it for a key);
 * GRAPH_FONT and STATE_DIR are read by visualize and the task commands.
 */
export const PROCESS_ENV = [
  'CONFIG',
  'MODE',
  'DEBUG',
  'STATE_DIR_OVERRIDE',
  'STATE_DIR',
  'NO_HELP_CACHE',
  'NO_TEMPLATE_CACHE',
  'WORKER_ID',
  'GRAPH_FONT',
  // Fault injection for the engine's fault tests (src/local/faults.ts).
  'FAULT',
  // Who run actions are recorded as, and the `etlctl ui` token for non-loopback hosts (issue 14).
  'ACTOR',
  'UI_TOKEN',
];

export const ENV_PREFIX = 'ETLCTL_';

/** `aws.s3_bucket` → `ETLCTL_AWS__S3_BUCKET`; a database entry's key uses `<NAME>` for the name. */
export function envName(dotted: string): string {
  return ENV_PREFIX + dotted.toUpperCase().split('.').join('__');
}

export interface DeclaredKey {
  /** Dotted path; `databases.<name>.url` for entry keys. */
  path: string;
  spec: KeySpec;
  /** The section (or entries) node it belongs to, if any. */
  parent?: string;
}

/** Every declared leaf, in declaration order. */
export function declaredKeys(): DeclaredKey[] {
  const out: DeclaredKey[] = [];
  for (const [name, node] of Object.entries(CONFIG_SCHEMA) as [string, NodeSpec][]) {
    if (isKey(node)) out.push({ path: name, spec: node });
    else {
      const prefix = isEntries(node) ? `${name}.<name>` : name;
      for (const [k, spec] of Object.entries(node.keys)) out.push({ path: `${prefix}.${k}`, spec, parent: name });
    }
  }
  return out;
}

/** The declaration of a dotted key as it appears in a resolved config (`databases.app_db.url` too). */
export function specOf(dotted: string): { spec?: KeySpec; node?: NodeSpec; rest: string[] } {
  const [top, ...rest] = dotted.split('.');
  const node = (CONFIG_SCHEMA as Readonly<Record<string, NodeSpec>>)[top];
  if (!node) return { rest };
  if (isKey(node)) return { spec: node, node, rest };
  const keyName = isEntries(node) ? rest[1] : rest[0];
  const spec = keyName === undefined ? undefined : node.keys[keyName];
  return { spec, node, rest };
}

/** snake_case config key → camelCase property of the resolved config. */
export function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
