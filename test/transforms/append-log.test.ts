/**
 * The alert log's clean-up against live appenders: another process appends lines (as the engine
 * and `alerts test` do, O_APPEND, no lock) while the janitor removes old lines again and again.
 * No appended line may be lost or doubled, and only the chosen lines go.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewriteAppendLog } from '../../src/retention/append-log.js';
import { tempDir } from '../helpers.js';

const APPENDER = `
const { appendFileSync } = require('node:fs');
const [path, n] = process.argv.slice(1);
for (let i = 0; i < Number(n); i++) appendFileSync(path, JSON.stringify({ new: i }) + '\\n');
`;

describe('rewriting an append-only log', () => {
  it('keeps every line appended by another process while old lines are removed', async () => {
    const dir = tempDir('etlctl-applog-');
    const path = join(dir, 'alerts.ndjson');
    writeFileSync(path, Array.from({ length: 400 }, (_, i) => JSON.stringify({ old: i }) + '\n').join(''));
    const N = 4000;
    const child = spawn(process.execPath, ['-e', APPENDER, path, String(N)], { stdio: 'inherit' });
    const done = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
    let running = true;
    void done.then(() => (running = false));
    let rounds = 0;
    // Each round drops the old lines whose number is a multiple of the round's divisor.
    while (running || rounds < 5) {
      const d = 2 + (rounds % 3);
      await rewriteAppendLog(path, (lines) =>
        lines.filter((l) => {
          const o = (JSON.parse(l) as { old?: number }).old;
          return o === undefined || o % d !== 0;
        }),
      );
      rounds++;
    }
    expect(await done).toBe(0);
    const lines = readFileSync(path, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { old?: number; new?: number });
    const fresh = lines.filter((l) => l.new !== undefined).map((l) => l.new);
    expect(fresh).toEqual(Array.from({ length: N }, (_, i) => i));
    const old = lines.filter((l) => l.old !== undefined).map((l) => l.old!);
    expect(old).toEqual(Array.from({ length: 400 }, (_, i) => i).filter((i) => i % 2 && i % 3 && i % 4));
    expect(rounds).toBeGreaterThan(2);
    // No temporary files left beside the log.
    expect(readdirSync(dir)).toEqual(['alerts.ndjson']);
  });

  it('does nothing when there is no log', async () => {
    const dir = tempDir('etlctl-applog-');
    expect(await rewriteAppendLog(join(dir, 'alerts.ndjson'), (l) => l)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
