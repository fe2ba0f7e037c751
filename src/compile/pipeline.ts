/**
 * spec + config → Definition. Pipeline-level objects (Default, Schedule, resources, alarms,
 * teardown) are made here; each step's objects come from its plugin in steps/.
 *
 * Ordering rule (uniform for every step type, unlike Dataduct): a step runs after the previous
 * step unless it says `depends_on`; `depends_on: []` means no ordering. Reading another step's
 * output (`input_node`) also orders the step after that producer.
 */
import { dirname, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/types.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean, hasErrors } from '../diagnostics.js';
import type { Definition, FieldValue } from '../definition/model.js';
import { ref, refsOf } from '../definition/model.js';
import { findStep, stepSchema, stepTypeNames } from '../../steps/index.js';
import type { StepPlugin } from '../../steps/types.js';
import { parsePipelineText } from '../spec/pipeline.js';
import { validateWithSchema } from '../spec/validate.js';
import type { KeyPath } from '../spec/yaml.js';
import { isRecord, YamlFile } from '../spec/yaml.js';
import type { PipelineInfo, StepSpec } from './context.js';
import { DefinitionBuilder, pascal, StepContext } from './context.js';
import type { Frequency } from './schedule.js';
import {
  computeStart,
  formatDateTime,
  parseFrequency,
  parseLoadTime,
  parseStart,
  parseTimeDelta,
  periodString,
} from './schedule.js';

export interface CompileOptions {
  config: ResolvedConfig;
  /** The clock: used for the schedule start when no start is given. */
  now: Date;
  /** Explicit schedule start (ISO), overriding `start:` and load_time. */
  start?: string;
  /** `-t`: shift of the start, e.g. `2d`, `-3h`. */
  timeDelta?: string;
  /** `-b`: apply the time delta backwards (backfill). */
  backfill?: boolean;
  /** `--frequency`: replaces every pipeline's frequency. */
  frequency?: string;
  /** etlctl version installed on workers that run `etlctl task`. */
  version: string;
  cwd: string;
}

export interface CompileResult {
  definition?: Definition;
  diagnostics: Diagnostic[];
}

interface StepRecord {
  spec: StepSpec;
  plugin: StepPlugin;
  /** Activities others wait for when they depend on this step. */
  doneAfter: string[];
  output?: string;
  namedOutputs: Record<string, string>;
}

