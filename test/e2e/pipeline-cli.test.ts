import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';

describe('etlctl pipeline validate / compile', () => {
  it('validates the example pipelines', () => {
    const r = runCli(['pipeline', 'validate', 'pipelines/']);
    expect(r.stderr).not.toMatch(/error ETL/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\s+pipelines\/enrollments\.yaml/);
  });

  it('compiles to byte-identical files twice with a fixed start', () => {
    const a = tempDir();
    const b = tempDir();
    for (const dir of [a, b]) {
      const r = runCli(['pipeline', 'compile', 'pipelines/', '-o', dir, '--start', '2026-01-01T01:00:00']);
      expect(r.code, r.stderr).toBe(0);
    }
    const files = readdirSync(a).sort();
    expect(files).toContain('enrollments.json');
    expect(readdirSync(b).sort()).toEqual(files);
    for (const f of files) expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
  });

  it('writes the API format on request', () => {
    const dir = tempDir();
    const r = runCli([
      'pipeline',
      'compile',
      'pipelines/enrollments.yaml',
      '-o',
      dir,
      '--format',
      'api',
      '--start',
      '2026-01-01T01:00:00',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'enrollments.json'), 'utf8'));
    expect(json.pipelineObjects.length).toBeGreaterThan(5);
    expect(json.pipelineObjects[0].fields[0]).toHaveProperty('key');
  });

  it('exits 2 for a missing file', () => {
    const r = runCli(['pipeline', 'validate', 'no/such.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ETL8003/);
  });

  it('--help from the build-time cache is exactly what commander prints', () => {
    const cached = runCli(['--help']);
    const live = runCli(['--help'], { env: { ETLCTL_NO_HELP_CACHE: '1', COLUMNS: '80' } });
    expect(cached.code).toBe(0);
    expect(cached.stdout).toBe(live.stdout);
  });

  it('prints --version and --help', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes/);
  });
});

describe('templates precompiled at build time', () => {
  it('render exactly what the Handlebars compiler renders (every template)', () => {
    const dir = tempDir();
    // split-tsv (splits), upsert + history, primary-key-check (load-reload-pk).
    writeFileSync(
      join(dir, 'all_templates.yaml'),
      [
        'name: all_templates',
        'frequency: daily',
        'steps:',
        '  - step_type: extract-rds',
        '    name: extract_events',
        '    host_name: app_db',
        '    table: events',
        '    splits: 3',
        '  - step_type: load-reload-pk',
        '    name: reload_events',
        '    staging_table_definition: tables/staging.events.sql',
        '    production_table_definition: tables/analytics.events.sql',
        '  - step_type: upsert',
        '    name: merge_clicks',
        '    sql: SELECT * FROM staging.events',
        '    destination: tables/analytics.events.sql',
        '    history: tables/history.events.sql',
        '    depends_on: [reload_events]',
        '',
      ].join('\n'),
    );
    const generated = join(ROOT, 'dist', 'src', 'compile', 'templates');
    expect(readdirSync(generated).filter((f) => f.endsWith('.cjs'))).toHaveLength(
      readdirSync(join(ROOT, 'templates')).filter((f) => f.endsWith('.hbs')).length,
    );
    const outputs = ['', '1'].map((noCache) => {
      const out = tempDir();
      const args = ['pipeline', 'compile', 'all_templates.yaml', '-o', out, '--start', '2026-01-01T01:00:00'];
      const r = runCli([...args, '--config', join(ROOT, 'test', 'fixtures', 'steps', 'etlctl.yaml')], {
        cwd: dir,
        env: { ETLCTL_NO_TEMPLATE_CACHE: noCache },
      });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(join(out, 'all_templates.json'), 'utf8');
    });
    expect(outputs[0]).toMatch(/etlctl_dedup|INSERT INTO history\.events/);
    expect(outputs[0]).toBe(outputs[1]);
  });
});
