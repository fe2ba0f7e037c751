/** The resolved config: a plain value passed down (no singletons), each leaf knowing its source. */

export type Engine = 'mysql' | 'postgres' | 'redshift';
export type Target = 'local' | 'aws';

/** Where a secret's value comes from. The value itself is only read at activation time. */
export type SecretRef =
  | { kind: 'env'; name: string }
  | { kind: 'file'; key: string }
  | { kind: 'config'; path: string }; // a literal in the config file (Dataduct layout); read at activation

export interface DatabaseConfig {
  name: string;
  engine: Engine;
  /** AWS identity */
  rdsInstanceId?: string;
  clusterId?: string;
  connectionString?: string;
  region?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: SecretRef;
  /** Local engine connection URL (postgres://, mysql://, pglite://PATH|memory); none → embedded PGlite. */
  url?: string;
  /** SQL file run once when an embedded database is first created. Absolute path. */
  seed?: string;
}

export interface AwsConfig {
  region?: string;
  role: string;
  resourceRole: string;
  s3Bucket?: string;
  s3BasePath: string;
  namePrefix?: string;
  pipelineLogUri?: string;
  tags: Record<string, string>;
}

export interface AlertsConfig {
  failureTopic?: string;
  warningTopic?: string;
  lateTopic?: string;
  successTopic?: string;
}

export interface Ec2Config {
  instanceType: string;
  imageId?: string;
  terminateAfter: string;
  securityGroups?: string[];
  securityGroupIds?: string[];
  subnetId?: string;
  keyPair?: string;
  workerGroup?: string;
  region?: string;
}

export interface EmrConfig {
  masterInstanceType: string;
  coreInstanceType: string;
  coreInstanceCount: number;
  taskInstanceType?: string;
  taskInstanceCount?: number;
  taskInstanceBidPrice?: string;
  terminateAfter: string;
  releaseLabel?: string;
  amiVersion?: string;
  applications?: string[];
  bootstrapActions?: string[];
  subnetId?: string;
  keyPair?: string;
  workerGroup?: string;
}

export interface DefaultsConfig {
  maxRetries: number;
  retryDelay: string;
  maxActiveInstances: number;
  loadTime: string;
  frequencyOverride?: string;
  resourceBasePath?: string;
  /** Default database for load/upsert/sql/qa steps that do not name one. */
  warehouse?: string;
  lateAfter?: string;
}

export interface LocalConfig {
  stateDir: string;
  s3Endpoint?: string;
  /** Start a load with the extract writing its input and stream between them (default true). */
  overlapSteps: boolean;
}

export interface Permission {
  user?: string;
  group?: string;
  permission: string;
}

export interface ConfigValue {
  value: unknown;
  source: string;
}

export interface ResolvedConfig {
  /** Config file used, if any (absolute). */
  file?: string;
  /** 'etlctl' or 'dataduct' layout of that file. */
  layout: 'etlctl' | 'dataduct' | 'defaults';
  mode?: string;
  modes: string[];
  target: Target;
  aws: AwsConfig;
  alerts: AlertsConfig;
  ec2: Ec2Config;
  emr: EmrConfig;
  defaults: DefaultsConfig;
  databases: Record<string, DatabaseConfig>;
  local: LocalConfig;
  secretsFile?: string;
  permissions: Permission[];
  /** Pipeline-level step lists from config (Dataduct `bootstrap:` / `teardown:`). */
  bootstrap?: { ec2?: unknown[]; emr?: unknown[] };
  teardown?: unknown;
  /** Every leaf value by dotted key, with where it came from. */
  values: Map<string, ConfigValue>;
  /** Config file texts by path, for diagnostics excerpts. */
  sources: Map<string, string>;
}
