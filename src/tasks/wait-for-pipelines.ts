/**
 * `etlctl task wait-for-pipelines` (Dataduct's dependency_check): poll until every instance of
 * each dependency scheduled on `--start-date` is FINISHED. A failed, cascade-failed, canceled or
 * timed-out instance fails the wait, unless that pipeline is ok to fail: then it is reported as a
 * warning (`ETLCTL-ALERT` line, SNS on AWS) and no longer waited for.
 *
 * Locally the source of truth is the engine's state database (read only); on AWS
 * (`ETLCTL_TARGET=aws`, config target aws, or `--aws`) ListPipelines + QueryObjects/DescribeObjects.
 */
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { diag, didYouMean, EtlError, ExitCode } from '../diagnostics.js';
import { taskStateDir } from './connect.js';
import { ALERT_PREFIX } from './qa-check.js';

export const FAILED_STATUSES = new Set(['FAILED', 'CASCADE_FAILED', 'CANCELED', 'CANCELLED', 'TIMEDOUT']);
const DONE_STATUSES = new Set(['FINISHED', 'SKIPPED', 'MARKED_FINISHED']);

export interface InstanceStatus {
  object: string;
  status: string;
  scheduledStart: string;
}

/** Where instance statuses come from. `undefined` = the pipeline is not known (not activated). */
export interface StatusSource {
  statuses(pipeline: string, day: string): Promise<InstanceStatus[] | undefined>;
  known(): Promise<string[]>;
  close(): Promise<void>;
}

