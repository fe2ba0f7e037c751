/**
 * The object model of reference §3 as data: one entry per object `type`, listing its fields with
 * their value kind, enumeration, reference targets and multiplicity, plus required fields, one-of
 * groups and "not allowed" fields. Rules in this folder read this table; adding a field or a type
 * is a table edit, not a new `if`.
 */

export type ValueKind = 'String' | 'Integer' | 'Double' | 'Boolean' | 'Period' | 'DateTime' | 'Enum' | 'Ref';

export interface FieldSpec {
  kind: ValueKind;
  /** Allowed target types for a Ref (absent: any object). */
  refTypes?: readonly string[];
  /** Enumeration values, compared case-insensitively. */
  values?: readonly string[];
  /** For open enumerations (region codes): any value of this shape is accepted; `values` are examples. */
  pattern?: RegExp;
  /** Repeated key / list allowed. */
  multi?: boolean;
  /** Inclusive numeric bounds for Integer/Double. */
  min?: number;
  max?: number;
  /** Exclusive bounds (spot bid prices). */
  exclusiveMin?: number;
  exclusiveMax?: number;
  /** A bound that is an adjustable limit: out-of-range is only a warning. */
  softBounds?: boolean;
  /** Minimum for a Period field, in minutes. */
  minMinutes?: number;
  /** Extra literal values accepted besides the kind's grammar (`ONDEMAND_PERIOD`). */
  special?: readonly string[];
  /** Deprecation note; using the field gives a warning. */
  deprecated?: string;
  /** Used in AWS samples but absent from the object reference: accepted with an info note. */
  sampleOnly?: boolean;
}

export type Category =
  | 'activity'
  | 'datanode'
  | 'resource'
  | 'precondition'
  | 'database'
  | 'dataformat'
  | 'action'
  | 'schedule'
  | 'helper';

export interface OneOfGroup {
  fields: readonly string[];
  /** At least one must be set (after inheritance). */
  required: boolean;
  /** At most one may be set. */
  exclusive: boolean;
}

export interface ObjectTypeSpec {
  category: Category;
  fields: Record<string, FieldSpec>;
  required?: readonly string[];
  oneOf?: readonly OneOfGroup[];
  notAllowed?: readonly string[];
  deprecated?: string;
}

export const ACTIVITIES = [
  'CopyActivity',
  'EmrActivity',
  'HadoopActivity',
  'HiveActivity',
  'HiveCopyActivity',
  'PigActivity',
  'RedshiftCopyActivity',
  'ShellCommandActivity',
  'SqlActivity',
] as const;
export const DATA_NODES = [
  'DynamoDBDataNode',
  'MySqlDataNode',
  'RedshiftDataNode',
  'S3DataNode',
  'SqlDataNode',
] as const;
export const RESOURCES = ['Ec2Resource', 'EmrCluster'] as const;
export const PRECONDITIONS = [
  'DynamoDBDataExists',
  'DynamoDBTableExists',
  'Exists',
  'S3KeyExists',
  'S3PrefixNotEmpty',
  'ShellCommandPrecondition',
] as const;
export const DATABASES = ['JdbcDatabase', 'RdsDatabase', 'RedshiftDatabase'] as const;
export const DATA_FORMATS = [
  'CSV',
  'Custom',
  'DynamoDBDataFormat',
  'DynamoDBExportDataFormat',
  'RegEx',
  'TSV',
] as const;
export const ACTIONS = ['SnsAlarm', 'Terminate'] as const;

const str: FieldSpec = { kind: 'String' };
const strs: FieldSpec = { kind: 'String', multi: true };
const int: FieldSpec = { kind: 'Integer' };
const bool: FieldSpec = { kind: 'Boolean' };
const period: FieldSpec = { kind: 'Period' };
const refTo = (types: readonly string[], multi = false): FieldSpec => ({
  kind: 'Ref',
  refTypes: types,
  multi,
});
const oneOf = (fields: string[], required = true, exclusive = true): OneOfGroup => ({
  fields,
  required,
  exclusive,
});

