/**
 * The one front end (issue 11): every command that reads a pipeline or a definition comes through
 * `loadAndCheck`. YAML pipelines (or definition JSON files) in → config resolved → compiled →
 * offline-checked → findings mapped to the YAML step that produced each object. validate,
 * compile, visualize, diff, activate (AWS and local, --dry-run included) and `definition run` all
 * call it, so the same file gets the same diagnostics from every command.
 *
 * Nothing here prints; the caller decides what a finding stops (compile writes nothing, activate
 * runs and deploys nothing, visualize still draws a definition that compiled).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { ResolvedConfig } from './config/types.js';
import type { Definition } from './definition/model.js';
import type { Diagnostic } from './diagnostics/index.js';
import { diag, EtlError, ExitCode, hasErrors, sortDiagnostics } from './diagnostics/index.js';
import { objectLineIndex } from './definition/json-lines.js';
import type { ParameterInput } from './definition/parameter-input.js';
import { applyParameters, configValuesFor } from './definition/parameter-input.js';
import type { ParsedJson } from './definition/json-scan.js';
import { locateFindings, parseDefinitionText, readWithin, tooLarge } from './definition/json-scan.js';

export interface FrontOptions {
  mode?: string;
  configPath?: string;
  /** Schedule start (--start), time delta (-t) and direction (-b), frequency override. */
  start?: string;
  timeDelta?: string;
  backfill?: boolean;
  frequency?: string;
  /** --target: overrides the mode's target. */
  target?: 'local' | 'aws';
  /**
   * Also read Data Pipeline definition JSON files (.json): 'check' reports every finding
   * (`definition validate`), 'run' only what stops the local engine (`definition run`).
   */
  definitions?: 'check' | 'run';
  /** The object limit of the account (`definition validate --max-objects`). */
  maxObjects?: number;
  /** Every path is a definition JSON file, whatever its name, and no config is read (`definition validate`). */
  onlyDefinitions?: boolean;
  now?: Date;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Parameters from the command line, as the AWS CLI takes them (`--parameter-objects`,
   * `--parameter-values`, `--parameter-values-uri`); the config's `parameters:` are added here.
   */
  parameters?: ParameterInput;
  /** A parameter with no value is an error (`--require-values`; always so for `definitions: 'run'`). */
  requireValues?: boolean;
}

export interface CheckedPipeline {
  /** The file as the user named it (relative to the current folder when possible). */
  file: string;
  kind: 'yaml' | 'json';
  name: string;
  /** Present whenever compile produced one, even when the checker found errors in it. */
  definition?: Definition;
  /** Compile and checker findings, sorted, at their YAML lines. */
  diagnostics: Diagnostic[];
  /** No error at all: fit to write, draw cleanly and deploy. */
  ok: boolean;
  /**
   * Compiled without error (the checker's AWS findings aside): the local engine can run it. Local
   * databases often differ from AWS on purpose (no password on a trust-auth server), so the
   * checker's findings are reported on local runs too but stop nothing there.
   */
  runnable: boolean;
}

export interface Checked {
  /** Absent only with `onlyDefinitions`. */
  config?: ResolvedConfig;
  pipelines: CheckedPipeline[];
  /** Every finding of every pipeline, sorted. */
  diagnostics: Diagnostic[];
  /** Source texts by display path, for excerpts. */
  sources: Map<string, string>;
  /** Every pipeline is ok / runnable (see CheckedPipeline). */
  ok: boolean;
  runnable: boolean;
}

const isJson = (f: string): boolean => extname(f).toLowerCase() === '.json';

/**
 * Findings of the AWS rules stop nothing when the local engine runs a hand-written definition
 * (`definition run`, `activate x.json`): only a definition it cannot read does. The whole list is
 * `definition validate`'s job; a pipeline YAML gets every finding on every path.
 */
const UNREADABLE = new Set(['ETL4001', 'ETL4002', 'ETL4003', 'ETL4004', 'ETL4006', 'ETL4010', 'ETL4030']);
/** Also stops a local run: a parameter without a value (AWS refuses the activation too). */
const STOPS_RUN = new Set([...UNREADABLE, 'ETL4076']);

