/**
 * Dataset identities (issue 16). A dataset is a table in a named connection or an S3 location.
 * The catalog keys it by `connection:table` / `s3://bucket/path`; OpenLineage names it by the
 * naming conventions of the OpenLineage spec, from what the Definition says about the database
 * (the deployed identity, so events from a local run and from AWS name the same datasets):
 *
 *   Redshift   redshift://{clusterId}.{region}:5439    {database}.{schema}.{table}
 *   PostgreSQL postgres://{host}:{port}                {database}.{schema}.{table}
 *   MySQL      mysql://{host}:{port}                   {database}.{table}
 *   S3         s3://{bucket}                           {key}
 *
 * For RDS the instance id stands for the host (the endpoint is not in the definition). Data
 * Pipeline expressions in S3 paths (`#{format(@scheduledStartTime,…)}`) become `*`, so every
 * period's folder is one dataset.
 */
import type { DatabaseConfig } from '../config/types.js';
import type { PipelineObject } from '../definition/model.js';
import { objectType, stringField } from '../definition/model.js';

export type DatasetKind = 'table' | 'file';

export interface DatasetId {
  /** Catalog key: `connection:table` or the normalized `s3://bucket/path`. */
  key: string;
  kind: DatasetKind;
  connection?: string;
  engine?: string;
  /** Lower-case table name, schema-qualified where the engine has schemas. */
  table?: string;
  uri?: string;
  /** OpenLineage namespace and name. */
  namespace: string;
  name: string;
}

export interface NamingContext {
  databases: Record<string, DatabaseConfig>;
  /** Default AWS region (config aws.region), for Redshift namespaces. */
  region?: string;
}

/** `#{…}` → `*`: one dataset for every period's location. */
export function normalizeS3(uri: string): string {
  return uri.replace(/#\{[^}]*\}/g, '*');
}

export function s3Dataset(uri: string): DatasetId {
  const norm = normalizeS3(uri);
  const m = /^s3n?:\/\/([^/]+)\/?(.*)$/i.exec(norm);
  return {
    key: norm,
    kind: 'file',
    uri: norm,
    namespace: m ? `s3://${m[1]}` : 'file',
    name: m ? m[2] || '/' : norm,
  };
}

export interface DatabaseIdentity {
  connection: string;
  engine: string;
  namespace: string;
  database?: string;
}

/** Engine and OpenLineage namespace of a database object (by its connection in the config). */
export function databaseIdentity(db: PipelineObject, ctx: NamingContext): DatabaseIdentity {
  const connection = stringField(db, 'myConnection') ?? db.id;
  const cfg = ctx.databases[connection];
  const type = objectType(db) ?? '';
  const jdbc = stringField(db, 'connectionString') ?? cfg?.connectionString;
  const jdbcMatch = jdbc ? /^jdbc:(\w+):\/\/([^/:]+)(?::(\d+))?\/?([^?;]*)/i.exec(jdbc) : null;
  const engine =
    cfg?.engine ??
    (type === 'RedshiftDatabase'
      ? 'redshift'
      : jdbcMatch?.[1]?.toLowerCase() === 'mysql'
        ? 'mysql'
        : jdbcMatch
          ? jdbcMatch[1].toLowerCase().replace(/^postgresql$/, 'postgres')
          : 'postgres');
  const database = stringField(db, 'databaseName') ?? cfg?.database ?? (jdbcMatch?.[4] || undefined);
  const port = engine === 'redshift' ? 5439 : engine === 'mysql' ? 3306 : 5432;
  const scheme = engine === 'redshift' ? 'redshift' : engine === 'mysql' ? 'mysql' : 'postgres';
  const cluster = stringField(db, 'clusterId') ?? cfg?.clusterId;
  const region = stringField(db, 'region') ?? cfg?.region ?? ctx.region;
  const rds = stringField(db, 'rdsInstanceId') ?? cfg?.rdsInstanceId;
  let namespace: string;
  if (jdbcMatch) namespace = `${scheme}://${jdbcMatch[2]}:${jdbcMatch[3] ?? port}`;
  else if (engine === 'redshift' && cluster)
    namespace = `redshift://${cluster}${region ? `.${region}` : ''}:${port}`;
  else if (rds) namespace = `${scheme}://${rds}:${port}`;
  else if (cfg?.host) namespace = `${scheme}://${cfg.host}:${cfg.port ?? port}`;
  else namespace = `etlctl://${connection}`;
  return { connection, engine, namespace, database };
}

/** Table names as the catalog keys them: lower case; `public.` added where the engine has schemas. */
export function normalizeTable(engine: string, table: string): string {
  const t = table
    .split('.')
    .map((p) => p.replace(/^["`]|["`]$/g, ''))
    .join('.')
    .toLowerCase();
  return engine !== 'mysql' && !t.includes('.') ? `public.${t}` : t;
}

export function tableDataset(id: DatabaseIdentity, table: string): DatasetId {
  const t = normalizeTable(id.engine, table);
  const name = id.database && (id.engine !== 'mysql' || !t.includes('.')) ? `${id.database}.${t}` : t;
  return {
    key: `${id.connection}:${t}`,
    kind: 'table',
    connection: id.connection,
    engine: id.engine,
    table: t,
    namespace: id.namespace,
    name,
  };
}