/** Region codes follow one shape; new regions appear faster than a fixed list could track. */
const REGION: FieldSpec = {
  kind: 'Enum',
  pattern: /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/,
  values: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-2'],
};

/** Fields every object may have (§3.2 "parent" row, plus `type`). */
const UNIVERSAL: Record<string, FieldSpec> = {
  type: str,
  parent: { kind: 'Ref' },
};

const SCHEDULE_TYPE: FieldSpec = { kind: 'Enum', values: ['cron', 'timeseries', 'ondemand'] };
const FAILURE_MODE: FieldSpec = { kind: 'Enum', values: ['cascade', 'none'] };
const RUNNABLE_ACTIONS = {
  onFail: refTo(ACTIONS, true),
  onSuccess: refTo(ACTIONS, true),
  onLateAction: refTo(ACTIONS, true),
};

/** Fields shared by everything that runs: activities, data nodes, resources, preconditions (§3.2). */
const RUN_COMMON: Record<string, FieldSpec> = {
  ...UNIVERSAL,
  attemptStatus: str,
  attemptTimeout: period,
  failureAndRerunMode: FAILURE_MODE,
  lateAfterTimeout: period,
  maximumRetries: { kind: 'Integer', min: 0, max: 5 },
  ...RUNNABLE_ACTIONS,
  reportProgressTimeout: period,
  retryDelay: { kind: 'Period', minMinutes: 2 },
};

const SCHEDULED_COMMON: Record<string, FieldSpec> = {
  ...RUN_COMMON,
  schedule: refTo(['Schedule']),
  scheduleType: SCHEDULE_TYPE,
  maxActiveInstances: { kind: 'Integer', min: 1, max: 5, softBounds: true },
  pipelineLogUri: str,
};

const DATANODE_COMMON: Record<string, FieldSpec> = {
  ...SCHEDULED_COMMON,
  runsOn: refTo(RESOURCES),
  workerGroup: str,
  dependsOn: refTo(ACTIVITIES, true),
  precondition: refTo(PRECONDITIONS, true),
};

const ACTIVITY_COMMON: Record<string, FieldSpec> = {
  ...DATANODE_COMMON,
  input: refTo(DATA_NODES, true),
  output: refTo(DATA_NODES, true),
};

const RESOURCE_COMMON: Record<string, FieldSpec> = {
  ...SCHEDULED_COMMON,
  actionOnResourceFailure: { kind: 'Enum', values: ['retryall', 'retrynone'] },
  actionOnTaskFailure: { kind: 'Enum', values: ['continue', 'terminate'] },
  httpProxy: refTo(['HttpProxy']),
  initTimeout: period,
  keyPair: str,
  region: REGION,
  resourceRole: str,
  role: str,
  subnetId: str,
  terminateAfter: period,
  useOnDemandOnLastAttempt: bool,
};

const PRECONDITION_COMMON: Record<string, FieldSpec> = {
  ...RUN_COMMON,
  preconditionTimeout: period,
};

const RUNS_ON_OR_WORKER = oneOf(['runsOn', 'workerGroup'], true, false);
const EMR_RUNS_ON: Record<string, FieldSpec> = { runsOn: refTo(['EmrCluster']) };
const SPOT_PRICE: FieldSpec = { kind: 'Double', exclusiveMin: 0, exclusiveMax: 20 };
const EMR_CONFIG = refTo(['EmrConfiguration'], true);
const TASK_CONFIG = refTo(['ShellScriptConfig']);
const RESIZE = { resizeClusterBeforeRunning: bool, resizeClusterMaxInstances: int };
const THROUGHPUT: FieldSpec = { kind: 'Double', min: 0.1, max: 1.0 };
const SQL_NODE_FIELDS: Record<string, FieldSpec> = {
  ...DATANODE_COMMON,
  table: str,
  database: refTo(DATABASES),
  createTableSql: str,
  insertQuery: str,
  selectQuery: str,
  schemaName: str,
};
const FORMAT_COMMON: Record<string, FieldSpec> = { ...UNIVERSAL, column: strs };
const SYSTEM_PRECONDITION = (key: string): ObjectTypeSpec => ({
  category: 'precondition',
  fields: { ...PRECONDITION_COMMON, role: str, [key]: str },
  required: ['role', key],
});