/** The command line's parameters plus the config's `parameters:` for a definition of these names. */
function parametersFor(
  opts: FrontOptions,
  config: ResolvedConfig | undefined,
  names: string[],
): ParameterInput {
  return { ...opts.parameters, configValues: configValuesFor(config?.parameters, names) };
}

function readDefinitionJson(
  check: CheckJson,
  file: string,
  display: string,
  opts: FrontOptions,
  now: Date,
  sources: Map<string, string>,
  config: ResolvedConfig | undefined,
): CheckedPipeline {
  const read = readWithin(file);
  const fallbackName = basename(display, extname(display));
  const failed = (d: Diagnostic): CheckedPipeline => ({
    file: display,
    kind: 'json',
    name: fallbackName,
    diagnostics: [d],
    ok: false,
    runnable: false,
  });
  if ('bytes' in read) return failed(tooLarge(display, read.bytes));
  const text = read.text;
  sources.set(display, text);
  // Size, nesting and syntax (with the error's own position) before JSON.parse: issue 12.
  const parsed = parseDefinitionText(text, display, { syntax: 'ETL4001' });
  if (parsed.json === undefined) return failed(parsed.diagnostics[0]);
  return checkJson(check, parsed, text, display, fallbackName, opts, now, config);
}

type CheckJson = (typeof import('./definition/check.js'))['checkDefinitionJson'];

function checkJson(
  check: CheckJson,
  parsed: ParsedJson,
  text: string,
  display: string,
  fallbackName: string,
  opts: FrontOptions,
  now: Date,
  config: ResolvedConfig | undefined,
): CheckedPipeline {
  const checked = check(parsed.json, display, {
    now,
    maxObjects: opts.maxObjects,
    parameters: parametersFor(opts, config, [fallbackName]),
    requireValues: opts.requireValues || opts.definitions === 'run',
  });
  let diagnostics = checked.diagnostics;
  // A definition that could not be read keeps every finding: they say why.
  if (opts.definitions === 'run' && checked.definition)
    diagnostics = diagnostics.filter((d) => STOPS_RUN.has(d.code));
  const lineOf = objectLineIndex(text);
  diagnostics = diagnostics.map((d) => {
    if (d.objectId === undefined || d.line !== undefined) return d;
    const at = lineOf(d.objectId);
    return at === undefined ? d : { ...d, file: d.file ?? display, ...at };
  });
  diagnostics = locateFindings(diagnostics, parsed, display);
  const definition = checked.definition;
  const name = definition?.meta?.pipelineName ?? fallbackName;
  const ok = definition !== undefined && !hasErrors(diagnostics);
  return {
    file: display,
    kind: 'json',
    name,
    definition,
    diagnostics: sortDiagnostics(diagnostics),
    ok,
    runnable: ok,
  };
}

