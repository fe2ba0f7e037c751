/**
 * The example pipelines carry catalog metadata (issue 16), and metadata never changes what the
 * compiler produces: the same project with every `meta:` block, `-- etlctl:` annotation and
 * COMMENT ON statement removed compiles to byte-identical definitions.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/build.js';
import { compileFiles } from '../../src/compile/index.js';
import { stringifyDefinition } from '../../src/definition/json.js';
import { ROOT, tempDir } from '../helpers.js';

function project(strip: boolean): string {
  const dir = tempDir('etlctl-catalog-ex-');
  cpSync(join(ROOT, 'pipelines'), join(dir, 'pipelines'), { recursive: true });
  cpSync(join(ROOT, 'config'), join(dir, 'config'), { recursive: true });
  if (!strip) return dir;
  for (const f of readdirSync(join(dir, 'pipelines')).filter((f) => f.endsWith('.yaml'))) {
    const p = join(dir, 'pipelines', f);
    const text = readFileSync(p, 'utf8');
    // One line in flow style (enrollments.yaml), or a block at the end of the file.
    const stripped = /^meta: \{.*\}$/m.test(text)
      ? text.replace(/^meta: \{.*\}\n/m, '')
      : text.slice(0, text.indexOf('\n# Catalog metadata') + 1);
    expect(stripped, `${f} has a meta: block`).not.toMatch(/^meta:/m);
    expect(stripped.length, `${f} has a meta: block`).toBeLessThan(text.length);
    writeFileSync(p, stripped);
  }
  for (const f of readdirSync(join(dir, 'pipelines/tables'))) {
    const p = join(dir, 'pipelines/tables', f);
    const text = readFileSync(p, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*-- etlctl:/.test(l) && !/^COMMENT ON/.test(l))
      .map((l) => l.replace(/\s*-- etlctl:.*$/, ''))
      .join('\n');
    writeFileSync(p, text);
  }
  return dir;
}

function compileAll(dir: string): Record<string, string> {
  const r = compileFiles(['pipelines/'], {
    cwd: dir,
    start: '2026-01-01T01:00:00',
    now: new Date('2026-01-01T00:00:00Z'),
  });
  const out: Record<string, string> = {};
  for (const p of r.pipelines) {
    expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    out[p.file] = stringifyDefinition(p.definition!);
  }
  return out;
}

describe('example pipelines with catalog metadata', () => {
  it('compile to the same bytes as without it', () => {
    const withMeta = compileAll(project(false));
    const without = compileAll(project(true));
    expect(Object.keys(withMeta)).toHaveLength(8);
    expect(withMeta).toEqual(without);
  });

  it('give every table an owner and every personal column a PII level', async () => {
    const dir = project(false);
    const r = await buildCatalog({ cwd: dir });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const c = r.catalog!;
    const users = c.datasets.find((d) => d.id === 'warehouse:analytics.users')!;
    expect(users).toMatchObject({
      owner: 'growth-team',
      ownerSource: 'pipeline',
      description: 'Registered users, one row each, replaced daily from the app database',
      tags: ['users', 'core', 'personal-data'],
    });
    expect(users.columns.find((x) => x.name === 'email')).toMatchObject({
      pii: 'pii',
      description: 'Login e-mail address',
      upstream: [{ dataset: 'warehouse:staging.users', column: 'email', kind: 'identity' }],
    });
    const enroll = c.pipelines.find((p) => p.name === 'enrollments')!;
    expect(enroll).toMatchObject({
      owner: 'learning-analytics',
      tags: ['enrollments', 'core'],
      sla: { readyBy: '06:00', timezone: 'America/New_York' },
      schedule: '1 Days',
    });
    for (const d of c.datasets.filter((x) => x.kind === 'table' && !x.external))
      expect(d.owner, d.id).toBeTruthy();
  });
});
