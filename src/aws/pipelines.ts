/**
 * Thin, typed wrappers over the Data Pipeline API calls deploy needs. Every call goes through
 * `awsCall` so a failure is one line naming the operation.
 */
import { createHash } from 'node:crypto';
import type {
  PipelineDescription,
  PutPipelineDefinitionCommandOutput,
  ValidationError,
  ValidationWarning,
} from '@aws-sdk/client-data-pipeline';
import type { Definition } from '../definition/model.js';
import type { ApiDefinitionJson } from '../definition/json.js';
import { fromApiJson, toApiJson } from '../definition/json.js';
import type { AwsClients } from './clients.js';
import { awsCall, awsErrorName, explainAwsError } from './errors.js';

export interface PipelineIdentity {
  /** Name shown in the console (the compiled `meta.pipelineName`, which includes aws.name_prefix). */
  name: string;
  /** CreatePipeline idempotency key: the same name and mode always map to the same pipeline. */
  uniqueId: string;
}

export function pipelineIdentity(name: string, mode: string | undefined): PipelineIdentity {
  const readable = `etlctl:${mode ?? 'default'}:${name}`;
  // uniqueId is limited to 1024 characters; keep it readable when possible, hashed when long.
  const uniqueId =
    readable.length <= 200
      ? readable
      : `etlctl:${createHash('sha256').update(readable).digest('hex').slice(0, 40)}`;
  return { name, uniqueId };
}

/** The AWS name of a pipeline named `name` in its YAML, as the compiler forms it (prefix_name). */
export function awsPipelineName(name: string, namePrefix: string | undefined): string {
  if (!namePrefix || name.startsWith(`${namePrefix}_`)) return name;
  return `${namePrefix}_${name}`;
}

export interface DeployedPipeline {
  pipelineId: string;
  name: string;
  state?: string;
  uniqueId?: string;
  tags: Record<string, string>;
  fields: Record<string, string>;
}

function describeFields(d: PipelineDescription): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of d.fields ?? []) if (f.key) out[f.key] = f.stringValue ?? f.refValue ?? '';
  return out;
}

