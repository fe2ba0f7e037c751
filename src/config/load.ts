/**
 * Config layering: embedded defaults < config file < mode (deep-merged) < environment
 * (`ETLCTL_…`) < CLI overrides. Every leaf remembers where it came from. The pieces: finding
 * the file (discover.ts), its layers (layers.ts, file-layers below), unknown keys
 * (check-keys.ts) and the typed result (build.ts), all driven by CONFIG_SCHEMA (schema.ts).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean, EtlError, ExitCode, hasErrors } from '../diagnostics.js';
import { isRecord, YamlFile } from '../spec/yaml.js';
import type { KeyPath } from '../spec/yaml.js';
import { build } from './build.js';
import { checkKeys } from './check-keys.js';
import { dataductModes, isDataductLayout, translateDataduct } from './dataduct.js';
import { DEFAULT_CONFIG_PATH, locateConfig } from './discover.js';
import type { Layer } from './layers.js';
import { defaultsLayer, envLayer, mergeLayers, overridesLayer } from './layers.js';
import type { ResolvedConfig } from './types.js';

export { DEFAULT_CONFIG_PATH };

export interface LoadConfigOptions {
  configPath?: string;
  mode?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** CLI flag overrides by dotted key, e.g. { target: 'aws' }. */
  overrides?: Record<string, unknown>;
  /**
   * Folders to walk up from when none is found from `cwd` (the folders of the pipeline files
   * being compiled).
   */
  searchFrom?: readonly string[];
}

/** The config file that `loadConfig` would read with these options, if any. */
export function findConfigPath(opts: LoadConfigOptions): string | undefined {
  return locateConfig(opts).path;
}

interface FileLayers {
  layers: Layer[];
  layout: ResolvedConfig['layout'];
  modes: string[];
  display: string;
}

/** The file's layers: its base tree and the chosen mode's (etlctl or Dataduct layout). */
function readConfigFile(
  configPath: string,
  mode: string | undefined,
  cwd: string,
  sources: Map<string, string>,
  diagnostics: Diagnostic[],
): FileLayers {
  if (!existsSync(configPath)) {
    throw new EtlError(
      diag('ETL2001', `config file not found: ${configPath}`, {
        hint: 'pass an existing file with --config, set ETLCTL_CONFIG, or create config/etlctl.yaml',
      }),
      ExitCode.USAGE,
    );
  }
  const display = displayPath(configPath, cwd);
  const file = YamlFile.read(configPath, display);
  sources.set(display, file.text);
  if (file.diagnostics.length > 0) throw new EtlError(file.diagnostics);
  const raw = file.value ?? {};
  if (!isRecord(raw)) {
    throw new EtlError(
      file.at([], 'ETL2003', 'config file must be a YAML mapping', { hint: 'see config/etlctl.yaml for the layout' }),
    );
  }
  const at = (p: KeyPath) => `${display}:${file.position(p).line}`;
  const layers: Layer[] = [];
  if (isDataductLayout(raw)) {
    const modes = dataductModes(raw);
    const base = translateDataduct(raw);
    layers.push({ tree: base.tree, describe: (d) => at(base.origin.get(d) ?? [d.split('.')[0]]) });
    if (mode) {
      if (!modes.includes(mode)) throw unknownMode(mode, modes, display, file.position([]));
      const m = translateDataduct(raw[mode] as Record<string, unknown>, [mode]);
      layers.push({ tree: m.tree, describe: (d) => `mode ${mode} (${at(m.origin.get(d) ?? [mode])})` });
    }
    return { layers, layout: 'dataduct', modes, display };
  }
  const { modes: modeTree, ...base } = raw;
  checkKeys(base, file, (p) => p, diagnostics, display);
  const modes = isRecord(modeTree) ? Object.keys(modeTree) : [];
  layers.push({ tree: base, describe: (d) => at(d.split('.')) });
  if (mode) {
    if (!isRecord(modeTree) || !isRecord(modeTree[mode]))
      throw unknownMode(mode, modes, display, file.keyPosition(['modes']));
    const m = modeTree[mode] as Record<string, unknown>;
    checkKeys(m, file, (p) => ['modes', mode, ...p], diagnostics, `mode '${mode}'`);
    layers.push({ tree: m, describe: (d) => `mode ${mode} (${at(['modes', mode, ...d.split('.')])})` });
  }
  return { layers, layout: 'etlctl', modes, display };
}

/** Said once when no config file exists anywhere it was looked for. */
function noConfigNotice(cwd: string, searched: readonly string[]): Diagnostic {
  const where = [cwd, ...searched.filter((d) => d !== cwd)];
  return diag('ETL2100', 'no config file found, using built-in defaults', {
    severity: 'info',
    hint: `looked for config/etlctl.yaml and etlctl.yaml in ${where.join(', ')} and the folders above; pass --config or set ETLCTL_CONFIG to use another file`,
  });
}

export function loadConfig(opts: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const mode = opts.mode ?? env.ETLCTL_MODE;
  const diagnostics: Diagnostic[] = [];
  const layers: Layer[] = [defaultsLayer()];
  const sources = new Map<string, string>();
  const location = locateConfig({ ...opts, cwd, env });
  const configPath = location.path;
  let file: FileLayers | undefined;
  if (configPath) {
    file = readConfigFile(configPath, mode, cwd, sources, diagnostics);
    layers.push(...file.layers);
  } else if (mode && mode !== 'local') {
    throw new EtlError(
      diag('ETL2004', `unknown mode '${mode}': no config file found`, {
        hint: 'create config/etlctl.yaml with a `modes:` section, or pass --config',
      }),
      ExitCode.USAGE,
    );
  }

  const envL = envLayer(env);
  if (Object.keys(envL.tree).length > 0) {
    checkKeys(envL.tree, undefined, (p) => p, diagnostics, 'ETLCTL_* environment variables');
    layers.push(envL);
  }
  const flags = overridesLayer(opts.overrides);
  if (flags) layers.push(flags);
  if (hasErrors(diagnostics)) throw new EtlError(diagnostics);

  const { merged, values } = mergeLayers(layers);
  return build(merged, values, {
    file: configPath,
    layout: file?.layout ?? 'defaults',
    mode,
    modes: file?.modes ?? [],
    baseDir: configPath ? dirname(configPath) : cwd,
    // A config found above the current directory keeps its state in its own project.
    projectDir: location.how === 'discovered' ? location.projectRoot : cwd,
    projectRoot: location.projectRoot,
    sources,
    displayFile: file?.display,
    notices: configPath ? [] : [noConfigNotice(cwd, opts.searchFrom ?? [])],
  });
}

/** At the file's `modes:` (or its first line): where a mode would be added (issue 12). */
function unknownMode(mode: string, modes: string[], file: string, at: { line: number; column: number }): EtlError {
  return new EtlError(
    diag('ETL2004', `unknown mode '${mode}' in ${file}`, {
      file,
      ...at,
      hint: (didYouMean(mode, modes) ?? '') + (modes.length ? ` known modes: ${modes.join(', ')}` : ' the file defines no modes'),
    }),
    ExitCode.USAGE,
  );
}

export function displayPath(p: string, cwd: string): string {
  if (p.startsWith(cwd + '/')) return p.slice(cwd.length + 1);
  return p;
}
