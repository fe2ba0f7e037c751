/**
 * A local run as a result (activate on a local target, `definition run`): per pipeline the
 * summary and every instance with its attempts — the same instance shape as `pipeline status`
 * and `pipeline history`. The human side prints live (views/progress.ts); at the end there is
 * nothing more to say than the diagnostics.
 */
import type { RunSummary } from '../../local/engine.js';
import type { AttemptView } from '../../local/activate.js';
import type { LocalPlan } from '../../local/dry-run.js';
import { unshown } from '../outcome.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';

export interface RunInstance {
  id: number;
  objectId: string;
  name: string;
  type: string;
  scheduledStart: string;
  /** INTERRUPTED when a stopped run did not finish it. */
  status: string;
  rows: number | null;
  error: string | null;
  logPath: string | null;
  attempts: AttemptView[];
}

export interface LocalRun {
  pipeline: string;
  runId: number | null;
  ok: number;
  failed: number;
  skipped: number;
  interrupted: number;
  total: number;
  elapsedMs: number;
  exitCode: number;
  nothingToDo: boolean;
  nextDue: string | null;
  translations: string[];
  instances: RunInstance[];
}

export type LocalActivateResult =
  | { target: 'local'; mode: 'run'; stopped: boolean; runs: LocalRun[] }
  | { target: 'local'; mode: 'dry-run'; plans: LocalPlan[] }
  | { target: 'local'; mode: 'detached'; pid: number | null; logPath: string }
  | {
      target: 'local';
      mode: 'enqueued';
      pipelines: { pipeline: string; runId: number | null; generation: number; instances: number }[];
    };

/** `unfinished`: instances a stopped run left unfinished (src/local/activate.ts `unfinished`). */
export function localRun(
  s: RunSummary,
  attempts: Map<number, AttemptView[]>,
  unfinished: Set<number>,
): LocalRun {
  const interrupted = unfinished.size;
  return {
    pipeline: s.pipeline,
    runId: s.runId ?? null,
    ok: s.ok,
    failed: s.failed,
    skipped: s.skipped - interrupted,
    interrupted,
    total: s.ok + s.failed + s.skipped,
    elapsedMs: s.elapsedMs,
    exitCode: s.exitCode,
    nothingToDo: s.nothingToDo,
    nextDue: s.nextDue ? s.nextDue.toISOString() : null,
    translations: s.translations,
    instances: s.instances.map((i) => ({
      id: i.id,
      objectId: i.objectId,
      name: i.name,
      type: i.type,
      scheduledStart: i.scheduledStart,
      status: unfinished.has(i.id) ? 'INTERRUPTED' : i.status,
      rows: i.rows ?? null,
      error: i.error ?? null,
      logPath: i.logPath ?? null,
      attempts: attempts.get(i.id) ?? [],
    })),
  };
}

function dryRun(plans: LocalPlan[], print: (t: string) => void): void {
  for (const p of plans) {
    print(
      `Plan for ${p.pipeline} (${p.file}): ${p.wouldRun} step instance${p.wouldRun === 1 ? '' : 's'} would run; nothing was run`,
    );
    for (const a of p.activities) {
      const when =
        a.dueCount === 0
          ? 'not due yet'
          : a.dueCount === 1
            ? a.due[0]
            : `${a.dueCount} periods, ${a.due[0]} … ${a.due[a.due.length - 1]}${a.dueCount > a.due.length ? ' (first 20 listed)' : ''}`;
      const deps = a.dependsOn.length ? ` after ${a.dependsOn.join(', ')}` : '';
      const done = a.finished ? `, ${a.finished} already finished` : '';
      print(`  ${a.wouldRun > 0 ? 'RUN ' : 'SKIP'} ${a.name} [${a.type}] ${when}${deps}${done}`);
    }
  }
}

export const localActivateView: View<LocalActivateResult> = {
  human(o, io) {
    const r = o.result!;
    if (r.mode === 'detached') {
      io.out(`Started in the background (pid ${r.pid}). Log: ${r.logPath}`);
      io.out('Follow it with: etlctl pipeline status <name>');
    }
    if (r.mode === 'dry-run') dryRun(r.plans, (t) => io.out(t));
    if (r.mode === 'enqueued') {
      for (const p of r.pipelines)
        io.out(
          p.instances === 0
            ? `${p.pipeline}: nothing new to enqueue (the agents have it).`
            : `${p.pipeline}: enqueued ${p.instances} step instance${p.instances === 1 ? '' : 's'} for the agents (run #${p.runId}). Wait with: etlctl pipeline wait ${p.pipeline}`,
        );
    }
    // A run printed its progress and summaries as it went; what is left are the diagnostics.
    printDiagnostics(io, unshown(o), o.sources);
  },
};