function toDeployed(d: PipelineDescription): DeployedPipeline {
  const fields = describeFields(d);
  return {
    pipelineId: d.pipelineId ?? '',
    name: d.name ?? '',
    state: fields['@pipelineState'],
    uniqueId: fields.uniqueId,
    tags: Object.fromEntries((d.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
    fields,
  };
}

/** Every pipeline id and name in the account/region (ListPipelines, paginated). */
export async function listPipelineIds(clients: AwsClients): Promise<{ id: string; name: string }[]> {
  const { ListPipelinesCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const all: { id: string; name: string }[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await awsCall('ListPipelines', () => dp.send(new ListPipelinesCommand({ marker })));
    for (const p of page.pipelineIdList ?? []) if (p.id) all.push({ id: p.id, name: p.name ?? '' });
    if (!page.hasMoreResults || !page.marker) break;
    marker = page.marker;
  }
  return all;
}

/** DescribePipelines in chunks of 25 (the API limit). */
export async function describePipelines(
  clients: AwsClients,
  ids: readonly string[],
): Promise<DeployedPipeline[]> {
  const { DescribePipelinesCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const out: DeployedPipeline[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const chunk = ids.slice(i, i + 25);
    const res = await awsCall('DescribePipelines', () =>
      dp.send(new DescribePipelinesCommand({ pipelineIds: chunk })),
    );
    for (const d of res.pipelineDescriptionList ?? []) out.push(toDeployed(d));
  }
  return out;
}

/** The deployed pipeline with this name and uniqueId, found read-only (no CreatePipeline). */
export async function findPipeline(
  clients: AwsClients,
  identity: PipelineIdentity,
): Promise<DeployedPipeline | undefined> {
  const candidates = (await listPipelineIds(clients)).filter((p) => p.name === identity.name);
  if (candidates.length === 0) return undefined;
  const described = await describePipelines(
    clients,
    candidates.map((c) => c.id),
  );
  return described.find((d) => d.uniqueId === identity.uniqueId);
}

export async function describePipeline(
  clients: AwsClients,
  pipelineId: string,
): Promise<DeployedPipeline | undefined> {
  return (await describePipelines(clients, [pipelineId]))[0];
}

/** CreatePipeline is idempotent on (name, uniqueId): it returns the existing id when there is one. */
export async function createPipeline(
  clients: AwsClients,
  identity: PipelineIdentity,
  opts: { description?: string; tags?: Record<string, string> } = {},
): Promise<string> {
  const { CreatePipelineCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const tags = Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value }));
  const res = await awsCall('CreatePipeline', () =>
    dp.send(
      new CreatePipelineCommand({
        name: identity.name,
        uniqueId: identity.uniqueId,
        ...(opts.description ? { description: opts.description } : {}),
        ...(tags.length > 0 ? { tags } : {}),
      }),
    ),
  );
  return res.pipelineId ?? '';
}

/** Add or update tags (AddTags updates the value of an existing key). */
export async function addTags(
  clients: AwsClients,
  pipelineId: string,
  tags: Record<string, string>,
): Promise<void> {
  const { AddTagsCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const list = Object.entries(tags).map(([key, value]) => ({ key, value }));
  await awsCall('AddTags', () => dp.send(new AddTagsCommand({ pipelineId, tags: list })));
}

/** The latest stored definition, or an empty one for a pipeline that has none yet. */
export async function getPipelineDefinition(
  clients: AwsClients,
  pipelineId: string,
  opts: { neverActivated?: boolean } = {},
): Promise<Definition> {
  const { GetPipelineDefinitionCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  let res;
  try {
    res = await dp.send(new GetPipelineDefinitionCommand({ pipelineId, version: 'latest' }));
  } catch (e) {
    // A pipeline created by an interrupted earlier run may have no definition yet; the service's
    // answer to that is not documented, so a PENDING pipeline's InvalidRequestException means "empty".
    if (opts.neverActivated && awsErrorName(e) === 'InvalidRequestException') {
      return { objects: [], parameters: [], values: {} };
    }
    throw explainAwsError(e, 'GetPipelineDefinition');
  }
  return fromApiJson({
    pipelineObjects: res.pipelineObjects ?? [],
    parameterObjects: res.parameterObjects,
    parameterValues: res.parameterValues,
  } as ApiDefinitionJson);
}

export interface PutResult {
  errored: boolean;
  validationErrors: ValidationError[];
  validationWarnings: ValidationWarning[];
}

function putResult(
  res: Pick<PutPipelineDefinitionCommandOutput, 'errored' | 'validationErrors' | 'validationWarnings'>,
): PutResult {
  return {
    errored: Boolean(res.errored),
    validationErrors: res.validationErrors ?? [],
    validationWarnings: res.validationWarnings ?? [],
  };
}

/** The API request shape of a Definition, without secret values (those go only to ActivatePipeline). */
export function definitionRequest(def: Definition): ApiDefinitionJson {
  return toApiJson({ objects: def.objects, parameters: def.parameters, values: def.values });
}

export async function putPipelineDefinition(
  clients: AwsClients,
  pipelineId: string,
  def: Definition,
): Promise<PutResult> {
  const { PutPipelineDefinitionCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const body = definitionRequest(def);
  const res = await dp.send(new PutPipelineDefinitionCommand({ pipelineId, ...body }));
  return putResult(res);
}

export async function validatePipelineDefinition(
  clients: AwsClients,
  pipelineId: string,
  def: Definition,
): Promise<PutResult> {
  const { ValidatePipelineDefinitionCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const body = definitionRequest(def);
  const res = await awsCall('ValidatePipelineDefinition', () =>
    dp.send(new ValidatePipelineDefinitionCommand({ pipelineId, ...body })),
  );
  return putResult(res);
}

export async function activatePipeline(
  clients: AwsClients,
  pipelineId: string,
  opts: { parameterValues?: { id: string; stringValue: string }[]; startTimestamp?: Date } = {},
): Promise<void> {
  const { ActivatePipelineCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  await awsCall('ActivatePipeline', () =>
    dp.send(
      new ActivatePipelineCommand({
        pipelineId,
        ...(opts.parameterValues && opts.parameterValues.length > 0
          ? { parameterValues: opts.parameterValues }
          : {}),
        ...(opts.startTimestamp ? { startTimestamp: opts.startTimestamp } : {}),
      }),
    ),
  );
}

export async function deactivatePipeline(
  clients: AwsClients,
  pipelineId: string,
  cancelActive = true,
): Promise<void> {
  const { DeactivatePipelineCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  await awsCall('DeactivatePipeline', () =>
    dp.send(new DeactivatePipelineCommand({ pipelineId, cancelActive })),
  );
}

export async function deletePipeline(clients: AwsClients, pipelineId: string): Promise<void> {
  const { DeletePipelineCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  await awsCall('DeletePipeline', () => dp.send(new DeletePipelineCommand({ pipelineId })));
}

export interface InstanceSummary {
  id: string;
  name: string;
  component?: string;
  status?: string;
  scheduledStartTime?: string;
  actualStartTime?: string;
  actualEndTime?: string;
  errorMessage?: string;
}

/**
 * The latest instances of a pipeline: QueryObjects (sphere INSTANCE) for ids, then DescribeObjects
 * in chunks of at most 25 ids (the API doc's limit; aws-cli uses 100, which the doc does not allow).
 */
export async function latestInstances(
  clients: AwsClients,
  pipelineId: string,
  limit = 20,
): Promise<InstanceSummary[]> {
  const { QueryObjectsCommand, DescribeObjectsCommand } = await import('@aws-sdk/client-data-pipeline');
  const dp = await clients.dataPipeline();
  const ids: string[] = [];
  let marker: string | undefined;
  // Bounded: a long-lived pipeline can have thousands of instances; 10 pages of 100 is plenty for "latest".
  for (let page = 0; page < 10; page++) {
    const res = await awsCall('QueryObjects', () =>
      dp.send(new QueryObjectsCommand({ pipelineId, sphere: 'INSTANCE', marker, limit: 100 })),
    );
    ids.push(...(res.ids ?? []));
    if (!res.hasMoreResults || !res.marker) break;
    marker = res.marker;
  }
  const instances: InstanceSummary[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const chunk = ids.slice(i, i + 25);
    const res = await awsCall('DescribeObjects', () =>
      dp.send(new DescribeObjectsCommand({ pipelineId, objectIds: chunk, evaluateExpressions: false })),
    );
    for (const o of res.pipelineObjects ?? []) {
      const f: Record<string, string> = {};
      for (const field of o.fields ?? [])
        if (field.key) f[field.key] = field.stringValue ?? field.refValue ?? '';
      instances.push({
        id: o.id ?? '',
        name: o.name ?? '',
        component: f['@componentParent'],
        status: f['@status'],
        scheduledStartTime: f['@scheduledStartTime'],
        actualStartTime: f['@actualStartTime'],
        actualEndTime: f['@actualEndTime'],
        errorMessage: f.errorMessage,
      });
    }
  }
  instances.sort(
    (a, b) =>
      (b.scheduledStartTime ?? '').localeCompare(a.scheduledStartTime ?? '') || a.name.localeCompare(b.name),
  );
  return instances.slice(0, limit);
}
