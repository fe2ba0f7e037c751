/**
 * One mistake, one message, at the right place (issue 18's "diagnostics noise"): a misspelt key
 * is one error with its suggestion (no "missing required key" twin), a wrong connection name is
 * not followed by a spurious "needs input data" on the next step, a bad --frequency is blamed on
 * the flag, etlctl does not warn about its own output (ETL4092 on the shipped review_words
 * example, its compile's password parameters), and a `#` that cut an unquoted command is said.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

/** The shipped examples in a folder of their own, with one line of enrollments.yaml changed. */
function project(edit?: [string, string]): string {
  const dir = tempDir();
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  if (edit) {
    const f = join(dir, 'pipelines', 'enrollments.yaml');
    const text = readFileSync(f, 'utf8');
    expect(text).toContain(edit[0]);
    writeFileSync(f, text.replace(edit[0], edit[1]));
  }
  return dir;
}

const codes = (stderr: string) =>
  [...stderr.matchAll(/(error|warning|info) (ETL\d{4})/g)].map((m) => `${m[1]} ${m[2]}`);

describe('diagnostics noise', () => {
  it('a misspelt key is one error, with its suggestion, on the key', () => {
    const dir = project(['    host_name: app_db', '    hostname: app_db']);
    const r = runCli(['pipeline', 'validate', 'pipelines/enrollments.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['error ETL1003']);
    expect(r.stderr).toMatch(/enrollments\.yaml:12:5: error ETL1003: unknown key 'hostname'/);
    expect(r.stderr).toContain("did you mean 'host_name'?");
  });

  it('a wrong connection name is one error; the next step gets no "needs input data"', () => {
    const dir = project(['    host_name: app_db', '    host_name: app_dbx']);
    const r = runCli(['pipeline', 'validate', 'pipelines/enrollments.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(codes(r.stderr)).toEqual(['error ETL2021']);
    expect(r.stderr).not.toContain('ETL1016');
  });

  it('a step that really lacks input still gets ETL1016', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'pipelines', 'alone.yaml'),
      [
        'name: alone',
        'frequency: one-time',
        'steps:',
        '  - step_type: create-load-redshift',
        '    name: load_staging',
        '    table_definition: tables/staging.enrollments.sql',
        '',
      ].join('\n'),
    );
    const r = runCli(['pipeline', 'validate', 'pipelines/alone.yaml'], { cwd: dir });
    expect(codes(r.stderr)).toEqual(['error ETL1016']);
  });

  it('a bad --frequency is blamed on the flag, not on a line of the file', () => {
    const r = runCli(['pipeline', 'validate', 'pipelines/enrollments.yaml', '--frequency', 'weeklyy'], {
      cwd: project(),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error ETL1010: unsupported frequency 'weeklyy' \(from --frequency\)/m);
    expect(r.stderr).not.toMatch(/enrollments\.yaml:\d+:\d+: error ETL1010/);
  });

  it('no warning about etlctl’s own output: review_words.yaml and every compiled example', () => {
    const dir = project();
    const v = runCli(['pipeline', 'validate', 'pipelines/review_words.yaml'], { cwd: dir });
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).not.toContain('ETL4092');
    const c = runCli(['pipeline', 'compile', 'pipelines', '-o', 'out'], { cwd: dir });
    expect(c.code, c.stderr).toBe(0);
    const files = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(3);
    const d = runCli(['definition', 'validate', ...files.map((f) => join('out', f))], { cwd: dir });
    expect(d.code, d.stderr).toBe(0);
    // Neither the script-argument advice nor "pass --parameter-values *my…Password" for our passwords.
    expect(d.stderr).not.toContain('ETL4092');
    expect(d.stderr).not.toMatch(/ETL4200: parameter '\*my\w+Password'/);
  });

  it('a hand-written scriptUri with scriptArgument still gets ETL4092', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd'));
    writeFileSync(
      join(dir, 'd', 'x.json'),
      JSON.stringify({
        objects: [
          {
            id: 'Default',
            name: 'Default',
            scheduleType: 'ondemand',
            role: 'r',
            resourceRole: 'rr',
            pipelineLogUri: 's3://b/l/',
          },
          { id: 'Ec2', name: 'Ec2', type: 'Ec2Resource', terminateAfter: '1 Hour' },
          {
            id: 'Run',
            name: 'Run',
            type: 'ShellCommandActivity',
            runsOn: { ref: 'Ec2' },
            scriptUri: 's3://b/run.sh',
            scriptArgument: ['a'],
          },
        ],
      }),
    );
    const r = runCli(['definition', 'validate', 'd/x.json'], { cwd: dir });
    expect(r.stderr).toContain('warning ETL4092');
  });

  it('a # inside an unquoted command is a warning at the command, with the fix', () => {
    const dir = project();
    writeFileSync(
      join(dir, 'pipelines', 'hash.yaml'),
      [
        'name: hash',
        'frequency: one-time',
        'steps:',
        '  - step_type: transform',
        '    name: count_lines',
        '    no_output: true',
        '    command: grep -c x data.txt # count the x lines',
        '  - step_type: transform',
        '    name: quoted',
        '    no_output: true',
        '    command: "echo a # b"',
        '',
      ].join('\n'),
    );
    const r = runCli(['pipeline', 'validate', 'pipelines/hash.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(codes(r.stderr)).toEqual(['warning ETL1501']);
    expect(r.stderr).toMatch(
      /hash\.yaml:7:14: warning ETL1501: the command of step 'count_lines' ends at ' #'/,
    );
    expect(r.stderr).toContain('quote the command');
  });
});
