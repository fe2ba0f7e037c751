/** `etlctl definition validate|convert` as a user runs them (uses dist/, built by the global setup). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toApiJson, toFileJson } from '../../src/definition/json.js';
import { edit, find, validDefinition } from './fixtures.js';

const BIN = resolve(import.meta.dirname, '../../bin/etlctl');
let dir: string;

function etlctl(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'etlctl-definition-'));
  writeFileSync(join(dir, 'good.json'), JSON.stringify(toFileJson(validDefinition()), null, 2));
  writeFileSync(join(dir, 'good-api.json'), JSON.stringify(toApiJson(validDefinition()), null, 2));
  const bad = edit((d) => {
    find(d, 'Ec2').fields.workerGroup = 'wg';
    delete find(d, 'Default').fields.pipelineLogUri;
  });
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(toFileJson(bad), null, 2));
  writeFileSync(join(dir, 'broken.json'), '{"objects": [\n  {"id": "A",}\n]}');
});

describe('etlctl definition validate', () => {
  it('accepts a clean definition in both formats', () => {
    const r = etlctl('definition', 'validate', 'good.json', 'good-api.json', '--now', '2026-03-01T12:00:00Z');
    expect(r.stderr).toContain('2 definition files checked: no errors');
    expect(r.code).toBe(0);
  });

  it('prints file, line, code, object and field, and exits 1 on errors', () => {
    const r = etlctl('definition', 'validate', 'bad.json', '--now', '2026-03-01T12:00:00Z');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /bad\.json:\d+: error ETL4043: field 'workerGroup' is not allowed on Ec2Resource \[object Ec2, field workerGroup\]/,
    );
    expect(r.stderr).toMatch(/warning ETL4090: .*\[object Default, field pipelineLogUri\]/);
    expect(r.stderr).toContain('1 error, 1 warning');
  });

  it('--json prints machine-readable diagnostics', () => {
    const r = etlctl('definition', 'validate', 'bad.json', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      diagnostics: { code: string; objectId?: string; field?: string }[];
    };
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'ETL4043', objectId: 'Ec2', field: 'workerGroup' }),
    );
  });

  it('reports invalid JSON with its line and column', () => {
    const r = etlctl('definition', 'validate', 'broken.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.json:2:\d+: error ETL4001: not valid JSON/);
  });

  it('exits 2 for a missing file', () => {
    const r = etlctl('definition', 'validate', 'nope.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json: error ETL8003: file not found');
  });
});

describe('etlctl definition convert', () => {
  it('converts file → api on stdout and api → file into -o', () => {
    const r = etlctl('definition', 'convert', 'good.json', '--to', 'api');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(toApiJson(validDefinition()));
    writeFileSync(join(dir, 'api.json'), r.stdout);
    const back = etlctl('definition', 'convert', 'api.json', '--to', 'file', '-o', 'back.json');
    expect(back.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'back.json'), 'utf8'))).toEqual(toFileJson(validDefinition()));
  });

  it('rejects an unknown target format with exit 2', () => {
    expect(etlctl('definition', 'convert', 'good.json', '--to', 'yaml').code).toBe(2);
  });
});
