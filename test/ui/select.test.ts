/**
 * Step selection (issue 18): `pipeline activate --select STEP… | --from STEP | --rerun` on the
 * local engine, and `pipeline run-step FILE STEP [--date D]` running exactly one instance without
 * changing the state store unless `--record`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../cli/fixtures.js';
import { etlctlInProcess } from '../cli/inprocess.js';
import { openStateStore } from '../../src/local/state/open.js';
import { demoPipeline } from './demo.js';

let dir: string;
const saved = { ...process.env };

interface Run {
  runs: { instances: { objectId: string; status: string }[] }[];
}
interface Step {
  recorded: boolean;
  instances: { objectId: string; scheduledStart: string; status: string; attempts: unknown[] }[];
}

async function json<T>(
  args: string[],
  exit: number,
): Promise<{ result: T; diagnostics: { code: string }[] }> {
  const r = await etlctlInProcess([...args, '--json'], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(exit);
  return JSON.parse(r.stdout) as { result: T; diagnostics: { code: string }[] };
}

const ran = (r: Run) =>
  Object.fromEntries(r.runs[0].instances.map((i) => [i.objectId.split('.')[0], i.status]));

async function attemptsOf(step: string): Promise<number> {
  const store = await openStateStore({ stateDir: join(dir, '.etlctl') });
  try {
    const p = (await store.pipeline('demo'))!;
    const i = (await store.instances('demo', p.generation)).find((x) => x.object_id.startsWith(`${step}.`))!;
    return (await store.attempts(i.id)).length;
  } finally {
    await store.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'etlctl-select-'));
  process.env.ETLCTL_CONFIG = '';
  writeFileSync(join(dir, 'demo.yaml'), demoPipeline(dir));
  writeFileSync(
    join(dir, 'daily.json'),
    JSON.stringify({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'Daily' } },
        {
          id: 'Daily',
          name: 'Daily',
          type: 'Schedule',
          period: '1 day',
          startDateTime: '2026-01-01T00:00:00',
        },
        sh('A', 'echo a'),
        sh('B', 'echo b', { dependsOn: { ref: 'A' } }),
      ],
    }),
  );
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

describe('step selection', () => {
  it('--select runs only the chosen steps, --from a step and its downstream, --rerun finished ones', async () => {
    const first = await json<Run>(['pipeline', 'activate', 'demo.yaml'], 1);
    expect(ran(first.result)).toMatchObject({
      extract: 'FINISHED',
      check: 'FAILED',
      publish: 'CASCADE_FAILED',
    });
    writeFileSync(join(dir, 'gate'), '');

    const select = await json<Run>(['pipeline', 'activate', 'demo.yaml', '--select', 'check'], 0);
    expect(ran(select.result)).toEqual({ check: 'FINISHED' });

    const from = await json<Run>(['pipeline', 'activate', 'demo.yaml', '--from', 'check'], 0);
    expect(ran(from.result)).toMatchObject({ check: 'FINISHED', publish: 'FINISHED' });
    expect(Object.keys(ran(from.result))).not.toContain('extract');

    const before = await attemptsOf('extract');
    const rerun = await json<Run>(['pipeline', 'activate', 'demo.yaml', '--select', 'extract', '--rerun'], 0);
    expect(ran(rerun.result)).toEqual({ extract: 'FINISHED' });
    expect(await attemptsOf('extract')).toBe(before + 1);

    const unknown = await json<Run>(['pipeline', 'activate', 'demo.yaml', '--select', 'chek'], 2);
    expect(JSON.stringify(unknown)).toContain('ETL7707');
  });

  it('run-step runs exactly one instance and records nothing unless --record', async () => {
    const before = await attemptsOf('publish');
    const one = await json<Step>(['pipeline', 'run-step', 'demo.yaml', 'publish'], 0);
    expect(one.result.recorded).toBe(false);
    expect(one.result.instances.map((i) => [i.objectId.split('.')[0], i.status])).toEqual([
      ['publish', 'FINISHED'],
    ]);
    expect(one.result.instances[0].attempts).toHaveLength(1);
    expect(await attemptsOf('publish')).toBe(before);

    await json<Step>(['pipeline', 'run-step', 'demo.yaml', 'publish', '--record'], 0);
    expect(await attemptsOf('publish')).toBe(before + 1);

    // A scheduled pipeline: the period of --date, and nothing upstream of the step.
    const daily = await json<Step>(
      ['pipeline', 'run-step', 'daily.json', 'B', '--date', '2026-01-05T10:00:00Z'],
      0,
    );
    expect(daily.result.instances.map((i) => [i.objectId, i.scheduledStart])).toEqual([
      ['B', '2026-01-05T00:00:00.000Z'],
    ]);
    const early = await json<Step>(['pipeline', 'run-step', 'daily.json', 'B', '--date', '2025-01-01'], 1);
    expect(early.diagnostics.map((d) => d.code)).toEqual(['ETL7708']);
  });
});
