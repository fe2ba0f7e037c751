/**
 * The deploy sequence for one compiled Definition (reference/aws-data-pipeline.md §2):
 * upload assets → find or CreatePipeline → GetPipelineDefinition + diff → PutPipelineDefinition
 * (only when something changed) → ActivatePipeline with the secret parameter values.
 *
 * Unlike Dataduct (reference/dataduct.md §1, §9): nothing is put when the definition has errors,
 * uploads happen before the definition references them, re-running never duplicates or deletes a
 * pipeline, and delete-and-recreate happens only with --force and a confirmation.
 */
import type { Definition, PipelineObject } from '../definition/model.js';
import { stringField } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import { mapToSource } from '../compile/verify.js';
import type { AwsClients } from './clients.js';
import { consoleUrl } from './clients.js';
import type { DefinitionDiff, RefusedChange } from './diff.js';
import { diffDefinitions, formatDiff, keepDeployedScheduleStart, refusedAfterActivation } from './diff.js';
import { awsCall, awsErrorName, explainAwsError } from './errors.js';
import type { DeployedPipeline, PipelineIdentity, PutResult } from './pipelines.js';
import {
  activatePipeline,
  addTags,
  createPipeline,
  deletePipeline,
  findPipeline,
  getPipelineDefinition,
  putPipelineDefinition,
  validatePipelineDefinition,
} from './pipelines.js';
import type { ParameterValue } from './secrets.js';
import { redactSecrets } from './secrets.js';
import type { AssetResult } from './upload.js';
import { uploadAssets } from './upload.js';

export interface DeployOptions {
  clients: AwsClients;
  identity: PipelineIdentity;
  /** Resolved secret parameter values; sent only in ActivatePipeline.parameterValues. */
  secretValues: ParameterValue[];
  startTimestamp?: Date;
  dryRun?: boolean;
  force?: boolean;
  /** Asked before delete-and-recreate; returns false to refuse. */
  confirm: (question: string) => Promise<boolean>;
  /** Progress lines for humans (not called for --json). */
  progress?: (line: string) => void;
}

export type PutAction = 'put' | 'unchanged' | 'would-put' | 'failed' | 'not-reached';
export type ActivateAction = 'activated' | 'already-active' | 'would-activate' | 'not-reached';

export interface DeployResult {
  name: string;
  uniqueId: string;
  region?: string;
  pipelineId?: string;
  consoleUrl?: string;
  dryRun: boolean;
  /** created: new now; existing: found; would-create: dry run and none deployed. */
  pipeline: 'created' | 'existing' | 'recreated' | 'would-create' | 'would-recreate';
  previousState?: string;
  assets: AssetResult[];
  diff: DefinitionDiff;
  refused: RefusedChange[];
  keptScheduleStart: string[];
  put: PutAction;
  activate: ActivateAction;
  startTimestamp?: string;
  diagnostics: Diagnostic[];
  exitCode: number;
}

/**
 * Findings about compiled objects at the YAML step that produced them: the one mapping every path
 * uses (src/compile/verify.ts), plus a hint naming the step, since AWS's own text does not.
 */
function atOrigin(def: Definition, list: Diagnostic[]): Diagnostic[] {
  const byId = new Map(def.objects.map((o) => [o.id, o]));
  return mapToSource(def, list).map((d) => {
    const origin = d.objectId ? byId.get(d.objectId)?.origin : undefined;
    if (!origin?.step || d.hint) return d;
    return {
      ...d,
      hint: `produced by step '${origin.step}'${origin.stepType ? ` (${origin.stepType})` : ''}`,
    };
  });
}

/** validationErrors / validationWarnings as diagnostics at the YAML step that produced each object. */
export function validationDiagnostics(def: Definition, res: PutResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of res.validationErrors) {
    for (const msg of e.errors ?? []) {
      out.push(
        diag('ETL6101', `AWS rejected the definition: ${msg.replace(/\s+/g, ' ').trim()}`, {
          objectId: e.id,
        }),
      );
    }
  }
  for (const w of res.validationWarnings) {
    for (const msg of w.warnings ?? []) {
      out.push(
        diag('ETL6102', `AWS warning: ${msg.replace(/\s+/g, ' ').trim()}`, {
          severity: 'warning',
          objectId: w.id,
        }),
      );
    }
  }
  return atOrigin(def, out);
}

function refusedDiagnostics(def: Definition, refused: RefusedChange[]): Diagnostic[] {
  return atOrigin(
    def,
    refused.map((r) =>
      diag('ETL6110', `AWS refuses this change on an activated pipeline: ${r.reason}`, {
        objectId: r.objectId,
        field: r.field,
        hint: 'revert the change, or run again with --force to delete and recreate the pipeline (its run history is lost)',
      }),
    ),
  );
}