export interface WaitOptions {
  pipeline?: string;
  dependencies: string[];
  okToFail: string[];
  refreshRateSeconds: number;
  /** YYYY-MM-dd (a full timestamp is cut to its date). */
  startDate: string;
  timeoutMs?: number;
  warningTopic?: string;
  aws?: boolean;
  mode?: string;
  configPath?: string;
  config?: ResolvedConfig;
  env?: NodeJS.ProcessEnv;
  source?: StatusSource;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Progress lines (the CLI's stdout) and alerts (stderr); the task itself never prints. */
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export interface WaitResult {
  exitCode: number;
  finished: string[];
  failedOk: string[];
  polls: number;
}

type DepState = { kind: 'done' } | { kind: 'failed'; detail: string } | { kind: 'waiting'; detail: string };

export function dependencyState(instances: InstanceStatus[] | undefined, day: string): DepState {
  if (instances === undefined) return { kind: 'waiting', detail: 'not activated yet' };
  const todays = instances.filter((i) => i.scheduledStart.slice(0, 10) === day);
  if (todays.length === 0) return { kind: 'waiting', detail: `no run scheduled on ${day} yet` };
  const failed = todays.filter((i) => FAILED_STATUSES.has(i.status.toUpperCase()));
  if (failed.length > 0)
    return {
      kind: 'failed',
      detail:
        failed
          .slice(0, 3)
          .map((i) => `${i.object} ${i.status}`)
          .join(', ') + (failed.length > 3 ? ` and ${failed.length - 3} more` : ''),
    };
  const done = todays.filter((i) => DONE_STATUSES.has(i.status.toUpperCase())).length;
  if (done === todays.length) return { kind: 'done' };
  return { kind: 'waiting', detail: `${done}/${todays.length} finished` };
}

export function parseDay(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(text.trim());
  if (!m)
    throw new EtlError(
      diag('ETL7930', `--start-date must be a date like 2026-03-10, got '${text}'`, {
        hint: "the step's default is #{format(@scheduledStartTime,'YYYY-MM-dd')}",
      }),
      ExitCode.USAGE,
    );
  return m[1];
}

export async function waitForPipelines(opts: WaitOptions): Promise<WaitResult> {
  const env = opts.env ?? process.env;
  const { stdout, stderr } = opts;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const day = parseDay(opts.startDate);
  const okToFail = new Set(opts.okToFail);
  const all = [...new Set([...opts.dependencies, ...opts.okToFail])];
  let config = opts.config;
  const needConfig = (): ResolvedConfig =>
    (config ??= loadConfig({ mode: opts.mode, configPath: opts.configPath, env }));
  const aws =
    opts.aws ?? (env.ETLCTL_TARGET === 'aws' || (opts.source === undefined && needConfig().target === 'aws'));
  const source =
    opts.source ??
    (aws ? await awsSource(needConfig(), env) : await localSource(taskStateDir(needConfig(), env)));
  const started = now();
  const pending = new Set(all);
  const finished: string[] = [];
  const failedOk: string[] = [];
  let polls = 0;
  let hinted = false;
  stdout(
    `waiting for ${all.join(', ')} (runs scheduled on ${day}; polling every ${opts.refreshRateSeconds}s)`,
  );
  try {
    for (;;) {
      polls++;
      const waiting: string[] = [];
      for (const name of [...pending]) {
        const st = dependencyState(await source.statuses(name, day), day);
        if (st.kind === 'done') {
          pending.delete(name);
          finished.push(name);
          stdout(`FINISHED ${name} (${day})`);
        } else if (st.kind === 'failed') {
          if (!okToFail.has(name)) {
            throw new EtlError(
              diag('ETL7931', `dependency '${name}' failed on ${day}: ${st.detail}`, {
                hint: 'rerun that pipeline, or list it under dependent_pipelines_ok_to_fail if its failure should not block this one',
              }),
              ExitCode.FAILURE,
            );
          }
          pending.delete(name);
          failedOk.push(name);
          const message = `dependency '${name}' failed on ${day} (${st.detail}); continuing because it is ok to fail`;
          stdout(`WARN ${name}: ${message}`);
          stderr(
            ALERT_PREFIX +
              JSON.stringify({
                kind: 'dependency-warning',
                alarm: 'myWarningAlarm',
                pipeline: opts.pipeline,
                dependency: name,
                message,
              }),
          );
          if (opts.warningTopic && aws)
            await publish(
              needConfig(),
              env,
              opts.warningTopic,
              `etlctl: ${opts.pipeline ?? 'pipeline'} dependency ${name} failed`,
              message,
              stderr,
            );
        } else waiting.push(`${name} (${st.detail})`);
      }
      if (pending.size === 0) {
        stdout(
          `all dependencies finished for ${day}${failedOk.length ? ` (failed but ok: ${failedOk.join(', ')})` : ''}`,
        );
        return { exitCode: ExitCode.OK, finished, failedOk, polls };
      }
      if (!hinted) {
        hinted = true;
        const known = await source.known();
        for (const name of pending) {
          if (!known.includes(name)) {
            const dym = didYouMean(name, known);
            stderr(
              `note: pipeline '${name}' is not known${aws ? ' in this AWS account/region' : ' to the local engine'} yet${dym ? ` (${dym})` : ''}`,
            );
          }
        }
      }
      const elapsed = now() - started;
      if (opts.timeoutMs !== undefined && elapsed >= opts.timeoutMs) {
        throw new EtlError(
          diag('ETL7932', `gave up after ${Math.round(elapsed / 1000)}s waiting for ${waiting.join(', ')}`, {
            hint: 'raise wait_timeout, or check why those pipelines have not run',
          }),
          ExitCode.FAILURE,
        );
      }
      stdout(`waiting: ${waiting.join(', ')}`);
      let ms = opts.refreshRateSeconds * 1000;
      if (opts.timeoutMs !== undefined) ms = Math.max(0, Math.min(ms, opts.timeoutMs - elapsed));
      await sleep(ms);
    }
  } finally {
    await source.close();
  }
}

async function localSource(stateDir: string): Promise<StatusSource> {
  const { openStateStore } = await import('../local/state/open.js');
  const store = await openStateStore({ stateDir });
  return {
    async statuses(name) {
      const p = await store.pipeline(name);
      if (!p) return undefined;
      return (await store.instances(name, p.generation)).map((r) => ({
        object: r.object_id,
        status: r.status,
        scheduledStart: r.scheduled_start,
      }));
    },
    async known() {
      return (await store.pipelines()).map((p) => p.name);
    },
    async close() {
      await store.close();
    },
  };
}

async function awsSource(config: ResolvedConfig, env: NodeJS.ProcessEnv): Promise<StatusSource> {
  const { AwsClients } = await import('../aws/clients.js');
  const { listPipelineIds } = await import('../aws/pipelines.js');
  const { QueryObjectsCommand, DescribeObjectsCommand } = await import('@aws-sdk/client-data-pipeline');
  const clients = new AwsClients({ region: config.aws.region, env });
  const dp = await clients.dataPipeline();
  let ids: { id: string; name: string }[] | undefined;
  const list = async () => (ids ??= await listPipelineIds(clients));
  return {
    async statuses(name, day) {
      let match = (await list()).filter((p) => p.name === name);
      if (match.length === 0) {
        ids = undefined; // it may have been created since the last look
        match = (await list()).filter((p) => p.name === name);
        if (match.length === 0) return undefined;
      }
      const out: InstanceStatus[] = [];
      for (const p of match) {
        const objectIds: string[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await dp.send(
            new QueryObjectsCommand({
              pipelineId: p.id,
              sphere: 'INSTANCE',
              marker,
              query: {
                selectors: [
                  {
                    fieldName: '@scheduledStartTime',
                    operator: { type: 'BETWEEN', values: [`${day}T00:00:00`, `${day}T23:59:59`] },
                  },
                ],
              },
            }),
          );
          objectIds.push(...(page.ids ?? []));
          if (!page.hasMoreResults || !page.marker) break;
          marker = page.marker;
        }
        for (let i = 0; i < objectIds.length; i += 25) {
          const res = await dp.send(
            new DescribeObjectsCommand({
              pipelineId: p.id,
              objectIds: objectIds.slice(i, i + 25),
              evaluateExpressions: false,
            }),
          );
          for (const o of res.pipelineObjects ?? []) {
            const field = (k: string) => o.fields?.find((f) => f.key === k)?.stringValue ?? '';
            out.push({
              object: o.name ?? o.id ?? '',
              status: field('@status'),
              scheduledStart: field('@scheduledStartTime') || day,
            });
          }
        }
      }
      return out;
    },
    async known() {
      return (await list()).map((p) => p.name);
    },
    async close() {
      dp.destroy();
    },
  };
}

async function publish(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv,
  topic: string,
  subject: string,
  message: string,
  stderr: (l: string) => void,
): Promise<void> {
  try {
    const { AwsClients } = await import('../aws/clients.js');
    const { PublishCommand } = await import('@aws-sdk/client-sns');
    const sns = await new AwsClients({ region: config.aws.region, env }).sns();
    await sns.send(new PublishCommand({ TopicArn: topic, Subject: subject.slice(0, 100), Message: message }));
  } catch (e) {
    stderr(`warning ETL7920: could not publish the warning to ${topic}: ${(e as Error).message}`);
  }
}
