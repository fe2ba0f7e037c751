/**
 * Progress on a pipe (issue 18): a long local copy run through a pipe (stdout not a terminal, as
 * in CI or `| tee log`) prints plain `PROG` lines between START and OK — rows, bytes and rate;
 * the next run, knowing the count of the last one, adds percent and ETA. `--progress none`
 * keeps the log to step events; `--json-stream` progress events carry the same numbers; `task
 * copy` prints its own lines on stderr. Runs the built CLI as a child process on PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { PG_URL } from '../db.js';
import { BIN } from '../helpers.js';
import { tempDir } from './helpers.js';

const SCHEMA = `habits_progress_${process.pid}_${Date.now() % 1e6}`;
const ROWS = 400_000;
let pg: Driver;
let dir: string;

function etlctl(args: string[]) {
  // spawnSync pipes stdout and stderr: neither is a terminal.
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ETLCTL_CONFIG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  pg = await openDriver(PG_URL);
  await pg.exec(`CREATE SCHEMA ${SCHEMA}; CREATE TABLE ${SCHEMA}.t (id int, v text)`);
  dir = tempDir();
  mkdirSync(join(dir, 'config'));
  // Two connections to one server: a copy between two database objects streams (and counts).
  writeFileSync(
    join(dir, 'config', 'etlctl.yaml'),
    `databases:\n  src:\n    engine: postgres\n    url: ${PG_URL}\n  dst:\n    engine: postgres\n    url: ${PG_URL}\n`,
  );
  writeFileSync(
    join(dir, 'copy.json'),
    JSON.stringify({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
        { id: 'Src', name: 'Src', type: 'RdsDatabase', myConnection: 'src', rdsInstanceId: 'src' },
        { id: 'Dst', name: 'Dst', type: 'RdsDatabase', myConnection: 'dst', rdsInstanceId: 'dst' },
        {
          id: 'In',
          name: 'In',
          type: 'SqlDataNode',
          database: { ref: 'Src' },
          table: 'unused',
          selectQuery: `SELECT g AS id, md5(g::text) AS v FROM generate_series(1, ${ROWS}) g`,
        },
        { id: 'Out', name: 'Out', type: 'SqlDataNode', database: { ref: 'Dst' }, table: `${SCHEMA}.t` },
        {
          id: 'Copy',
          name: 'Copy',
          type: 'CopyActivity',
          workerGroup: 'local',
          input: { ref: 'In' },
          output: { ref: 'Out' },
        },
      ],
    }),
  );
});

afterAll(async () => {
  await pg.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pg.close();
});

const progressLines = (out: string) => out.split('\n').filter((l) => / PROG {2}Copy /.test(l));

describe('progress lines on a pipe', () => {
  it('a copy prints PROG lines with rows, bytes and rate; the next run adds percent and ETA from the last count', () => {
    const first = etlctl(['definition', 'run', 'copy.json', '--progress-interval', '100ms']);
    expect(first.code, first.stderr).toBe(0);
    const lines = progressLines(first.stdout);
    // Between START and OK, not only the two lines a terminal-less run printed before.
    const start = first.stdout.indexOf('START Copy');
    const ok = first.stdout.indexOf('OK    Copy');
    expect(lines.length).toBeGreaterThan(1);
    expect(first.stdout.indexOf(lines[0])).toBeGreaterThan(start);
    expect(first.stdout.indexOf(lines[lines.length - 1])).toBeLessThan(ok);
    expect(
      lines.some((l) => /PROG {2}Copy [\d,]+ rows, [\d.]+ (KB|MB), [\d,.]+ rows\/s \(running /.test(l)),
    ).toBe(true);
    // No terminal control codes in a log.
    expect(first.stdout).not.toContain('\r');
    expect(first.stdout).not.toContain('\u001b[');
    // Without a count to go by there is no percent to show.
    expect(lines.some((l) => /%/.test(l))).toBe(false);

    const second = etlctl(['definition', 'run', 'copy.json', '--progress-interval', '100ms']);
    expect(second.code, second.stderr).toBe(0);
    const known = progressLines(second.stdout).filter((l) => /, \d{1,2}%, ETA \S+/.test(l));
    expect(known.length, second.stdout).toBeGreaterThan(0);
    // 10% steps: percent only grows.
    const pcts = known.map((l) => Number(/, (\d{1,2})%,/.exec(l)![1]));
    expect([...pcts].sort((a, b) => a - b)).toEqual(pcts);
  });

  it('--progress none prints step events only; --json-stream progress events carry bytes, percent and ETA', () => {
    const quiet = etlctl([
      'definition',
      'run',
      'copy.json',
      '--progress',
      'none',
      '--progress-interval',
      '100ms',
    ]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/START Copy/);
    expect(quiet.stdout).toMatch(/OK {4}Copy/);
    expect(progressLines(quiet.stdout)).toEqual([]);

    const stream = etlctl(['definition', 'run', 'copy.json', '--json-stream']);
    expect(stream.code, stream.stderr).toBe(0);
    const events = stream.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.kind === 'progress');
    expect(events.length).toBeGreaterThan(0);
    const counted = events.find((e) => typeof e.bytes === 'number' && typeof e.percent === 'number');
    expect(counted, JSON.stringify(events)).toMatchObject({
      pipeline: 'copy',
      expectedRows: ROWS,
      instance: { name: 'Copy' },
    });
    expect(counted!.etaMs).toEqual(expect.any(Number));
  });

  it('task copy prints PROG lines on stderr while it copies; stdout keeps the report', () => {
    const r = etlctl([
      'task',
      'copy',
      '--from-database',
      'src',
      '--query',
      `SELECT g AS id, md5(g::text) AS v FROM generate_series(1, ${ROWS}) g`,
      '--to-database',
      'dst',
      '--table',
      `${SCHEMA}.t`,
      '--transforms',
      '[]',
      '--step',
      'Extract',
      '--progress-interval',
      '100ms',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/PROG {2}Extract [\d,]+ rows, [\d.]+ (KB|MB), [\d,.]+ rows\/s \(running /);
    expect(r.stdout).not.toMatch(/PROG/);
    const quiet = etlctl([
      'task',
      'copy',
      '--from-database',
      'src',
      '--query',
      'SELECT 1 AS id, 2 AS v',
      '--to-database',
      'dst',
      '--table',
      `${SCHEMA}.t`,
      '--transforms',
      '[]',
      '--progress',
      'none',
    ]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/PROG/);
  });

  it('a bad --progress is a usage error naming the choices', () => {
    const r = etlctl(['definition', 'run', 'copy.json', '--progress', 'loud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/auto, tty, plain, none/);
  });
});
