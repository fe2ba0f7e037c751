/** The lineage Reporter: engine events in, OpenLineage run events out, the wrapped reporter untouched. */
import { describe, expect, it } from 'vitest';
import { definitionLineage } from '../../src/catalog/definition-lineage.js';
import { LineageReporter } from '../../src/catalog/emitter.js';
import type { LineageSink } from '../../src/catalog/lineage-sinks.js';
import { OPENLINEAGE_RUN_EVENT_SCHEMA } from '../../src/catalog/openlineage-schema.js';
import { OpenLineageEvents, producerUri } from '../../src/catalog/openlineage.js';
import type { RunEvent } from '../../src/catalog/openlineage.js';
import { ref } from '../../src/definition/model.js';
import type { Definition } from '../../src/definition/model.js';
import type { EngineEvent, InstanceInfo, RunSummary } from '../../src/local/engine.js';
import { validator } from './schema-helpers.js';

const def: Definition = {
  objects: [
    {
      id: 'Wh',
      name: 'Wh',
      fields: { type: 'RedshiftDatabase', clusterId: 'c1', databaseName: 'dw', myConnection: 'wh' },
    },
    {
      id: 'build.Sql',
      name: 'build.Sql',
      fields: {
        type: 'SqlActivity',
        database: ref('Wh'),
        script: 'INSERT INTO rpt.t (a) SELECT UPPER(x) FROM src.s',
      },
    },
  ],
  parameters: [],
  values: {},
};

function setup() {
  const sent: RunEvent[] = [];
  const seen: EngineEvent[] = [];
  const sink: LineageSink = { send: (e) => sent.push(e as RunEvent), close: async () => undefined };
  const events = new OpenLineageEvents({
    namespace: 'ns',
    producer: producerUri('9.9.9'),
    pipeline: 'p',
    lineage: definitionLineage(def, { databases: {} }),
  });
  const reporter = new LineageReporter(
    { event: (e) => seen.push(e) },
    events,
    [sink],
    () => new Date('2026-05-10T12:00:00Z'),
  );
  return { sent, seen, reporter };
}

const inst = (id: number): InstanceInfo => ({
  id,
  objectId: 'build.Sql',
  name: 'build.Sql',
  type: 'SqlActivity',
  scheduledStart: '2026-05-10T02:00:00.000Z',
});
const plan: EngineEvent = {
  kind: 'plan',
  pipeline: 'p',
  runId: 1,
  generation: 1,
  toRun: 1,
  resumed: 0,
  alreadyFinished: 0,
  newRun: true,
};

describe('LineageReporter', () => {
  it('a retried attempt is FAIL then a new run that COMPLETEs; every event valid; the printer sees everything', async () => {
    const { sent, seen, reporter } = setup();
    const evs: EngineEvent[] = [
      plan,
      { kind: 'start', instance: inst(1), attempt: 1, logPath: 'l' },
      {
        kind: 'end',
        instance: inst(1),
        status: 'FAILED',
        attempt: 1,
        elapsedMs: 5,
        error: 'boom',
        retryInMs: 10,
      },
      { kind: 'start', instance: inst(1), attempt: 2, logPath: 'l' },
      { kind: 'progress', instance: inst(1), rows: 5, elapsedMs: 3 },
      { kind: 'end', instance: inst(1), status: 'FINISHED', attempt: 2, elapsedMs: 5 },
    ];
    for (const e of evs) reporter.event(e);
    await reporter.close({
      exitCode: 0,
      interrupted: false,
      failed: 0,
      skipped: 0,
      instances: [],
    } as unknown as RunSummary);
    expect(seen).toEqual(evs);
    expect(sent.map((e) => [e.job.name, e.eventType])).toEqual([
      ['p', 'START'],
      ['p.build.Sql', 'START'],
      ['p.build.Sql', 'FAIL'],
      ['p.build.Sql', 'START'],
      ['p.build.Sql', 'COMPLETE'],
      ['p', 'COMPLETE'],
    ]);
    expect(sent[1].run.runId).toBe(sent[2].run.runId);
    expect(sent[3].run.runId).not.toBe(sent[1].run.runId);
    expect(sent[2].run.facets?.errorMessage).toMatchObject({ message: 'boom', programmingLanguage: 'SQL' });
    expect(sent[1].inputs).toEqual([{ namespace: 'redshift://c1:5439', name: 'dw.src.s' }]);
    expect(sent[1].outputs[0].facets?.columnLineage).toMatchObject({
      fields: {
        a: {
          inputFields: [
            {
              name: 'dw.src.s',
              field: 'x',
              transformations: [{ type: 'DIRECT', subtype: 'TRANSFORMATION' }],
            },
          ],
        },
      },
    });
    const valid = validator(OPENLINEAGE_RUN_EVENT_SCHEMA, true);
    for (const e of sent) expect(valid(e)).toEqual([]);
  });

  it('an interrupted attempt and run ABORT; an instance canceled before it started sends nothing', async () => {
    const { sent, reporter } = setup();
    reporter.event(plan);
    reporter.event({ kind: 'start', instance: inst(1), attempt: 1, logPath: 'l' });
    reporter.event({
      kind: 'end',
      instance: inst(1),
      status: 'INTERRUPTED',
      attempt: 1,
      elapsedMs: 1,
      error: 'stopped',
    });
    reporter.event({
      kind: 'end',
      instance: inst(2),
      status: 'CANCELED',
      attempt: 0,
      elapsedMs: 0,
      error: 'late',
    });
    await reporter.close({
      exitCode: 1,
      interrupted: true,
      failed: 0,
      skipped: 1,
      instances: [],
    } as unknown as RunSummary);
    expect(sent.map((e) => [e.job.name, e.eventType])).toEqual([
      ['p', 'START'],
      ['p.build.Sql', 'START'],
      ['p.build.Sql', 'ABORT'],
      ['p', 'ABORT'],
    ]);
  });

  it('a sink that throws never reaches the engine: it becomes a note', () => {
    const seen: EngineEvent[] = [];
    const events = new OpenLineageEvents({
      namespace: 'ns',
      producer: 'https://x',
      pipeline: 'p',
      lineage: definitionLineage(def, { databases: {} }),
    });
    const broken: LineageSink = {
      send: () => {
        throw new Error('disk on fire');
      },
      close: async () => undefined,
    };
    const r = new LineageReporter({ event: (e) => seen.push(e) }, events, [broken]);
    expect(() => r.event(plan)).not.toThrow();
    expect(seen).toEqual([plan, { kind: 'note', message: 'lineage: disk on fire' }]);
  });
});
