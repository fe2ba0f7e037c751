/** Entry points of the compile half: files and folders of pipelines → Definitions. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath, loadConfig } from '../config/load.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { Definition } from '../definition/model.js';
import type { YamlFile } from '../spec/yaml.js';
import { withSharedTableCache } from './context.js';
import { compilePipelineText } from './pipeline.js';

export interface CompileFileOptions {
  mode?: string;
  configPath?: string;
  /** An already-loaded config (then mode/configPath are ignored). */
  config?: ResolvedConfig;
  start?: string;
  timeDelta?: string;
  backfill?: boolean;
  frequency?: string;
  now?: Date;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides of config values by dotted key (CLI flags such as --target). */
  overrides?: Record<string, unknown>;
  /**
   * Called with each pipeline as it is compiled, with its text and parsed YAML, for callers that
   * read more from the same file (the catalog's `meta:`) without parsing it again.
   */
  onCompiled?: (pipeline: CompiledPipeline, parsed: { abs: string; text: string; yaml?: YamlFile }) => void;
}

export interface CompiledPipeline {
  /** The file as the user named it (relative to cwd when possible). */
  file: string;
  definition?: Definition;
  diagnostics: Diagnostic[];
}

export interface CompileFilesResult {
  /** The first pipeline's diagnostics also carry the config's notices (e.g. no config file found). */
  pipelines: CompiledPipeline[];
  /** Source texts by display path, for diagnostic excerpts. */
  sources: Map<string, string>;
  config: ResolvedConfig;
}

const require = createRequire(import.meta.url);
let cachedVersion: string | undefined;
export function etlctlVersion(): string {
  if (!cachedVersion) {
    // src/compile → ../../package.json, dist/src/compile → ../../../package.json
    for (const p of ['../../package.json', '../../../package.json']) {
      try {
        const pkg = require(p) as { name?: string; version: string };
        if (pkg.name === 'etlctl') {
          cachedVersion = pkg.version;
          break;
        }
      } catch {
        // try the next location
      }
    }
  }
  return cachedVersion ?? '0.0.0';
}

/** Folders a folder argument never descends into: hidden ones (.git, .etlctl) and installed packages. */
const SKIPPED_FOLDERS = new Set(['node_modules']);

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(e.name)) out.push(...yamlFilesUnder(full));
    } else if (['.yaml', '.yml'].includes(extname(e.name))) out.push(full);
  }
  return out;
}

/**
 * A YAML file found in a folder is a pipeline when it has a top-level `steps:` key: config files
 * (config/etlctl.yaml, a mode file), CI workflows and the like are not. Files named on the
 * command line are always read as pipelines, so a pipeline missing `steps:` still gets its error.
 */
function isPipelineText(file: string): boolean {
  try {
    return /^["']?steps["']?\s*:/m.test(readFileSync(file, 'utf8'));
  } catch {
    return true; // unreadable: reading it as a pipeline reports why
  }
}

/**
 * Expand files and folders into pipeline files (.yaml/.yml), sorted for stable output. Files of
 * a folder that are named in `skip` (the config file) are not pipelines and are left out.
 */
export function expandPipelinePaths(
  paths: string[],
  cwd: string,
  skip: ReadonlySet<string> = new Set(),
): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) {
      diagnostics.push(
        diag('ETL8003', `no such file or folder: ${p}`, {
          hint: 'check the path (pipelines are .yaml or .yml files)',
        }),
      );
      continue;
    }
    if (statSync(abs).isDirectory()) {
      const found = yamlFilesUnder(abs)
        .filter((f) => !skip.has(f) && isPipelineText(f))
        .sort();
      if (found.length === 0)
        diagnostics.push(diag('ETL8004', `no pipeline files (.yaml or .yml with steps:) in ${p}`));
      files.push(...found);
    } else if (!['.yaml', '.yml'].includes(extname(abs))) {
      diagnostics.push(diag('ETL8005', `${p} is not a pipeline file: expected a .yaml or .yml file`));
    } else files.push(abs);
  }
  return { files, diagnostics };
}

/** Compile several files/folders with one config. Usage problems (missing files) throw exit 2. */
export function compileFiles(paths: string[], opts: CompileFileOptions = {}): CompileFilesResult {
  const cwd = opts.cwd ?? process.cwd();
  // Pipeline files come first: their folders are where a config is looked for after the cwd.
  const given = expandPipelinePaths(paths, cwd);
  if (given.diagnostics.length > 0) throw new EtlError(given.diagnostics, ExitCode.USAGE);
  const config =
    opts.config ??
    loadConfig({
      configPath: opts.configPath,
      mode: opts.mode,
      env: opts.env,
      cwd,
      overrides: opts.overrides,
      searchFrom: [...new Set(given.files.map((f) => dirname(f)))],
    });
  // A folder holding the config file (`validate .` at the project root) does not make it a pipeline.
  const { files, diagnostics } = config.file
    ? expandPipelinePaths(paths, cwd, new Set([config.file]))
    : given;
  if (diagnostics.length > 0) throw new EtlError(diagnostics, ExitCode.USAGE);
  const sources = new Map(config.sources);
  const now = opts.now ?? new Date();
  const version = etlctlVersion();
  const pipelines = withSharedTableCache(() =>
    files.map((abs) => {
      const display = displayPath(abs, cwd);
      const text = readFileSync(abs, 'utf8');
      sources.set(display, text);
      const r = compilePipelineText(display, abs, text, {
        config,
        now,
        start: opts.start,
        timeDelta: opts.timeDelta,
        backfill: opts.backfill,
        frequency: opts.frequency,
        version,
        cwd,
      });
      // Table definitions and other files read during compile, for excerpts.
      for (const d of r.diagnostics) {
        if (d.file && !sources.has(d.file) && existsSync(resolve(cwd, d.file)))
          sources.set(d.file, readFileSync(resolve(cwd, d.file), 'utf8'));
      }
      const compiled = { file: display, definition: r.definition, diagnostics: r.diagnostics };
      opts.onCompiled?.(compiled, { abs, text, yaml: r.file });
      return compiled;
    }),
  );
  // Said once per command, with the first pipeline (the CLI prints pipeline diagnostics).
  if (pipelines.length > 0 && config.notices?.length) pipelines[0].diagnostics.unshift(...config.notices);
  return { pipelines, sources, config };
}

/** One pipeline file → Definition (the signature other areas build on). */
export async function compilePipelineFile(
  path: string,
  opts: CompileFileOptions = {},
): Promise<{
  definition?: Definition;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
  config?: ResolvedConfig;
}> {
  try {
    const r = compileFiles([path], opts);
    const p = r.pipelines[0];
    return {
      definition: p?.definition,
      diagnostics: p?.diagnostics ?? [],
      sources: r.sources,
      config: r.config,
    };
  } catch (e) {
    if (e instanceof EtlError && e.exitCode !== ExitCode.USAGE && e.exitCode !== ExitCode.ENVIRONMENT)
      return { diagnostics: e.diagnostics, sources: new Map() };
    throw e;
  }
}
