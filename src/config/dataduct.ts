/**
 * Translation of a Dataduct config file (`dataduct.cfg`, reference/dataduct.md §3) into the
 * etlctl layout, so a Dataduct user's config works as-is via `--config`.
 * Keys keep their YAML path so diagnostics and `config explain` can point at the original line.
 */
import { isRecord } from '../spec/yaml.js';
import type { KeyPath } from '../spec/yaml.js';
import { setDotted } from './layers.js';

/** A translated tree whose leaves remember the original key path in the Dataduct file. */
export interface Translated {
  tree: Record<string, unknown>;
  origin: Map<string, KeyPath>;
}

const KNOWN_SECTIONS = new Set([
  'etl',
  'ec2',
  'emr',
  'redshift',
  'mysql',
  'postgres',
  'logging',
  'bootstrap',
  'teardown',
  'custom_steps',
  'database',
]);

export function isDataductLayout(value: unknown): boolean {
  return isRecord(value) && isRecord(value.etl);
}

/** Top-level keys that are not Dataduct sections are modes. */
export function dataductModes(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((k) => !KNOWN_SECTIONS.has(k) && isRecord(value[k]));
}

const ETL_MAP: Record<string, string> = {
  S3_ETL_BUCKET: 'aws.s3_bucket',
  ROLE: 'aws.role',
  RESOURCE_ROLE: 'aws.resource_role',
  S3_BASE_PATH: 'aws.s3_base_path',
  REGION: 'aws.region',
  NAME_PREFIX: 'aws.name_prefix',
  MAX_RETRIES: 'defaults.max_retries',
  RETRY_DELAY: 'defaults.retry_delay',
  MAX_ACTIVE_INSTANCES: 'defaults.max_active_instances',
  KEY_PAIR: 'ec2.key_pair',
  SNS_TOPIC_ARN_FAILURE: 'alerts.failure_topic',
  SNS_TOPIC_ARN_WARNING: 'alerts.warning_topic',
  FREQUENCY_OVERRIDE: 'defaults.frequency_override',
  RESOURCE_BASE_PATH: 'defaults.resource_base_path',
};
const EC2_MAP: Record<string, string> = {
  INSTANCE_TYPE: 'ec2.instance_type',
  ETL_AMI: 'ec2.image_id',
  SECURITY_GROUP: 'ec2.security_groups',
  SECURITY_GROUP_ID: 'ec2.security_group_ids',
  SUBNET_ID: 'ec2.subnet_id',
  WORKER_GROUP: 'ec2.worker_group',
  KEY_PAIR: 'ec2.key_pair',
};
const EMR_MAP: Record<string, string> = {
  MASTER_INSTANCE_TYPE: 'emr.master_instance_type',
  NUM_CORE_INSTANCES: 'emr.core_instance_count',
  CORE_INSTANCE_TYPE: 'emr.core_instance_type',
  TASK_INSTANCE_BID_PRICE: 'emr.task_instance_bid_price',
  TASK_INSTANCE_TYPE: 'emr.task_instance_type',
  CLUSTER_TIMEOUT: 'emr.terminate_after',
  CLUSTER_AMI: 'emr.ami_version',
  DEFAULT_BOOTSTRAP: 'emr.bootstrap_actions',
  WORKER_GROUP: 'emr.worker_group',
};

/** Translate one Dataduct section tree (the base file, or one mode's overrides). */
export function translateDataduct(value: Record<string, unknown>, base: KeyPath = []): Translated {
  const tree: Record<string, unknown> = {};
  const origin = new Map<string, KeyPath>();
  const put = (dotted: string, v: unknown, from: KeyPath) => {
    setDotted(tree, dotted, v);
    origin.set(dotted, [...base, ...from]);
  };
  const mapSection = (section: string, map: Record<string, string>) => {
    const s = value[section];
    if (!isRecord(s)) return;
    for (const [k, v] of Object.entries(s)) {
      const to = map[k];
      if (to) {
        if ((to.endsWith('security_groups') || to.endsWith('security_group_ids')) && typeof v === 'string') {
          put(to, v.split(',').map((x) => x.trim()), [section, k]);
        } else put(to, v, [section, k]);
      }
    }
  };
  mapSection('etl', ETL_MAP);
  mapSection('ec2', EC2_MAP);
  mapSection('emr', EMR_MAP);
  const etl = value.etl;
  if (isRecord(etl)) {
    if (etl.DAILY_LOAD_TIME !== undefined) {
      const hour = Number(etl.DAILY_LOAD_TIME);
      put('defaults.load_time', `${String(hour).padStart(2, '0')}:00`, ['etl', 'DAILY_LOAD_TIME']);
    }
    if (isRecord(etl.TAGS)) {
      for (const [tag, spec] of Object.entries(etl.TAGS)) {
        if (isRecord(spec) && typeof spec.string === 'string') put(`aws.tags.${tag}`, spec.string, ['etl', 'TAGS', tag]);
        else if (isRecord(spec) && typeof spec.variable === 'string')
          put(`aws.tags.${tag}`, `\${pipeline.${spec.variable}}`, ['etl', 'TAGS', tag]);
      }
    }
  }
  const redshift = value.redshift;
  if (isRecord(redshift)) {
    const r = (k: string, to: string, v = redshift[k]) => {
      if (v !== undefined) put(`databases.redshift.${to}`, v, ['redshift', k]);
    };
    put('databases.redshift.engine', 'redshift', ['redshift']);
    r('CLUSTER_ID', 'cluster_id');
    r('CONNECTION_STRING', 'connection_string');
    r('DATABASE_NAME', 'database');
    r('USERNAME', 'user');
    r('PASSWORD', 'password');
    r('HOST', 'host');
    r('PORT', 'port');
    r('REGION', 'region');
    put('defaults.warehouse', 'redshift', ['redshift']);
  }
  const postgres = value.postgres;
  if (isRecord(postgres)) {
    const r = (k: string, to: string) => {
      if (postgres[k] !== undefined) put(`databases.postgres.${to}`, postgres[k], ['postgres', k]);
    };
    put('databases.postgres.engine', 'postgres', ['postgres']);
    r('RDS_INSTANCE_ID', 'rds_instance_id');
    r('DATABASE_NAME', 'database');
    r('USERNAME', 'user');
    r('PASSWORD', 'password');
    r('REGION', 'region');
    r('HOST', 'host');
    r('PORT', 'port');
  }
  const mysql = value.mysql;
  if (isRecord(mysql)) {
    for (const [alias, spec] of Object.entries(mysql)) {
      if (!isRecord(spec)) continue;
      put(`databases.${alias}.engine`, 'mysql', ['mysql', alias]);
      // Dataduct uses the alias as the MySQL database name (rds_connection).
      put(`databases.${alias}.database`, spec.DATABASE ?? alias, ['mysql', alias]);
      for (const [k, to] of [
        ['HOST', 'host'],
        ['USERNAME', 'user'],
        ['PASSWORD', 'password'],
        ['PORT', 'port'],
        ['RDS_INSTANCE_ID', 'rds_instance_id'],
      ] as const) {
        if (spec[k] !== undefined) put(`databases.${alias}.${to}`, spec[k], ['mysql', alias, k]);
      }
    }
  }
  if (value.bootstrap !== undefined) put('bootstrap', value.bootstrap, ['bootstrap']);
  if (value.teardown !== undefined) put('teardown', value.teardown, ['teardown']);
  const database = value.database;
  if (isRecord(database) && Array.isArray(database.permissions))
    put('database.permissions', database.permissions, ['database', 'permissions']);
  return { tree, origin };
}
