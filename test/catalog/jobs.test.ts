/**
 * `etlctl catalog build --jobs N` shares a large project's pipelines between threads (the built
 * CLI; from the TypeScript sources everything runs in one thread). What it writes must not depend
 * on that: catalog.json and the site are byte-for-byte those of `--jobs 1` — including lineage
 * that needs a table definition file only a pipeline in another thread's share names.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

/** Copies of the example pipelines in sub-folders: 306 pipelines, enough for two threads (150 each). */
const COPIES = 37;

function project(): string {
  const dir = tempDir('etlctl-catalog-jobs-');
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  const examples = readdirSync(join(ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml'));
  for (let i = 1; i <= COPIES; i++) {
    const sub = join(dir, 'pipelines', `copy${String(i).padStart(2, '0')}`);
    mkdirSync(sub);
    for (const f of examples) {
      const text = readFileSync(join(ROOT, 'pipelines', f), 'utf8');
      writeFileSync(join(sub, f), text.replace(/^name: *(.+)$/m, `name: $1_copy${i}`));
    }
  }
  // The first pipeline reads a table whose definition file only the last one names: the columns
  // of `SELECT *` come from that file, whichever thread compiles the last pipeline.
  writeFileSync(
    join(dir, 'pipelines/a_first.yaml'),
    `name: a_first
frequency: daily
load_time: "02:00"

steps:
  - step_type: sql-command
    name: clear_late
    command: DELETE FROM analytics.late_table WHERE amount < 0;

  - step_type: sql-command
    name: summarize_late
    command: CREATE TABLE analytics.late_summary AS SELECT * FROM analytics.late_table;
`,
  );
  writeFileSync(
    join(dir, 'pipelines/zz_last.yaml'),
    `name: zz_last
frequency: daily
load_time: "02:00"

steps:
  - step_type: primary-key-check
    name: late_pk
    table_definition: tables/analytics.late_table.sql
`,
  );
  writeFileSync(
    join(dir, 'pipelines/tables/analytics.late_table.sql'),
    `CREATE TABLE analytics.late_table (
  code VARCHAR(10) NOT NULL,
  amount DECIMAL(12,2),
  PRIMARY KEY (code)
);
`,
  );
  return dir;
}

const OUTPUT = ['catalog.json', 'assets/catalog.js', 'catalog.schema.json', 'index.html'];

describe('etlctl catalog build --jobs', () => {
  it('writes the same catalog and site with one thread as with two', () => {
    const dir = project();
    const build = (jobs: number): Record<string, string> => {
      const out = `site-${jobs}`;
      const r = runCli(
        ['catalog', 'build', '-o', out, '--at', '2026-12-03T06:30:00Z', '--jobs', String(jobs)],
        {
          cwd: dir,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ 306 pipelines → /);
      return Object.fromEntries(OUTPUT.map((f) => [f, readFileSync(join(dir, out, f), 'utf8')]));
    };
    const one = build(1);
    const two = build(2);
    for (const f of OUTPUT)
      expect(two[f] === one[f], `${f} differs between --jobs 1 and --jobs 2`).toBe(true);

    const catalog = JSON.parse(one['catalog.json']) as {
      pipelines: { name: string }[];
      datasets: {
        id: string;
        columns: { name: string; upstream: { dataset: string; column: string }[] }[];
      }[];
    };
    expect(catalog.pipelines).toHaveLength(306);
    expect(catalog.pipelines.map((p) => p.name)).toContain('users_snapshot_copy37');
    const summary = catalog.datasets.find((d) => d.id === 'warehouse:analytics.late_summary');
    expect(summary?.columns.map((c) => [c.name, c.upstream.map((u) => `${u.dataset}.${u.column}`)])).toEqual([
      ['code', ['warehouse:analytics.late_table.code']],
      ['amount', ['warehouse:analytics.late_table.amount']],
    ]);
  }, 300_000);
});
