/**
 * Run actions from the command line (issue 14 "the CLI has the same verbs"): rerun a failed
 * instance (cascade-correct), rerun a finished one with and without its downstream, backfill a
 * range, pause/resume, acknowledge — each recorded with who and when, each `--json` valid against
 * src/cli/schemas.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ondemand, sh } from '../cli/fixtures.js';
import { etlctlInProcess } from '../cli/inprocess.js';

const ROOT = resolve(import.meta.dirname, '../..');
const load = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'src/cli/schemas', name), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['envelope', 'entities', 'commands']) ajv.addSchema(load(`${f}.schema.json`));
const commands = load('commands.schema.json').commands as Record<string, string>;

interface Reset {
  objectId: string;
  was: string;
  reason: string;
}
interface Envelope {
  ok: boolean;
  exitCode: number;
  diagnostics: { code: string }[];
  result: {
    reset: Reset[];
    action: { actor: string; action: string; at: string; note: string | null; instanceId: number | null };
    run?: { ok: number; failed: number };
    active?: boolean;
    actions?: { action: string; actor: string }[];
  } | null;
}

let dir: string;
const saved = { ...process.env };

async function json(cmd: string, args: string[], exit: number): Promise<Envelope> {
  const r = await etlctlInProcess([...args, '--json'], { cwd: dir });
  const doc = JSON.parse(r.stdout) as Envelope;
  const envelope = ajv.getSchema('https://etlctl.dev/schemas/envelope.schema.json')!;
  expect(envelope(doc), ajv.errorsText(envelope.errors)).toBe(true);
  if (doc.result) {
    const v = ajv.getSchema(`https://etlctl.dev/schemas/commands.schema.json${commands[cmd]}`)!;
    expect(v(doc.result), `${cmd}: ${ajv.errorsText(v.errors)}`).toBe(true);
  }
  expect(r.code, r.stdout + r.stderr).toBe(exit);
  return doc;
}

const byObject = (reset: Reset[]) =>
  Object.fromEntries(reset.map((r) => [r.objectId, `${r.was}/${r.reason}`]));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'etlctl-actions-'));
  process.env.ETLCTL_CONFIG = '';
  process.env.ETLCTL_ACTOR = 'alice';
  const gate = join(dir, 'gate');
  writeFileSync(
    join(dir, 'flow.json'),
    JSON.stringify({
      objects: [
        { ...ondemand, failureAndRerunMode: 'cascade' },
        sh('A', `test -f ${gate}`),
        sh('B', 'echo b', { dependsOn: { ref: 'A' } }),
        sh('C', 'echo c', { dependsOn: { ref: 'B' } }),
      ],
    }),
  );
});

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

describe('pipeline rerun | backfill | pause | resume | acknowledge | actions', () => {
  it('reruns a failed instance with the instances that failed because of it, then finished ones on demand', async () => {
    const first = await etlctlInProcess(['pipeline', 'activate', 'flow.json'], { cwd: dir });
    expect(first.code).toBe(1);

    const ack = await json(
      'pipeline acknowledge',
      ['pipeline', 'acknowledge', 'flow', '--step', 'A', '--note', 'gate missing'],
      0,
    );
    expect(ack.result!.action).toMatchObject({ action: 'acknowledge', actor: 'alice', note: 'gate missing' });

    // A waiting instance cannot be rerun, nor a finished one acknowledged: clear errors.
    writeFileSync(join(dir, 'gate'), '');
    const rerun = await json('pipeline rerun', ['pipeline', 'rerun', 'flow', '--step', 'A', '--now'], 0);
    expect(byObject(rerun.result!.reset)).toEqual({
      A: 'FAILED/chosen',
      B: 'CASCADE_FAILED/cascade',
      C: 'CASCADE_FAILED/cascade',
    });
    expect(rerun.result!.run).toMatchObject({ ok: 3, failed: 0 });
    expect(rerun.result!.action.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const onlyB = await json('pipeline rerun', ['pipeline', 'rerun', 'flow', '--step', 'B'], 0);
    expect(byObject(onlyB.result!.reset)).toEqual({ B: 'FINISHED/chosen' });
    expect(onlyB.result!.run).toBeUndefined();
    // B waits now: it is not rerunnable until it ends, and the next run (here --now on C) takes it.
    const waiting = await json('pipeline rerun', ['pipeline', 'rerun', 'flow', '--step', 'B'], 1);
    expect(waiting.diagnostics.map((d) => d.code)).toEqual(['ETL7703']);
    const c = await json('pipeline rerun', ['pipeline', 'rerun', 'flow', '--step', 'C', '--now'], 0);
    expect(c.result!.run).toMatchObject({ ok: 2, failed: 0 });

    const withDown = await json(
      'pipeline rerun',
      ['pipeline', 'rerun', 'flow', '--step', 'B', '--downstream', '--now'],
      0,
    );
    expect(byObject(withDown.result!.reset)).toEqual({ B: 'FINISHED/chosen', C: 'FINISHED/downstream' });

    const notFailed = await json('pipeline acknowledge', ['pipeline', 'ack', 'flow', '--step', 'A'], 1);
    expect(notFailed.diagnostics.map((d) => d.code)).toEqual(['ETL7705']);
    const unknown = await json('pipeline rerun', ['pipeline', 'rerun', 'flw', '--step', 'A'], 1);
    expect(unknown.diagnostics.map((d) => d.code)).toEqual(['ETL7700']);
    const noStep = await json('pipeline rerun', ['pipeline', 'rerun', 'flow', '--step', 'Z'], 1);
    expect(noStep.diagnostics.map((d) => d.code)).toEqual(['ETL7701']);
    const usage = await json('pipeline rerun', ['pipeline', 'rerun', 'flow'], 2);
    expect(usage.diagnostics.map((d) => d.code)).toEqual(['ETL8102']);
  });

  it('backfills a range, pauses and resumes, and lists every action with who and when', async () => {
    const all = await json(
      'pipeline backfill',
      ['pipeline', 'backfill', 'flow', '--from', '2000-01-01', '--to', '2100-01-01', '--now'],
      0,
    );
    expect(all.result!.reset.map((r) => r.objectId).sort()).toEqual(['A', 'B', 'C']);
    expect(all.result!.run).toMatchObject({ ok: 3 });
    const empty = await json(
      'pipeline backfill',
      ['pipeline', 'backfill', 'flow', '--from', '2001-01-01', '--to', '2000-01-01'],
      2,
    );
    expect(empty.diagnostics.map((d) => d.code)).toEqual(['ETL7704']);

    expect((await json('pipeline pause', ['pipeline', 'pause', 'flow'], 0)).result!.active).toBe(false);
    // A paused pipeline is not activated again behind the pause's back: resume first.
    const refused = await etlctlInProcess(['pipeline', 'activate', 'flow.json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr + refused.stdout).toContain('ETL7713');
    expect(refused.stderr + refused.stdout).toContain('etlctl pipeline resume flow');
    const still = await json('pipeline actions', ['pipeline', 'actions', 'flow'], 0);
    expect(still.result!.actions![0].action).toBe('pause');
    expect((await json('pipeline resume', ['pipeline', 'resume', 'flow'], 0)).result!.active).toBe(true);
    expect((await etlctlInProcess(['pipeline', 'activate', 'flow.json'], { cwd: dir })).code).toBe(0);

    const list = await json('pipeline actions', ['pipeline', 'actions', 'flow'], 0);
    expect(list.result!.actions!.map((a) => a.action)).toEqual([
      'resume',
      'pause',
      'backfill',
      'rerun',
      'rerun',
      'rerun',
      'rerun',
      'acknowledge',
    ]);
    expect(new Set(list.result!.actions!.map((a) => a.actor))).toEqual(new Set(['alice']));

    const human = await etlctlInProcess(['pipeline', 'actions', 'flow'], { cwd: dir });
    expect(human.stdout).toContain('backfill 2000-01-01T00:00:00.000Z');
  });
});
