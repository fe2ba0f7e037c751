import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTsvRow } from '../../src/local/tsv.js';
import { compileStep, lines, runStepTests } from './harness.js';

runStepTests('extract-rds', {
  valid: [
    {
      name: 'table, one file',
      yaml: lines(
        'name: users',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-rds',
        '    name: extract_users',
        '    host_name: app_db',
        '    table: users',
      ),
    },
    {
      name: 'query split into 4 part files',
      yaml: lines(
        'name: users',
        'frequency: daily',
        'steps:',
        '  - step_type: extract_rds',
        '    name: extract_users',
        '    host_name: app_db',
        '    splits: 4',
        '    output_path: s3://acme-etl/exports/users/',
        '    sql: SELECT id, email, bio FROM users WHERE active = 1;',
      ),
    },
  ],
  invalid: [
    {
      name: 'table and sql together',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-rds',
        '    host_name: app_db',
        '    table: a',
        '    sql: SELECT 1',
      ),
      errors: [{ code: 'ETL1009', line: 6, column: 5 }],
    },
    {
      name: 'splits below 1',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-rds',
        '    host_name: app_db',
        '    table: a',
        '    splits: 0',
      ),
      errors: [{ code: 'ETL1004', line: 6, column: 13 }],
    },
    {
      name: 'host is the Redshift warehouse',
      yaml: lines(
        'name: p',
        'steps:',
        '  - step_type: extract-rds',
        '    host_name: warehouse',
        '    table: a',
      ),
      errors: [{ code: 'ETL2022', line: 4, column: 16 }],
    },
  ],
});

/** The compiled split command, run as the worker would: sh -c with staged input and output folders. */
function runSplit(
  splits: number,
  input: string[],
): { code: number; stderr: string; parts: Map<string, string> } {
  const r = compileStep(
    lines(
      'name: p',
      'steps:',
      '  - step_type: extract-rds',
      '    host_name: app_db',
      '    table: t',
      `    splits: ${splits}`,
    ),
  );
  const split = r.definition?.objects.find((o) => o.id === 'ExtractRdsStep0.Split');
  const command = split?.fields.command;
  if (typeof command !== 'string') throw new Error('no split command compiled');
  const dir = mkdtempSync(join(tmpdir(), 'etlctl-split-'));
  try {
    const inDir = join(dir, 'in');
    const outDir = join(dir, 'out');
    mkdirSync(inDir);
    mkdirSync(outDir);
    input.forEach((text, i) => writeFileSync(join(inDir, `file-${i}.tsv`), text));
    const p = spawnSync('/bin/sh', ['-c', command, 'sh'], {
      env: { PATH: process.env.PATH, INPUT1_STAGING_DIR: inDir, OUTPUT1_STAGING_DIR: outDir },
      encoding: 'utf8',
    });
    const parts = new Map(readdirSync(outDir).map((f) => [f, readFileSync(join(outDir, f), 'utf8')]));
    return { code: p.status ?? -1, stderr: p.stderr, parts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Records of an etlctl-dialect TSV text: a newline preceded by an odd run of backslashes is data. */
function records(text: string): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  const physical = text.split('\n');
  if (text.endsWith('\n')) physical.pop();
  for (const line of physical) {
    cur = cur === undefined ? line : `${cur}\n${line}`;
    const run = /\\*$/.exec(line)?.[0].length ?? 0;
    if (run % 2 === 1) continue;
    out.push(cur);
    cur = undefined;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

describe('extract-rds splits: the compiled command', () => {
  const rows: (string | null)[][] = [
    ['1', 'plain', 'x'],
    ['2', 'multi\nline\nvalue', null],
    ['3', 'ends with backslash\\', 'tab\there'],
    ['4', 'backslash then newline \\\n!', ''],
    ['5', '\\N literal', 'NULL'],
    ['6', 'crlf\r\nvalue', 'z'],
    ['7', '\\\\\\', 'three backslashes'],
  ];
  const text = rows.map((r) => encodeTsvRow(r)).join('');

  it('splits records round-robin without breaking escaped newlines', () => {
    const { code, stderr, parts } = runSplit(3, [text]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect([...parts.keys()].sort()).toEqual(['part-00000', 'part-00001', 'part-00002']);
    const all = [...parts.values()].flatMap(records).sort();
    expect(all).toEqual(records(text).sort());
    expect(records(parts.get('part-00000')!)).toEqual(
      records(encodeTsvRow(rows[0]) + encodeTsvRow(rows[3]) + encodeTsvRow(rows[6])),
    );
  });

  it('reads every staged input file', () => {
    const half = rows.length >> 1;
    const { parts } = runSplit(2, [
      rows
        .slice(0, half)
        .map((r) => encodeTsvRow(r))
        .join(''),
      rows
        .slice(half)
        .map((r) => encodeTsvRow(r))
        .join(''),
    ]);
    expect([...parts.values()].flatMap(records).sort()).toEqual(records(text).sort());
  });

  it('writes every part even for an empty extract', () => {
    const { code, parts } = runSplit(4, ['']);
    expect(code).toBe(0);
    expect([...parts.entries()]).toEqual([
      ['part-00000', ''],
      ['part-00001', ''],
      ['part-00002', ''],
      ['part-00003', ''],
    ]);
  });
});
