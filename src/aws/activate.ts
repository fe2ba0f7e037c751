/**
 * `etlctl pipeline activate … ` for `target: aws`: compile and check offline (errors stop here,
 * nothing is sent), then deploy each pipeline (src/aws/deploy.ts) and report what happened.
 */
import type { Diagnostic } from '../diagnostics.js';
import {
  EtlError,
  ExitCode,
  formatDiagnostics,
  hasErrors,
  sortDiagnostics,
  summarize,
} from '../diagnostics.js';
import { err, out } from '../cli/common.js';
import type { AwsClients } from './clients.js';
import { confirmDestructive, clientsFor, printFailure } from './command.js';
import { compileAndCheck } from './compile-bridge.js';
import type { DeployResult } from './deploy.js';
import { deployDefinition } from './deploy.js';
import { pipelineIdentity } from './pipelines.js';
import type { ParameterValue } from './secrets.js';
import { resolveActivationSecrets } from './secrets.js';
import { activationStart, parseTimeDelta } from './time.js';

export interface AwsActivateOptions {
  files: string[];
  mode?: string;
  configPath?: string;
  timeDelta?: string;
  backfill?: boolean;
  dryRun?: boolean;
  force?: boolean;
  yes?: boolean;
  json?: boolean;
  /** `--target aws` on the command line (the lead's dispatcher may already have decided). */
  target?: 'aws' | 'local';
  /** Injected clock for tests; defaults to now. */
  now?: Date;
}

/** The --json record of one pipeline: what happened, never a secret value. */
export function deployRecord(file: string, r: DeployResult): Record<string, unknown> {
  return {
    file,
    name: r.name,
    uniqueId: r.uniqueId,
    region: r.region,
    pipelineId: r.pipelineId,
    consoleUrl: r.consoleUrl,
    dryRun: r.dryRun,
    pipeline: r.pipeline,
    previousState: r.previousState,
    assets: r.assets,
    changes: {
      unchanged: r.diff.unchanged,
      objects: r.diff.objects.map((o) => ({
        id: o.id,
        kind: o.kind,
        type: o.type,
        fields: o.fields.map((f) => f.key),
      })),
      parameters: r.diff.parameters,
      values: r.diff.values,
    },
    refused: r.refused,
    keptScheduleStart: r.keptScheduleStart,
    put: r.put,
    activate: r.activate,
    startTimestamp: r.startTimestamp,
    exitCode: r.exitCode,
  };
}

function summaryLine(r: DeployResult): string {
  const uploaded = r.assets.filter((a) => a.action === 'uploaded').length;
  const parts = [
    r.pipeline === 'existing' ? 'existing pipeline' : r.pipeline.replace('-', ' '),
    uploaded > 0 ? `${uploaded} asset${uploaded === 1 ? '' : 's'} uploaded` : undefined,
    {
      put: 'definition put',
      unchanged: 'definition unchanged',
      'would-put': 'definition would be put',
      failed: 'definition rejected',
      'not-reached': undefined,
    }[r.put],
    {
      activated: 'activated',
      'already-active': 'already active',
      'would-activate': 'would activate',
      'not-reached': 'not activated',
    }[r.activate],
  ].filter(Boolean);
  return parts.join(', ');
}

export async function activateOnAws(opts: AwsActivateOptions): Promise<number> {
  const now = opts.now ?? new Date();
  let sources: Map<string, string> | undefined;
  let clients: AwsClients | undefined;
  try {
    if (opts.timeDelta !== undefined) parseTimeDelta(opts.timeDelta);
    // 1. Compile and check everything first: one bad file stops all, and nothing is sent.
    const compiled = await compileAndCheck(opts.files, {
      mode: opts.mode,
      configPath: opts.configPath,
      timeDelta: opts.timeDelta,
      backfill: opts.backfill,
      target: opts.target,
      now,
    });
    sources = compiled.sources;
    const diagnostics: Diagnostic[] = compiled.pipelines.flatMap((p) => p.diagnostics);
    const failed = hasErrors(diagnostics) || compiled.pipelines.some((p) => !p.definition);
    if (failed) {
      if (opts.json)
        out(JSON.stringify({ ok: false, pipelines: [], diagnostics: sortDiagnostics(diagnostics) }, null, 2));
      else {
        err(formatDiagnostics(sortDiagnostics(diagnostics), sources));
        err(`${summarize(diagnostics)}: nothing was sent to AWS`);
      }
      return ExitCode.FAILURE;
    }
    if (!opts.json && diagnostics.length > 0) err(formatDiagnostics(sortDiagnostics(diagnostics), sources));

    const config = compiled.config;
    clients = clientsFor(config);
    // 2. Resolve every secret before any call, so a missing one stops before anything changes.
    const secretsByFile = new Map<string, ParameterValue[]>();
    for (const p of compiled.pipelines) {
      try {
        secretsByFile.set(
          p.file,
          resolveActivationSecrets(p.definition!.meta?.secrets, { env: process.env, config }),
        );
      } catch (e) {
        // A plan does not need the values; say what would fail and go on.
        if (!opts.dryRun) throw e;
        if (!(e instanceof EtlError)) throw e;
        diagnostics.push(...e.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
        secretsByFile.set(p.file, []);
      }
    }

    const records: Record<string, unknown>[] = [];
    let exitCode: number = ExitCode.OK;
    for (const p of compiled.pipelines) {
      const def = p.definition!;
      const identity = pipelineIdentity(def.meta?.pipelineName ?? p.file, config.mode);
      if (!opts.json)
        out(
          `${opts.dryRun ? 'Plan for' : 'Deploying'} ${identity.name} (${p.file}, mode ${config.mode ?? 'default'}) to AWS`,
        );
      const result = await deployDefinition(def, {
        clients,
        identity,
        secretValues: secretsByFile.get(p.file) ?? [],
        startTimestamp: activationStart(def, opts, now),
        dryRun: opts.dryRun,
        force: opts.force,
        confirm: (q) => confirmDestructive(q, opts.yes),
        progress: opts.json ? undefined : (line) => out(`  ${line}`),
      });
      diagnostics.push(...result.diagnostics);
      exitCode = Math.max(exitCode, result.exitCode);
      records.push(deployRecord(p.file, result));
      if (opts.json) continue;
      if (result.diagnostics.length > 0) err(formatDiagnostics(sortDiagnostics(result.diagnostics), sources));
      if (result.pipelineId) out(`  pipeline id: ${result.pipelineId}`);
      if (result.consoleUrl) out(`  console: ${result.consoleUrl}`);
      out(`  ${result.exitCode === 0 ? 'done' : 'stopped'}: ${summaryLine(result)}`);
    }
    if (opts.json) {
      out(
        JSON.stringify(
          { ok: exitCode === 0, pipelines: records, diagnostics: sortDiagnostics(diagnostics) },
          null,
          2,
        ),
      );
    }
    return exitCode;
  } catch (e) {
    if (opts.json && e instanceof EtlError) {
      out(JSON.stringify({ ok: false, pipelines: [], diagnostics: e.diagnostics }, null, 2));
      return e.exitCode;
    }
    return printFailure(e, sources);
  } finally {
    clients?.destroy();
  }
}
