/**
 * `pipeline activate` for humans. AWS: one block per pipeline as it deploys (what was uploaded,
 * created, put, activated), printed from the deploy's events; local: views/local-run.ts.
 */
import type { DeployEvent, DeployRecord } from '../../aws/activate.js';
import type { Diagnostic, SourceTexts } from '../../diagnostics/index.js';
import { summarize } from '../../diagnostics/index.js';
import type { Io } from '../io.js';
import { unshown } from '../outcome.js';
import type { View } from '../runner.js';
import { printDiagnostics } from './diagnostics.js';
import type { LocalActivateResult } from './local-run.js';
import { localActivateView } from './local-run.js';

export type ActivateResult =
  { target: 'aws'; dryRun: boolean; pipelines: DeployRecord[] } | LocalActivateResult;

function summaryLine(r: DeployRecord): string {
  const uploaded = r.assets.filter((a) => a.action === 'uploaded').length;
  const parts = [
    r.pipeline === 'existing' ? 'existing pipeline' : r.pipeline.replace('-', ' '),
    uploaded > 0 ? `${uploaded} asset${uploaded === 1 ? '' : 's'} uploaded` : undefined,
    {
      put: 'definition put',
      unchanged: 'definition unchanged',
      'would-put': 'definition would be put',
      failed: 'definition rejected',
      'not-reached': undefined,
    }[r.put],
    {
      activated: 'activated',
      'already-active': 'already active',
      'would-activate': 'would activate',
      'not-reached': 'not activated',
    }[r.activate],
  ].filter(Boolean);
  return parts.join(', ');
}

/** Prints the deploy of each pipeline as it happens; marks the diagnostics it printed. */
export function awsEventPrinter(
  io: Io,
  sources: SourceTexts,
  shown: Set<Diagnostic>,
): (e: DeployEvent) => void {
  return (e) => {
    if (e.kind === 'deploy-start')
      io.out(
        `${e.dryRun ? 'Plan for' : 'Deploying'} ${e.pipeline} (${e.file}, mode ${e.mode ?? 'default'}) to AWS`,
      );
    else if (e.kind === 'deploy-step') io.out(`  ${e.message}`);
    else {
      printDiagnostics(io, e.diagnostics, sources);
      for (const d of e.diagnostics) shown.add(d);
      const r = e.record;
      if (r.pipelineId) io.out(`  pipeline id: ${r.pipelineId}`);
      if (r.consoleUrl) io.out(`  console: ${r.consoleUrl}`);
      io.out(`  ${r.exitCode === 0 ? 'done' : 'stopped'}: ${summaryLine(r)}`);
    }
  };
}

export const activateView: View<ActivateResult> = {
  human(o, io) {
    const r = o.result!;
    if (r.target === 'local') return localActivateView.human({ ...o, result: r }, io);
    const rest = unshown(o);
    printDiagnostics(io, rest, o.sources);
    // Stopped by the front end: nothing reached AWS.
    if (r.pipelines.length === 0 && o.exitCode !== 0)
      io.err(`${summarize(o.diagnostics)}: nothing was sent to AWS`);
  },
};
