/**
 * `etlctl pipeline activate` for `target: aws`: deploy pipelines that the front end (src/front.ts)
 * compiled and checked, one after the other (src/aws/deploy.ts), and say what happened. Prints
 * nothing: progress goes to `onEvent`, the result is returned.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { EtlError, ExitCode } from '../diagnostics/index.js';
import { clientsFor } from './command.js';
import type { DeployResult } from './deploy.js';
import { deployDefinition } from './deploy.js';
import { pipelineIdentity } from './pipelines.js';
import type { ParameterValue } from './secrets.js';
import { resolveActivationSecrets } from './secrets.js';
import { activationStart } from './time.js';

export interface AwsDeployInput {
  file: string;
  definition: Definition;
}

export type DeployEvent =
  | { kind: 'deploy-start'; pipeline: string; file: string; mode?: string; dryRun: boolean }
  | { kind: 'deploy-step'; pipeline: string; message: string }
  | { kind: 'deploy-end'; pipeline: string; record: DeployRecord; diagnostics: Diagnostic[] };

export interface AwsActivateOptions {
  pipelines: AwsDeployInput[];
  config: ResolvedConfig;
  timeDelta?: string;
  backfill?: boolean;
  dryRun?: boolean;
  force?: boolean;
  /** Asked before delete-and-recreate (--force); false refuses. */
  confirm: (question: string) => Promise<boolean>;
  onEvent?: (e: DeployEvent) => void;
  now: Date;
  env?: NodeJS.ProcessEnv;
}

/** What happened to one pipeline: never a secret value. */
export interface DeployRecord {
  file: string;
  name: string;
  uniqueId: string;
  region?: string;
  pipelineId?: string;
  consoleUrl?: string;
  dryRun: boolean;
  pipeline: DeployResult['pipeline'];
  previousState?: string;
  assets: DeployResult['assets'];
  changes: {
    unchanged: boolean;
    objects: { id: string; kind: string; type?: string; fields: string[] }[];
    parameters: DeployResult['diff']['parameters'];
    values: DeployResult['diff']['values'];
  };
  refused: DeployResult['refused'];
  keptScheduleStart: string[];
  put: DeployResult['put'];
  activate: DeployResult['activate'];
  startTimestamp?: string;
  exitCode: number;
}

export interface AwsActivateResult {
  pipelines: DeployRecord[];
  diagnostics: Diagnostic[];
  exitCode: number;
}

export function deployRecord(file: string, r: DeployResult): DeployRecord {
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

/** Every secret is resolved before any call, so a missing one stops before anything changes. */
function resolveSecrets(opts: AwsActivateOptions, diagnostics: Diagnostic[]): Map<string, ParameterValue[]> {
  const byFile = new Map<string, ParameterValue[]>();
  for (const p of opts.pipelines) {
    try {
      byFile.set(
        p.file,
        resolveActivationSecrets(p.definition.meta?.secrets, {
          env: opts.env ?? process.env,
          config: opts.config,
        }),
      );
    } catch (e) {
      // A plan does not need the values; say what would fail and go on.
      if (!opts.dryRun || !(e instanceof EtlError)) throw e;
      diagnostics.push(...e.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
      byFile.set(p.file, []);
    }
  }
  return byFile;
}

export async function activateOnAws(opts: AwsActivateOptions): Promise<AwsActivateResult> {
  const diagnostics: Diagnostic[] = [];
  const clients = clientsFor(opts.config);
  try {
    const secrets = resolveSecrets(opts, diagnostics);
    const records: DeployRecord[] = [];
    let exitCode: number = ExitCode.OK;
    for (const p of opts.pipelines) {
      const identity = pipelineIdentity(p.definition.meta?.pipelineName ?? p.file, opts.config.mode);
      const emit = (e: DeployEvent): void => opts.onEvent?.(e);
      emit({
        kind: 'deploy-start',
        pipeline: identity.name,
        file: p.file,
        mode: opts.config.mode,
        dryRun: !!opts.dryRun,
      });
      const result = await deployDefinition(p.definition, {
        clients,
        identity,
        secretValues: secrets.get(p.file) ?? [],
        startTimestamp: activationStart(p.definition, opts, opts.now),
        dryRun: opts.dryRun,
        force: opts.force,
        confirm: opts.confirm,
        progress: (message) => emit({ kind: 'deploy-step', pipeline: identity.name, message }),
      });
      diagnostics.push(...result.diagnostics);
      exitCode = Math.max(exitCode, result.exitCode);
      const record = deployRecord(p.file, result);
      records.push(record);
      emit({ kind: 'deploy-end', pipeline: identity.name, record, diagnostics: result.diagnostics });
    }
    return { pipelines: records, diagnostics, exitCode };
  } finally {
    clients.destroy();
  }
}
