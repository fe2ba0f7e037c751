/**
 * Pipeline-level objects (no step made them): Default, DefaultSchedule, the SNS alarms, the
 * bootstrap that installs etlctl on workers, and the Ec2Resource / EmrCluster the activities run on.
 */
import type { FieldValue } from '../definition/model.js';
import { ref, refsOf } from '../definition/model.js';
import { diag } from '../diagnostics.js';
import type { KeyPath, YamlFile } from '../spec/yaml.js';
import { isRecord } from '../spec/yaml.js';
import type { DefinitionBuilder } from './context.js';
import type { Schedule } from './header.js';
import { computeStart, formatDateTime, periodString } from './schedule.js';

export function isActivity(type: FieldValue | undefined): boolean {
  return typeof type === 'string' && type.endsWith('Activity');
}

/** Default (with the log URI and roles) and, unless on-demand, the DefaultSchedule. */
export function addDefaults(
  b: DefinitionBuilder,
  raw: Record<string, unknown>,
  schedule: Schedule,
  now: Date,
): void {
  const cfg = b.config;
  const file = b.pipeline.file;
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
  const logUri = cfg.aws.pipelineLogUri ?? b.s3Uri('logs', '');
  b.add(
    'Default',
    {
      scheduleType: b.pipeline.frequency.kind === 'on-demand' ? 'ondemand' : 'cron',
      failureAndRerunMode: 'CASCADE',
      role: cfg.aws.role,
      resourceRole: cfg.aws.resourceRole,
      pipelineLogUri: logUri.endsWith('/') ? logUri : logUri + '/',
    },
    { file: file.path, line: top.line, column: top.column },
  );
  const frequency = b.pipeline.frequency;
  if (frequency.kind === 'on-demand') return;
  const startAt =
    schedule.start ?? computeStart(frequency, schedule.load ?? { hour: 1, minute: 0 }, now, schedule.deltaMs);
  b.add(
    'DefaultSchedule',
    {
      type: 'Schedule',
      period: periodString(frequency),
      startDateTime: formatDateTime(startAt),
      occurrences: frequency.kind === 'one-time' ? '1' : undefined,
    },
    { file: file.path, ...file.position(raw.frequency !== undefined ? ['frequency'] : ['name']) },
  );
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
  at: KeyPath,
): void {
  const file = b.pipeline.file;
  b.add(
    id,
    { type: 'SnsAlarm', topicArn: topic, subject, message, role: b.config.aws.role },
    { file: file.path, ...file.position(at) },
  );
}

/** Failure, late and warning alarms; the ones nothing points at are pruned after the steps. */
export function addAlarms(b: DefinitionBuilder, raw: Record<string, unknown>): void {
  const cfg = b.config;
  const name = b.pipeline.name;
  const failureTopic = b.pipeline.topicArn ?? cfg.alerts.failureTopic;
  if (failureTopic)
    addAlarm(
      b,
      'FailureAlarm',
      failureTopic,
      `etlctl: ${name} failed`,
      failureMessage(name),
      raw.topic_arn !== undefined ? ['topic_arn'] : ['name'],
    );
  const lateTopic = cfg.alerts.lateTopic ?? failureTopic;
  if (lateTopic) addAlarm(b, 'LateAlarm', lateTopic, `etlctl: ${name} is late`, lateMessage(name), ['name']);
  if (cfg.alerts.warningTopic)
    addAlarm(b, 'WarningAlarm', cfg.alerts.warningTopic, `etlctl: ${name} QA warning`, warningMessage(name), [
      'name',
    ]);
}

function isReferenced(b: DefinitionBuilder, id: string): boolean {
  for (const o of b.objects.values())
    for (const v of Object.values(o.fields))
      for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'object' && x.ref === id) return true;
  return false;
}

/** Alarms nothing points at (no late_after, no warn-severity check) would only clutter the definition. */
export function pruneUnusedAlarms(b: DefinitionBuilder): void {
  for (const id of ['LateAlarm', 'WarningAlarm']) if (b.get(id) && !isReferenced(b, id)) b.objects.delete(id);
}

export function addEtlctlBootstrap(b: DefinitionBuilder, version: string, file: YamlFile): void {
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

function listOf(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v)
    ? v.map(String)
    : String(v)
        .split(',')
        .map((s) => s.trim());
}

export function addEc2Resource(b: DefinitionBuilder, raw: Record<string, unknown>, file: YamlFile): void {
  const c = b.config.ec2;
  const o = isRecord(raw.ec2_resource_config) ? raw.ec2_resource_config : {};
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

export function addEmrCluster(b: DefinitionBuilder, raw: Record<string, unknown>, file: YamlFile): void {
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
