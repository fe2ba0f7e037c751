/* global process */
// Scenario 7 — catalog: `etlctl catalog build` over the generated compile-scale project (the
// largest --sizes, default 1,000 pipelines × 10 steps), each pipeline with a `meta:` block (owner,
// tags, SLA), against the same command on a 1-pipeline project (start-up), interleaved. Checked:
// catalog.json lists every pipeline and the site's files are written.
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, medianOf, mustRun } from '../lib/measure.mjs';
import { benchEnv, writeScaleProject } from '../lib/project.mjs';

export const name = 'catalog';

function writeProject(dir, n) {
  const pipelines = writeScaleProject(dir, n, 10);
  for (const f of readdirSync(pipelines).filter((x) => x.endsWith('.yaml')))
    appendFileSync(
      join(pipelines, f),
      `\nmeta:\n  owner: team-${f.length % 7}\n  tags: [orders]\n  sla: { ready_by: "06:00", timezone: Europe/Berlin }\n`,
    );
}

export async function run(ctx) {
  const { etlctl, work, reps, warmup, log, opts } = ctx;
  const largest = Math.max(...opts.sizes);
  const sizes = [1, largest];
  const variants = sizes.map((n) => {
    const dir = join(work, `catalog-${n}`);
    writeProject(dir, n);
    return {
      key: `${n}`,
      run: async () => {
        const r = await mustRun([process.execPath, etlctl, 'catalog', 'build', 'pipelines/', '-o', 'site'], {
          cwd: dir,
          env: benchEnv(),
        });
        const catalog = JSON.parse(readFileSync(join(dir, 'site/catalog.json'), 'utf8'));
        if (catalog.pipelines.length !== n || !existsSync(join(dir, 'site/index.html')))
          throw new Error(`catalog build wrote ${catalog.pipelines.length} pipelines of ${n}:\n${r.stdout}`);
        return { ms: r.ms, cpuMs: r.cpuMs };
      },
    };
  });
  const samples = await ctx.interleaved(variants, reps(3), { warmup: warmup(1), log });
  const m = median(samples[`${largest}`].map((s) => s.ms));
  const base = median(samples['1'].map((s) => s.ms));
  return {
    rows: [
      {
        scenario: 'Catalog',
        measure: `\`catalog build\`, ${largest.toLocaleString('en-US')} pipelines × 10 steps`,
        value: m,
        baselineName: '1 pipeline',
        baseline: base,
        ratio: m / base,
        cpu: medianOf(samples[`${largest}`], 'cpuMs'),
        baselineCpu: medianOf(samples['1'], 'cpuMs'),
        note: `${((m - base) / Math.max(1, largest - 1)).toFixed(2)} ms/pipeline`,
        target: largest >= 1000 ? '≤ 5 s' : '',
        pass: largest >= 1000 ? m <= 5000 : null,
      },
    ],
    samples,
  };
}
