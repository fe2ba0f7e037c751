/**
 * What the control plane hands an activity runner and what it gets back. Runners live next to
 * this file (copy.ts, redshift-copy.ts, sql.ts, shell.ts); each exports
 * `(ctx: ActivityContext) => Promise<ActivityResult>` and throws EtlError on failure.
 */
import type { PipelineObject } from '../../definition/model.js';
import type { Driver } from '../drivers/types.js';
import type { Readable, Transform } from 'node:stream';
import type { LocalS3 } from '../s3.js';
import type { CommitLedger } from '../commits.js';

export interface ActivityContext {
  /** The activity, its fields already expression-evaluated for this instance. */
  object: PipelineObject;
  /** Any referenced object (data node, database, data format…), evaluated for this instance. */
  resolve(id: string): PipelineObject;
  /**
   * A session on the database that a database object (RdsDatabase, JdbcDatabase,
   * RedshiftDatabase) names. The control plane owns its lifetime: runners never close it.
   * Each call may return a new session; a runner calls it once per database it needs.
   */
  connect(databaseObjectId: string): Promise<Driver>;
  s3: LocalS3;
  stateDir: string;
  log(line: string): void;
  /** Rows (and, when counted, bytes of engine TSV) moved so far (cumulative), for progress display. */
  progress(rows: number, bytes?: number): void;
  signal: AbortSignal;
  /** Runners append one line per SQL translation or ignored option, for the run report. */
  translations: string[];
  /**
   * Set when this attempt runs beside the upstream step that writes its input (or beside the step
   * reading its output): S3 data passes between them as it is written. See ../handoff.ts.
   */
  handoff?: StreamHandoff;
  /** Directory that relative local paths (a scriptUri that is a file) resolve against; default cwd. */
  cwd?: string;
  /**
   * Exactly-once commits on target databases (../commits.ts): every transaction a runner commits
   * on a target goes through `commits.once`. Absent outside the engine (tests, `etlctl task`).
   */
  commits?: CommitLedger;
}

export interface ActivityResult {
  rowsMoved?: number;
}

export type ActivityRunner = (ctx: ActivityContext) => Promise<ActivityResult>;

/** Bytes of one S3 node passed from the step writing it to the step reading it, as written. */
export interface StreamHandoff {
  /**
   * Writer side, for the object `target` of node `uri`: a pass-through to put in front of the
   * upload that copies every byte to the reader; undefined when nobody reads `uri` this way.
   */
  sinkFor(uri: string, target: string): Transform | undefined;
  /**
   * Reader side: everything under `uri` as openS3Input would read it once the writer has
   * finished, ending only after the writer's step has finished; undefined for other URIs.
   */
  sourceFor(uri: string, gzip: boolean): Readable | undefined;
}
