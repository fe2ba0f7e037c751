/**
 * The direction of imports (DESIGN.md Layout): only src/cli prints; a library importing src/cli,
 * printing, or reading process.argv fails `npm run lint`. Checked with ESLint itself, on probe
 * files placed where a library lives (`npm run lint` checks the whole tree).
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(path: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return r.messages.map((m) => m.ruleId ?? m.message);
}

describe('only src/cli prints (lint)', () => {
  it.each([
    ['src/local/probe.ts', "import { io } from '../cli/io.js';\nexport const x = io;\n"],
    ['src/aws/probe.ts', "import { runCommand } from '../cli/runner.js';\nexport const x = runCommand;\n"],
    ['steps/probe.ts', "import { io } from '../src/cli/io.js';\nexport const x = io;\n"],
    ['src/compile/probe.ts', "import { loadAndCheck } from '../front.js';\nexport const x = loadAndCheck;\n"],
  ])('%s may not import the command layer or the front end', async (path, code) => {
    expect(await ruleIds(path, code)).toContain('no-restricted-imports');
  });

  it('a library may not print or read the command line', async () => {
    const ids = await ruleIds(
      'src/local/probe.ts',
      "export function f(): void {\n  process.stdout.write(process.argv.join(' '));\n  console.log('x');\n}\n",
    );
    expect(ids.filter((i) => i === 'no-restricted-properties')).toHaveLength(2);
    expect(ids).toContain('no-console');
  });

  it('the command layer may import libraries and the front end', async () => {
    const code =
      "import { loadAndCheck } from '../../front.js';\nimport { io } from '../io.js';\nexport const x = [loadAndCheck, io];\n";
    expect(await ruleIds('src/cli/commands/probe.ts', code)).toEqual([]);
  });
});
