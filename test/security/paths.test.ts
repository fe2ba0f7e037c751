/**
 * Writes and reads outside the workspace (issue 12): names, prefixes, S3 buckets and keys and
 * local paths cannot make etlctl write outside its output folder or `.etlctl/`, or read (and
 * deploy) files outside the project, without `files.allowed_roots` in the config.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalS3 } from '../../src/local/s3.js';
import { BASE_CONFIG, compileYaml, errorsOf } from '../compile/harness.js';
import { runCli, tempDir } from '../helpers.js';

const ONE_TIME = 'frequency: one-time\nsteps:\n';
const extractLocal = (path: string) => `  - step_type: extract-local\n    path: ${path}\n`;

describe('names and prefixes stay file names', () => {
  it('aws.name_prefix with ../ is refused: compile -o writes nothing outside out/', () => {
    const dir = tempDir();
    const escape = tempDir('etlctl-escape-');
    writeFileSync(join(dir, 'etlctl.yaml'), `aws:\n  name_prefix: ../../../../..${escape}/pfx\n`);
    writeFileSync(join(dir, 'p.yaml'), 'name: p\nsteps:\n  - step_type: transform\n    command: echo hi\n');
    const r = runCli(['pipeline', 'compile', 'p.yaml', '-o', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ETL2102: aws\.name_prefix '.*' cannot be used: it starts with '\.'/);
    expect(readdirSync(escape)).toEqual([]);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const a = runCli(['pipeline', 'activate', 'p.yaml'], { cwd: dir });
    expect(a.code).not.toBe(0);
    expect(readdirSync(escape)).toEqual([]);
  });

  it.each([
    ['../x', /starts with '\.'/],
    ['a/b', /contains "\/"/],
    ['a;b', /contains ";"/],
    ["a'b", /contains "'"/],
    ['a b', /contains " "/],
    ['x'.repeat(65), /65 characters, more than 64/],
  ])('aws.name_prefix %j → ETL2102', (prefix, why) => {
    const out = compileYaml('name: p\nsteps:\n  - step_type: transform\n    command: echo\n', {
      config: `aws:\n  s3_bucket: b\n  name_prefix: ${JSON.stringify(prefix)}\n`,
    });
    expect(out.diagnostics.map((d) => d.code)).toContain('ETL2102');
    expect(out.diagnostics.find((d) => d.code === 'ETL2102')!.message).toMatch(why);
  });

  it('a 300-character pipeline name is an error at name:, not ENAMETOOLONG', () => {
    const name = 'p'.repeat(300);
    const out = compileYaml(`name: ${name}\nsteps:\n  - step_type: transform\n    command: echo\n`);
    expect(errorsOf(out)).toEqual(['ETL1203@1:7']);
    expect(out.diagnostics[0].message).toMatch(/300 characters, more than 100/);
    const dir = tempDir();
    writeFileSync(
      join(dir, 'p.yaml'),
      `name: ${name}\nsteps:\n  - step_type: transform\n    command: echo\n`,
    );
    const r = runCli(['pipeline', 'compile', 'p.yaml', '-o', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/p\.yaml:1:7: error ETL1203/);
    expect(r.stderr).not.toMatch(/ENAMETOOLONG|ETL9000/);
  });

  it('pipeline and step names that are `..` or too long are refused at their lines', () => {
    expect(errorsOf(compileYaml('name: ..\nsteps:\n  - step_type: transform\n    command: echo\n'))).toEqual([
      'ETL1203@1:7',
    ]);
    const long = compileYaml(
      `name: p\nsteps:\n  - step_type: transform\n    name: ${'s'.repeat(101)}\n    command: echo\n`,
    );
    expect(errorsOf(long)).toEqual(['ETL1203@4:11']);
    // Characters a name may not hold are the schema's error (one error per mistake).
    expect(
      errorsOf(compileYaml('name: "a/b"\nsteps:\n  - step_type: transform\n    command: echo\n')),
    ).toEqual(['ETL1004@1:7']);
  });

  it('a connection name that could climb out of .etlctl/db/ is refused', () => {
    const out = compileYaml('name: p\nsteps:\n  - step_type: transform\n    command: echo\n', {
      config: 'databases:\n  "../../x":\n    engine: postgres\n',
    });
    expect(out.diagnostics.map((d) => d.code)).toEqual(['ETL2102']);
  });
});

describe('S3 buckets and keys', () => {
  it('output_path: s3://../escaped/ is an error at its line', () => {
    const yaml = `name: p\n${ONE_TIME}  - step_type: extract-s3\n    directory_uri: s3://acme/in/\n  - step_type: transform\n    command: cat\n    output_path: s3://../escaped/\n`;
    const out = compileYaml(yaml);
    expect(errorsOf(out)).toEqual(['ETL1201@8:18']);
    expect(out.diagnostics[0].message).toMatch(/not a valid bucket name|contains '\.\.'/);
  });

  it.each([
    ['s3://bucket/a/../../b/', /'\.\.' segment/],
    ['s3://Bad_Bucket/x/', /not a valid bucket name/],
    ['s3://a..b/x/', /contains '\.\.'/],
    ['s3://b/./x', /'\.' segment/],
  ])('%s is refused (%s)', (uri, why) => {
    const yaml = `name: p\n${ONE_TIME}  - step_type: extract-s3\n    directory_uri: ${uri}\n`;
    const out = compileYaml(yaml);
    expect(errorsOf(out)).toEqual(['ETL1201@5:20']);
    expect(out.diagnostics[0].message).toMatch(why);
  });

  it('config buckets, base paths and log URIs are checked too', () => {
    const yaml = 'name: p\nsteps:\n  - step_type: transform\n    command: echo\n';
    for (const aws of ['s3_bucket: "../x"', 's3_base_path: etl/../..', 'pipeline_log_uri: s3://b/../logs/'])
      expect(compileYaml(yaml, { config: `aws:\n  ${aws}\n` }).diagnostics.map((d) => d.code)).toEqual([
        'ETL2103',
      ]);
  });

  it('the local S3 folder cannot be left through the bucket or the key', async () => {
    const stateDir = tempDir();
    const s3 = createLocalS3({ stateDir });
    for (const uri of ['s3://../escaped/x', 's3://./x', 's3://b/../../x', 's3://a..b/x'])
      await expect(s3.writeText(uri, 'no'), uri).rejects.toThrow(/ETL7010/);
    expect(readdirSync(stateDir)).toEqual([]);
  });
});

describe('local files outside the project need files.allowed_roots', () => {
  it('extract-local path: /etc/passwd is refused at its line', () => {
    const out = compileYaml(`name: p\n${ONE_TIME}${extractLocal('/etc/passwd')}`);
    expect(errorsOf(out)).toEqual(['ETL3400@5:11']);
    expect(out.diagnostics[0].hint).toMatch(/files: \{allowed_roots: \[\/etc\]\}/);
  });

  it('so is a relative path that climbs out, and a link inside the project that leads out', () => {
    expect(
      errorsOf(compileYaml(`name: p\n${ONE_TIME}${extractLocal('../../../../../../etc/passwd')}`)),
    ).toEqual(['ETL3400@5:11']);
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    symlinkSync('/etc/passwd', join(dir, 'data', 'passwd'));
    writeFileSync(join(dir, 'p.yaml'), `name: p\n${ONE_TIME}${extractLocal('data/passwd')}`);
    const r = runCli(['pipeline', 'validate', 'p.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/p\.yaml:5:11: error ETL3400: data\/passwd is outside the project/);
  });

  it('sql-command scripts and transform script folders are held to the same rule', () => {
    const sql = compileYaml(`name: p\nsteps:\n  - step_type: sql-command\n    script: /etc/hosts\n`);
    expect(errorsOf(sql)).toEqual(['ETL3400@4:13']);
    const dir = tempDir();
    mkdirSync(join(dir, 'scripts'));
    writeFileSync(join(dir, 'scripts', 'run.sh'), 'echo');
    const t = compileYaml(
      `name: p\nsteps:\n  - step_type: transform\n    script_directory: ${dir}/scripts\n    script_name: run.sh\n`,
    );
    expect(errorsOf(t)).toEqual(['ETL3400@4:23']);
  });

  it('files.allowed_roots opts a folder in', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data.tsv'), '1\ta\n');
    const yaml = `name: p\n${ONE_TIME}${extractLocal(join(dir, 'data.tsv'))}`;
    expect(errorsOf(compileYaml(yaml))).toEqual(['ETL3400@5:11']);
    const allowed = compileYaml(yaml, { config: `${BASE_CONFIG}files:\n  allowed_roots: [${dir}]\n` });
    expect(errorsOf(allowed)).toEqual([]);
    expect(allowed.definition?.meta?.assets?.[0].localPath).toBe(join(dir, 'data.tsv'));
  });
});
