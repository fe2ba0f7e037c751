/**
 * Preconditions (reference §3.3): S3KeyExists, S3PrefixNotEmpty, ShellCommandPrecondition and
 * Exists, checked before an activity runs (its own and those of its input data nodes). A check
 * that fails is repeated `retryDelay` apart until `preconditionTimeout`, or until it holds when
 * there is none (attempt.ts `waitForPrecondition`).
 */
import type { PipelineObject } from '../definition/model.js';
import { stringField } from '../definition/model.js';
import { EtlError, diag } from '../diagnostics.js';
import type { ShellContext } from './activities/shell.js';
import { runShellCommand } from './activities/shell.js';

export const PRECONDITION_TYPES: ReadonlySet<string> = new Set([
  'S3KeyExists',
  'S3PrefixNotEmpty',
  'ShellCommandPrecondition',
  'Exists',
]);

/**
 * `pre` is the evaluated precondition (with `#{node.…}` already resolved), `node` the evaluated
 * object it guards. Returns a reason when not met.
 */
export async function checkPrecondition(
  pre: PipelineObject,
  node: PipelineObject,
  ctx: ShellContext,
): Promise<string | undefined> {
  const type = stringField(pre, 'type');
  switch (type) {
    case 'S3KeyExists': {
      const key = stringField(pre, 's3Key');
      if (!key) return `S3KeyExists '${pre.id}' has no s3Key`;
      return (await ctx.s3.exists(key)) ? undefined : `${key} does not exist`;
    }
    case 'S3PrefixNotEmpty': {
      const prefix = stringField(pre, 's3Prefix');
      if (!prefix) return `S3PrefixNotEmpty '${pre.id}' has no s3Prefix`;
      return (await ctx.s3.exists(prefix)) ? undefined : `nothing under ${prefix}`;
    }
    case 'ShellCommandPrecondition':
      try {
        await runShellCommand({ ...ctx, object: { ...pre, fields: { ...pre.fields, stage: 'false' } } });
        return undefined;
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        return `command failed: ${(e as Error).message}`;
      }
    case 'Exists': {
      const path = stringField(node, 'filePath') ?? stringField(node, 'directoryPath');
      if (!path) return undefined; // Only S3 data nodes can be checked locally; others are taken as present.
      return (await ctx.s3.exists(path)) ? undefined : `${path} does not exist`;
    }
    default:
      throw new EtlError(
        diag('ETL7545', `precondition type '${type}' of '${pre.id}' is not supported by the local engine`, {
          objectId: pre.id,
        }),
      );
  }
}