/** Missing files and unknown extensions are usage errors (exit 2), all reported at once. */
function checkPaths(paths: string[], cwd: string, allowJson: boolean, onlyJson: boolean): void {
  const problems: Diagnostic[] = [];
  for (const p of paths) {
    if (!isJson(p) && !onlyJson) continue;
    if (!allowJson) {
      problems.push(
        diag('ETL8005', `${p} is not a pipeline file: expected a .yaml or .yml file`, {
          hint: 'definition JSON files are read by `etlctl definition …` and `pipeline activate` (local targets)',
        }),
      );
      continue;
    }
    try {
      readFileSync(resolve(cwd, p));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push(
        diag('ETL8003', code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})`, {
          file: p,
          hint: 'check the path',
        }),
      );
    }
  }
  if (problems.length > 0) throw new EtlError(problems, ExitCode.USAGE);
}

/**
 * A shared state store (issue 15): data handed between steps and the databases must be reachable
 * from every agent's machine (ETL7810, ETL7811). Said by validate as by activate and the agent,
 * at the config line that causes it.
 */
async function sharedFindings(
  config: ResolvedConfig,
  pipelines: CheckedPipeline[],
  display: string | undefined,
): Promise<void> {
  const { sharedStoreProblems } = await import('./local/shared.js');
  const { locateConfigFindings } = await import('./config/where.js');
  for (const p of pipelines) {
    if (!p.definition) continue;
    const found = locateConfigFindings(sharedStoreProblems(config, p.definition), config.values, display);
    if (found.length === 0) continue;
    p.diagnostics = sortDiagnostics([...p.diagnostics, ...found]);
    p.ok = false;
    p.runnable = false;
  }
}

export async function loadAndCheck(paths: string[], opts: FrontOptions = {}): Promise<Checked> {
  const cwd = opts.cwd ?? process.cwd();
  const now = opts.now ?? new Date();
  const only = opts.onlyDefinitions === true;
  checkPaths(paths, cwd, opts.definitions !== undefined, only);
  const yaml = only ? [] : paths.filter((p) => !isJson(p));
  const json = only ? paths : paths.filter(isJson);
  const { loadConfig, displayPath } = await import('./config/load.js');
  const overrides = opts.target ? { target: opts.target } : undefined;
  let config: ResolvedConfig | undefined;
  const sources = new Map<string, string>();
  const pipelines: CheckedPipeline[] = [];
  if (yaml.length > 0) {
    const { compileFiles } = await import('./compile/index.js');
    const { verifyDefinition } = await import('./compile/verify.js');
    const compiled = compileFiles(yaml, {
      mode: opts.mode,
      configPath: opts.configPath,
      start: opts.start,
      timeDelta: opts.timeDelta,
      backfill: opts.backfill,
      frequency: opts.frequency,
      now,
      cwd,
      env: opts.env,
      overrides,
    });
    config = compiled.config;
    for (const [k, v] of compiled.sources) sources.set(k, v);
    for (const p of compiled.pipelines) {
      if (p.definition) {
        // Compiled values stay; the config's and the command line's parameters are added over them.
        const input = parametersFor(opts, config, [basename(p.file, extname(p.file))]);
        p.definition = applyParameters(p.definition, {
          objects: input.objects,
          configValues: { ...input.configValues, ...input.values },
        });
      }
      const findings = [...p.diagnostics, ...(p.definition ? verifyDefinition(p.definition, now) : [])];
      const name = p.definition?.meta?.pipelineName ?? basename(p.file, extname(p.file));
      pipelines.push({
        file: p.file,
        kind: 'yaml',
        name,
        definition: p.definition,
        diagnostics: sortDiagnostics(findings),
        ok: p.definition !== undefined && !hasErrors(findings),
        runnable: p.definition !== undefined && !hasErrors(p.diagnostics),
      });
    }
  } else if (!only || opts.configPath !== undefined || opts.mode !== undefined) {
    // Definition files stand for pipelines: their folders are where a config is looked for after the cwd.
    const searchFrom = [...new Set(json.map((f) => dirname(resolve(cwd, f))))];
    config = loadConfig({
      configPath: opts.configPath,
      mode: opts.mode,
      env: opts.env,
      cwd,
      overrides,
      searchFrom,
    });
    for (const [k, v] of config.sources) sources.set(k, v);
  }
  if (json.length > 0) {
    // Loaded only for definition files: the checker is the biggest module of the front end.
    const { checkDefinitionJson } = await import('./definition/check.js');
    for (const f of json)
      pipelines.push(
        readDefinitionJson(
          checkDefinitionJson,
          resolve(cwd, f),
          displayPath(resolve(cwd, f), cwd),
          opts,
          now,
          sources,
          config,
        ),
      );
  }
  if (config?.local.stateUrl && config.target !== 'aws')
    await sharedFindings(config, pipelines, config.file && displayPath(config.file, cwd));
  // A config finding shared by several pipelines is said once.
  const seen = new Set<string>();
  const diagnostics = sortDiagnostics(
    pipelines
      .flatMap((p) => p.diagnostics)
      .filter((d) => {
        // Every field: findings of one pipeline that differ only in column or object stay apart.
        const key = [
          d.code,
          d.severity,
          d.file,
          d.line,
          d.column,
          d.objectId,
          d.field,
          d.message,
          d.hint,
        ].join('\0');
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      }),
  );
  return {
    config,
    pipelines,
    diagnostics,
    sources,
    ok: pipelines.every((p) => p.ok),
    runnable: pipelines.every((p) => p.runnable),
  };
}
