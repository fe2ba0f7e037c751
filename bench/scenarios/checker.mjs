/* global process */
// Scenario 3 — checker: `definition validate` on a 1,000-object definition against the same
// command on a 10-object one (the command's own start-up), interleaved. The in-process
// breakdown comes from bench/checker.bench.mjs (the checker's own benchmark) when it exists.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, medianOf, mustRun } from '../lib/measure.mjs';
import { benchEnv, largeDefinition } from '../lib/project.mjs';

export const name = 'checker';

export async function run(ctx) {
  const { repo, etlctl, work, reps, warmup, log, opts } = ctx;
  const { stringifyDefinition } = await import(join(repo, 'dist/src/definition/json.js'));
  const n = opts.objects;
  const files = { big: join(work, `definition-${n}.json`), small: join(work, 'definition-10.json') };
  writeFileSync(files.big, stringifyDefinition(largeDefinition(n)));
  writeFileSync(files.small, stringifyDefinition(largeDefinition(10)));
  const check = (file) => async () => {
    const argv = [
      process.execPath,
      etlctl,
      'definition',
      'validate',
      file,
      '--now',
      '2026-03-01T12:00:00Z',
      '--max-objects',
      String(n + 100),
    ];
    const r = await mustRun(argv, { cwd: work, env: benchEnv() });
    if (!/no errors/.test(r.stdout + r.stderr))
      throw new Error(`definition validate found errors in ${file}:\n${r.stdout}${r.stderr}`);
    return { ms: r.ms, cpuMs: r.cpuMs };
  };
  const big = `${n} objects`;
  const samples = await ctx.interleaved(
    [
      { key: '10 objects', run: check(files.small) },
      { key: big, run: check(files.big) },
    ],
    reps(10),
    { warmup: warmup(1), log },
  );
  const m = median(samples[big].map((s) => s.ms));
  const base = median(samples['10 objects'].map((s) => s.ms));
  const details = {};
  const inProcess = join(repo, 'bench/checker.bench.mjs');
  if (opts.details && existsSync(inProcess)) {
    details.inProcess = (await mustRun([process.execPath, inProcess], { cwd: repo })).stdout.trim();
    log(details.inProcess.replace(/^/gm, '  '));
  }
  return {
    rows: [
      {
        scenario: 'Checker',
        measure: `\`definition validate\`, ${n.toLocaleString('en-US')} objects`,
        value: m,
        baselineName: '10 objects (start-up)',
        baseline: base,
        ratio: m / base,
        cpu: medianOf(samples[big], 'cpuMs'),
        baselineCpu: medianOf(samples['10 objects'], 'cpuMs'),
        note: `${m >= base ? '+' : '−'}${Math.abs(m - base).toFixed(0)} ms beyond start-up`,
        target: '≤ 200 ms beyond start-up',
        pass: m - base <= 200,
      },
    ],
    samples,
    details,
  };
}
