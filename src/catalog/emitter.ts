/**
 * The OpenLineage emitter of the local engine (issue 16): a Reporter that passes every engine
 * event on to the reporter it wraps (the progress printer) and turns the run's plan, starts and
 * ends into OpenLineage run events for the sinks configured under `lineage:`. It only consumes
 * the engine's event interface (src/local/engine.ts), so the engine knows nothing about lineage;
 * sink problems reach the user as `note` events, never as a failed run.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/types.js';
import { resolveSecret } from '../config/secrets.js';
import { EtlError } from '../diagnostics.js';
import { etlctlVersion } from '../compile/index.js';
import type { Definition } from '../definition/model.js';
import type { EngineEvent, Reporter, RunSummary } from '../local/engine.js';
import { definitionLineage } from './definition-lineage.js';
import type { LineageSink } from './lineage-sinks.js';
import { FileSink, HttpSink } from './lineage-sinks.js';
import type { EventType, RunEvent } from './openlineage.js';
import { OpenLineageEvents, producerUri } from './openlineage.js';
import { lineageSettings } from './settings.js';

export interface LineageRun {
  reporter: Reporter;
  /** End of the run: the pipeline's final event, then the sinks are flushed (bounded wait). */
  close(summary?: RunSummary): Promise<void>;
}

/** Engine end statuses → the event that closes the attempt's run. */
function endType(status: string): EventType | undefined {
  if (status === 'FINISHED') return 'COMPLETE';
  if (status === 'FAILED' || status === 'TIMEDOUT') return 'FAIL';
  if (status === 'CANCELED' || status === 'INTERRUPTED') return 'ABORT';
  return undefined;
}

export class LineageReporter implements Reporter {
  private pipelineRunId?: string;
  private readonly attempts = new Map<string, string>();

  constructor(
    private readonly inner: Reporter,
    private readonly events: OpenLineageEvents,
    private readonly sinks: LineageSink[],
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private emit(e: RunEvent): void {
    for (const s of this.sinks) s.send(e);
  }

  event(e: EngineEvent): void {
    this.inner.event(e);
    try {
      this.translate(e);
    } catch (err) {
      // Lineage must never break a run or its progress output.
      this.inner.event({ kind: 'note', message: `lineage: ${(err as Error).message}` });
    }
  }

  private translate(e: EngineEvent): void {
    if (e.kind === 'plan') {
      this.pipelineRunId = randomUUID();
      this.emit(this.events.pipelineEvent('START', this.pipelineRunId, this.clock()));
    } else if (e.kind === 'start') {
      const runId = randomUUID();
      this.attempts.set(`${e.instance.id}:${e.attempt}`, runId);
      this.emit(
        this.events.taskEvent(
          'START',
          {
            objectId: e.instance.objectId,
            runId,
            scheduledStart: e.instance.scheduledStart,
            parentRunId: this.pipelineRunId,
          },
          this.clock(),
        ),
      );
    } else if (e.kind === 'end') {
      const key = `${e.instance.id}:${e.attempt}`;
      const runId = this.attempts.get(key);
      const type = endType(e.status);
      // An instance canceled before it started never had a run to end.
      if (!runId || !type) return;
      this.attempts.delete(key);
      this.emit(
        this.events.taskEvent(
          type,
          {
            objectId: e.instance.objectId,
            runId,
            scheduledStart: e.instance.scheduledStart,
            parentRunId: this.pipelineRunId,
          },
          this.clock(),
          type === 'COMPLETE' ? undefined : (e.error ?? e.status),
        ),
      );
    }
  }

  async close(summary?: RunSummary, deadlineMs?: number): Promise<void> {
    if (this.pipelineRunId && summary) {
      const type: EventType = summary.interrupted ? 'ABORT' : summary.exitCode === 0 ? 'COMPLETE' : 'FAIL';
      const error =
        type === 'COMPLETE'
          ? undefined
          : `${summary.failed} failed, ${summary.skipped} skipped of ${summary.instances.length} step instances`;
      this.emit(this.events.pipelineEvent(type, this.pipelineRunId, this.clock(), error));
    } else if (this.pipelineRunId) {
      this.emit(
        this.events.pipelineEvent('ABORT', this.pipelineRunId, this.clock(), 'the run stopped with an error'),
      );
    }
    await Promise.all(this.sinks.map((s) => s.close(deadlineMs).catch(() => undefined)));
  }
}

/**
 * Wrap `inner` with an emitter when the config has a `lineage:` section (else `inner` as is).
 * A wrong `lineage:` section is an error, like any config error.
 */
export function withLineage(
  inner: Reporter,
  def: Definition,
  config: ResolvedConfig,
  pipeline: string,
  cwd = process.cwd(),
): LineageRun {
  const { settings, diagnostics } = lineageSettings(config, cwd);
  if (diagnostics.length > 0) throw new EtlError(diagnostics);
  if (!settings) return { reporter: inner, close: async () => undefined };
  const warn = (message: string) => inner.event({ kind: 'note', message: `lineage: ${message}` });
  const sinks: LineageSink[] = [];
  if (settings.file) sinks.push(new FileSink(settings.file, warn));
  if (settings.url) {
    let apiKey: string | undefined;
    try {
      apiKey = settings.apiKey ? resolveSecret(settings.apiKey, { config }) : undefined;
      sinks.push(
        new HttpSink(
          { url: settings.url, timeoutMs: settings.timeoutMs, queueSize: settings.queueSize, apiKey },
          warn,
        ),
      );
    } catch (e) {
      const why = e instanceof EtlError ? e.diagnostics[0].message : (e as Error).message;
      warn(`ETL3520: events are not sent to ${settings.url}: ${why}`);
    }
  }
  const lineage = definitionLineage(def, { databases: config.databases, region: config.aws.region });
  const events = new OpenLineageEvents({
    namespace: settings.namespace,
    producer: producerUri(etlctlVersion()),
    pipeline,
    lineage,
  });
  const reporter = new LineageReporter(inner, events, sinks);
  return { reporter, close: (summary) => reporter.close(summary) };
}
