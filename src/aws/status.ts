/**
 * Read-side and lifecycle commands on deployed pipelines: status, list, diff, deactivate, delete.
 * Each returns the exit code and prints through src/cli/common.ts.
 */
import { diag, EtlError, ExitCode, formatDiagnostics, hasErrors, sortDiagnostics } from '../diagnostics.js';
import { err, out } from '../cli/common.js';
import type { AwsClients } from './clients.js';
import { consoleUrl } from './clients.js';
import type { AwsCommandOptions } from './command.js';
import { clientsFor, confirmDestructive, identityFromArg, loadAwsConfig, printFailure } from './command.js';
import { compileAndCheck } from './compile-bridge.js';
import { diffDefinitions, formatDiff, keepDeployedScheduleStart, refusedAfterActivation } from './diff.js';
import type { DeployedPipeline, PipelineIdentity } from './pipelines.js';
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

async function withClients<T>(
  opts: AwsCommandOptions,
  fn: (clients: AwsClients, config: ReturnType<typeof loadAwsConfig>) => Promise<T>,
): Promise<T> {
  const config = loadAwsConfig(opts);
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

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export async function statusOnAws(opts: AwsStatusOptions): Promise<number> {
  try {
    return await withClients(opts, async (clients, config) => {
      const identity = identityFromArg(opts.name, config);
      const p = await requirePipeline(clients, identity);
      const instances = await latestInstances(clients, p.pipelineId, opts.limit ?? 20);
      const region = await clients.region();
      const url = consoleUrl(region, p.pipelineId);
      if (opts.json) {
        out(
          JSON.stringify(
            { name: p.name, pipelineId: p.pipelineId, state: p.state, region, consoleUrl: url, instances },
            null,
            2,
          ),
        );
        return ExitCode.OK;
      }
      out(`${p.name}  ${p.pipelineId}  ${p.state ?? 'UNKNOWN'}`);
      out(`console: ${url}`);
      if (instances.length === 0) {
        out('no instances yet');
        return ExitCode.OK;
      }
      out(`latest ${instances.length} instance${instances.length === 1 ? '' : 's'}:`);
      out(`  ${pad('SCHEDULED START', 20)} ${pad('STATUS', 24)} ${pad('OBJECT', 28)} ENDED`);
      for (const i of instances) {
        out(
          `  ${pad(i.scheduledStartTime ?? '-', 20)} ${pad(i.status ?? '-', 24)} ${pad(i.component ?? i.name, 28)} ${i.actualEndTime ?? '-'}`,
        );
        if (i.errorMessage) out(`      error: ${i.errorMessage.split('\n')[0]}`);
      }
      const failed = instances.some((i) => /FAILED|TIMEDOUT/.test(i.status ?? ''));
      return failed ? ExitCode.FAILURE : ExitCode.OK;
    });
  } catch (e) {
    return printFailure(e);
  }
}

export async function listOnAws(opts: AwsCommandOptions & { all?: boolean }): Promise<number> {
  try {
    return await withClients(opts, async (clients) => {
      const ids = await listPipelineIds(clients);
      const described = await describePipelines(
        clients,
        ids.map((p) => p.id),
      );
      const rows = described
        .filter((d) => opts.all || (d.uniqueId ?? '').startsWith('etlctl:'))
        .map((d) => ({
          name: d.name,
          pipelineId: d.pipelineId,
          state: d.state,
          mode: (d.uniqueId ?? '').split(':')[1],
          uniqueId: d.uniqueId,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      if (opts.json) {
        out(JSON.stringify({ pipelines: rows }, null, 2));
        return ExitCode.OK;
      }
      if (rows.length === 0) {
        out(
          opts.all
            ? 'no pipelines in this account and region'
            : 'no pipelines deployed by etlctl (use --all to list every pipeline)',
        );
        return ExitCode.OK;
      }
      const w = Math.max(4, ...rows.map((r) => r.name.length));
      out(`${pad('NAME', w)}  ${pad('PIPELINE ID', 28)}  ${pad('STATE', 12)}  MODE`);
      for (const r of rows)
        out(`${pad(r.name, w)}  ${pad(r.pipelineId, 28)}  ${pad(r.state ?? '-', 12)}  ${r.mode ?? '-'}`);
      return ExitCode.OK;
    });
  } catch (e) {
    return printFailure(e);
  }
}

export async function diffOnAws(
  opts: AwsCommandOptions & { file: string; target?: 'aws' | 'local'; now?: Date },
): Promise<number> {
  let sources: Map<string, string> | undefined;
  try {
    const now = opts.now ?? new Date();
    const compiled = await compileAndCheck([opts.file], {
      mode: opts.mode,
      configPath: opts.configPath,
      target: opts.target,
      now,
    });
    sources = compiled.sources;
    const p = compiled.pipelines[0];
    if (!p.definition || hasErrors(p.diagnostics)) {
      err(formatDiagnostics(sortDiagnostics(p.diagnostics), sources));
      return ExitCode.FAILURE;
    }
    const clients = clientsFor(compiled.config);
    try {
      const identity = pipelineIdentity(p.definition.meta?.pipelineName ?? opts.file, compiled.config.mode);
      const found = await findPipeline(clients, identity);
      const deployed = found ? await getPipelineDefinition(clients, found.pipelineId) : undefined;
      const activated = found !== undefined && (found.state ?? 'PENDING') !== 'PENDING';
      const next =
        activated && deployed
          ? keepDeployedScheduleStart(deployed, p.definition)
          : { definition: p.definition, kept: [] };
      const diff = diffDefinitions(deployed, next.definition, Object.keys(p.definition.meta?.secrets ?? {}));
      const refused = activated ? refusedAfterActivation(diff) : [];
      if (opts.json) {
        out(
          JSON.stringify(
            {
              name: identity.name,
              pipelineId: found?.pipelineId,
              state: found?.state,
              deployed: Boolean(found),
              diff,
              refused,
              keptScheduleStart: next.kept,
            },
            null,
            2,
          ),
        );
        return ExitCode.OK;
      }
      out(
        found
          ? `${identity.name} (${found.pipelineId}, ${found.state ?? 'UNKNOWN'})`
          : `${identity.name}: not deployed yet; activate would create it`,
      );
      out(formatDiff(diff));
      for (const id of next.kept)
        out(`note: the deployed start of ${id} is kept (AWS does not change an activated schedule's start)`);
      for (const r of refused)
        out(
          `refused by AWS on an activated pipeline: ${r.objectId}${r.field ? `.${r.field}` : ''}: ${r.reason} (activate --force recreates)`,
        );
      return ExitCode.OK;
    } finally {
      clients.destroy();
    }
  } catch (e) {
    return printFailure(e, sources);
  }
}

export async function deactivateOnAws(
  opts: AwsCommandOptions & { name: string; cancelActive?: boolean },
): Promise<number> {
  try {
    return await withClients(opts, async (clients, config) => {
      const p = await requirePipeline(clients, identityFromArg(opts.name, config));
      await deactivatePipeline(clients, p.pipelineId, opts.cancelActive ?? true);
      if (opts.json)
        out(JSON.stringify({ name: p.name, pipelineId: p.pipelineId, deactivated: true }, null, 2));
      else
        out(
          `deactivated ${p.name} (${p.pipelineId})${opts.cancelActive === false ? '; running objects finish first' : '; running objects are canceled'}`,
        );
      return ExitCode.OK;
    });
  } catch (e) {
    return printFailure(e);
  }
}

export async function deleteOnAws(
  opts: AwsCommandOptions & { name: string; yes?: boolean },
): Promise<number> {
  try {
    return await withClients(opts, async (clients, config) => {
      const p = await requirePipeline(clients, identityFromArg(opts.name, config));
      const ok = await confirmDestructive(
        `Delete pipeline ${p.name} (${p.pipelineId}) and all its run history?`,
        opts.yes,
      );
      if (!ok) {
        err('not deleted');
        return ExitCode.FAILURE;
      }
      await deletePipeline(clients, p.pipelineId);
      if (opts.json) out(JSON.stringify({ name: p.name, pipelineId: p.pipelineId, deleted: true }, null, 2));
      else out(`deleted ${p.name} (${p.pipelineId})`);
      return ExitCode.OK;
    });
  } catch (e) {
    return printFailure(e);
  }
}
