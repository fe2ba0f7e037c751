/**
 * `etlctl task qa-check`: runs every check of a qa-check step (the compiled `--checks` JSON),
 * prints one dbt-style line per check and a summary, and decides the exit code: 0 when no
 * error-severity check failed, 1 otherwise, 3 when a database could not be reached.
 * A failed `warn` check prints an `ETLCTL-ALERT {json}` line on stderr (the local engine fires
 * the activity's `myWarningAlarm` on it) and, on AWS with `--warning-topic`, publishes to SNS.
 */
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { Driver } from '../local/drivers/types.js';
import { Connections, taskStateDir } from './connect.js';
import type { CheckResult } from './qa-run.js';
import { normalize, runCheck } from './qa-run.js';
import type { QaCheckSpec } from './qa-spec.js';
import { CHECK_KINDS } from './qa-spec.js';

export interface QaCheckOptions {
  pipeline: string;
  step: string;
  database: string;
  /** The compiled checks, as JSON text. */
  checks: string;
  warningTopic?: string;
  /** Leave out the per-check and summary lines (the CLI prints the report as JSON). */
  json?: boolean;
  mode?: string;
  configPath?: string;
  /** Injected for tests; defaults to loading the config from env/flags. */
  config?: ResolvedConfig;
  /**
   * Open a named connection. Lets the local engine run the task in-process on its own connection
   * pool (embedded PGlite databases are single-process); drivers it returns are not closed here.
   */
  connect?: (connection: string) => Promise<Driver>;
  env?: NodeJS.ProcessEnv;
  /** Where the result lines go (the CLI's stdout); the task itself never prints. */
  stdout: (line: string) => void;
  /** Where alerts and warnings go (stderr: the `ETLCTL-ALERT` line is read by the local engine). */
  stderr: (line: string) => void;
}

export interface QaCheckReport {
  pipeline: string;
  step: string;
  ok: boolean;
  exitCode: number;
  counts: { PASS: number; WARN: number; FAIL: number; ERROR: number; TOTAL: number };
  results: CheckResult[];
}

export const ALERT_PREFIX = 'ETLCTL-ALERT ';

export function parseChecks(text: string): QaCheckSpec[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new EtlError(
      diag('ETL7910', `--checks is not valid JSON: ${(e as Error).message}`),
      ExitCode.USAGE,
    );
  }
  const list = Array.isArray(v) ? v : [v];
  list.forEach((c, i) => {
    const kind = (c as { kind?: unknown } | null)?.kind;
    if (!CHECK_KINDS.includes(kind as QaCheckSpec['kind']))
      throw new EtlError(
        diag('ETL7911', `check ${i + 1} in --checks has unknown kind '${String(kind)}'`, {
          hint: `known: ${CHECK_KINDS.join(', ')}`,
        }),
        ExitCode.USAGE,
      );
  });
  return list.map((c: QaCheckSpec) => ({
    ...c,
    name: c.name ?? c.kind,
    severity: c.severity === 'warn' ? 'warn' : 'error',
    threshold: typeof c.threshold === 'number' ? c.threshold : 0,
  }));
}

export function resultLine(r: CheckResult): string {
  const what = [r.status, r.name === r.kind ? r.kind : `${r.name} [${r.kind}]`, r.table]
    .filter(Boolean)
    .join(' ');
  return `${what} (${r.detail})`;
}

/** A value in an example line: NULL, bare numbers and words, anything else quoted. */
function showValue(v: unknown): string {
  const n = normalize(v);
  if (n === null) return 'NULL';
  return /^[A-Za-z0-9_.:+-]+$/.test(n) && n !== 'NULL' ? n : JSON.stringify(n);
}

function exampleLines(r: CheckResult): string[] {
  return r.examples.map(
    (row) =>
      '    e.g. ' +
      Object.entries(row)
        .map(([k, v]) => `${k}=${k === 'differences' ? String(v) : showValue(v)}`)
        .join(', '),
  );
}

