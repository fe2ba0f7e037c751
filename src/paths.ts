/** Locations inside the installed package, valid both from src/ (tests) and dist/src/ (built CLI). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('etlctl package root not found');
    dir = up;
  }
  root = dir;
  return dir;
}

/** The launcher script, for running `etlctl task …` as a subprocess of the same version. */
export function etlctlBin(): string {
  return join(packageRoot(), 'bin', 'etlctl');
}
