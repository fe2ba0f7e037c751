/** Compile pipeline YAML text in a scratch project: config, table definitions and files as given. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { Diagnostic } from '../../src/diagnostics.js';
import { EtlError } from '../../src/diagnostics.js';
import type { Definition } from '../../src/definition/model.js';
import { compilePipelineText } from '../../src/compile/pipeline.js';
import { tempDir } from '../helpers.js';

export const BASE_CONFIG = `target: local
aws:
  s3_bucket: test-bucket
  s3_base_path: etl
alerts:
  failure_topic: arn:aws:sns:us-east-1:123456789012:failures
defaults:
  warehouse: warehouse
databases:
  app_db:
    engine: mysql
    rds_instance_id: app-prod
    database: app
    user: reader
    password: \${env:APP_DB_PASSWORD}
  warehouse:
    engine: redshift
    cluster_id: analytics
    database: analytics
    user: etl
    password: \${env:WAREHOUSE_PASSWORD}
modes:
  production:
    target: aws
`;

export const TABLES: Record<string, string> = {
  'tables/dev.orders.sql': `CREATE TABLE dev.orders (
  id INTEGER PRIMARY KEY,
  customer VARCHAR(100) ENCODE lzo,
  amount DECIMAL(10,2)
) DISTSTYLE EVEN SORTKEY (id);
`,
  'tables/dev.orders_stage.sql': `CREATE TABLE dev.orders_stage (
  id INTEGER,
  customer VARCHAR(100),
  amount DECIMAL(10,2)
);
`,
};

export interface CompileOutcome {
  definition?: Definition;
  diagnostics: Diagnostic[];
  dir: string;
}

export function compileYaml(
  yaml: string,
  opts: {
    config?: string;
    files?: Record<string, string>;
    mode?: string;
    start?: string;
    env?: NodeJS.ProcessEnv;
  } = {},
): CompileOutcome {
  const dir = tempDir('etlctl-compile-');
  const files: Record<string, string> = {
    'etlctl.yaml': opts.config ?? BASE_CONFIG,
    ...TABLES,
    ...opts.files,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  writeFileSync(join(dir, 'pipeline.yaml'), yaml);
  try {
    const config = loadConfig({
      configPath: join(dir, 'etlctl.yaml'),
      mode: opts.mode,
      cwd: dir,
      env: opts.env ?? {},
    });
    const r = compilePipelineText('pipeline.yaml', join(dir, 'pipeline.yaml'), yaml, {
      config,
      now: new Date('2026-03-10T12:00:00Z'),
      start: opts.start,
      version: '0.0.0-test',
      cwd: dir,
    });
    return { ...r, dir };
  } catch (e) {
    if (e instanceof EtlError) return { diagnostics: e.diagnostics, dir };
    throw e;
  }
}

/** `CODE@line:col` of each error, for compact assertions. */
export function errorsOf(o: CompileOutcome): string[] {
  return o.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code}@${d.line ?? '-'}:${d.column ?? '-'}`);
}
