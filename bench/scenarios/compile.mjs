/* global process */
// Scenario 2 — compile scale: generated projects of N pipelines × 10 steps through
// `pipeline validate`; the 1-pipeline project in the same run is the start-up baseline, so the
// per-pipeline time at each size is (t(N) − t(1)) / (N − 1).
import { join } from 'node:path';
import { median, medianOf, mustRun } from '../lib/measure.mjs';
import { benchEnv, writeScaleProject } from '../lib/project.mjs';

export const name = 'compile';

export async function run(ctx) {
  const { etlctl, work, reps, warmup, log, opts } = ctx;
  const sizes = [1, ...opts.sizes.filter((n) => n > 1)];
  const variants = sizes.map((n) => {
    const dir = join(work, `scale-${n}`);
    writeScaleProject(dir, n, 10);
    return {
      key: `${n}`,
      run: async () => {
        const r = await mustRun([process.execPath, etlctl, 'pipeline', 'validate', 'pipelines/'], {
          cwd: dir,
          env: benchEnv(),
        });
        const ok = (r.stdout.match(/^ok\s/gm) ?? []).length;
        if (ok !== n)
          throw new Error(`pipeline validate reported ${ok} ok pipelines of ${n}:\n${r.stdout.slice(-2000)}`);
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
    };
  });
  const samples = await ctx.interleaved(variants, reps(3), { warmup: warmup(1), log });
  const med = Object.fromEntries(sizes.map((n) => [n, median(samples[`${n}`].map((s) => s.ms))]));
  const per = (n) => (med[n] - med[1]) / (n - 1);
  const largest = sizes[sizes.length - 1];
  const rows = [];
  for (let i = 1; i < sizes.length; i++) {
    const n = sizes[i];
    const prev = sizes[i - 1];
    // Only meaningful when both sizes are clear of start-up noise.
    const growth = prev > 1 && per(prev) > 0 && per(n) > 0 ? per(n) / per(prev) : undefined;
    const isLargest = n === largest;
    const linear = growth === undefined || growth <= 1.25;
    rows.push({
      scenario: 'Compile scale',
      measure: `\`pipeline validate\`, ${n.toLocaleString('en-US')} pipelines × 10 steps`,
      value: med[n],
      baselineName: '1 pipeline',
      baseline: med[1],
      ratio: med[n] / med[1],
      cpu: medianOf(samples[`${n}`], 'cpuMs'),
      baselineCpu: medianOf(samples['1'], 'cpuMs'),
      note:
        `${per(n).toFixed(2)} ms/pipeline` +
        (growth !== undefined
          ? `; ×${growth.toFixed(2)} per-pipeline vs ${prev.toLocaleString('en-US')}`
          : ''),
      // Small sizes are dominated by start-up noise: the linearity verdict is taken at the top size.
      target: isLargest ? (n >= 1000 ? '≤ 5 s; growth ≤ linear' : 'growth ≤ linear') : '',
      pass: isLargest ? linear && (n < 1000 || med[n] <= 5000) : null,
    });
  }
  return {
    rows,
    samples,
    details: { perPipelineMs: Object.fromEntries(sizes.slice(1).map((n) => [n, per(n)])) },
  };
}
