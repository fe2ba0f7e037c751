/**
 * The fuzz suite (issue 12, item 3). `npm test` runs a modest count with a fixed seed; `npm run
 * fuzz` the long run (FUZZ_RUNS, default 10,000; FUZZ_SEED; FUZZ_TIME_LIMIT_MS per input). The
 * property: no input makes etlctl throw, report ETL9000, hang, or report an error without a
 * file:line. Crashers found by earlier runs are replayed first, by name.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { count, Fuzzer, newTally, summary } from './harness.js';
import type { Verdict } from './harness.js';
import { mutation } from './mutate.js';
import { CRASHERS } from './crashers.js';

const LONG = process.env.FUZZ_LONG === '1';
const RUNS = Number(process.env.FUZZ_RUNS ?? (LONG ? 10_000 : 120));
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 20_000);

let fuzzer: Fuzzer;

beforeAll(async () => {
  fuzzer = new Fuzzer(TIME_LIMIT_MS);
  await fuzzer.setup();
}, 300_000);

const shown = (v: Verdict) =>
  `${v.failure}: etlctl ${v.args.join(' ')}\n${v.detail ?? ''}\n--- input (first 2,000 characters) ---\n${v.text.slice(0, 2000)}`;

describe('fuzz: mutated pipelines, configs and definitions', () => {
  it.each(CRASHERS.map((c) => [c.name, c] as const))('crasher found by fuzzing: %s', async (_name, c) => {
    const file = join(fuzzer.dir, c.file);
    writeFileSync(file, c.text);
    const args = c.args.map((a) => a.replace('$FILE', file).replace('$DIR', fuzzer.dir));
    const v = await fuzzer.judge([...args, '--json'], c.text);
    expect(v.failure, shown(v)).toBeUndefined();
  });

  it(
    `${RUNS} inputs: no throw, no ETL9000, no hang, every error at a file:line`,
    async () => {
      const tally = newTally();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const v = await fuzzer.run(m);
          count(tally, v);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: false },
      );
      const text = summary(tally, SEED, (performance.now() - started) / 1000);
      console.log(text);
      if (process.env.FUZZ_REPORT)
        writeFileSync(process.env.FUZZ_REPORT, text + '\n' + tally.failures.map(shown).join('\n\n'));
      expect(tally.failures.map(shown).join('\n\n'), text).toBe('');
    },
    LONG ? 3_600_000 : 600_000,
  );
});