const FREQ_HINT =
  'use one-time, on-demand, hourly, N-hours, daily, N-days, weekly, N-weeks, or a period like "30 minutes"';

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
  if (!raw || hasErrors(diagnostics)) {
    // Still check steps when only top-level problems were found, so every error is reported at once.
    if (!raw || !Array.isArray(raw.steps)) return { diagnostics };
  }
  const cfg = opts.config;

  // Frequency and schedule.
  const freqRaw =
    opts.frequency ??
    cfg.defaults.frequencyOverride ??
    (typeof raw.frequency === 'string' ? raw.frequency : 'one-time');
  const frequency = parseFrequency(freqRaw);
  if (!frequency) {
    diagnostics.push(
      opts.frequency || cfg.defaults.frequencyOverride
        ? diag(
            'ETL1010',
            `unsupported frequency '${freqRaw}' (from ${opts.frequency ? '--frequency' : 'defaults.frequency_override'})`,
            { hint: FREQ_HINT },
          )
        : file.at(['frequency'], 'ETL1010', `unsupported frequency '${freqRaw}'`, { hint: FREQ_HINT }),
    );
  }
  const loadRaw = raw.load_time ?? cfg.defaults.loadTime;
  const load = parseLoadTime(loadRaw);
  if (!load) {
    diagnostics.push(
      raw.load_time !== undefined
        ? file.at(
            ['load_time'],
            'ETL1011',
            `load_time must be HH:MM (24-hour, UTC), got '${String(loadRaw)}'`,
            {
              hint: 'for example load_time: "01:30"',
            },
          )
        : diag('ETL1011', `defaults.load_time must be HH:MM, got '${String(loadRaw)}'`),
    );
  }
  let deltaMs = 0;
  if (opts.timeDelta !== undefined) {
    const d = parseTimeDelta(opts.timeDelta);
    if (d === undefined)
      diagnostics.push(
        diag('ETL8001', `cannot read time delta '${opts.timeDelta}'`, {
          hint: 'use forms like 2d, 6h, 90m, 1w or 1d12h',
        }),
      );
    else deltaMs = opts.backfill ? -Math.abs(d) : d;
  }
  let start: Date | undefined;
  if (opts.start !== undefined) {
    start = parseStart(opts.start);
    if (!start)
      diagnostics.push(
        diag('ETL8002', `--start must be an ISO date-time like 2026-01-01T01:00:00, got '${opts.start}'`),
      );
  } else if (typeof raw.start === 'string') {
    start = parseStart(raw.start);
    if (!start)
      diagnostics.push(
        file.at(
          ['start'],
          'ETL1012',
          `start must be an ISO date-time like 2026-01-01T01:00:00, got '${raw.start}'`,
        ),
      );
  }
  if (start) start = new Date(start.getTime() + deltaMs);

  const name = String(raw.name ?? 'pipeline');
  const pipelineName = cfg.aws.namePrefix ? `${cfg.aws.namePrefix}_${name}` : name;
  const info: PipelineInfo = {
    name: pipelineName,
    file,
    frequency: frequency ?? { kind: 'one-time' },
    dir: dirname(absPath),
    maxRetries: typeof raw.max_retries === 'number' ? raw.max_retries : cfg.defaults.maxRetries,
    retryDelay: typeof raw.retry_delay === 'string' ? raw.retry_delay : cfg.defaults.retryDelay,
    lateAfter: typeof raw.late_after === 'string' ? raw.late_after : undefined,
    topicArn: typeof raw.topic_arn === 'string' ? raw.topic_arn : undefined,
    workerGroup: typeof raw.worker_group === 'string' ? raw.worker_group : undefined,
  };
  const b = new DefinitionBuilder(cfg, info, opts.cwd);
  b.diagnostics.push(...diagnostics);
  const top = { file: file.path, ...file.position(['name']) };

  if (!cfg.aws.s3Bucket && cfg.target === 'aws') {
    b.diagnostics.push(
      diag(
        'ETL2030',
        'the config has no aws.s3_bucket, which this pipeline needs for its data, logs and assets',
        {
          file: file.path,
          line: top.line,
          column: top.column,
          hint: `set aws.s3_bucket in ${cfg.file ? cfg.file : 'the config'} (Dataduct layout: etl.S3_ETL_BUCKET)`,
        },
      ),
    );
  }

  // Pipeline-level objects.
  const logUri = cfg.aws.pipelineLogUri ?? b.s3Uri('logs', '');
  b.add(
    'Default',
    {
      scheduleType: info.frequency.kind === 'on-demand' ? 'ondemand' : 'cron',
      failureAndRerunMode: 'CASCADE',
      role: cfg.aws.role,
      resourceRole: cfg.aws.resourceRole,
      pipelineLogUri: logUri.endsWith('/') ? logUri : logUri + '/',
    },
    { file: file.path, line: top.line, column: top.column },
  );
  if (info.frequency.kind !== 'on-demand') {
    const startAt = start ?? computeStart(info.frequency, load ?? { hour: 1, minute: 0 }, opts.now, deltaMs);
    b.add(
      'DefaultSchedule',
      {
        type: 'Schedule',
        period: periodString(info.frequency),
        startDateTime: formatDateTime(startAt),
        occurrences: info.frequency.kind === 'one-time' ? '1' : undefined,
      },
      { file: file.path, ...file.position(raw.frequency !== undefined ? ['frequency'] : ['name']) },
    );
  }
  const failureTopic = info.topicArn ?? cfg.alerts.failureTopic;
  if (failureTopic)
    addAlarm(
      b,
      'FailureAlarm',
      failureTopic,
      `etlctl: ${pipelineName} failed`,
      failureMessage(pipelineName),
      file,
      raw.topic_arn !== undefined ? ['topic_arn'] : ['name'],
    );
  const lateTopic = cfg.alerts.lateTopic ?? failureTopic;
  if (lateTopic)
    addAlarm(b, 'LateAlarm', lateTopic, `etlctl: ${pipelineName} is late`, lateMessage(pipelineName), file, [
      'name',
    ]);
  if (cfg.alerts.warningTopic)
    addAlarm(
      b,
      'WarningAlarm',
      cfg.alerts.warningTopic,
      `etlctl: ${pipelineName} QA warning`,
      warningMessage(pipelineName),
      file,
      ['name'],
    );

  // Steps.
  const records = new Map<string, StepRecord>();
  const order: StepRecord[] = [];
  const bootstrapDone: string[] = [];
  const bootstrapSteps = isRecord(raw.bootstrap) ? raw.bootstrap : cfg.bootstrap;
  const bootstrapList = Array.isArray(bootstrapSteps?.ec2) ? bootstrapSteps.ec2 : [];
  const steps = Array.isArray(raw.steps) ? raw.steps : [];
  const counters = new Map<string, number>();
  let teardownAfter: string[] = [];

  const compileStep = (
    stepRaw: unknown,
    path: KeyPath,
    index: number,
    kind: 'bootstrap' | 'step' | 'teardown',
  ) => {
    const at = file.position(path);
    if (!isRecord(stepRaw)) {
      b.diagnostics.push(
        file.at(path, 'ETL1004', 'each step must be a mapping with a step_type', {
          hint: 'write `- step_type: …` followed by its keys',
        }),
      );
      return;
    }
    const typeName = stepRaw.step_type;
    if (typeof typeName !== 'string') {
      b.diagnostics.push(
        file.at(path, 'ETL1005', `step ${index + 1} is missing required key 'step_type'`, {
          onKey: true,
          hint: `known step types: ${stepTypeNames().join(', ')}`,
        }),
      );
      return;
    }
    const plugin = findStep(typeName);
    if (!plugin) {
      b.diagnostics.push(
        file.at([...path, 'step_type'], 'ETL1007', `unknown step type '${typeName}'`, {
          hint:
            didYouMean(typeName, [...stepTypeNames(), ...stepTypeNames().map((n) => n.replace(/-/g, '_'))]) ??
            `known step types: ${stepTypeNames().join(', ')}`,
        }),
      );
      return;
    }
    const n = counters.get(plugin.type) ?? 0;
    counters.set(plugin.type, n + 1);
    const stepName =
      typeof stepRaw.name === 'string'
        ? stepRaw.name
        : kind === 'teardown'
          ? 'teardown'
          : kind === 'bootstrap'
            ? `bootstrap${index}`
            : `${pascal(plugin.type)}Step${n}`;
    const what = `step '${stepName}' (${plugin.type})`;
    const schemaErrors = validateWithSchema(file, path, stepRaw, stepSchema(plugin), what);
    b.diagnostics.push(...schemaErrors);
    for (const group of plugin.exactlyOne ?? []) {
      const given = group.filter((k) => stepRaw[k] !== undefined);
      if (given.length === 0)
        b.diagnostics.push(
          file.at(path, 'ETL1008', `${what} needs exactly one of ${group.join(', ')}`, {
            onKey: true,
            hint: `add one of: ${group.join(', ')}`,
          }),
        );
      else if (given.length > 1)
        b.diagnostics.push(
          file.at([...path, given[1]], 'ETL1009', `${what}: ${given.join(' and ')} cannot be used together`, {
            onKey: true,
            hint: `keep only one of: ${group.join(', ')}`,
          }),
        );
    }
    for (const group of plugin.atMostOne ?? []) {
      const given = group.filter((k) => stepRaw[k] !== undefined);
      if (given.length > 1)
        b.diagnostics.push(
          file.at([...path, given[1]], 'ETL1009', `${what}: ${given.join(' and ')} cannot be used together`, {
            onKey: true,
            hint: `keep only one of: ${group.join(', ')}`,
          }),
        );
    }
    if (records.has(stepName)) {
      b.diagnostics.push(
        file.at([...path, 'name'], 'ETL1013', `duplicate step name '${stepName}'`, {
          hint: 'step names must be unique within a pipeline',
        }),
      );
      return;
    }
    if (schemaErrors.length > 0) return;

    // Ordering and inputs.
    const prev = order[order.length - 1];
    const after = new Set<string>();
    const inputs: string[] = [];
    const refError = (key: KeyPath, target: string, what2: string) => {
      const later = steps.some((s, i) => i > index && isRecord(s) && s.name === target);
      b.diagnostics.push(
        file.at(
          [...path, ...key],
          'ETL1014',
          later
            ? `${what2} '${target}' is a later step; a step can only refer to earlier steps`
            : `${what2} '${target}' is not an earlier step`,
          {
            hint: later
              ? 'move the step, or drop the reference'
              : (didYouMean(target, [...records.keys(), ...namedOutputs()]) ??
                `earlier steps: ${[...records.keys()].join(', ') || '(none)'}`),
          },
        ),
      );
    };
    const namedOutputs = () => order.flatMap((r) => Object.keys(r.namedOutputs));
    const findOutput = (target: string): { rec: StepRecord; node?: string } | undefined => {
      const rec = records.get(target);
      if (rec) return { rec, node: rec.output };
      for (const r of order) if (r.namedOutputs[target]) return { rec: r, node: r.namedOutputs[target] };
      return undefined;
    };
    if (stepRaw.depends_on !== undefined) {
      const list = Array.isArray(stepRaw.depends_on) ? stepRaw.depends_on : [stepRaw.depends_on];
      list.forEach((d, i) => {
        const rec = records.get(String(d));
        if (!rec)
          refError(
            Array.isArray(stepRaw.depends_on) ? ['depends_on', i] : ['depends_on'],
            String(d),
            'depends_on',
          );
        else rec.doneAfter.forEach((a) => after.add(a));
      });
    } else if (prev && kind !== 'bootstrap') {
      prev.doneAfter.forEach((a) => after.add(a));
    }
    if (stepRaw.input_node !== undefined) {
      const inNode = stepRaw.input_node;
      const targets: [string, KeyPath][] =
        typeof inNode === 'string'
          ? [[inNode, ['input_node']]]
          : isRecord(inNode)
            ? Object.keys(inNode).map((k) => [k, ['input_node', k]])
            : [];
      for (const [t, key] of targets) {
        const found = findOutput(t);
        if (!found) refError(key, t, 'input_node');
        else if (!found.node)
          b.diagnostics.push(
            file.at(
              [...path, ...key],
              'ETL1015',
              `input_node '${t}': step '${found.rec.spec.name}' has no S3 output to read`,
              { hint: 'point input_node at a step that produces data (an extract or transform step)' },
            ),
          );
        else {
          inputs.push(found.node);
          found.rec.doneAfter.forEach((a) => after.add(a));
        }
      }
    } else if (typeof stepRaw.input_path === 'string') {
      // resolved by the step context below (a new S3 node)
    } else if (plugin.input !== 'none' && prev?.output && kind === 'step') {
      inputs.push(prev.output);
    }
    if (kind === 'teardown') {
      after.clear();
      teardownAfter.forEach((a) => after.add(a));
    } else if (after.size === 0 && kind !== 'bootstrap') bootstrapDone.forEach((a) => after.add(a));

    const spec: StepSpec = {
      index,
      name: stepName,
      type: plugin.type,
      params: stepRaw,
      path,
      line: at.line,
      column: at.column,
    };
    const ctx = new StepContext(b, spec, inputs, [...after]);
    if (typeof stepRaw.input_path === 'string') {
      ctx.inputs.push(ctx.s3Node('Input', { path: stepRaw.input_path, format: 'tsv' }));
    }
    if (plugin.input === 'required' && ctx.inputs.length === 0 && stepRaw.input_node === undefined) {
      ctx.error(
        'ETL1016',
        `${what} needs input data: give input_node or input_path, or put it after a step that produces S3 data`,
        [],
        'e.g. `input_node: extract_step`',
      );
      return;
    }
    const result = plugin.compile(ctx) ?? {};
    const rec: StepRecord = {
      spec,
      plugin,
      doneAfter: ctx.activities.length > 0 ? terminalActivities(b, ctx.activities) : [...after],
      output: result.output,
      namedOutputs: result.namedOutputs ?? {},
    };
    records.set(stepName, rec);
    order.push(rec);
    b.steps.push({ name: stepName, type: plugin.type, line: at.line, objectIds: ctx.objectIds });
    if (kind === 'bootstrap') bootstrapDone.push(...rec.doneAfter);
  };

  bootstrapList.forEach((s, i) => compileStep(s, ['bootstrap', 'ec2', i], i, 'bootstrap'));
  steps.forEach((s, i) => compileStep(s, ['steps', i], i, 'step'));

  // Teardown: after every leaf activity, alerting on failure (the cascade makes it fail too).
  const teardownRaw = isRecord(raw.teardown)
    ? raw.teardown
    : isRecord(cfg.teardown)
      ? cfg.teardown
      : { step_type: 'transform', command: 'echo Finished Pipeline', no_output: true };
  teardownAfter = leafActivities(b);
  if (teardownAfter.length > 0 && !hasErrors(b.diagnostics)) {
    const teardownPath: KeyPath = isRecord(raw.teardown) ? ['teardown'] : ['name'];
    compileStep({ name: 'teardown', ...teardownRaw }, teardownPath, steps.length, 'teardown');
  }

  if (b.needsEtlctlOnWorker) addEtlctlBootstrap(b, opts.version, file);
  if (b.usesEc2) addEc2Resource(b, raw, file);
  if (b.usesEmr) addEmrCluster(b, raw, file);

  // Alarms nothing points at (no late_after, no warn-severity check) would only clutter the definition.
  for (const id of ['LateAlarm', 'WarningAlarm']) if (b.get(id) && !isReferenced(b, id)) b.objects.delete(id);

  const definition = b.build();
  definition.meta!.description = typeof raw.description === 'string' ? raw.description : undefined;
  if (isRecord(raw.tags))
    definition.meta!.tags = {
      ...cfg.aws.tags,
      ...Object.fromEntries(Object.entries(raw.tags).map(([k, v]) => [k, String(v)])),
    };
  return { definition: hasErrors(b.diagnostics) ? undefined : definition, diagnostics: b.diagnostics };
}