const TABLE: Record<string, ObjectTypeSpec> = {
  Schedule: {
    category: 'schedule',
    fields: {
      ...UNIVERSAL,
      period: { kind: 'Period', special: ['ONDEMAND_PERIOD'] },
      startAt: {
        kind: 'Enum',
        values: ['FIRST_ACTIVATION_DATE_TIME', 'ONDEMAND_ACTIVATION_TIME'],
        deprecated: "'startAt' is deprecated in favour of an on-demand pipeline",
      },
      startDateTime: { kind: 'DateTime' },
      endDateTime: { kind: 'DateTime' },
      occurrences: { kind: 'Integer', min: 1 },
      maxActiveInstances: { kind: 'Integer', min: 1, max: 5, softBounds: true, sampleOnly: true },
    },
    required: ['period'],
    oneOf: [oneOf(['startAt', 'startDateTime']), oneOf(['occurrences', 'endDateTime'], false)],
  },

  ShellCommandActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      command: str,
      scriptUri: str,
      scriptArgument: strs,
      stage: bool,
      stdout: str,
      stderr: str,
    },
    oneOf: [oneOf(['command', 'scriptUri']), RUNS_ON_OR_WORKER],
  },
  SqlActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      database: refTo(DATABASES),
      script: str,
      scriptUri: str,
      scriptArgument: strs,
      queue: str,
    },
    required: ['database'],
    oneOf: [oneOf(['script', 'scriptUri']), RUNS_ON_OR_WORKER],
  },
  CopyActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      input: refTo(['S3DataNode', 'SqlDataNode', 'MySqlDataNode']),
      output: refTo(['S3DataNode', 'SqlDataNode', 'MySqlDataNode']),
    },
    required: ['input', 'output'],
    oneOf: [RUNS_ON_OR_WORKER],
  },
  RedshiftCopyActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      input: refTo(['S3DataNode', 'DynamoDBDataNode', 'RedshiftDataNode']),
      output: refTo(['S3DataNode', 'RedshiftDataNode']),
      insertMode: { kind: 'Enum', values: ['KEEP_EXISTING', 'OVERWRITE_EXISTING', 'TRUNCATE', 'APPEND'] },
      commandOptions: strs,
      queue: str,
      transformSql: str,
    },
    required: ['insertMode'],
    oneOf: [RUNS_ON_OR_WORKER],
  },
  EmrActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      ...EMR_RUNS_ON,
      step: strs,
      preStepCommand: strs,
      postStepCommand: strs,
      ...RESIZE,
    },
    oneOf: [RUNS_ON_OR_WORKER],
  },
  HiveActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      ...EMR_RUNS_ON,
      hiveScript: str,
      scriptUri: str,
      hadoopQueue: str,
      preActivityTaskConfig: TASK_CONFIG,
      postActivityTaskConfig: TASK_CONFIG,
      scriptVariable: strs,
      stage: bool,
      ...RESIZE,
    },
    required: ['input', 'output'],
    oneOf: [oneOf(['hiveScript', 'scriptUri']), RUNS_ON_OR_WORKER],
  },
  HadoopActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      ...EMR_RUNS_ON,
      jarUri: str,
      argument: strs,
      hadoopQueue: str,
      mainClass: str,
      preActivityTaskConfig: TASK_CONFIG,
      postActivityTaskConfig: TASK_CONFIG,
    },
    required: ['jarUri'],
    oneOf: [RUNS_ON_OR_WORKER],
  },
  PigActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      ...EMR_RUNS_ON,
      script: str,
      scriptUri: str,
      scriptVariable: strs,
      stage: bool,
      preActivityTaskConfig: TASK_CONFIG,
      postActivityTaskConfig: TASK_CONFIG,
      generatedScriptsPath: { kind: 'String', sampleOnly: true },
      ...RESIZE,
    },
    oneOf: [oneOf(['script', 'scriptUri']), RUNS_ON_OR_WORKER],
  },
  HiveCopyActivity: {
    category: 'activity',
    fields: {
      ...ACTIVITY_COMMON,
      ...EMR_RUNS_ON,
      filterSql: str,
      preActivityTaskConfig: TASK_CONFIG,
      postActivityTaskConfig: TASK_CONFIG,
      ...RESIZE,
    },
    oneOf: [RUNS_ON_OR_WORKER],
  },

  S3DataNode: {
    category: 'datanode',
    fields: {
      ...DATANODE_COMMON,
      filePath: str,
      directoryPath: str,
      compression: { kind: 'Enum', values: ['none', 'gzip'] },
      dataFormat: refTo(DATA_FORMATS),
      manifestFilePath: str,
      s3EncryptionType: { kind: 'Enum', values: ['SERVER_SIDE_ENCRYPTION', 'NONE'] },
    },
    oneOf: [oneOf(['filePath', 'directoryPath'])],
  },
  SqlDataNode: { category: 'datanode', fields: SQL_NODE_FIELDS, required: ['table'] },
  MySqlDataNode: {
    category: 'datanode',
    fields: {
      ...SQL_NODE_FIELDS,
      database: refTo(DATABASES),
      connectionString: { kind: 'String', deprecated: 'put the connection on an RdsDatabase/JdbcDatabase' },
      username: { kind: 'String', deprecated: 'put the credentials on an RdsDatabase/JdbcDatabase' },
      '*password': { kind: 'String', deprecated: 'put the credentials on an RdsDatabase/JdbcDatabase' },
    },
    required: ['table'],
    deprecated: 'MySqlDataNode is deprecated: use SqlDataNode with a database reference',
  },
  RedshiftDataNode: {
    category: 'datanode',
    fields: {
      ...DATANODE_COMMON,
      database: refTo(['RedshiftDatabase']),
      tableName: str,
      createTableSql: str,
      primaryKeys: strs,
      schemaName: str,
    },
    required: ['database', 'tableName'],
  },
  DynamoDBDataNode: {
    category: 'datanode',
    fields: {
      ...DATANODE_COMMON,
      tableName: str,
      dataFormat: refTo(['DynamoDBDataFormat', 'DynamoDBExportDataFormat']),
      readThroughputPercent: THROUGHPUT,
      writeThroughputPercent: THROUGHPUT,
      region: REGION,
    },
    required: ['tableName'],
  },

  Ec2Resource: {
    category: 'resource',
    fields: {
      ...RESOURCE_COMMON,
      associatePublicIpAddress: bool,
      availabilityZone: str,
      imageId: str,
      instanceCount: { kind: 'Integer', deprecated: 'Ec2Resource runs exactly one instance' },
      minInstanceCount: { kind: 'Integer', deprecated: 'Ec2Resource runs exactly one instance' },
      instanceType: str,
      runAsUser: str,
      securityGroupIds: strs,
      securityGroups: strs,
      spotBidPrice: SPOT_PRICE,
      logUri: { kind: 'String', sampleOnly: true },
    },
    required: ['resourceRole', 'role'],
    notAllowed: ['runsOn', 'workerGroup'],
  },
  EmrCluster: {
    category: 'resource',
    fields: {
      ...RESOURCE_COMMON,
      additionalMasterSecurityGroupIds: strs,
      additionalSlaveSecurityGroupIds: strs,
      emrManagedMasterSecurityGroupId: str,
      emrManagedSlaveSecurityGroupId: str,
      serviceAccessSecurityGroupId: str,
      amiVersion: str,
      releaseLabel: str,
      applications: strs,
      supportedProducts: str,
      bootstrapAction: strs,
      configuration: EMR_CONFIG,
      coreInstanceType: str,
      coreInstanceCount: { kind: 'Integer', min: 0 },
      coreInstanceBidPrice: str,
      coreGroupConfiguration: EMR_CONFIG,
      coreEbsConfiguration: refTo(['EbsConfiguration']),
      masterInstanceType: str,
      masterInstanceBidPrice: str,
      masterGroupConfiguration: EMR_CONFIG,
      masterEbsConfiguration: refTo(['EbsConfiguration']),
      taskInstanceType: str,
      taskInstanceCount: { kind: 'Integer', min: 0 },
      taskInstanceBidPrice: str,
      taskGroupConfiguration: EMR_CONFIG,
      taskEbsConfiguration: refTo(['EbsConfiguration']),
      EbsBlockDeviceConfig: refTo(['EbsBlockDeviceConfig'], true),
      VolumeSpecification: refTo(['VolumeSpecification']),
      enableDebugging: bool,
      hadoopSchedulerType: {
        kind: 'Enum',
        values: ['PARALLEL_FAIR_SCHEDULING', 'PARALLEL_CAPACITY_SCHEDULING', 'DEFAULT_SCHEDULER'],
      },
      emrLogUri: { kind: 'String', sampleOnly: true },
      installHive: { kind: 'String', sampleOnly: true },
    },
    notAllowed: ['runsOn', 'workerGroup'],
  },
  HttpProxy: {
    category: 'helper',
    fields: {
      ...UNIVERSAL,
      hostname: str,
      port: { kind: 'Integer', min: 1, max: 65535 },
      '*password': str,
      s3NoProxy: bool,
      username: str,
      windowsDomain: str,
      windowsWorkgroup: str,
    },
    required: ['hostname', 'port'],
  },

  ShellCommandPrecondition: {
    category: 'precondition',
    fields: {
      ...PRECONDITION_COMMON,
      command: str,
      scriptUri: str,
      scriptArgument: strs,
      stdout: str,
      stderr: str,
    },
    oneOf: [oneOf(['command', 'scriptUri'])],
  },
  Exists: { category: 'precondition', fields: PRECONDITION_COMMON },
  S3KeyExists: SYSTEM_PRECONDITION('s3Key'),
  S3PrefixNotEmpty: SYSTEM_PRECONDITION('s3Prefix'),
  DynamoDBDataExists: SYSTEM_PRECONDITION('tableName'),
  DynamoDBTableExists: SYSTEM_PRECONDITION('tableName'),

  RdsDatabase: {
    category: 'database',
    fields: {
      ...UNIVERSAL,
      '*password': str,
      rdsInstanceId: str,
      username: str,
      databaseName: str,
      jdbcDriverJarUri: str,
      jdbcProperties: strs,
      region: str,
    },
    required: ['*password', 'rdsInstanceId', 'username'],
  },
  JdbcDatabase: {
    category: 'database',
    fields: {
      ...UNIVERSAL,
      connectionString: str,
      jdbcDriverClass: str,
      '*password': str,
      username: str,
      databaseName: str,
      jdbcDriverJarUri: str,
      jdbcProperties: strs,
    },
    required: ['connectionString', 'jdbcDriverClass', '*password', 'username'],
  },
  RedshiftDatabase: {
    category: 'database',
    fields: {
      ...UNIVERSAL,
      '*password': str,
      username: str,
      clusterId: str,
      connectionString: str,
      databaseName: str,
      jdbcProperties: strs,
      region: REGION,
    },
    required: ['*password', 'username'],
    oneOf: [oneOf(['clusterId', 'connectionString'])],
  },

  CSV: { category: 'dataformat', fields: { ...FORMAT_COMMON, escapeChar: str } },
  TSV: {
    category: 'dataformat',
    fields: { ...FORMAT_COMMON, columnSeparator: str, escapeChar: str, recordSeparator: str },
  },
  Custom: {
    category: 'dataformat',
    fields: { ...FORMAT_COMMON, columnSeparator: str, recordSeparator: str },
    required: ['columnSeparator'],
  },
  RegEx: { category: 'dataformat', fields: { ...FORMAT_COMMON, inputRegEx: str, outputFormat: str } },
  DynamoDBDataFormat: { category: 'dataformat', fields: FORMAT_COMMON },
  DynamoDBExportDataFormat: { category: 'dataformat', fields: FORMAT_COMMON },

  SnsAlarm: {
    category: 'action',
    fields: { ...UNIVERSAL, message: str, role: str, subject: str, topicArn: str },
    required: ['message', 'role', 'subject', 'topicArn'],
  },
  Terminate: { category: 'action', fields: UNIVERSAL },

  ShellScriptConfig: { category: 'helper', fields: { ...UNIVERSAL, scriptUri: str, scriptArgument: strs } },
  EmrConfiguration: {
    category: 'helper',
    fields: {
      ...UNIVERSAL,
      classification: str,
      configuration: EMR_CONFIG,
      property: refTo(['Property'], true),
    },
    required: ['classification'],
  },
  Property: {
    category: 'helper',
    fields: { ...UNIVERSAL, key: str, value: str },
    required: ['key', 'value'],
  },
  EbsConfiguration: {
    category: 'helper',
    fields: { ...UNIVERSAL, ebsOptimized: bool, ebsBlockDeviceConfig: refTo(['EbsBlockDeviceConfig'], true) },
  },
  EbsBlockDeviceConfig: {
    category: 'helper',
    fields: { ...UNIVERSAL, volumesPerInstance: int, volumeSpecification: refTo(['VolumeSpecification']) },
  },
  VolumeSpecification: {
    category: 'helper',
    fields: { ...UNIVERSAL, sizeInGB: int, volumeType: str, iops: int },
  },
};

