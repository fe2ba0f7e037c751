/**
 * Compile + offline check for the deploy commands: the same path as `etlctl pipeline compile`
 * (src/compile) and the definition checker (src/definition/check.ts), so nothing reaches AWS that
 * the offline tools would reject.
 */
import type { ResolvedConfig } from '../config/types.js';
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { compileFiles } from '../compile/index.js';

export interface CompileForDeployOptions {
  mode?: string;
  configPath?: string;
  timeDelta?: string;
  backfill?: boolean;
  target?: 'aws' | 'local';
  now: Date;
}

export interface CompiledForDeploy {
  pipelines: { file: string; definition?: Definition; diagnostics: Diagnostic[] }[];
  sources: Map<string, string>;
  config: ResolvedConfig;
}

type CheckFn = (def: Definition, opts: { now: Date }) => Diagnostic[];

/**
 * The checker module is built by another area; load it by a computed path so this module compiles
 * before it exists, and skip the check (the service still validates) when it is missing.
 */
async function loadChecker(): Promise<CheckFn | undefined> {
  const path = '../definition/check.js';
  try {
    const mod = (await import(path)) as { checkDefinition?: CheckFn };
    return mod.checkDefinition;
  } catch {
    return undefined;
  }
}

/** Compile pipeline files with one config and run the offline checker on each definition. */
export async function compileAndCheck(
  files: string[],
  opts: CompileForDeployOptions,
): Promise<CompiledForDeploy> {
  const compiled = compileFiles(files, {
    mode: opts.mode,
    configPath: opts.configPath,
    timeDelta: opts.timeDelta,
    backfill: opts.backfill,
    now: opts.now,
    ...(opts.target ? { overrides: { target: opts.target } } : {}),
  });
  const check = await loadChecker();
  const pipelines = compiled.pipelines.map((p) => ({
    file: p.file,
    definition: p.definition,
    diagnostics: [...p.diagnostics, ...(p.definition && check ? check(p.definition, { now: opts.now }) : [])],
  }));
  return { pipelines, sources: compiled.sources, config: compiled.config };
}
