/**
 * spec + config → Definition. The pipeline file's top level (header.ts), the pipeline-level
 * objects (pipeline-objects.ts: Default, Schedule, alarms, resources), and each step through its
 * plugin in steps/ (step-compiler.ts), bootstrap steps first and the teardown last.
 */
import { resolve } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { hasErrors } from '../diagnostics.js';
import type { Definition } from '../definition/model.js';
import { refsOf } from '../definition/model.js';
import { parsePipelineText } from '../spec/pipeline.js';
import type { KeyPath, YamlFile } from '../spec/yaml.js';
import { isRecord } from '../spec/yaml.js';
import { DefinitionBuilder } from './context.js';
import type { ScheduleOptions } from './header.js';
import { pipelineInfo, readSchedule } from './header.js';
import {
  addAlarms,
  addDefaults,
  addEc2Resource,
  addEmrCluster,
  addEtlctlBootstrap,
  isActivity,
  pruneUnusedAlarms,
} from './pipeline-objects.js';
import type { Frequency } from './schedule.js';
import { parseFrequency } from './schedule.js';
import { StepCompiler } from './step-compiler.js';

export interface CompileOptions extends ScheduleOptions {
  config: ResolvedConfig;
  /** etlctl version installed on workers that run `etlctl task`. */
  version: string;
  cwd: string;
}

export interface CompileResult {
  definition?: Definition;
  diagnostics: Diagnostic[];
  /** The parsed pipeline file (for callers reading more from it, such as the catalog). */
  file?: YamlFile;
}

/** Activities no other activity waits for: what the teardown runs after. */
function leafActivities(b: DefinitionBuilder): string[] {
  const waited = new Set<string>();
  const all: string[] = [];
  for (const o of b.objects.values()) {
    if (!isActivity(o.fields.type)) continue;
    all.push(o.id);
    for (const d of refsOf(o, 'dependsOn')) waited.add(d);
  }
  return all.filter((id) => !waited.has(id));
}

/** Bootstrap steps, the pipeline's steps, then the teardown after every leaf activity. */
function compileSteps(b: DefinitionBuilder, raw: Record<string, unknown>): void {
  const cfg = b.config;
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  const compiler = new StepCompiler(b, steps);
  const bootstrapSteps = isRecord(raw.bootstrap) ? raw.bootstrap : cfg.bootstrap;
  const bootstrapList = Array.isArray(bootstrapSteps?.ec2) ? bootstrapSteps.ec2 : [];
  bootstrapList.forEach((s, i) => compiler.compile(s, ['bootstrap', 'ec2', i], i, 'bootstrap'));
  steps.forEach((s, i) => compiler.compile(s, ['steps', i], i, 'step'));

  // Teardown: after every leaf activity, alerting on failure (the cascade makes it fail too).
  const teardownRaw = isRecord(raw.teardown)
    ? raw.teardown
    : isRecord(cfg.teardown)
      ? cfg.teardown
      : { step_type: 'transform', command: 'echo Finished Pipeline', no_output: true };
  compiler.teardownAfter = leafActivities(b);
  if (compiler.teardownAfter.length > 0 && !hasErrors(b.diagnostics)) {
    const teardownPath: KeyPath = isRecord(raw.teardown) ? ['teardown'] : ['name'];
    compiler.compile({ name: 'teardown', ...teardownRaw }, teardownPath, steps.length, 'teardown');
  }
}

export function compilePipelineText(
  displayPath: string,
  absPath: string,
  text: string,
  opts: CompileOptions,
): CompileResult {
  const parsed = parsePipelineText(displayPath, text);
  const { file } = parsed;
  const diagnostics = [...parsed.diagnostics];
  const raw = parsed.raw;
  // Steps are still checked when only top-level problems were found, so every error is reported at once.
  if (!raw || (hasErrors(diagnostics) && !Array.isArray(raw.steps))) return { diagnostics, file };
  const cfg = opts.config;
  const schedule = readSchedule(raw, file, cfg, opts, diagnostics);
  const info = pipelineInfo(raw, file, absPath, cfg, schedule.frequency, diagnostics);
  const b = new DefinitionBuilder(cfg, info, opts.cwd);
  b.diagnostics.push(...diagnostics);

  addDefaults(b, raw, schedule, opts.now);
  addAlarms(b, raw);
  compileSteps(b, raw);
  if (b.needsEtlctlOnWorker) addEtlctlBootstrap(b, opts.version, file);
  if (b.usesEc2) addEc2Resource(b, raw, file);
  if (b.usesEmr) addEmrCluster(b, raw, file);
  pruneUnusedAlarms(b);

  const definition = b.build();
  definition.meta!.description = typeof raw.description === 'string' ? raw.description : undefined;
  if (isRecord(raw.tags))
    definition.meta!.tags = {
      ...cfg.aws.tags,
      ...Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, String(v)])),
    };
  return {
    definition: hasErrors(b.diagnostics) ? undefined : definition,
    diagnostics: b.diagnostics,
    file,
  };
}

export function frequencyOf(def: Definition): Frequency | undefined {
  const s = def.objects.find((o) => o.id === 'DefaultSchedule');
  return s ? parseFrequency(String(s.fields.period).toLowerCase().replace(' ', '-')) : { kind: 'on-demand' };
}

export function absolute(cwd: string, p: string): string {
  return resolve(cwd, p);
}