/** Null-prototype records, so a type or field called `toString` or `constructor` is simply unknown. */
function bare<T>(record: Record<string, T>): Record<string, T> {
  return Object.assign(Object.create(null) as Record<string, T>, record);
}

export const OBJECT_TYPES: Readonly<Record<string, ObjectTypeSpec>> = bare(
  Object.fromEntries(Object.entries(TABLE).map(([k, spec]) => [k, { ...spec, fields: bare(spec.fields) }])),
);

export const KNOWN_TYPES: readonly string[] = Object.keys(OBJECT_TYPES);

/** Types whose expressions may use `node.` (§4: "only available with alarm and precondition objects"). */
export function allowsNode(type: string | undefined): boolean {
  if (type === undefined) return true;
  const cat = OBJECT_TYPES[type]?.category;
  return cat === 'action' || cat === 'precondition';
}

/**
 * Field kinds for objects without a type (Default, parent templates): a field's spec is used
 * only when every type that declares it agrees on kind and enumeration.
 */
export const GLOBAL_FIELDS: ReadonlyMap<string, FieldSpec> = (() => {
  const seen = new Map<string, FieldSpec | null>();
  for (const spec of Object.values(OBJECT_TYPES)) {
    for (const [name, f] of Object.entries(spec.fields)) {
      const prev = seen.get(name);
      if (prev === undefined) seen.set(name, f);
      else if (prev !== null && (prev.kind !== f.kind || String(prev.values) !== String(f.values))) {
        seen.set(name, null);
      }
    }
  }
  const out = new Map<string, FieldSpec>();
  for (const [k, v] of seen) out.set(k, v ?? { kind: 'String', multi: true });
  return out;
})();

/** Runtime fields an expression may read (§3.2). */
export const RUNTIME_FIELDS: ReadonlySet<string> = new Set([
  '@activeInstances',
  '@actualEndTime',
  '@actualStartTime',
  '@cascadeFailedOn',
  '@finishedTime',
  '@healthStatus',
  '@healthStatusFromInstanceId',
  '@healthStatusUpdatedTime',
  '@lastDeactivatedTime',
  '@latestCompletedRunTime',
  '@latestRunTime',
  '@nextRunTime',
  '@scheduledEndTime',
  '@scheduledStartTime',
  '@status',
  '@version',
  '@waitingOn',
  '@failureReason',
  '@error',
  '@pipelineId',
  '@sphere',
  '@firstActivationTime',
  '@componentParent',
  '@instanceParent',
  '@id',
  '@creationTime',
  '@pipelineState',
]);

/** Fields whose value AWS never evaluates as an expression (§4). */
export const VERBATIM_FIELDS: ReadonlySet<string> = new Set(['id', 'name', 'type', 'sphere']);
