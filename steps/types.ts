/**
 * The step plugin contract (DESIGN.md decision 4): a step module exports its type name and
 * aliases, the JSON Schema of its own keys, and `compile(step, ctx)` that emits Data Pipeline
 * objects through the context. Adding a step touches one file here and one test file.
 */
import type { StepContext } from '../src/compile/context.js';

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  items?: JsonSchema | JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
  [k: string]: unknown;
}

export interface StepPlugin {
  /** Canonical kebab-case name, e.g. `extract-rds`. The snake_case spelling is accepted automatically. */
  type: string;
  aliases?: string[];
  /** One line for documentation and `--help`. */
  summary: string;
  /** Schema of the step's own keys (the common keys are added by the registry). */
  params: { properties: Record<string, JsonSchema>; required?: string[] };
  /** Groups of keys of which exactly one must be given. */
  exactlyOne?: string[][];
  /** Groups of keys of which at most one may be given. */
  atMostOne?: string[][];
  /**
   * How the step takes data: `required` must have an S3 input (input_node, input_path or the
   * previous step's output), `optional` takes it when there is one, `none` never takes one.
   */
  input: 'required' | 'optional' | 'none';
  compile(ctx: StepContext): StepOutput | void;
}

export interface StepOutput {
  /** Id of the step's main S3 output node, for the next step's implicit input. */
  output?: string;
  /** Named outputs (`output_node: [a, b]`), usable as `input_node: a`. */
  namedOutputs?: Record<string, string>;
}
