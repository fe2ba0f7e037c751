/**
 * The database fixture the local engine's server tests share (cancel.test.ts,
 * failure-paths.test.ts): one PostgreSQL and one MariaDB session per test file to look at and
 * poke the servers with, a project folder for `definition run` with its connection map, and the
 * built CLI started as a user starts it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDriver } from '../../src/local/drivers/index.js';
import type { Driver } from '../../src/local/drivers/types.js';
import { MY_URL, PG_URL } from '../db.js';
import { tempDir } from './helpers.js';

export interface Servers {
  pg: Driver;
  my: Driver;
}

/** Opens both sessions before the file's tests; `cleanup` runs on them before they close. */
export function useServers(cleanup?: (s: Servers) => Promise<void>): Servers {
  const s = {} as Servers;
  beforeAll(async () => {
    s.pg = await openDriver(PG_URL);
    s.my = await openDriver(MY_URL);
  });
  afterAll(async () => {
    if (s.pg && s.my) await cleanup?.(s);
    await s.pg?.close();
    await s.my?.close();
  });
  return s;
}

/**
 * A folder with `p.json` (the definition) and `etlctl.yaml` (target local, `local:` settings, and
 * each named database mapped to its URL — engine and user follow from the URL).
 */
export function definitionProject(
  objects: unknown[],
  databases: Record<string, string>,
  local: Record<string, string | boolean> = {},
): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'p.json'), JSON.stringify({ objects }));
  const settings = Object.entries(local).map(([k, v]) => `  ${k}: ${v}\n`);
  const dbs = Object.entries(databases).map(([name, url]) => {
    const mysql = url.startsWith('mysql');
    return (
      `  ${name}:\n    engine: ${mysql ? 'mysql' : 'postgres'}\n    database: x\n` +
      `    user: ${mysql ? 'root' : 'postgres'}\n    url: ${url}\n`
    );
  });
  writeFileSync(
    join(dir, 'etlctl.yaml'),
    `target: local\n${settings.length ? `local:\n${settings.join('')}` : ''}databases:\n${dbs.join('')}`,
  );
  return dir;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
}

/**
 * Starts the built CLI (`bin`, which the test passes itself: test/projects.ts files a test that
 * starts the CLI by what the test names) in `dir`, without a config from the environment.
 */
export function startCli(bin: string, dir: string, args: string[]): CliRun {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { ...process.env, ETLCTL_CONFIG: '' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { child, done: new Promise((r) => child.on('close', (code) => r({ code, out, err }))) };
}
