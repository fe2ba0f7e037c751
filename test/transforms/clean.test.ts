/**
 * Retention (issue 17): `etlctl clean --dry-run` lists exactly what `etlctl clean` then deletes,
 * every deletion goes to the audit log, and nothing of a resumable run is deleted.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const config = `retention:
  staging_s3: 1d
  step_logs: 1d
  alert_logs: 1d
  attempt_history: 1d
`;

// The second step needs the first one's S3 data, and succeeds only when CLEAN_IT_PASS is set.
const pipeline = (name: string) => `name: ${name}
frequency: one-time
steps:
  - step_type: transform
    name: produce
    no_input: true
    command: printf '1\\ta\\n' > $OUTPUT1_STAGING_DIR/part-00000
  - step_type: transform
    name: after
    command: test -s $INPUT1_STAGING_DIR/part-00000 && test -n "$CLEAN_IT_PASS" && cp $INPUT1_STAGING_DIR/part-00000 $OUTPUT1_STAGING_DIR/
`;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

interface Item {
  kind: string;
  id: string;
  pipeline?: string;
}

function json(
  dir: string,
  args: string[],
): { result: { plan: { items: Item[]; kept: { pipeline: string }[] }; deleted: Item[] } } {
  const r = runCli([...args, '--json'], { cwd: dir });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ReturnType<typeof json>;
}

describe('etlctl clean', () => {
  it('deletes exactly what --dry-run listed, audits each deletion, and keeps what a resumable run needs', () => {
    const dir = tempDir('etlctl-clean-');
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config/etlctl.yaml'), config);
    writeFileSync(join(dir, 'done.yaml'), pipeline('done_p'));
    writeFileSync(join(dir, 'broken.yaml'), pipeline('broken_p'));
    const done = runCli(['pipeline', 'activate', 'done.yaml'], { cwd: dir, env: { CLEAN_IT_PASS: '1' } });
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(runCli(['pipeline', 'activate', 'broken.yaml'], { cwd: dir }).code).toBe(1);
    const state = join(dir, '.etlctl');
    // Age everything by three days (the alert log by its lines' times).
    const old = new Date(Date.now() - 3 * 86_400_000);
    for (const f of [...files(join(state, 's3')), ...files(join(state, 'logs'))]) utimesSync(f, old, old);
    writeFileSync(
      join(state, 'alerts.ndjson'),
      [
        JSON.stringify({
          time: old.toISOString(),
          pipeline: 'done_p',
          event: 'failure',
          alarm: 'A',
          object: 'x',
        }),
        JSON.stringify({
          time: new Date().toISOString(),
          pipeline: 'done_p',
          event: 'failure',
          alarm: 'B',
          object: 'y',
        }),
      ].join('\n') + '\n',
    );
    const brokenFiles = [...files(join(state, 's3')), ...files(join(state, 'logs'))].filter((f) =>
      f.includes('broken_p'),
    );
    expect(brokenFiles.length).toBeGreaterThan(0);

    const dry = json(dir, ['clean', '--dry-run']).result;
    const listed = dry.plan.items.map((i) => `${i.kind} ${i.id}`).sort();
    expect(listed.some((l) => l.startsWith('staging_s3 '))).toBe(true);
    expect(listed.some((l) => l.startsWith('step_log '))).toBe(true);
    expect(listed).toContain('alert alerts.ndjson:1');
    expect(dry.plan.items.filter((i) => i.pipeline === 'broken_p')).toEqual([]);
    expect(dry.plan.kept.map((k) => k.pipeline)).toEqual(['broken_p']);
    // The dry run deleted nothing.
    expect(files(join(state, 's3')).length).toBeGreaterThan(0);

    const real = json(dir, ['clean']).result;
    expect(real.deleted.map((i) => `${i.kind} ${i.id}`).sort()).toEqual(listed);
    for (const f of brokenFiles) expect(existsSync(f), f).toBe(true);
    const audit = readFileSync(join(state, 'audit.ndjson'), 'utf8').trim().split('\n');
    expect(
      audit
        .map((l) => JSON.parse(l) as Item)
        .map((i) => `${i.kind} ${i.id}`)
        .sort(),
    ).toEqual(listed);
    expect(readFileSync(join(state, 'alerts.ndjson'), 'utf8')).toContain('"alarm":"B"');
    expect(readFileSync(join(state, 'alerts.ndjson'), 'utf8')).not.toContain('"alarm":"A"');
    // The resumable run resumes from the kept data (its second step reads it), and once finished
    // its old data is no longer kept.
    const resumed = runCli(['pipeline', 'activate', 'broken.yaml'], {
      cwd: dir,
      env: { CLEAN_IT_PASS: '1' },
    });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const after = json(dir, ['clean', '--dry-run', '--older-than', '2d']).result.plan;
    expect(after.kept).toEqual([]);
    expect(after.items.length).toBeGreaterThan(0);
    expect(after.items.every((i) => i.pipeline === 'broken_p')).toBe(true);
  });
});

describe('attempt history retention', () => {
  it('deletes old attempts a retry superseded (listed first by the dry run), keeps each instance’s latest', async () => {
    const { runClean } = await import('../../src/retention/clean.js');
    const { loadConfig } = await import('../../src/config/load.js');
    const { openStateStore } = await import('../../src/local/state/open.js');
    const dir = tempDir('etlctl-clean-hist-');
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config/etlctl.yaml'), 'retention:\n  attempt_history: 1d\n');
    // Fails on its first attempt, succeeds on the retry: two attempts of one instance.
    writeFileSync(
      join(dir, 'retry.yaml'),
      `name: retry_p
frequency: one-time
steps:
  - step_type: transform
    name: flaky
    no_input: true
    max_retries: 1
    command: test -f ../tried || { touch ../tried; exit 1; }
`,
    );
    const r = runCli(['pipeline', 'activate', 'retry.yaml', '--retry-delay', '0'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const stateDir = join(dir, '.etlctl');
    const config = loadConfig({ configPath: join(dir, 'config/etlctl.yaml'), cwd: dir });
    const attempts = async () => {
      const store = await openStateStore({ stateDir });
      try {
        const p = (await store.pipelines()).find((x) => x.name === 'retry_p')!;
        const inst = (await store.instances('retry_p', p.generation)).find((i) => /flaky/.test(i.object_id))!;
        return (await store.attempts(inst.id)).map((a) => ({ id: a.id, status: a.status }));
      } finally {
        await store.close();
      }
    };
    const before = await attempts();
    expect(before.map((a) => a.status)).toEqual(['FAILED', 'FINISHED']);
    // Three days later, by the clock of the clean-up.
    const later = new Date(Date.now() + 3 * 86_400_000);
    const dry = await runClean({ dryRun: true, config, stateDir, now: later });
    const listed = dry.report.plan.items.filter((i) => i.kind === 'attempt').map((i) => i.id);
    expect(listed).toEqual([String(before[0].id)]);
    const real = await runClean({ dryRun: false, config, stateDir, now: later });
    expect(real.report.deleted.filter((i) => i.kind === 'attempt').map((i) => i.id)).toEqual(listed);
    expect(await attempts()).toEqual([before[1]]);
    const audit = readFileSync(join(stateDir, 'audit.ndjson'), 'utf8');
    expect(audit).toContain(`"kind":"attempt","id":"${before[0].id}"`);
  });
});

describe('retention: in the pipeline file and on a step', () => {
  it('override the config ages for that pipeline’s and that step’s data; clean deletes what the dry run listed', () => {
    const dir = tempDir('etlctl-clean-over-');
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config/etlctl.yaml'), 'retention:\n  staging_s3: 30d\n  step_logs: 1d\n');
    writeFileSync(
      join(dir, 'short.yaml'),
      `name: short_p
frequency: one-time
retention:
  staging_s3: 1d
steps:
  - step_type: transform
    name: produce
    no_input: true
    retention:
      step_logs: 10d
    command: printf '1\\ta\\n' > $OUTPUT1_STAGING_DIR/part-00000
  - step_type: transform
    name: after
    command: cp $INPUT1_STAGING_DIR/part-00000 $OUTPUT1_STAGING_DIR/
`,
    );
    writeFileSync(join(dir, 'plain.yaml'), pipeline('plain_p'));
    expect(runCli(['pipeline', 'validate', 'short.yaml'], { cwd: dir }).code).toBe(0);
    for (const f of ['short.yaml', 'plain.yaml']) {
      const r = runCli(['pipeline', 'activate', f], { cwd: dir, env: { CLEAN_IT_PASS: '1' } });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    const state = join(dir, '.etlctl');
    const old = new Date(Date.now() - 3 * 86_400_000);
    for (const f of [...files(join(state, 's3')), ...files(join(state, 'logs'))]) utimesSync(f, old, old);
    const dry = json(dir, ['clean', '--dry-run']).result.plan.items as (Item & { reason: string })[];
    const staging = dry.filter((i) => i.kind === 'staging_s3');
    // Staging data: only short_p's (its own 1d; plain_p keeps the config's 30d).
    expect(staging.length).toBeGreaterThan(0);
    expect(staging.every((i) => i.pipeline === 'short_p')).toBe(true);
    expect(staging[0].reason).toBe('staging_s3 older than 24h00m (pipeline short_p retention)');
    // Logs: the config's 1d everywhere, except the step that keeps its logs for 10 days.
    const logs = dry.filter((i) => i.kind === 'step_log').map((i) => i.id);
    expect(logs.some((l) => l.includes('short_p/') && l.includes('-after.'))).toBe(true);
    expect(logs.some((l) => l.includes('plain_p/'))).toBe(true);
    expect(logs.filter((l) => l.includes('-produce.'))).toEqual(
      logs.filter((l) => l.includes('plain_p/') && l.includes('-produce.')),
    );
    expect(logs.some((l) => l.includes('short_p/') && l.includes('-produce.'))).toBe(false);
    const real = json(dir, ['clean']).result.deleted;
    expect(real.map((i) => `${i.kind} ${i.id}`).sort()).toEqual(dry.map((i) => `${i.kind} ${i.id}`).sort());
    const left = files(join(state, 'logs')).filter((f) => f.includes('short_p') && f.includes('-produce.'));
    expect(left.length).toBeGreaterThan(0);
  });
});
