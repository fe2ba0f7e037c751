/**
 * Extract → load overlap. When a copy writes an S3 node that the next copy reads (and nothing else
 * gates that reader), the engine starts both at once and the reader consumes the bytes as they are
 * written, as `mysql … | psql -c '\copy …'` would. What stays the same as running them one after
 * the other:
 * - the object is still written in full, so a retry or any later step reads it from S3;
 * - the reader sees exactly the bytes it would have read from S3 (gzip included), plus any other
 *   parts under its path, read once the writer has finished;
 * - the reader gets end-of-input only after the writer's step is recorded FINISHED, so a load (one
 *   transaction) commits only after its extract is durable. A failed, cancelled or killed extract
 *   errors the reader's input: its transaction rolls back and it waits for the extract's retry.
 * - the reader failing on its own leaves the writer running; the reader retries from S3.
 */
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import type { PipelineObject } from '../definition/model.js';
import { copyTaskOf } from './activities/etlctl-task.js';
import type { StreamHandoff } from './activities/types.js';
import type { ObjectGraph } from './objects.js';
import type { LocalS3 } from './s3.js';
import { formatS3Uri, parseS3Uri } from './s3.js';

const COPY_TYPES = new Set(['CopyActivity', 'RedshiftCopyActivity']);

/** One spelling per S3 location: `s3n://b/dir/` and `s3://b/dir` are the same objects. */
export function sameS3Location(uri: string): string {
  try {
    return formatS3Uri(parseS3Uri(uri)).replace(/\/+$/, '');
  } catch {
    return uri.trim();
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Whoever needs the outcome awaits it; nobody listening is not an error.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The bytes of one S3 location, passed from the attempt writing it to the attempt reading it. */
export class Handoff {
  private readonly pass = new PassThrough({ highWaterMark: 1024 * 1024 });
  private readonly written = deferred<{ uri: string; target: string } | undefined>();
  private readonly finished = deferred<void>();
  private attached = false;
  private reading = false;
  private detached = false;
  private state: 'open' | 'finished' | 'failed' = 'open';

  constructor(private readonly s3: LocalS3) {
    // fail() destroys the pass with the writer's error, perhaps before the reader reads it (or
    // after it stopped): the reader learns it from its own read, nobody else must crash on it.
    this.pass.on('error', () => undefined);
  }

  /** Resolves when the writer's step has finished; rejects when it failed or stopped. */
  get done(): Promise<void> {
    return this.finished.promise;
  }

  /** What the writing attempt sees. */
  readonly writer: StreamHandoff = {
    sinkFor: (uri, target) => this.sinkFor(uri, target),
    sourceFor: () => undefined,
  };

  /** What the reading attempt sees. */
  readonly reader: StreamHandoff = {
    sinkFor: () => undefined,
    sourceFor: (uri, gzip) => this.sourceFor(uri, gzip),
  };

  private sinkFor(uri: string, target: string): Transform | undefined {
    if (this.attached || this.state !== 'open' || this.detached) return undefined;
    this.attached = true;
    this.written.resolve({ uri, target });
    const pass = this.pass;
    return new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) => {
        if (this.detached || pass.destroyed || pass.write(chunk)) return cb(null, chunk);
        // The reader is the slower side: wait for it, unless it goes away.
        let resumed = false;
        const go = (): void => {
          if (resumed) return;
          resumed = true;
          pass.off('drain', go);
          pass.off('close', go);
          cb(null, chunk);
        };
        pass.on('drain', go);
        pass.on('close', go);
      },
    });
  }

  private sourceFor(uri: string, gzip: boolean): Readable | undefined {
    if (this.reading) return undefined;
    this.reading = true;
    return Readable.from(this.read(uri, gzip), { objectMode: false, highWaterMark: 256 * 1024 });
  }

  private async *read(uri: string, gzip: boolean): AsyncGenerator<Buffer> {
    // Loaded here: a run without copies (most shell-only runs) never needs the data path.
    const { noS3Objects, partChunks } = await import('./activities/data.js');
    const w = await this.written.promise;
    const target = w && sameS3Location(w.uri) === sameS3Location(uri) ? w.target : undefined;
    if (target !== undefined) yield* partChunks(this.pass, gzip || target.endsWith('.gz'));
    // The writer wrote somewhere else: stop handing its bytes over, read the finished objects.
    else this.detach();
    await this.finished.promise;
    // Parts the writer did not write this time (other writers' files under the same prefix).
    const parts = await this.s3.list(uri);
    if (target === undefined && parts.length === 0) throw noS3Objects(this.s3, uri);
    const mine = target === undefined ? undefined : sameS3Location(target);
    for (const part of parts) {
      if (sameS3Location(part) === mine) continue;
      yield* partChunks(await this.s3.read(part), gzip || part.endsWith('.gz'));
    }
  }

  /** The writer's step is recorded FINISHED: the reader may now see the end of its input. */
  finish(): void {
    if (this.state !== 'open') return;
    this.state = 'finished';
    if (!this.attached) this.written.resolve(undefined);
    this.finished.resolve();
    if (!this.detached) this.pass.end();
  }

  /** The writer's attempt did not finish: the reader's input fails, so its load rolls back. */
  fail(error: Error): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.written.reject(error);
    this.finished.reject(error);
    this.pass.destroy(error);
  }

  /** The reader's attempt is over: the writer carries on alone. */
  detach(): void {
    this.detached = true;
    if (!this.pass.destroyed) this.pass.destroy();
  }
}

