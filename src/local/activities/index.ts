/**
 * Activity type → runner. Runners load lazily (DESIGN.md decision 11). EMR-based activities have
 * no local equivalent; `checkRunnable` rejects them at activation, before anything runs.
 */
import { EtlError, diag } from '../../diagnostics.js';
import type { Diagnostic } from '../../diagnostics.js';
import type { ShellContext } from './shell.js';
import type { ActivityResult, ActivityRunner } from './types.js';

export const NOT_RUNNABLE_LOCALLY: ReadonlySet<string> = new Set([
  'EmrActivity',
  'HiveActivity',
  'HiveCopyActivity',
  'PigActivity',
  'HadoopActivity',
]);

/** Data-plane runners by activity type, loaded on first use. */
const DATA_PLANE: Record<string, () => Promise<ActivityRunner>> = {
  SqlActivity: async () => (await import('./sql.js')).runSqlActivity,
  CopyActivity: async () => (await import('./copy.js')).runCopyActivity,
  RedshiftCopyActivity: async () => (await import('./redshift-copy.js')).runRedshiftCopyActivity,
};

export function isActivityType(type: string | undefined): boolean {
  return type !== undefined && type.endsWith('Activity');
}

export function isRunnableLocally(type: string): boolean {
  return type === 'ShellCommandActivity' || type in DATA_PLANE;
}

/** One diagnostic per activity that cannot run locally. */
export function checkRunnable(activities: { id: string; type: string }[]): Diagnostic[] {
  return activities
    .filter((a) => !isRunnableLocally(a.type))
    .map((a) =>
      diag(
        'ETL7540',
        NOT_RUNNABLE_LOCALLY.has(a.type)
          ? `${a.type} '${a.id}' is not runnable locally (it needs an EMR cluster)`
          : `activity type '${a.type}' of '${a.id}' is not supported by the local engine`,
        {
          objectId: a.id,
          hint: 'run this pipeline on AWS (target: aws), or replace the step with a ShellCommandActivity or SQL step',
        },
      ),
    );
}

export async function runActivity(type: string, ctx: ShellContext): Promise<ActivityResult> {
  // The compiler's InstallEtlctl puts etlctl on an AWS worker; locally this very etlctl runs the tasks.
  if (ctx.object.fields.myEtlctlRole === 'worker-bootstrap') {
    ctx.log('[etlctl] worker bootstrap skipped locally: `etlctl task` steps run with this etlctl');
    return {};
  }
  if (type === 'ShellCommandActivity') {
    // A compiled `etlctl task copy` runs in this process, so its output can stream into its load.
    const { copyTaskOf, runCopyTaskInProcess } = await import('./etlctl-task.js');
    const copy = copyTaskOf(ctx.object);
    if (copy) return runCopyTaskInProcess(ctx, copy);
    return (await import('./shell.js')).runShellCommand(ctx);
  }
  const load = DATA_PLANE[type];
  if (!load) throw new EtlError(checkRunnable([{ id: ctx.object.id, type }]));
  return (await load())(ctx);
}
