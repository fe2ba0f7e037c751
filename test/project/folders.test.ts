/** `validate DIR` reads pipeline files only (issue 18): not the config, CI files or installed packages. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

const put = (dir: string, path: string, text: string): void => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

describe('folders expand to pipeline files only', () => {
  it('`validate .` at a project root skips config/etlctl.yaml, hidden folders, node_modules and non-pipeline YAML', () => {
    const dir = tempDir();
    put(dir, 'config/etlctl.yaml', 'target: local\ndefaults:\n  max_retries: 1\n');
    put(dir, 'config/extra.yaml', 'databases: {}\n');
    put(
      dir,
      'pipelines/p.yaml',
      'name: p\nsteps:\n  - step_type: transform\n    command: echo hi\n    no_output: true\n',
    );
    put(dir, '.github/workflows/ci.yml', 'name: ci\non: push\njobs: {}\n');
    put(dir, 'node_modules/pkg/FUNDING.yml', 'github: someone\n');
    put(dir, 'docker-compose.yaml', 'services: {}\n');
    const r = runCli(['pipeline', 'validate', '.'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^ok\s+pipelines\/p\.yaml/)]);
    expect(r.stderr).not.toMatch(/ETL1003|unknown key/);
  });

  it('a folder without pipelines is a usage error that says what a pipeline file is', () => {
    const dir = tempDir();
    put(dir, 'conf/settings.yaml', 'a: 1\n');
    const r = runCli(['pipeline', 'validate', 'conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ETL8004: no pipeline files \(\.yaml or \.yml with steps:\) in conf/);
  });

  it('a file named on the command line is read as a pipeline even without steps:', () => {
    const dir = tempDir();
    put(dir, 'p.yaml', 'name: p\n');
    const r = runCli(['pipeline', 'validate', 'p.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/steps/);
  });
});
