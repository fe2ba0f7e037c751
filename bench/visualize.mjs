/* global console */
// Visualize benchmark: a generated 100-step pipeline (extract → load → upsert → qa, repeated)
// drawn to DOT, SVG and PNG with the WASM Graphviz and resvg (run after `npm run build`:
// node bench/visualize.mjs). Prints ms per render and the 100/10-step ratio from the same run.
import { performance } from 'node:perf_hooks';
import {
  dotToSvg,
  makeChainDefinition,
  preferFastWasmStartup,
  renderDefinition,
} from '../dist/src/graph/index.js';

// As the CLI does (baseline wasm compiler only).
await preferFastWasmStartup();

async function time(fn, runs) {
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t) / runs;
}

const t0 = performance.now();
await dotToSvg('digraph { a -> b }');
const load = performance.now() - t0;

const ten = makeChainDefinition(10);
const hundred = makeChainDefinition(100);
const dot100 = await time(() => renderDefinition(hundred, { format: 'dot' }), 5);
const svg10 = await time(() => renderDefinition(ten, { format: 'svg' }), 5);
const svg100 = await time(() => renderDefinition(hundred, { format: 'svg' }), 3);
const svg100act = await time(() => renderDefinition(hundred, { format: 'svg', activitiesOnly: true }), 3);
const png100 = await time(() => renderDefinition(hundred, { format: 'png' }), 1);

console.log(`Graphviz WASM load (once per process): ${load.toFixed(0)} ms`);
console.log(`100-step pipeline (${hundred.objects.length} objects):`);
console.log(`  DOT                ${dot100.toFixed(1)} ms`);
console.log(
  `  SVG                ${svg100.toFixed(0)} ms (ratio ${(svg100 / svg10).toFixed(1)} vs 10 steps: ${svg10.toFixed(0)} ms)`,
);
console.log(`  SVG activities-only ${svg100act.toFixed(0)} ms`);
console.log(`  PNG                ${png100.toFixed(0)} ms`);
