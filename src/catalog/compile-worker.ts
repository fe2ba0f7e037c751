/**
 * A worker thread of src/catalog/compile-pool.ts: once the job arrives, takes batches of pipeline
 * files from the shared counter until none are left, and sends each batch's pipeline summaries as
 * soon as it is done. One table-definition cache spans all its batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { withSharedTableCache } from '../compile/context.js';
import { EtlError } from '../diagnostics.js';
import { PipelineAnalyzer } from './analyze.js';
import type { WorkerInput, WorkerJob, WorkerMessage } from './compile-pool.js';

const counter = new Int32Array((workerData as WorkerInput).counter);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

function run(job: WorkerJob): void {
  const analyzer = new PipelineAnalyzer(job.opts.config, job.cwd);
  // The config's own texts are already in the main thread's sources.
  const known = new Set(job.opts.config.sources.keys());
  withSharedTableCache(() => {
    for (
      let k = Atomics.add(counter, 0, 1);
      k * job.batch < job.files.length;
      k = Atomics.add(counter, 0, 1)
    ) {
      const files = job.files.slice(k * job.batch, (k + 1) * job.batch);
      const r = analyzer.analyze(files, job.opts, job.columns);
      post({
        kind: 'batch',
        batch: k,
        pipelines: r.pipelines,
        sources: [...r.sources].filter(([key]) => !known.has(key)),
      });
    }
  });
}

parentPort!.once('message', (job: WorkerJob) => {
  try {
    run(job);
    post({ kind: 'done' });
  } catch (e) {
    if (!(e instanceof EtlError)) throw e;
    post({ kind: 'error', diagnostics: e.diagnostics, exitCode: e.exitCode });
  }
});
