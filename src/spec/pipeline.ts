/**
 * The pipeline file: top-level keys (reference/dataduct.md §2.1) and the step list, checked
 * against the schema with positions. Step keys are checked by the step registry's schemas.
 */
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import type { JsonSchema } from '../../steps/types.js';
import { RETENTION_OVERRIDE_SCHEMA } from '../retention/overrides.js';
import { validateWithSchema } from './validate.js';
import { isRecord, YamlFile } from './yaml.js';

const stepList: JsonSchema = { type: 'array', items: { type: 'object' } };

export const PIPELINE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  properties: {
    name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' },
    description: { type: 'string' },
    frequency: { type: 'string' },
    load_time: { type: ['string', 'integer'] },
    start: { type: 'string' },
    time_delta: { type: ['string', 'integer'] },
    max_retries: { type: 'integer', minimum: 0 },
    retry_delay: { type: 'string' },
    late_after: { type: 'string' },
    topic_arn: { type: 'string' },
    retention: RETENTION_OVERRIDE_SCHEMA,
    ec2_resource_config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        terminate_after: { type: 'string' },
        instance_type: { type: 'string' },
        ami: { type: 'string' },
        image_id: { type: 'string' },
        security_group: { type: 'string' },
        security_group_id: { type: 'string' },
        security_groups: { type: ['string', 'array'] },
        security_group_ids: { type: ['string', 'array'] },
        subnet_id: { type: 'string' },
        key_pair: { type: 'string' },
        region: { type: 'string' },
      },
    },
    emr_cluster_config: {
      type: 'object',
      additionalProperties: false,
      properties: {
        num_instances: { type: 'integer', minimum: 0 },
        instance_size: { type: 'string' },
        master_instance_size: { type: 'string' },
        bootstrap: { type: ['string', 'object', 'array'] },
        num_task_instances: { type: 'integer', minimum: 0 },
        task_bid_price: { type: ['string', 'number'] },
        task_instance_type: { type: 'string' },
        terminate_after: { type: 'string' },
        hadoop_version: { type: 'string' },
        install_hive: { type: ['string', 'boolean'] },
        install_pig: { type: ['string', 'boolean'] },
        ami_version: { type: 'string' },
        release_label: { type: 'string' },
        applications: { type: 'array', items: { type: 'string' } },
        subnet_id: { type: 'string' },
      },
    },
    worker_group: { type: 'string' },
    bootstrap: {
      type: 'object',
      additionalProperties: false,
      properties: { ec2: stepList, emr: stepList },
    },
    teardown: { type: 'object' },
    tags: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    // Catalog metadata (issue 16): read by `etlctl catalog`, never by the compiler.
    meta: {
      type: 'object',
      additionalProperties: false,
      properties: {
        owner: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', minLength: 1 } },
        sla: {
          type: 'object',
          additionalProperties: false,
          required: ['ready_by'],
          properties: {
            ready_by: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
            timezone: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    variables: {},
    steps: { type: 'array', minItems: 1, items: { type: 'object' } },
  },
};

export interface ParsedPipelineFile {
  file: YamlFile;
  raw?: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

export function parsePipelineText(displayPath: string, text: string): ParsedPipelineFile {
  const file = new YamlFile(displayPath, text);
  if (file.diagnostics.length > 0) return { file, diagnostics: file.diagnostics };
  if (!isRecord(file.value)) {
    return {
      file,
      diagnostics: [
        diag('ETL1002', 'a pipeline file must be a YAML mapping with `name:` and `steps:`', {
          file: displayPath,
          line: 1,
          column: 1,
          hint: 'see pipelines/enrollments.yaml for an example',
        }),
      ],
    };
  }
  const diagnostics = validateWithSchema(file, [], file.value, PIPELINE_SCHEMA, 'the pipeline');
  return { file, raw: file.value, diagnostics };
}
