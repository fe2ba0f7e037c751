/* global process */
// Scenario 6 — visualize: a 100-step pipeline to SVG through the CLI, against a 10-step pipeline
// (the command's start-up and Graphviz load), interleaved. The in-process breakdown (DOT, SVG,
// PNG) comes from bench/visualize.mjs, the graph area's own benchmark, when it exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, medianOf, mustRun } from '../lib/measure.mjs';
import { benchEnv, pipelineYaml, writeProjectBase } from '../lib/project.mjs';

export const name = 'visualize';

export async function run(ctx) {
  const { repo, etlctl, work, reps, warmup, log, opts } = ctx;
  const dir = join(work, 'visualize');
  const { pipelines } = writeProjectBase(dir);
  const steps = opts.steps;
  const smallSteps = Math.min(10, Math.ceil(steps / 2));
  writeFileSync(join(pipelines, 'small.yaml'), pipelineYaml('small', smallSteps));
  writeFileSync(join(pipelines, 'big.yaml'), pipelineYaml('big', steps));
  const draw = (file) => async () => {
    const svg = join(dir, `${file}.svg`);
    const r = await mustRun(
      [process.execPath, etlctl, 'pipeline', 'visualize', `pipelines/${file}.yaml`, '-o', svg],
      {
        cwd: dir,
        env: benchEnv(),
      },
    );
    if (!readFileSync(svg, 'utf8').includes('<svg')) throw new Error(`${svg} is not an SVG`);
    return { ms: r.ms, cpuMs: r.cpuMs };
  };
  const big = `${steps} steps`;
  const samples = await ctx.interleaved(
    [
      { key: `${smallSteps} steps`, run: draw('small') },
      { key: big, run: draw('big') },
    ],
    reps(5),
    { warmup: warmup(1), log },
  );
  const m = median(samples[big].map((s) => s.ms));
  const base = median(samples[`${smallSteps} steps`].map((s) => s.ms));
  const details = {};
  const inProcess = join(repo, 'bench/visualize.mjs');
  if (opts.details && existsSync(inProcess)) {
    details.inProcess = (await mustRun([process.execPath, inProcess], { cwd: repo })).stdout.trim();
    log(details.inProcess.replace(/^/gm, '  '));
  }
  return {
    rows: [
      {
        scenario: 'Visualize',
        measure: `\`pipeline visualize -o x.svg\`, ${steps} steps`,
        value: m,
        baselineName: `${smallSteps} steps`,
        baseline: base,
        ratio: m / base,
        cpu: medianOf(samples[big], 'cpuMs'),
        baselineCpu: medianOf(samples[`${smallSteps} steps`], 'cpuMs'),
        note: '',
        target: '≤ 2 s',
        pass: m <= 2000,
      },
    ],
    samples,
    details,
  };
}
