/**
 * Compiling many pipelines for the catalog on every core (issue 16): the pipeline files are split
 * into contiguous runs, each compiled by a worker thread (src/catalog/compile-worker.ts) with the
 * same config value, and the results are joined in file order — the same result as one
 * `compileFiles` call, faster on a large project. Small projects, and runs from the TypeScript
 * sources (tests), compile in-process.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompileFileOptions, CompileFilesResult, CompiledPipeline } from '../compile/index.js';
import { compileFiles, expandPipelinePaths } from '../compile/index.js';
import { loadConfig } from '../config/load.js';
import { EtlError, ExitCode } from '../diagnostics.js';

/** Below this many files a worker costs more to start than it saves. */
const FILES_PER_WORKER = 150;

export interface WorkerInput {
  files: string[];
  opts: CompileFileOptions;
}

export type WorkerOutput =
  | { ok: true; pipelines: CompiledPipeline[]; sources: [string, string][] }
  | { ok: false; diagnostics: EtlError['diagnostics']; exitCode: number; message: string };

/** `jobs`: worker threads to use (default: the cores, at most 4, with enough files for each). */
export async function compileAll(
  paths: string[],
  opts: CompileFileOptions & { cwd: string; jobs?: number },
): Promise<CompileFilesResult> {
  const worker = new URL('./compile-worker.js', import.meta.url);
  const { files, diagnostics } = expandPipelinePaths(paths, opts.cwd);
  const count = Math.min(
    opts.jobs ?? Math.min(availableParallelism(), 4),
    Math.floor(files.length / FILES_PER_WORKER),
  );
  if (diagnostics.length > 0 || count < 2 || !existsSync(fileURLToPath(worker)))
    return compileFiles(paths, opts);
  const config =
    opts.config ??
    loadConfig({
      configPath: opts.configPath,
      mode: opts.mode,
      env: opts.env,
      cwd: opts.cwd,
      overrides: opts.overrides,
    });
  const now = opts.now ?? new Date();
  const size = Math.ceil(files.length / count);
  const chunks = Array.from({ length: count }, (_, k) => files.slice(k * size, (k + 1) * size)).filter(
    (c) => c.length,
  );
  const outputs = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<WorkerOutput>((resolve, reject) => {
          const { jobs: _jobs, ...rest } = opts;
          const input: WorkerInput = { files: chunk, opts: { ...rest, config, now, env: undefined } };
          const w = new Worker(worker, { workerData: input });
          w.once('message', (m: WorkerOutput) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => {
            if (code !== 0) reject(new Error(`catalog compile worker exited with code ${code}`));
          });
        }),
    ),
  );
  const sources = new Map(config.sources);
  const pipelines: CompiledPipeline[] = [];
  for (const o of outputs) {
    if (!o.ok) throw new EtlError(o.diagnostics, o.exitCode as ExitCode);
    pipelines.push(...o.pipelines);
    for (const [k, v] of o.sources) sources.set(k, v);
  }
  return { pipelines, sources, config };
}
