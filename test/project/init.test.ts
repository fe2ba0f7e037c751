/**
 * A new user's first minutes (issue 18): `etlctl init` in an empty folder, then validate and
 * activate with the built CLI; editor schemas; shell completion loaded by bash.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '../../src/project/editor-schema.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const PIPELINE_SCHEMA_FILE = join(ROOT, 'config', 'pipeline.schema.json');

describe('etlctl init', () => {
  it('init → validate → activate works in an empty folder', () => {
    const dir = tempDir();
    const init = runCli(['init', 'shop'], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/wrote config\/etlctl\.yaml/);
    expect(init.stdout).toMatch(/wrote \.gitignore/);
    expect(init.stdout).toMatch(/cd shop\n\s+etlctl pipeline validate pipelines/);
    const project = join(dir, 'shop');
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toMatch(/^\.etlctl\/$/m);
    expect(readFileSync(join(project, 'pipelines', 'orders.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/config\/pipeline\.schema\.json$/m,
    );

    const validate = runCli(['pipeline', 'validate', 'pipelines'], { cwd: project });
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^ok\s+pipelines\/orders\.yaml/m);
    expect(validate.stderr).not.toMatch(/error|warning/);
    const integration = runCli(['pipeline', 'validate', 'pipelines', '-m', 'integration'], { cwd: project });
    expect(integration.code, integration.stderr).toBe(0);

    const run = runCli(['pipeline', 'activate', 'pipelines/orders.yaml'], { cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/OK\s+load_orders\.Load .*3 rows/);
    expect(run.stdout).toMatch(/Done\. OK=\d+ FAILED=0/);
  }, 240_000);

  it('never overwrites an existing project', () => {
    const dir = tempDir();
    expect(runCli(['init'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'pipelines', 'orders.yaml'), 'name: mine\n');
    const again = runCli(['init', '.', '--json'], { cwd: dir });
    expect(again.code).toBe(2);
    const doc = JSON.parse(again.stdout) as { diagnostics: { code: string }[] };
    expect(doc.diagnostics.map((d) => d.code)).toEqual(['ETL1500']);
    expect(readFileSync(join(dir, 'pipelines', 'orders.yaml'), 'utf8')).toBe('name: mine\n');
  });
});

describe('etlctl schema', () => {
  it('writes the pipeline and config schemas; the pipeline schema accepts every example and catches a misspelt key', () => {
    const dir = tempDir();
    const r = runCli(['schema', '-o', 'schemas'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'schemas')).sort()).toEqual(['etlctl.schema.json', 'pipeline.schema.json']);
    const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'pipeline.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    for (const f of readdirSync(join(ROOT, 'pipelines')).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join(ROOT, 'pipelines', f), 'utf8');
      expect(text.split('\n')[0], f).toBe('# yaml-language-server: $schema=../config/pipeline.schema.json');
      expect(validate(parse(text)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const typo = { name: 'p', steps: [{ step_type: 'extract-rds', host_name: 'a', sqll: 'SELECT 1' }] };
    expect(validate(typo)).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(/sqll/);
  });

  it('config/pipeline.schema.json is up to date (UPDATE_GOLDEN=1 rewrites it)', () => {
    const generated = JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_GOLDEN) writeFileSync(PIPELINE_SCHEMA_FILE, generated);
    expect(readFileSync(PIPELINE_SCHEMA_FILE, 'utf8'), 'stale: UPDATE_GOLDEN=1').toBe(generated);
  });
});

describe('etlctl completion', () => {
  const script = runCli(['completion', 'bash']).stdout;
  /** What bash completes for the words of a command line (the last one being typed). */
  const complete = (...words: string[]): string[] => {
    const arr = ['etlctl', ...words].map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `${script}\nCOMP_WORDS=(${arr}); COMP_CWORD=${words.length}; _etlctl; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  };

  it('the bash script loads and completes commands, subcommands and flags', () => {
    expect(complete('pip')).toEqual(['pipeline']);
    expect(complete('in')).toEqual(['init']);
    expect(complete('pipeline', 'val')).toEqual(['validate']);
    expect(complete('pipeline', 'activate', '--dry')).toEqual(['--dry-run']);
    expect(complete('-m', 'local', 'pipeline', 'st')).toEqual(['status']);
  });

  it('zsh and fish scripts are printed; an unknown shell is a usage error', () => {
    expect(runCli(['completion', 'zsh']).stdout).toMatch(/bashcompinit[\s\S]*complete -o default/);
    expect(runCli(['completion', 'fish']).stdout).toMatch(
      /complete -c etlctl -f -n '__fish_use_subcommand' -a 'pipeline'/,
    );
    const bad = runCli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ETL8300/);
  });
});

describe('--json of init, schema and completion', () => {
  const load = (f: string) => JSON.parse(readFileSync(join(ROOT, 'src/cli/schemas', f), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const f of ['envelope', 'entities', 'commands', 'stream']) ajv.addSchema(load(`${f}.schema.json`));
  const check = (def: string, args: string[], cwd: string): void => {
    const r = runCli([...args, '--json'], { cwd });
    const doc = JSON.parse(r.stdout) as { ok: boolean; result: unknown };
    expect(doc.ok, r.stdout).toBe(true);
    const v = ajv.getSchema(`https://etlctl.dev/schemas/commands.schema.json#/definitions/${def}`)!;
    expect(v(doc.result), ajv.errorsText(v.errors)).toBe(true);
  };
  it('each prints one envelope whose result matches the published schema', () => {
    const dir = tempDir();
    check('Init', ['init', 'p'], dir);
    check('Schema', ['schema'], join(dir, 'p'));
    check('Completion', ['completion', 'fish'], dir);
  });
});
