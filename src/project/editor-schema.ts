/**
 * The JSON Schemas editors use (yaml-language-server, VS Code's YAML extension): one for pipeline
 * files, derived from the same schemas `pipeline validate` checks with (the pipeline's top-level
 * keys and each step plugin's keys), and the config's (src/config/json-schema.ts). `etlctl schema`
 * writes them; `config/pipeline.schema.json` is this, written out (a test keeps it current).
 */
import { configJsonSchema } from '../config/json-schema.js';
import { PIPELINE_SCHEMA } from '../spec/pipeline.js';
import { STEP_PLUGINS, stepSchema } from '../../steps/index.js';
import type { JsonSchema, StepPlugin } from '../../steps/types.js';

/** Every spelling `step_type` accepts for a plugin (kebab, snake and aliases). */
function spellings(p: StepPlugin): string[] {
  const names = [p.type, ...(p.aliases ?? [])];
  return [...new Set(names.flatMap((n) => [n, n.replace(/-/g, '_')]))];
}

export function pipelineJsonSchema(): JsonSchema {
  const allNames = STEP_PLUGINS.flatMap(spellings);
  const step: JsonSchema = {
    type: 'object',
    required: ['step_type'],
    properties: { step_type: { description: 'the step type', enum: allNames } },
    // One branch per step type: an editor completes and checks the keys of the type written.
    allOf: STEP_PLUGINS.map((p) => ({
      if: { properties: { step_type: { enum: spellings(p) } }, required: ['step_type'] },
      then: { description: p.summary, ...stepSchema(p) },
    })),
  };
  const props = PIPELINE_SCHEMA.properties ?? {};
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://etlctl.dev/schemas/pipeline.schema.json',
    title: 'etlctl pipeline file',
    description: 'A step-based pipeline: name, schedule and an ordered list of steps (README "A pipeline").',
    ...PIPELINE_SCHEMA,
    properties: { ...props, steps: { type: 'array', minItems: 1, items: step } },
  };
}

export interface EditorSchemaFile {
  /** File name inside the output folder. */
  name: string;
  /** What it describes. */
  describes: 'pipeline' | 'config';
  text: string;
}

/** The schema files `etlctl schema` and `etlctl init` write. */
export function editorSchemaFiles(): EditorSchemaFile[] {
  const text = (o: unknown): string => JSON.stringify(o, null, 2) + '\n';
  return [
    { name: 'pipeline.schema.json', describes: 'pipeline', text: text(pipelineJsonSchema()) },
    { name: 'etlctl.schema.json', describes: 'config', text: text(configJsonSchema()) },
  ];
}