function isOnDemand(def: Definition): boolean {
  const dflt: PipelineObject | undefined = def.objects.find((o) => o.id === 'Default');
  return (dflt ? (stringField(dflt, 'scheduleType') ?? '') : '').toLowerCase() === 'ondemand';
}

/** Put the definition; a fatal InvalidRequestException is explained through ValidatePipelineDefinition. */
async function putOrExplain(
  clients: AwsClients,
  pipelineId: string,
  def: Definition,
): Promise<PutResult & { fatal?: string }> {
  try {
    return await putPipelineDefinition(clients, pipelineId, def);
  } catch (e) {
    if (awsErrorName(e) !== 'InvalidRequestException') throw explainAwsError(e, 'PutPipelineDefinition');
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const validated = await validatePipelineDefinition(clients, pipelineId, def);
    return { ...validated, errored: true, fatal: message };
  }
}

export async function deployDefinition(def: Definition, opts: DeployOptions): Promise<DeployResult> {
  const { clients, identity } = opts;
  const dryRun = Boolean(opts.dryRun);
  const say = (line: string): void => opts.progress?.(line);
  const secretIds = Object.keys(def.meta?.secrets ?? {});
  const result: DeployResult = {
    name: identity.name,
    uniqueId: identity.uniqueId,
    dryRun,
    pipeline: 'existing',
    assets: [],
    diff: { objects: [], parameters: [], values: [], unchanged: true },
    refused: [],
    keptScheduleStart: [],
    put: 'not-reached',
    activate: 'not-reached',
    startTimestamp: opts.startTimestamp?.toISOString(),
    diagnostics: [],
    exitCode: ExitCode.OK,
  };
  result.region = await awsCall('resolving the AWS region', () => clients.region());

  // 1. Assets first, so the definition never references an object that is not on S3.
  result.assets = await uploadAssets(clients, def.meta?.assets ?? [], { dryRun });
  sayAssets(result.assets, say);

  // 2. The pipeline: found by name + uniqueId, or created (CreatePipeline is idempotent on both).
  let existing: DeployedPipeline | undefined = await findPipeline(clients, identity);
  let pipelineId = existing?.pipelineId;
  result.previousState = existing?.state;
  if (!existing) {
    if (dryRun) {
      result.pipeline = 'would-create';
      say(`would create pipeline ${identity.name}`);
    } else {
      pipelineId = await createPipeline(clients, identity, {
        description: def.meta?.description,
        tags: def.meta?.tags,
      });
      result.pipeline = 'created';
      say(`created pipeline ${identity.name} (${pipelineId})`);
    }
  } else {
    say(`found pipeline ${identity.name} (${existing.pipelineId}, ${existing.state ?? 'unknown state'})`);
    const wanted = def.meta?.tags ?? {};
    const changedTags = Object.fromEntries(
      Object.entries(wanted).filter(([k, v]) => existing!.tags[k] !== v),
    );
    if (Object.keys(changedTags).length > 0) {
      if (!dryRun) await addTags(clients, existing.pipelineId, changedTags);
      say(`${dryRun ? 'would update' : 'updated'} tags: ${Object.keys(changedTags).join(', ')}`);
    }
  }

  // 3. Diff against what is deployed.
  let deployed = existing
    ? await getPipelineDefinition(clients, existing.pipelineId, {
        neverActivated: (existing.state ?? 'PENDING') === 'PENDING',
      })
    : undefined;
  const activated = existing !== undefined && (existing.state ?? 'PENDING') !== 'PENDING';
  let next = def;
  if (activated && deployed) {
    const kept = keepDeployedScheduleStart(deployed, def);
    next = kept.definition;
    result.keptScheduleStart = kept.kept;
  }
  result.diff = diffDefinitions(deployed, next, secretIds);
  result.refused = activated ? refusedAfterActivation(result.diff) : [];

  if (result.refused.length > 0) {
    if (!opts.force) {
      result.diagnostics.push(...refusedDiagnostics(def, result.refused));
      result.exitCode = ExitCode.FAILURE;
      return result;
    }
    const question = `Pipeline ${identity.name} (${existing?.pipelineId}) is activated and AWS refuses these changes in place. Delete it, with its run history, and create it again?`;
    if (dryRun) {
      result.pipeline = 'would-recreate';
      say(`would delete pipeline ${existing?.pipelineId} and create it again (--force)`);
    } else {
      if (!(await opts.confirm(question))) {
        throw new EtlError(
          diag('ETL6111', `not recreating pipeline ${identity.name}: not confirmed`),
          ExitCode.FAILURE,
        );
      }
      const oldId = existing?.pipelineId ?? '';
      await deletePipeline(clients, oldId);
      say(`deleted pipeline ${oldId}`);
      pipelineId = await createPipeline(clients, identity, {
        description: def.meta?.description,
        tags: def.meta?.tags,
      });
      if (pipelineId === oldId) {
        throw new EtlError(
          diag('ETL6007', `AWS returned the deleted pipeline id ${oldId} for the new pipeline`, {
            hint: 'deletion is still in progress; run the command again in a minute',
          }),
          ExitCode.ENVIRONMENT,
        );
      }
      say(`created pipeline ${identity.name} (${pipelineId})`);
      result.pipeline = 'recreated';
      existing = undefined;
      deployed = undefined;
      next = def;
      result.keptScheduleStart = [];
      result.diff = diffDefinitions(undefined, def, secretIds);
    }
  }
  if (!result.diff.unchanged && (result.refused.length === 0 || opts.force))
    say(formatDiff(result.diff).replace(/\n/g, '\n  '));
  for (const id of result.keptScheduleStart) {
    say(
      `kept the deployed start of ${id}: AWS does not change the start of an activated schedule (use -t to activate from another time)`,
    );
  }
  result.pipelineId = pipelineId;
  if (pipelineId && result.region) result.consoleUrl = consoleUrl(result.region, pipelineId);

  // 4. Put only when something changed.
  if (result.diff.unchanged) {
    result.put = 'unchanged';
    say('definition unchanged: nothing to put');
    // A stored definition that AWS found errors in (an earlier failed run) is unchanged too:
    // validate it so the errors are shown at their YAML lines instead of a failed activation.
    if (!dryRun && existing && (existing.state ?? 'PENDING') === 'PENDING' && pipelineId) {
      const checked = await validatePipelineDefinition(clients, pipelineId, next);
      result.diagnostics.push(...validationDiagnostics(def, checked));
      if (checked.errored) {
        result.put = 'failed';
        result.exitCode = ExitCode.FAILURE;
        return result;
      }
    }
  } else if (dryRun) {
    result.put = 'would-put';
  } else {
    const put = await putOrExplain(clients, pipelineId ?? '', next);
    result.diagnostics.push(...validationDiagnostics(def, put));
    if (put.errored) {
      if (put.fatal && put.validationErrors.length === 0) {
        result.diagnostics.push(diag('ETL6103', `AWS refused to store the definition: ${put.fatal}`));
      }
      result.put = 'failed';
      result.exitCode = ExitCode.FAILURE;
      return result;
    }
    result.put = 'put';
    say(
      `put definition (${result.diff.objects.length} object change${result.diff.objects.length === 1 ? '' : 's'})`,
    );
  }

  // 5. Activate, unless an unchanged pipeline is already running on its schedule.
  await activateStep(def, opts, result, existing?.state, say);
  return result;
}

