/**
 * The four task API calls of a Data Pipeline Task Runner over the real SDK client
 * (@aws-sdk/client-data-pipeline), with the SDK loaded when the worker starts (DESIGN.md decision 11).
 * `endpoint` is for loopback stand-ins and private endpoints; otherwise the SDK's own chain
 * (AWS_ENDPOINT_URL_DATA_PIPELINE, region) decides. Failures become one-line EtlErrors naming the
 * operation (src/aws/errors.ts).
 */
import type { DataPipelineClient } from '@aws-sdk/client-data-pipeline';
import { explainAwsError } from '../errors.js';
import type { ApiTaskObject } from './task.js';

export interface TaskApi {
  heartbeat(): Promise<{ terminate: boolean }>;
  poll(): Promise<ApiTaskObject | undefined>;
  progress(taskId: string): Promise<{ canceled: boolean }>;
  setStatus(s: {
    taskId: string;
    taskStatus: 'FINISHED' | 'FAILED' | 'FALSE';
    errorId?: string;
    errorMessage?: string;
    errorStackTrace?: string;
  }): Promise<void>;
  destroy(): void;
}

export interface TaskApiOptions {
  region: string;
  endpoint?: string;
  workerGroup: string;
  taskrunnerId: string;
  hostname: string;
}

const noop = (): void => {};

export async function openTaskApi(o: TaskApiOptions): Promise<TaskApi> {
  if (process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === undefined)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const sdk = await import('@aws-sdk/client-data-pipeline');
  const client: DataPipelineClient = new sdk.DataPipelineClient({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    logger: { debug: noop, info: noop, warn: noop, error: noop },
    // PollForTask may hold the request up to 90 s waiting for work (the service's long poll).
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw explainAwsError(e, what);
    }
  };
  return {
    heartbeat: async () => {
      const r = await call('ReportTaskRunnerHeartbeat', () =>
        client.send(
          new sdk.ReportTaskRunnerHeartbeatCommand({
            taskrunnerId: o.taskrunnerId,
            workerGroup: o.workerGroup,
            hostname: o.hostname,
          }),
        ),
      );
      return { terminate: r.terminate === true };
    },
    poll: async () => {
      // instanceIdentity is the EC2 instance document: a machine outside EC2 has none to send.
      const r = await call('PollForTask', () =>
        client.send(new sdk.PollForTaskCommand({ workerGroup: o.workerGroup, hostname: o.hostname })),
      );
      return r.taskObject?.taskId ? (r.taskObject as ApiTaskObject) : undefined;
    },
    progress: async (taskId) => {
      const r = await call('ReportTaskProgress', () =>
        client.send(new sdk.ReportTaskProgressCommand({ taskId })),
      );
      return { canceled: r.canceled === true };
    },
    setStatus: async (s) => {
      await call('SetTaskStatus', () => client.send(new sdk.SetTaskStatusCommand(s)));
    },
    destroy: () => client.destroy(),
  };
}

/** The service no longer knows the task (canceled, timed out, or handed to another runner). */
export function isTaskGone(e: unknown): boolean {
  const text = e instanceof Error ? e.message : String(e);
  return /TaskNotFoundException/.test(text);
}