function isReferenced(b: DefinitionBuilder, id: string): boolean {
  for (const o of b.objects.values())
    for (const v of Object.values(o.fields))
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'object' && x.ref === id) return true;
  return false;
}

/** Activities of a step that no other activity of the same step waits for. */
function terminalActivities(b: DefinitionBuilder, ids: string[]): string[] {
  const waited = new Set<string>();
  for (const id of ids) for (const d of refsOf(b.get(id)!, 'dependsOn')) waited.add(d);
  return ids.filter((id) => !waited.has(id));
}

function isActivity(type: FieldValue | undefined): boolean {
  return typeof type === 'string' && type.endsWith('Activity');
}

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

function failureMessage(name: string): string {
  return [
    `Pipeline: ${name}`,
    'Object: #{node.name}',
    'Scheduled start: #{node.@scheduledStartTime}',
    'Error: #{node.errorMessage}',
    'Stack trace: #{node.errorStackTrace}',
    'Log: #{node.@logLocation}',
  ].join('\n');
}
function lateMessage(name: string): string {
  return [
    `Pipeline: ${name}`,
    'Object: #{node.name} is late',
    'Scheduled start: #{node.@scheduledStartTime}',
  ].join('\n');
}
function warningMessage(name: string): string {
  return [
    `Pipeline: ${name}`,
    'Object: #{node.name} reported a QA warning',
    'Scheduled start: #{node.@scheduledStartTime}',
  ].join('\n');
}

