/**
 * Finding the config file: `--config` / `$ETLCTL_CONFIG`, else `config/etlctl.yaml` or
 * `etlctl.yaml` in the current directory or any folder above it, else the same walk up from
 * each pipeline file's folder (so `cd pipelines && etlctl pipeline validate x.yaml` finds the
 * project's config). The folder where it was found is the project root.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export const DEFAULT_CONFIG_PATH = 'config/etlctl.yaml';
/** Looked for in each folder, in this order. */
export const CONFIG_CANDIDATES = [DEFAULT_CONFIG_PATH, 'etlctl.yaml'];

export interface ConfigLocation {
  /** Absolute path of the config file, when there is one. */
  path?: string;
  /** How it was found. */
  how: 'explicit' | 'discovered' | 'none';
  /** The project folder (see ResolvedConfig.projectRoot). */
  projectRoot: string;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The nearest config at or above `start`, with the folder it belongs to. */
export function walkUp(start: string): { path: string; root: string } | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const c of CONFIG_CANDIDATES) {
      const p = resolve(dir, c);
      if (isFile(p)) return { path: p, root: dir };
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The project folder of an explicitly named config file: its folder, or the parent of `config/`. */
export function projectRootOf(configPath: string): string {
  const dir = dirname(configPath);
  return basename(dir) === 'config' ? dirname(dir) : dir;
}

export function locateConfig(opts: {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  searchFrom?: readonly string[];
}): ConfigLocation {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const explicit = opts.configPath ?? env.ETLCTL_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    return { path, how: 'explicit', projectRoot: projectRootOf(path) };
  }
  for (const start of [cwd, ...(opts.searchFrom ?? [])]) {
    const found = existsSync(start) ? walkUp(start) : undefined;
    if (found) return { path: found.path, how: 'discovered', projectRoot: found.root };
  }
  return { how: 'none', projectRoot: cwd };
}
