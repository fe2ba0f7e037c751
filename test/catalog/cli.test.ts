/**
 * `etlctl catalog build|check` as a user runs them (the built CLI in a temporary project):
 * the files written, catalog.json against its published schema, and every reason `check` fails,
 * at the line to fix — including an SLA judged from a real local run.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import schema from '../../src/catalog/catalog.schema.json' with { type: 'json' };
import { ROOT, runCli, tempDir } from '../helpers.js';
import { validator } from './schema-helpers.js';

const validCatalog = validator(schema);

function examples(): string {
  const dir = tempDir('etlctl-catalog-cli-');
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  return dir;
}

function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const CONFIG = `defaults:
  warehouse: warehouse
databases:
  warehouse:
    engine: postgres
    database: wh
catalog:
  tags: [reporting, finance]
`;

describe('etlctl catalog build', () => {
  it('writes catalog.json (valid against its schema), the schema and a site that needs no server', () => {
    const dir = examples();
    const r = runCli(['catalog', 'build', '-o', 'site'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Catalog: \d+ tables, \d+ files, 8 pipelines → .*site\/index\.html$/m);
    for (const f of [
      'catalog.json',
      'catalog.schema.json',
      'index.html',
      'assets/app.js',
      'assets/style.css',
      'assets/catalog.js',
    ])
      expect(existsSync(join(dir, 'site', f)), f).toBe(true);
    const catalog = JSON.parse(readFileSync(join(dir, 'site/catalog.json'), 'utf8')) as {
      catalogVersion: number;
    };
    expect(validCatalog(catalog)).toEqual([]);
    expect(catalog.catalogVersion).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'site/catalog.schema.json'), 'utf8'))).toEqual(schema);
    const html = readFileSync(join(dir, 'site/index.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('<script src="assets/catalog.js"></script>');
  });

  it('--json prints one result object', () => {
    const r = runCli(['catalog', 'build', '-o', 'out', '--json'], { cwd: examples() });
    expect(r.code, r.stderr).toBe(0);
    // The CLI's envelope: {ok, exitCode, diagnostics, result}.
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, result: { pipelines: 8, problems: 0 } });
  });

  it('compiling on worker threads (large projects) gives the same catalog as one thread', () => {
    const files: Record<string, string> = {
      'config/etlctl.yaml': CONFIG.replace('catalog:\n  tags: [reporting, finance]\n', ''),
    };
    for (let i = 0; i < 320; i++)
      files[`pipelines/p${String(i).padStart(3, '0')}.yaml`] =
        `name: p${i}\nfrequency: daily\nsteps:\n  - step_type: sql-command\n    name: s\n    command: INSERT INTO rpt.t${i % 7} (a) SELECT a FROM src.s${i % 5}\nmeta: { owner: team${i % 3} }\n`;
    const dir = write(tempDir(), files);
    const at = ['--at', '2026-05-10T12:00:00Z'];
    const one = runCli(['catalog', 'build', '-o', 'one', '-j', '1', ...at], { cwd: dir });
    const two = runCli(['catalog', 'build', '-o', 'two', '-j', '2', ...at], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const read = (d: string) => readFileSync(join(dir, d, 'catalog.json'), 'utf8');
    expect(JSON.parse(read('two')).pipelines).toHaveLength(320);
    expect(read('two')).toBe(read('one'));
  });

  it('metadata mistakes fail the build at their line, with a did-you-mean', () => {
    const dir = write(tempDir(), {
      'config/etlctl.yaml': CONFIG,
      'pipelines/p.yaml': `name: p
frequency: daily
steps:
  - step_type: sql-command
    command: SELECT 1
meta:
  owner: a
  tags: [reportng]
  sla: { ready_by: "06:00", timezone: Europe/Berln }
`,
    });
    const r = runCli(['catalog', 'build'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /pipelines\/p\.yaml:8:10: error ETL1412: pipeline tag 'reportng' is not in the tag vocabulary/,
    );
    expect(r.stderr).toContain("hint: did you mean 'reporting'?");
    expect(r.stderr).toMatch(/pipelines\/p\.yaml:9:\d+: error ETL1410: unknown time zone 'Europe\/Berln'/);
    expect(r.stderr).toContain("did you mean 'Europe/Berlin'?");
  });

  // The config schema (src/config/schema.ts) declares the catalog: keys, so a typo there is the
  // loader's unknown-key error (ETL2002) like a typo in any section, at its line, with a did-you-mean.
  it('an unknown key in the catalog: config section is an error at its line', () => {
    const dir = write(tempDir(), {
      'config/etlctl.yaml': CONFIG + '  default_ownr: x\n',
      'pipelines/p.yaml': 'name: p\nsteps:\n  - step_type: sql-command\n    command: SELECT 1\n',
    });
    const r = runCli(['catalog', 'check', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const d = (
      JSON.parse(r.stdout) as { diagnostics: { code: string; file: string; line: number; hint: string }[] }
    ).diagnostics[0];
    expect(d).toMatchObject({
      code: 'ETL2002',
      file: 'config/etlctl.yaml',
      line: 9,
      hint: "did you mean 'default_owner'?",
    });
  });
});

describe('etlctl catalog check', () => {
  it('passes on the example pipelines', () => {
    const r = runCli(['catalog', 'check'], { cwd: examples() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/catalog check: \d+ tables, 8 pipelines: 0 errors, 0 warnings/);
  });

  it('fails on a table without owner and personal columns without a PII level, at their lines', () => {
    const dir = write(tempDir(), {
      'config/etlctl.yaml': CONFIG,
      'pipelines/copy.yaml': `name: copy
steps:
  - step_type: sql-command
    name: fill
    command: INSERT INTO crm.contacts (id, email, note) SELECT id, email, note FROM crm.people
`,
      'pipelines/tables/people.sql': `CREATE TABLE crm.people (
  id INTEGER,        -- etlctl: pii=none
  email VARCHAR(200),
  note VARCHAR(200)  -- etlctl: pii=sensitive
);
`,
      'pipelines/tables/contacts.sql': `CREATE TABLE crm.contacts (
  id INTEGER,
  email VARCHAR(200),
  note VARCHAR(200)
);
`,
      'pipelines/create.yaml': `name: create
steps:
  - step_type: create-update-sql
    table_definition: tables/contacts.sql
    command: SELECT 1
  - step_type: create-update-sql
    table_definition: tables/people.sql
    command: SELECT 1
`,
    });
    const r = runCli(['catalog', 'check'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => /error ETL/.test(l));
    expect(lines).toEqual([
      'pipelines/tables/contacts.sql:1: error ETL3500: table crm.contacts (warehouse) has no owner',
      'pipelines/tables/contacts.sql:3: error ETL3501: column crm.contacts.email looks like personal data but declares no PII level',
      'pipelines/tables/contacts.sql:4: error ETL3501: column crm.contacts.note is computed from warehouse:crm.people.note (sensitive) but declares no PII level',
      'pipelines/tables/people.sql:1: error ETL3500: table crm.people (warehouse) has no owner',
      'pipelines/tables/people.sql:3: error ETL3501: column crm.people.email looks like personal data but declares no PII level',
    ]);
    expect(r.stdout).toMatch(/catalog check: 2 tables, 2 pipelines: 5 errors, 0 warnings/);
  });

  describe('an SLA against a real local run', () => {
    let dir: string;
    let lastSuccess: string;
    beforeAll(() => {
      dir = write(tempDir(), {
        'config/etlctl.yaml': CONFIG.replace('catalog:\n', 'catalog:\n  default_owner: data-platform\n'),
        'pipelines/daily_counts.yaml': `name: daily_counts
frequency: daily
steps:
  - step_type: sql-command
    name: build
    command: |
      CREATE SCHEMA IF NOT EXISTS rpt;
      CREATE TABLE IF NOT EXISTS rpt.counts (day DATE, n INTEGER);
      INSERT INTO rpt.counts SELECT CURRENT_DATE, 1;
meta:
  owner: team-a
  sla: { ready_by: "06:00", timezone: UTC }
`,
      });
      const run = runCli(['pipeline', 'activate', 'pipelines/daily_counts.yaml'], { cwd: dir });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const r = runCli(['catalog', 'check', '--json'], { cwd: dir });
      lastSuccess = (
        JSON.parse(r.stdout) as { result: { pipelines: { freshness: { lastSuccess: string } }[] } }
      ).result.pipelines[0].freshness.lastSuccess;
    });

    /** The first 06:00 UTC after the run. */
    const nextDeadline = () => {
      const d = new Date(lastSuccess);
      const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 6, 0);
      return new Date(at > d.getTime() ? at : at + 86_400_000);
    };

    it('is met when the data was refreshed before the deadline', () => {
      const at = new Date(nextDeadline().getTime() + 60_000).toISOString();
      const r = runCli(['catalog', 'check', '--at', at, '--json'], { cwd: dir });
      expect(r.code, r.stdout).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ok: true,
        result: { pipelines: [{ name: 'daily_counts', freshness: { status: 'on_time', lastSuccess } }] },
      });
    });

    it('is missed (exit 1, at the ready_by line) when no refresh came in the window', () => {
      const at = new Date(nextDeadline().getTime() + 2 * 86_400_000 + 60_000).toISOString();
      const r = runCli(['catalog', 'check', '--at', at], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /pipelines\/daily_counts\.yaml:12:\d+: error ETL3502: pipeline daily_counts missed its SLA \(ready by 06:00 UTC\): not refreshed since/,
      );
      const built = runCli(['catalog', 'build', '--at', at, '-o', 'site'], { cwd: dir });
      expect(built.code).toBe(0);
      const c = JSON.parse(readFileSync(join(dir, 'site/catalog.json'), 'utf8')) as {
        datasets: { id: string; freshness?: { status: string } }[];
      };
      expect(c.datasets.find((d) => d.id === 'warehouse:rpt.counts')?.freshness?.status).toBe('late');
    });
  });
});