function addAlarm(
  b: DefinitionBuilder,
  id: string,
  topic: string,
  subject: string,
  message: string,
  file: YamlFile,
  at: KeyPath,
): void {
  b.add(
    id,
    { type: 'SnsAlarm', topicArn: topic, subject, message, role: b.config.aws.role },
    { file: file.path, ...file.position(at) },
  );
}

function addEtlctlBootstrap(b: DefinitionBuilder, version: string, file: YamlFile): void {
  // Activities that run `etlctl task` need the same etlctl version on the worker: install it
  // first, explicitly (Dataduct left this as an undocumented AMI prerequisite).
  const id = 'InstallEtlctl';
  const roots: string[] = [];
  for (const o of b.objects.values())
    if (isActivity(o.fields.type) && refsOf(o, 'dependsOn').length === 0 && o.fields.runsOn) roots.push(o.id);
  b.add(
    id,
    {
      type: 'ShellCommandActivity',
      command: `command -v etlctl >/dev/null && [ "$(etlctl --version)" = "${version}" ] || sudo npm install -g etlctl@${version}`,
      runsOn: ref('Ec2Resource'),
      schedule: b.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
      maximumRetries: '2',
      onFail: b.get('FailureAlarm') ? ref('FailureAlarm') : undefined,
      myEtlctlRole: 'worker-bootstrap',
    },
    // Pipeline-level (no step): it serves every step that runs `etlctl task`.
    { file: file.path, ...file.position(['name']) },
  );
  b.usesEc2 = true;
  for (const r of roots) {
    const o = b.get(r)!;
    if (o.id !== id) o.fields.dependsOn = [ref(id)];
  }
}

