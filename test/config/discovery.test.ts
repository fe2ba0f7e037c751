/** Config discovery: walking up from the current directory and from the pipeline file's folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const NO_DB_PIPELINE = (name: string) =>
  `name: ${name}\nsteps:\n  - step_type: transform\n    command: echo hi\n    no_output: true\n`;

describe('config discovery', () => {
  it('`cd pipelines && etlctl pipeline validate enrollments.yaml` finds the project config', () => {
    const r = runCli(['pipeline', 'validate', 'enrollments.yaml'], { cwd: join(ROOT, 'pipelines') });
    expect(r.stderr).not.toMatch(/ETL2021|unknown database connection|no config file found/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+enrollments\.yaml/m);
  });

  it('finds the config above the pipeline file when none is above the current directory', () => {
    const r = runCli(['pipeline', 'validate', join(ROOT, 'pipelines', 'enrollments.yaml')], { cwd: tempDir() });
    expect(r.stderr).not.toMatch(/ETL2021|no config file found/);
    expect(r.code, r.stderr).toBe(0);
  });

  it('a config found above the current directory keeps the project root and its state folder', () => {
    const cfg = loadConfig({ cwd: join(ROOT, 'pipelines'), env: {} });
    expect(cfg.file).toBe(join(ROOT, 'config', 'etlctl.yaml'));
    expect(cfg.projectRoot).toBe(ROOT);
    expect(cfg.local.stateDir).toBe(join(ROOT, '.etlctl'));
    expect(cfg.notices).toEqual([]);
  });

  it('finds etlctl.yaml at a project root too, and `validate .` does not take it for a pipeline', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'etlctl.yaml'), 'aws:\n  s3_bucket: found-it\n');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'p.yaml'), NO_DB_PIPELINE('p'));
    const cfg = loadConfig({ cwd: join(dir, 'sub'), env: {} });
    expect(cfg.aws.s3Bucket).toBe('found-it');
    const r = runCli(['pipeline', 'validate', '.'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok\s+sub\/p\.yaml/);
    expect(r.stdout).not.toMatch(/etlctl\.yaml/);
  });

  it('says once, as an info diagnostic, that no config was found and defaults are used', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), NO_DB_PIPELINE('a'));
    writeFileSync(join(dir, 'b.yaml'), NO_DB_PIPELINE('b'));
    const r = runCli(['pipeline', 'validate', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/no config file found, using built-in defaults/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/info ETL2100/);
    const j = runCli(['pipeline', 'validate', 'a.yaml', 'b.yaml', '--json'], { cwd: dir });
    const json = JSON.parse(j.stdout) as { ok: boolean; diagnostics: { code: string; severity: string }[] };
    expect(json.ok).toBe(true);
    expect(json.diagnostics.filter((d) => d.code === 'ETL2100')).toEqual([
      expect.objectContaining({ severity: 'info' }),
    ]);
  });
});
