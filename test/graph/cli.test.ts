import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { FIXTURES, checkWellFormedXml, decodeXml, pngSize } from './helpers.js';

/** Only node's own folder on PATH: no Graphviz `dot` can be found, so the WASM build must do. */
const NO_DOT = { PATH: dirname(process.execPath) };
const HAND_WRITTEN = join(FIXTURES, 'enrollments.json');

describe('etlctl definition / pipeline visualize', () => {
  it('does not find a `dot` binary in the test PATH', () => {
    for (const dir of NO_DOT.PATH.split(':')) expect(existsSync(join(dir, 'dot'))).toBe(false);
  });

  it('draws a definition file as SVG, PNG and HTML by extension, with no `dot` on PATH', () => {
    const dir = tempDir();
    for (const ext of ['svg', 'png', 'html']) {
      // .dot: see the --json test
      const target = join(dir, 'sub', `out.${ext}`);
      const r = runCli(['definition', 'visualize', HAND_WRITTEN, '-o', target], { env: NO_DOT });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^wrote .*out\.\w+ \(\d+ nodes, \d+ edges\)/);
    }
    checkWellFormedXml(readFileSync(join(dir, 'sub', 'out.svg'), 'utf8'));
    expect(pngSize(readFileSync(join(dir, 'sub', 'out.png'))).width).toBeGreaterThan(500);
    const html = readFileSync(join(dir, 'sub', 'out.html'), 'utf8');
    expect(html).not.toContain('s3cr3t'); // parameter values in the file stay out of the page
  });

  it('draws a pipeline YAML file through the compiler', () => {
    const dir = tempDir();
    const target = join(dir, 'enrollments.svg');
    const r = runCli(
      ['pipeline', 'visualize', 'pipelines/enrollments.yaml', '-o', target, '--direction', 'tb'],
      {
        env: NO_DOT,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(target, 'utf8');
    checkWellFormedXml(svg);
    expect(decodeXml(svg)).toContain('extract_enrollments \u00a0(extract-rds)');
  });

  it('rejects an unknown output extension as a usage error', () => {
    const r = runCli(['definition', 'visualize', HAND_WRITTEN, '-o', join(tempDir(), 'out.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error ETL8115: .*out\.jpg/);
    expect(r.stderr).toMatch(/\.svg, \.png, \.dot or \.html/);
  });

  it('rejects a bad --direction as a usage error', () => {
    const r = runCli([
      'definition',
      'visualize',
      HAND_WRITTEN,
      '-o',
      join(tempDir(), 'o.svg'),
      '--direction',
      'up',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/LR .* or TB/);
  });

  it('reports a missing file (exit 2) and broken JSON with its line (exit 1)', () => {
    const missing = runCli(['definition', 'visualize', 'nope.json', '-o', join(tempDir(), 'o.svg')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: error ETL5002: file not found/);

    const broken = join(tempDir(), 'broken.json');
    writeFileSync(broken, '{\n  "objects": [\n    { "id": "A", "type": "ShellCommandActivity", },\n  ]\n}\n');
    const bad = runCli(['definition', 'visualize', broken, '-o', join(tempDir(), 'o.svg')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.json:3:\d+: error ETL5004: not valid JSON/);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('points at the YAML line when the pipeline does not compile, and writes nothing', () => {
    const dir = tempDir();
    const yaml = join(dir, 'broken.yaml');
    writeFileSync(yaml, 'name: broken\nfrequency: daily\nsteps:\n  - step_type: extract-rdz\n    name: x\n');
    const target = join(dir, 'out.svg');
    const r = runCli([
      'pipeline',
      'visualize',
      yaml,
      '-o',
      target,
      '-c',
      join(ROOT, 'config', 'etlctl.yaml'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.yaml:4:\d+: error ETL\d+: unknown step type 'extract-rdz'/);
    expect(existsSync(target)).toBe(false);
  });

  it('prints one JSON result with --json', () => {
    const target = join(tempDir(), 'out.dot');
    const r = runCli([
      'pipeline',
      'visualize',
      'pipelines/enrollments.yaml',
      '-o',
      target,
      '--json',
      '--activities-only',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      ok: boolean;
      result: { format: string; nodes: number };
      diagnostics: unknown[];
    };
    expect(result).toMatchObject({ ok: true, result: { format: 'dot' }, diagnostics: [] });
    const dot = readFileSync(target, 'utf8');
    expect(dot).toMatch(/^digraph "pipeline" \{/);
    expect(dot).not.toContain('cylinder');
  });
});
