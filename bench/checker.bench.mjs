// Definition checker benchmark: checkDefinition on 100- and 1,000-object definitions shaped like
// compiled pipelines (run after `npm run build`: node bench/checker.bench.mjs). Prints ms per check
// and the 1000/100 ratio measured in the same run (linear scaling gives about 10).
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { checkDefinition } from '../dist/src/definition/check.js';
import { largeDefinition as makeLargeDefinition } from './lib/project.mjs';

function time(def, runs) {
  for (let i = 0; i < 20; i++) checkDefinition(def);
  const t = performance.now();
  for (let i = 0; i < runs; i++) checkDefinition(def);
  return (performance.now() - t) / runs;
}

time(makeLargeDefinition(300), 20); // warm-up of every code path
const small = time(makeLargeDefinition(100), 50);
const large = time(makeLargeDefinition(1000), 10);
process.stdout.write(`checkDefinition 100 objects:   ${small.toFixed(2)} ms\n`);
process.stdout.write(
  `checkDefinition 1000 objects:  ${large.toFixed(2)} ms (ratio ${(large / small).toFixed(1)} vs 100)\n`,
);