function addEc2Resource(b: DefinitionBuilder, raw: Record<string, unknown>, file: YamlFile): void {
  const c = b.config.ec2;
  const o = isRecord(raw.ec2_resource_config) ? raw.ec2_resource_config : {};
  const listOf = (v: unknown) =>
    v === undefined
      ? undefined
      : Array.isArray(v)
        ? v.map(String)
        : String(v)
            .split(',')
            .map((s) => s.trim());
  b.add(
    'Ec2Resource',
    {
      type: 'Ec2Resource',
      instanceType: String(o.instance_type ?? c.instanceType),
      imageId: (o.image_id ?? o.ami ?? c.imageId) as string | undefined,
      terminateAfter: String(o.terminate_after ?? c.terminateAfter),
      securityGroups: listOf(o.security_groups ?? o.security_group) ?? c.securityGroups,
      securityGroupIds: listOf(o.security_group_ids ?? o.security_group_id) ?? c.securityGroupIds,
      subnetId: (o.subnet_id ?? c.subnetId) as string | undefined,
      keyPair: (o.key_pair ?? c.keyPair) as string | undefined,
      region: (o.region ?? c.region) as string | undefined,
      schedule: b.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
      role: b.config.aws.role,
      resourceRole: b.config.aws.resourceRole,
      actionOnTaskFailure: 'terminate',
    },
    {
      file: file.path,
      ...file.position(raw.ec2_resource_config !== undefined ? ['ec2_resource_config'] : ['name']),
    },
  );
}