/** Step 5 of a deploy: activate, or say why not (already running, dry run). */
async function activateStep(
  def: Definition,
  opts: DeployOptions,
  result: DeployResult,
  existingState: string | undefined,
  say: (line: string) => void,
): Promise<void> {
  const dryRun = Boolean(opts.dryRun);
  const { clients } = opts;
  const pipelineId = result.pipelineId;
  const alreadyActive =
    result.diff.unchanged && existingState === 'SCHEDULED' && !opts.startTimestamp && !isOnDemand(def);
  if (alreadyActive) {
    result.activate = 'already-active';
    say('pipeline already active: not re-activated (pass -t to resume from another time)');
  } else if (dryRun) {
    result.activate = 'would-activate';
    say(`would activate${opts.startTimestamp ? ` from ${opts.startTimestamp.toISOString()}` : ''}`);
  } else {
    try {
      await activatePipeline(clients, pipelineId ?? '', {
        parameterValues: opts.secretValues,
        startTimestamp: opts.startTimestamp,
      });
    } catch (e) {
      // The service may echo the request in its message; never let a secret value through.
      if (!(e instanceof EtlError)) throw e;
      const redacted = e.diagnostics.map((d) => ({
        ...d,
        message: redactSecrets(d.message, opts.secretValues),
      }));
      throw new EtlError(redacted, e.exitCode);
    }
    result.activate = 'activated';
    say(`activated${opts.startTimestamp ? ` from ${opts.startTimestamp.toISOString()}` : ''}`);
  }
}

function sayAssets(assets: DeployResult['assets'], say: (line: string) => void): void {
  for (const a of assets) {
    if (a.action !== 'present')
      say(`${a.action === 'uploaded' ? 'uploaded' : 'would upload'} ${a.kind} ${a.uri} (${a.bytes} bytes)`);
  }
  const present = assets.filter((a) => a.action === 'present').length;
  if (present > 0) say(`${present} asset${present === 1 ? '' : 's'} already on S3`);
}
