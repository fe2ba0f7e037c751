/**
 * Compiling and summarizing many pipelines for the catalog on every core (issue 16). `--jobs N`
 * threads share the work: the main thread and N-1 worker threads (src/catalog/compile-worker.ts)
 * take batches of pipeline files from one shared counter — a thread that finishes early takes
 * more — compile them, and keep each pipeline's summary (src/catalog/analyze.ts: meta, schedule,
 * steps, lineage). Workers send theirs as soon as a batch is done, and the main thread reads them
 * between its own batches. Batches are joined in file order: the same result as summarizing
 * every file in one thread. Small projects, and runs from the TypeScript sources (tests), use the
 * main thread alone.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { withSharedTableCache } from '../compile/context.js';
import type { CompileFileOptions } from '../compile/index.js';
import { expandPipelinePaths } from '../compile/index.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { EtlError, ExitCode } from '../diagnostics.js';
import type { AnalyzedFiles, AnalyzedPipeline, TableColumns } from './analyze.js';
import { PipelineAnalyzer, tableColumns } from './analyze.js';
import type { TableFiles } from './tables.js';

/** Below this many files a thread costs more to start than it saves. */
const FILES_PER_THREAD = 150;
/** Files per batch: small enough to balance the threads, large enough that messages stay few. */
const BATCH_MAX = 50;
const BATCH_MIN = 10;

/** The work, sent to each worker once the main thread has loaded the config. */
export interface WorkerJob {
  /** Every pipeline file (absolute, in order); batch k is files[k*batch, (k+1)*batch). */
  files: string[];
  batch: number;
  cwd: string;
  opts: CompileFileOptions & { config: ResolvedConfig };
  columns: TableColumns;
}

export interface WorkerInput {
  /** Int32 counter of the next batch to take, shared by every thread. */
  counter: SharedArrayBuffer;
}

export type WorkerMessage =
  | { kind: 'batch'; batch: number; pipelines: AnalyzedPipeline[]; sources: [string, string][] }
  | { kind: 'done' }
  | { kind: 'error'; diagnostics: Diagnostic[]; exitCode: number };

export interface AnalyzeAllResult extends AnalyzedFiles {
  config: ResolvedConfig;
  /** The table definition files every pipeline names. */
  tables: TableFiles;
}

type Options = CompileFileOptions & { cwd: string; jobs?: number };

/** The config compileFiles would load (pipeline folders are searched after the cwd), and the pipeline files. */
function configAndFiles(
  paths: string[],
  opts: Options,
  given: string[],
): { config: ResolvedConfig; files: string[] } {
  const config =
    opts.config ??
    loadConfig({
      configPath: opts.configPath,
      mode: opts.mode,
      env: opts.env,
      cwd: opts.cwd,
      overrides: opts.overrides,
      searchFrom: [...new Set(given.map((f) => dirname(f)))],
    });
  // A folder holding the config file does not make it a pipeline (as in compileFiles); expanding
  // again without it changes nothing unless it was found.
  if (!config.file || !given.includes(config.file)) return { config, files: given };
  const again = expandPipelinePaths(paths, opts.cwd, new Set([config.file]));
  if (again.diagnostics.length > 0) throw new EtlError(again.diagnostics, ExitCode.USAGE);
  return { config, files: again.files };
}

/** `jobs`: threads to use (default: the cores, at most 4, with enough files for each). */
export async function analyzeAll(paths: string[], opts: Options): Promise<AnalyzeAllResult> {
  const { jobs, ...compileOpts } = opts;
  const given = expandPipelinePaths(paths, opts.cwd);
  if (given.diagnostics.length > 0) throw new EtlError(given.diagnostics, ExitCode.USAGE);
  const script = new URL('./compile-worker.js', import.meta.url);
  const threads = Math.min(
    jobs ?? Math.min(availableParallelism(), 4),
    Math.floor(given.files.length / FILES_PER_THREAD),
  );
  const input: WorkerInput = { counter: new SharedArrayBuffer(4) };
  // Started before the config is read: the workers load the compiler meanwhile.
  const workers =
    threads >= 2 && existsSync(fileURLToPath(script))
      ? Array.from({ length: threads - 1 }, () => new Worker(script, { workerData: input }))
      : [];
  try {
    const { config, files } = configAndFiles(paths, opts, given.files);
    const analyzer = new PipelineAnalyzer(config, opts.cwd);
    const tables = analyzer.tablesOf(files);
    const job: WorkerJob = {
      files,
      batch: workers.length
        ? Math.max(BATCH_MIN, Math.min(BATCH_MAX, Math.ceil(files.length / (threads * 8))))
        : files.length,
      cwd: opts.cwd,
      opts: { ...compileOpts, config, now: opts.now ?? new Date(), env: undefined },
      columns: tableColumns(tables),
    };
    const batches: Extract<WorkerMessage, { kind: 'batch' }>[] = [];
    const finishing = workers.map((w) => finished(w, batches));
    for (const w of workers) w.postMessage(job);
    // Rejections are awaited below; until then the main thread compiles its share.
    for (const f of finishing) f.catch(() => undefined);
    await ownShare(analyzer, job, new Int32Array(input.counter), batches, workers.length > 0);
    await Promise.all(finishing);
    return { ...joined(job, config, batches), config, tables };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/** The main thread's batches, letting the workers' messages in between them. */
async function ownShare(
  analyzer: PipelineAnalyzer,
  job: WorkerJob,
  counter: Int32Array,
  batches: Extract<WorkerMessage, { kind: 'batch' }>[],
  yieldBetween: boolean,
): Promise<void> {
  for (let k = Atomics.add(counter, 0, 1); k * job.batch < job.files.length; k = Atomics.add(counter, 0, 1)) {
    const files = job.files.slice(k * job.batch, (k + 1) * job.batch);
    const r = withSharedTableCache(() => analyzer.analyze(files, job.opts, job.columns));
    batches[k] = { kind: 'batch', batch: k, pipelines: r.pipelines, sources: [...r.sources] };
    if (yieldBetween) await new Promise((resolve) => setImmediate(resolve));
  }
}

function joined(
  job: WorkerJob,
  config: ResolvedConfig,
  batches: Extract<WorkerMessage, { kind: 'batch' }>[],
): AnalyzedFiles {
  const sources = new Map(config.sources);
  const pipelines: AnalyzedPipeline[] = [];
  for (let k = 0; k * job.batch < job.files.length; k++) {
    const b = batches[k];
    if (!b) throw new Error(`catalog: batch ${k} of the pipeline files was never compiled`);
    pipelines.push(...b.pipelines);
    for (const [key, text] of b.sources) sources.set(key, text);
  }
  return { pipelines, sources };
}

/** Resolves when the worker has sent all its batches; rejects on its error or crash. */
function finished(w: Worker, batches: Extract<WorkerMessage, { kind: 'batch' }>[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'batch') batches[m.batch] = m;
      else if (m.kind === 'done') {
        done = true;
        resolve();
      } else reject(new EtlError(m.diagnostics, m.exitCode as ExitCode));
    });
    w.once('error', reject);
    // Messages sent before a worker exits are delivered before 'exit'.
    w.once('exit', (code) => {
      if (!done) reject(new Error(`catalog compile worker stopped (exit code ${code}) before finishing`));
    });
  });
}
