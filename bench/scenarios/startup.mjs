/* global process */
// Scenario 1 — start-up: `etlctl --version`, `--help` and `pipeline validate
// pipelines/enrollments.yaml` against bare `node -e 0`, interleaved.
import { median, medianOf, mustRun } from '../lib/measure.mjs';
import { benchEnv } from '../lib/project.mjs';

export const name = 'startup';

export async function run(ctx) {
  const { repo, etlctl, reps, warmup, log } = ctx;
  const cmds = [
    { key: 'node -e 0', argv: [process.execPath, '-e', '0'] },
    { key: 'etlctl --version', argv: [process.execPath, etlctl, '--version'], target: 100 },
    { key: 'etlctl --help', argv: [process.execPath, etlctl, '--help'], target: 100 },
    {
      key: 'etlctl pipeline validate pipelines/enrollments.yaml',
      argv: [process.execPath, etlctl, 'pipeline', 'validate', 'pipelines/enrollments.yaml'],
      target: 300,
    },
  ];
  const samples = await ctx.interleaved(
    cmds.map((c) => ({
      key: c.key,
      run: async () => {
        const r = await mustRun(c.argv, { cwd: repo, env: benchEnv() });
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
    })),
    reps(15),
    { warmup: warmup(1), log },
  );
  const base = median(samples['node -e 0'].map((s) => s.ms));
  const rows = cmds
    .filter((c) => c.target)
    .map((c) => {
      const m = median(samples[c.key].map((s) => s.ms));
      return {
        scenario: 'Start-up',
        measure: `\`${c.key}\``,
        value: m,
        baselineName: 'node -e 0',
        baseline: base,
        ratio: m / base,
        cpu: medianOf(samples[c.key], 'cpuMs'),
        baselineCpu: medianOf(samples['node -e 0'], 'cpuMs'),
        note: `${m >= base ? '+' : '−'}${Math.abs(m - base).toFixed(0)} ms over bare Node`,
        target: `≤ ${c.target} ms`,
        pass: m <= c.target,
      };
    });
  return { rows, samples };
}