export async function runQaCheckTask(opts: QaCheckOptions): Promise<QaCheckReport> {
  const env = opts.env ?? process.env;
  const { stdout, stderr } = opts;
  const checks = parseChecks(opts.checks);
  const config = opts.config ?? loadConfig({ mode: opts.mode, configPath: opts.configPath, env });
  const conns = opts.connect
    ? { get: opts.connect, closeAll: async () => undefined }
    : new Connections({ config, stateDir: taskStateDir(config, env), env });
  const results: CheckResult[] = [];
  try {
    for (const spec of checks) {
      const r = await runCheck(spec, {
        destination: (s) => conns.get(s.database ?? opts.database),
        source: (s) => conns.get(s.source ?? opts.database),
      });
      results.push(r);
      if (!opts.json) {
        stdout(resultLine(r));
        for (const l of exampleLines(r)) stdout(l);
      }
    }
  } finally {
    await conns.closeAll();
  }
  const counts = { PASS: 0, WARN: 0, FAIL: 0, ERROR: 0, TOTAL: results.length };
  for (const r of results) counts[r.status]++;
  const exitCode = results.some((r) => r.status === 'ERROR' && r.environment)
    ? ExitCode.ENVIRONMENT
    : counts.FAIL + counts.ERROR > 0
      ? ExitCode.FAILURE
      : ExitCode.OK;
  const report: QaCheckReport = {
    pipeline: opts.pipeline,
    step: opts.step,
    ok: exitCode === 0,
    exitCode,
    counts,
    results,
  };
  if (!opts.json)
    stdout(
      `Done. PASS=${counts.PASS} WARN=${counts.WARN} FAIL=${counts.FAIL} ERROR=${counts.ERROR} TOTAL=${counts.TOTAL}`,
    );

  const warned = results.filter((r) => r.status === 'WARN');
  if (warned.length > 0) {
    for (const r of warned) {
      stderr(
        ALERT_PREFIX +
          JSON.stringify({
            kind: 'qa-warning',
            alarm: 'myWarningAlarm',
            pipeline: opts.pipeline,
            step: opts.step,
            check: r.name,
            checkKind: r.kind,
            table: r.table,
            message: resultLine(r),
          }),
      );
    }
    if (opts.warningTopic && config.target === 'aws') await publishWarning(opts, config, warned);
  }
  await logToS3(opts, config, env, checks, results);
  return report;
}

async function publishWarning(
  opts: QaCheckOptions,
  config: ResolvedConfig,
  warned: CheckResult[],
): Promise<void> {
  const { AwsClients } = await import('../aws/clients.js');
  const { PublishCommand } = await import('@aws-sdk/client-sns');
  const sns = await new AwsClients({ region: config.aws.region, env: opts.env }).sns();
  const subject = `etlctl QA warning: ${opts.pipeline}.${opts.step}`.slice(0, 100);
  const message = [
    `Pipeline: ${opts.pipeline}`,
    `Step: ${opts.step}`,
    '',
    ...warned.flatMap((r) => [resultLine(r), ...exampleLines(r)]),
  ].join('\n');
  try {
    await sns.send(new PublishCommand({ TopicArn: opts.warningTopic, Subject: subject, Message: message }));
  } catch (e) {
    // The warning still shows in the log; a failed publish must not turn a warning into a failure.
    opts.stderr(
      `warning ETL7920: could not publish the QA warning to ${opts.warningTopic}: ${(e as Error).message}`,
    );
  }
}

/** Dataduct's QA log row: schema, table, pipeline, utc time, test name, passed 1|0, tolerance, error rate. */
async function logToS3(
  opts: QaCheckOptions,
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  checks: QaCheckSpec[],
  results: CheckResult[],
): Promise<void> {
  const rows = checks.map((c, i) => ({ c, r: results[i] })).filter((x) => x.c.logUri && x.r);
  if (rows.length === 0) return;
  const now = new Date().toISOString();
  const stamp = now.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (const { c, r } of rows) {
    const [schema, tbl] = (c.table ?? '').includes('.')
      ? (c.table as string).split('.', 2)
      : ['', c.table ?? ''];
    const rate = r.errorRate ?? r.failing ?? '';
    const line =
      [
        schema,
        tbl,
        opts.pipeline,
        now,
        `${opts.pipeline}.${opts.step}.${r.name}`,
        r.status === 'PASS' ? 1 : 0,
        c.threshold,
        rate,
      ].join('\t') + '\n';
    const uri = `${(c.logUri as string).replace(/\/?$/, '/')}${stamp}_${r.name}.tsv`;
    try {
      if (config.target === 'aws') {
        const { AwsClients } = await import('../aws/clients.js');
        const { PutObjectCommand } = await import('@aws-sdk/client-s3');
        const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
        if (!m) continue;
        const s3 = await new AwsClients({ region: config.aws.region, env }).s3();
        await s3.send(new PutObjectCommand({ Bucket: m[1], Key: m[2], Body: line }));
      } else {
        const { createLocalS3 } = await import('../local/s3.js');
        const s3 = createLocalS3({
          stateDir: taskStateDir(config, env),
          endpoint: config.local.s3Endpoint ? { endpoint: config.local.s3Endpoint } : undefined,
        });
        await s3.writeText(uri, line);
      }
    } catch (e) {
      opts.stderr(`warning ETL7921: could not write the QA log row to ${uri}: ${(e as Error).message}`);
    }
  }
}
