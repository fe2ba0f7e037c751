/** A worker thread of src/catalog/compile-pool.ts: compiles its share of the pipeline files. */
import { parentPort, workerData } from 'node:worker_threads';
import { compileFiles } from '../compile/index.js';
import { EtlError } from '../diagnostics.js';
import type { WorkerInput, WorkerOutput } from './compile-pool.js';

const input = workerData as WorkerInput;
let output: WorkerOutput;
try {
  const r = compileFiles(input.files, input.opts);
  output = { ok: true, pipelines: r.pipelines, sources: [...r.sources] };
} catch (e) {
  if (!(e instanceof EtlError)) throw e;
  output = { ok: false, diagnostics: e.diagnostics, exitCode: e.exitCode, message: e.message };
}
parentPort!.postMessage(output);