/**
 * The S3 a reader attempt uses: every access waits until the writer has finished, so anything the
 * reader reads other than the handed-over bytes is complete.
 */
export function gatedS3(s3: LocalS3, gate: Promise<void>): LocalS3 {
  return {
    get description() {
      return s3.description;
    },
    localPath: (uri) => s3.localPath(uri),
    list: async (uri) => (await gate, s3.list(uri)),
    exists: async (uri) => (await gate, s3.exists(uri)),
    read: async (uri) => (await gate, s3.read(uri)),
    readText: async (uri) => (await gate, s3.readText(uri)),
    write: async (uri) => (await gate, s3.write(uri)),
    writeText: async (uri, text) => (await gate, s3.writeText(uri, text)),
    remove: async (uri) => (await gate, s3.remove(uri)),
  };
}

function s3Path(graph: ObjectGraph, node: PipelineObject): string | undefined {
  const p = graph.str(node, 'filePath') ?? graph.str(node, 'directoryPath');
  return p === undefined ? undefined : sameS3Location(p);
}

/**
 * Which activities may read their input while their upstream writes it: writer id → reader id.
 * A reader qualifies when it is a copy whose only input is an S3 node at the same path as the only
 * output of its only upstream activity (also a copy), with no precondition or attempt timeout (the
 * extract's time would count against it), and when the two do not both use an embedded database
 * (an attempt holds the embedded database for its whole run, so the pair would wait on each other).
 */
export function planHandoffs(
  graph: ObjectGraph,
  activities: PipelineObject[],
  upstreamOf: Map<string, PipelineObject[]>,
  usesEmbeddedDatabase: (activity: PipelineObject) => boolean,
): Map<string, string> {
  const pairs = new Map<string, string>();
  const readersOf = new Map<string, number>();
  for (const reader of activities) {
    if (!COPY_TYPES.has(graph.type(reader) ?? '')) continue;
    const inputs = graph.refs(reader, 'input');
    if (inputs.length !== 1 || graph.type(inputs[0]) !== 'S3DataNode') continue;
    const ups = upstreamOf.get(reader.id) ?? [];
    if (ups.length !== 1) continue;
    const writer = ups[0];
    // `etlctl task copy` (a step with transforms) runs in the engine and writes like a copy.
    const task = COPY_TYPES.has(graph.type(writer) ?? '') ? undefined : copyTaskOf(writer);
    if (!task && !COPY_TYPES.has(graph.type(writer) ?? '')) continue;
    const outputs = graph.refs(writer, 'output');
    if (outputs.length !== 1 || graph.type(outputs[0]) !== 'S3DataNode') continue;
    const path = s3Path(graph, inputs[0]);
    if (path === undefined || path !== s3Path(graph, outputs[0])) continue;
    if (task && (task.toS3 === undefined || sameS3Location(task.toS3) !== path)) continue;
    // The task holds the embedded-database lock for its whole run: its reader must not need it.
    if (task && usesEmbeddedDatabase(reader)) continue;
    if (graph.refs(reader, 'precondition').length > 0 || graph.refs(inputs[0], 'precondition').length > 0)
      continue;
    if (graph.str(reader, 'attemptTimeout') !== undefined) continue;
    if (usesEmbeddedDatabase(writer) && usesEmbeddedDatabase(reader)) continue;
    pairs.set(reader.id, writer.id);
    readersOf.set(writer.id, (readersOf.get(writer.id) ?? 0) + 1);
  }
  // One writer streams to one reader; with several, each reads the finished object.
  const byWriter = new Map<string, string>();
  for (const [reader, writer] of pairs) if (readersOf.get(writer) === 1) byWriter.set(writer, reader);
  return byWriter;
}
