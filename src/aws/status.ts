/**
 * Read-side and lifecycle commands on deployed pipelines: status, list, diff, deactivate, delete.
 * Each returns what it found or did; src/cli prints it.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { Definition } from '../definition/model.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { AwsClients } from './clients.js';
import { consoleUrl } from './clients.js';
import type { AwsCommandOptions } from './command.js';
import { clientsFor, confirmOrRefuse, identityFromArg, loadAwsConfig } from './command.js';
import type { DefinitionDiff, RefusedChange } from './diff.js';
import { diffDefinitions, keepDeployedScheduleStart, refusedAfterActivation } from './diff.js';
import type { DeployedPipeline, InstanceSummary, PipelineIdentity } from './pipelines.js';
import {
  deactivatePipeline,
  deletePipeline,
  describePipelines,
  findPipeline,
  getPipelineDefinition,
  latestInstances,
  listPipelineIds,
  pipelineIdentity,
} from './pipelines.js';

export interface AwsStatusOptions extends AwsCommandOptions {
  /** Pipeline name (YAML `name`, or the full AWS name) or a pipeline file. */
  name: string;
  /** How many of the latest instances to show (default 20). */
  limit?: number;
}

export interface AwsStatus {
  name: string;
  pipelineId: string;
  state?: string;
  region: string;
  consoleUrl: string;
  instances: InstanceSummary[];
  /** Some of the latest instances failed or timed out. */
  failed: boolean;
}

export interface AwsPipelineRow {
  name: string;
  pipelineId: string;
  state?: string;
  mode?: string;
  uniqueId?: string;
}

export interface AwsDiff {
  name: string;
  pipelineId?: string;
  state?: string;
  deployed: boolean;
  diff: DefinitionDiff;
  refused: RefusedChange[];
  keptScheduleStart: string[];
}

async function withClients<T>(
  config: ResolvedConfig,
  fn: (clients: AwsClients, config: ResolvedConfig) => Promise<T>,
): Promise<T> {
  const clients = clientsFor(config);
  try {
    return await fn(clients, config);
  } finally {
    clients.destroy();
  }
}

async function requirePipeline(clients: AwsClients, identity: PipelineIdentity): Promise<DeployedPipeline> {
  const found = await findPipeline(clients, identity);
  if (!found) {
    throw new EtlError(
      diag(
        'ETL6006',
        `no deployed pipeline named ${identity.name} for this mode (uniqueId ${identity.uniqueId})`,
        {
          hint: 'check the name and -m MODE; `etlctl pipeline list` shows deployed pipelines',
        },
      ),
      ExitCode.FAILURE,
    );
  }
  return found;
}

export async function statusOnAws(opts: AwsStatusOptions): Promise<AwsStatus> {
  return withClients(loadAwsConfig(opts), async (clients, config) => {
    const p = await requirePipeline(clients, identityFromArg(opts.name, config));
    const instances = await latestInstances(clients, p.pipelineId, opts.limit ?? 20);
    const region = await clients.region();
    return {
      name: p.name,
      pipelineId: p.pipelineId,
      state: p.state,
      region,
      consoleUrl: consoleUrl(region, p.pipelineId),
      instances,
      failed: instances.some((i) => /FAILED|TIMEDOUT/.test(i.status ?? '')),
    };
  });
}

export async function listOnAws(opts: AwsCommandOptions & { all?: boolean }): Promise<AwsPipelineRow[]> {
  return withClients(loadAwsConfig(opts), async (clients) => {
    const ids = await listPipelineIds(clients);
    const described = await describePipelines(
      clients,
      ids.map((p) => p.id),
    );
    return described
      .filter((d) => opts.all || (d.uniqueId ?? '').startsWith('etlctl:'))
      .map((d) => ({
        name: d.name,
        pipelineId: d.pipelineId,
        state: d.state,
        mode: (d.uniqueId ?? '').split(':')[1],
        uniqueId: d.uniqueId,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** What `pipeline activate` would change in the deployed pipeline, for a definition the front end checked. */
export async function diffOnAws(def: Definition, config: ResolvedConfig, file: string): Promise<AwsDiff> {
  return withClients(config, async (clients) => {
    const identity = pipelineIdentity(def.meta?.pipelineName ?? file, config.mode);
    const found = await findPipeline(clients, identity);
    const deployed = found ? await getPipelineDefinition(clients, found.pipelineId) : undefined;
    const activated = found !== undefined && (found.state ?? 'PENDING') !== 'PENDING';
    const next =
      activated && deployed ? keepDeployedScheduleStart(deployed, def) : { definition: def, kept: [] };
    const diff = diffDefinitions(deployed, next.definition, Object.keys(def.meta?.secrets ?? {}));
    return {
      name: identity.name,
      pipelineId: found?.pipelineId,
      state: found?.state,
      deployed: Boolean(found),
      diff,
      refused: activated ? refusedAfterActivation(diff) : [],
      keptScheduleStart: next.kept,
    };
  });
}

export async function deactivateOnAws(
  opts: AwsCommandOptions & { name: string; cancelActive?: boolean },
): Promise<{ name: string; pipelineId: string; deactivated: true; canceledActive: boolean }> {
  return withClients(loadAwsConfig(opts), async (clients, config) => {
    const p = await requirePipeline(clients, identityFromArg(opts.name, config));
    const cancel = opts.cancelActive ?? true;
    await deactivatePipeline(clients, p.pipelineId, cancel);
    return { name: p.name, pipelineId: p.pipelineId, deactivated: true, canceledActive: cancel };
  });
}

export async function deleteOnAws(
  opts: AwsCommandOptions & {
    name: string;
    yes?: boolean;
    /** Asks the user; absent when there is no terminal to ask on. */
    ask?: (question: string) => Promise<boolean>;
  },
): Promise<{ name: string; pipelineId: string; deleted: boolean }> {
  return withClients(loadAwsConfig(opts), async (clients, config) => {
    const p = await requirePipeline(clients, identityFromArg(opts.name, config));
    const ok = await confirmOrRefuse(
      `Delete pipeline ${p.name} (${p.pipelineId}) and all its run history?`,
      opts.yes,
      opts.ask,
    );
    if (ok) await deletePipeline(clients, p.pipelineId);
    return { name: p.name, pipelineId: p.pipelineId, deleted: ok };
  });
}