function addEmrCluster(b: DefinitionBuilder, raw: Record<string, unknown>, file: YamlFile): void {
  const c = b.config.emr;
  const o = isRecord(raw.emr_cluster_config) ? raw.emr_cluster_config : {};
  const releaseLabel = (o.release_label ?? c.releaseLabel) as string | undefined;
  const bootstrap =
    o.bootstrap === undefined
      ? c.bootstrapActions
      : Array.isArray(o.bootstrap)
        ? o.bootstrap.map(String)
        : isRecord(o.bootstrap)
          ? [String(o.bootstrap.string ?? Object.values(o.bootstrap)[0])]
          : [String(o.bootstrap)];
  b.add(
    'EmrCluster',
    {
      type: 'EmrCluster',
      masterInstanceType: String(o.master_instance_size ?? c.masterInstanceType),
      coreInstanceType: String(o.instance_size ?? c.coreInstanceType),
      coreInstanceCount: String(o.num_instances ?? c.coreInstanceCount),
      taskInstanceType: (o.task_instance_type ?? c.taskInstanceType) as string | undefined,
      taskInstanceCount:
        o.num_task_instances !== undefined
          ? String(o.num_task_instances)
          : c.taskInstanceCount !== undefined
            ? String(c.taskInstanceCount)
            : undefined,
      taskInstanceBidPrice:
        o.task_bid_price !== undefined ? String(o.task_bid_price) : c.taskInstanceBidPrice,
      terminateAfter: String(o.terminate_after ?? c.terminateAfter),
      releaseLabel,
      amiVersion: releaseLabel ? undefined : ((o.ami_version ?? c.amiVersion) as string | undefined),
      applications: releaseLabel ? ((o.applications as string[] | undefined) ?? c.applications) : undefined,
      bootstrapAction: bootstrap,
      subnetId: (o.subnet_id ?? c.subnetId) as string | undefined,
      keyPair: c.keyPair,
      schedule: b.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
      role: b.config.aws.role,
      resourceRole: b.config.aws.resourceRole,
      enableDebugging: 'true',
    },
    {
      file: file.path,
      ...file.position(raw.emr_cluster_config !== undefined ? ['emr_cluster_config'] : ['name']),
    },
  );
}

export function frequencyOf(def: Definition): Frequency | undefined {
  const s = def.objects.find((o) => o.id === 'DefaultSchedule');
  return s ? parseFrequency(String(s.fields.period).toLowerCase().replace(' ', '-')) : { kind: 'on-demand' };
}

export function absolute(cwd: string, p: string): string {
  return resolve(cwd, p);
}
