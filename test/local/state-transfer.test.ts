/**
 * `etlctl state migrate|export|import` (issue 15): a SQLite history moved into a shared
 * PostgreSQL store and back, unchanged (ids, statuses, attempts, actions); the PostgreSQL store
 * goes on from there (new ids after the imported ones); import refuses a store with history
 * without --force; a broken file is named at its line; every --json result matches its schema.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_SCHEMA_VERSION } from '../../src/local/state/pg-schema.js';
import { PG_URL } from '../db.js';
import { tempDir } from './helpers.js';

const root = resolve(__dirname, '../..');
const bin = join(root, 'bin', 'etlctl');
const schema = `state_move_${process.pid.toString(36)}_${Date.now().toString(36)}`;
const url = `${PG_URL}?schema=${schema}`;
const admin = new pg.Client({ connectionString: PG_URL });
const ajv = new Ajv({ allErrors: true, strict: false });
for (const f of ['envelope', 'entities', 'commands', 'stream'])
  ajv.addSchema(JSON.parse(readFileSync(join(root, 'src/cli/schemas', `${f}.schema.json`), 'utf8')));
const commands = JSON.parse(readFileSync(join(root, 'src/cli/schemas/commands.schema.json'), 'utf8'))
  .commands as Record<string, string>;
let dir: string;

function etlctl(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      ETLCTL_CONFIG: '',
      ETLCTL_LOCAL__STATE_URL: '',
      TEST_ETLCTL_STATE_URL_BY_DIR: '',
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `etlctl state … --json`: the envelope, checked against the published schemas. */
function json(
  cmd: string,
  args: string[],
  exit = 0,
): { result: Record<string, unknown>; diagnostics: { code: string; line?: number }[] } {
  const r = etlctl([...args, '--json']);
  const doc = JSON.parse(r.stdout);
  expect(ajv.getSchema('https://etlctl.dev/schemas/envelope.schema.json')!(doc)).toBe(true);
  expect(r.code, r.stdout + r.stderr).toBe(exit);
  if (doc.result !== null) {
    const v = ajv.getSchema(`https://etlctl.dev/schemas/commands.schema.json${commands[cmd]}`)!;
    expect(v(doc.result), ajv.errorsText(v.errors)).toBe(true);
  }
  return doc;
}

/** The rows of an NDJSON export, header left out. */
const rowsOf = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').slice(1);

beforeAll(async () => {
  await admin.connect();
  dir = tempDir('etlctl-state-move-');
  const sh = (id: string, command: string, extra = {}) => ({
    id,
    name: id,
    type: 'ShellCommandActivity',
    command,
    ...extra,
  });
  writeFileSync(
    join(dir, 'moved.json'),
    JSON.stringify({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'ondemand' },
        sh('A', 'echo a'),
        sh('B', 'echo b', { dependsOn: { ref: 'A' } }),
        sh('C', 'exit 3', { maximumRetries: '1', retryDelay: '1 seconds' }),
      ],
    }),
  );
  // History in the default SQLite store: a run with a finished, a failed (twice) and a retried step, and an action.
  expect(etlctl(['pipeline', 'activate', 'moved.json']).code).toBe(1);
  expect(etlctl(['pipeline', 'acknowledge', 'moved', '--step', 'C', '--note', 'known']).code).toBe(0);
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('state migrate, export, import', () => {
  it('migrate creates the shared store, then finds it current', () => {
    expect(json('state migrate', ['state', 'migrate', '--state-url', url]).result).toMatchObject({
      kind: 'postgres',
      from: 0,
      to: PG_SCHEMA_VERSION,
    });
    expect(json('state migrate', ['state', 'migrate', '--state-url', url]).result).toMatchObject({
      from: PG_SCHEMA_VERSION,
      to: PG_SCHEMA_VERSION,
    });
    expect(json('state migrate', ['state', 'migrate']).result).toMatchObject({
      kind: 'sqlite',
      from: 3,
      to: 3,
    });
  });

  it('SQLite → PostgreSQL → SQLite keeps every row; the shared store goes on after the imported ids', async () => {
    const out = json('state export', ['state', 'export', '-o', 'sqlite.ndjson']).result;
    expect(out).toMatchObject({
      kind: 'sqlite',
      format: 'ndjson',
      rows: { pipelines: 1, instances: 3, actions: 1 },
    });
    expect((out.rows as Record<string, number>).attempts).toBe(4);
    const imported = json('state import', ['state', 'import', 'sqlite.ndjson', '--state-url', url]).result;
    expect(imported).toMatchObject({ kind: 'postgres', replaced: 0, rows: out.rows });

    // What the shared store says is what the SQLite one said.
    const status = etlctl(['pipeline', 'status', 'moved', '--json'], { ETLCTL_LOCAL__STATE_URL: url });
    expect(status.code).toBe(0);
    const before = etlctl(['pipeline', 'status', 'moved', '--json']);
    expect(JSON.parse(status.stdout).result).toEqual(JSON.parse(before.stdout).result);

    // Back as one JSON document into a new SQLite directory: the same rows.
    json('state export', ['state', 'export', '--state-url', url, '--format', 'json', '-o', 'pg.json']);
    json('state import', ['state', 'import', 'pg.json', '--state-dir', 'back']);
    json('state export', ['state', 'export', '--state-dir', 'back', '-o', 'back.ndjson']);
    expect(rowsOf('back.ndjson')).toEqual(rowsOf('sqlite.ndjson'));

    // The shared store goes on: a new activation gets ids after the imported ones.
    const again = etlctl(['pipeline', 'activate', 'moved.json'], {
      ETLCTL_LOCAL__STATE_URL: url,
      ETLCTL_LOCAL__SHARED_PATH: 'true',
    });
    expect(again.code, again.stdout + again.stderr).toBe(1);
    const r = await admin.query(
      `SELECT COUNT(*)::int AS n, COUNT(DISTINCT id)::int AS d, MIN(id) AS lo FROM ${schema}.runs`,
    );
    expect(r.rows[0]).toMatchObject({ n: 2, d: 2, lo: 1 });
  });

  it('import refuses a store with history unless --force, which replaces it', () => {
    const refused = json('state import', ['state', 'import', 'sqlite.ndjson', '--state-url', url], 2);
    expect(refused.diagnostics.map((d) => d.code)).toEqual(['ETL7814']);
    const forced = json('state import', [
      'state',
      'import',
      'sqlite.ndjson',
      '--state-url',
      url,
      '--force',
    ]).result;
    expect(forced.replaced as number).toBeGreaterThan(0);
    json('state export', ['state', 'export', '--state-url', url, '-o', 'again.ndjson']);
    expect(rowsOf('again.ndjson')).toEqual(rowsOf('sqlite.ndjson'));
  });

  it('a file that is not an export is named at its line; export --json needs a file', () => {
    const lines = readFileSync(join(dir, 'sqlite.ndjson'), 'utf8').split('\n');
    lines[2] = '{"table": "pipelines", "row": ';
    writeFileSync(join(dir, 'broken.ndjson'), lines.join('\n'));
    const bad = json('state import', ['state', 'import', 'broken.ndjson', '--state-dir', 'fresh'], 2);
    expect(bad.diagnostics).toEqual([expect.objectContaining({ code: 'ETL7815', line: 3 })]);
    expect(json('state export', ['state', 'export'], 2).diagnostics.map((d) => d.code)).toEqual(['ETL7817']);
  });
});
