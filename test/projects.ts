/**
 * Which vitest project a test file belongs to, decided by what it needs rather than where it sits:
 * test files stay next to the area they cover (test/local, test/catalog …), and a new file lands in
 * the right project without anyone editing a list.
 *
 * - `e2e`: runs the built CLI (`bin/etlctl`, `dist/`) or drives a browser;
 * - `integration`: talks to a real database (PostgreSQL, MariaDB, PGlite) or runs the local engine,
 *   which uses embedded PGlite by default;
 * - `unit`: neither — no server, no build, runs anywhere;
 * - `bench`: the benchmark smoke run (minutes; `npm run test:all` and CI only).
 *
 * A file's database needs include those of the test helpers it imports (relative imports inside
 * test/), so a helper that opens a database makes its importers integration tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type Project = 'unit' | 'integration' | 'e2e' | 'bench';

// A file is e2e when it itself starts the built CLI or a browser (helpers only lend it the means).
const E2E = [
  /['"/]bin\/etlctl['"]/,
  /['"]bin['"],\s*['"]etlctl['"]/,
  /dist\/src\//,
  /helpers\/browser\.js/,
  /\brunCli\(/,
  /\bBIN\b/,
];
const INTEGRATION = [
  /from ['"](?:\.\.\/)+db\.js['"]/,
  /from ['"]pg['"]/,
  /from ['"]mysql2(?:\/promise)?['"]/,
  /from ['"]@electric-sql\/pglite['"]/,
  /src\/local\/(?:activate|engine|run|drivers\/[\w-]+|agent)\.js['"]/,
];

function needs(
  file: string,
  seen: Map<string, Set<'e2e' | 'integration'>>,
  direct = true,
): Set<'e2e' | 'integration'> {
  const known = direct ? undefined : seen.get(file);
  if (known) return known;
  const found = new Set<'e2e' | 'integration'>();
  if (!direct) seen.set(file, found);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return found;
  }
  if (direct && E2E.some((re) => re.test(text))) found.add('e2e');
  if (INTEGRATION.some((re) => re.test(text))) found.add('integration');
  for (const m of text.matchAll(/from ['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    const target = resolve(dirname(file), `${m[1]}.ts`);
    if (!target.includes(`${join('test', '')}`)) continue;
    for (const need of needs(target, seen, false)) found.add(need);
  }
  return found;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'golden' ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every test file under `root/test`, by project, as paths relative to `root`. */
export function classifyTests(root: string): Record<Project, string[]> {
  const out: Record<Project, string[]> = { unit: [], integration: [], e2e: [], bench: [] };
  const seen = new Map<string, Set<'e2e' | 'integration'>>();
  for (const file of testFiles(join(root, 'test')).sort()) {
    const rel = relative(root, file);
    const need = needs(file, seen);
    const project: Project = rel.startsWith(join('test', 'bench'))
      ? 'bench'
      : need.has('e2e')
        ? 'e2e'
        : need.has('integration')
          ? 'integration'
          : 'unit';
    out[project].push(rel);
  }
  return out;
}
