/**
 * The JSON Schema of config files for editors (yaml-language-server, VS Code), derived from
 * CONFIG_SCHEMA. `config/etlctl.schema.json` is this, written out (a test keeps it current).
 */
import type { KeySpec, NodeSpec } from './schema.js';
import { CONFIG_SCHEMA, envName, isEntries, isKey, MODES_KEY } from './schema.js';

type Json = Record<string, unknown>;

const ANY_SCALAR = { type: ['string', 'number', 'boolean'] };

function keySchema(spec: KeySpec, dotted: string): Json {
  const description = `${spec.doc} (env ${envName(dotted)})`;
  const base: Json = { description };
  if (spec.default !== undefined && !(Array.isArray(spec.default) && spec.default.length === 0)) base.default = spec.default;
  if (spec.example !== undefined) base.examples = [spec.example];
  switch (spec.type) {
    case 'string':
    case 'path':
      return { ...base, type: 'string' };
    case 'number':
      return { ...base, type: 'number' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'enum':
      return { ...base, enum: [...(spec.values ?? [])] };
    case 'string-list':
    case 'path-list':
      return { ...base, anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] };
    case 'string-map':
      return { ...base, type: 'object', additionalProperties: ANY_SCALAR };
    case 'secret':
      return { ...base, type: 'string', pattern: '^\\$\\{(env|file):[^}]+\\}$' };
    case 'permissions':
      return {
        ...base,
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: { user: { type: 'string' }, group: { type: 'string' }, permission: { type: 'string' } },
        },
      };
    case 'step-lists':
      return {
        ...base,
        type: 'object',
        additionalProperties: false,
        properties: { ec2: { type: 'array', items: { type: 'object' } }, emr: { type: 'array', items: { type: 'object' } } },
      };
    case 'any':
      return base;
  }
}

function keysSchema(keys: Readonly<Record<string, KeySpec>>, prefix: string, required: boolean): Json {
  const properties: Json = {};
  const req: string[] = [];
  for (const [k, spec] of Object.entries(keys)) {
    properties[k] = keySchema(spec, `${prefix}.${k}`);
    if (required && spec.required) req.push(k);
  }
  return { type: 'object', additionalProperties: false, properties, ...(req.length ? { required: req } : {}) };
}

/** Properties of the top level (and of each mode, where nothing is required). */
function topProperties(required: boolean): Json {
  const properties: Json = {};
  for (const [name, node] of Object.entries(CONFIG_SCHEMA) as [string, NodeSpec][]) {
    if (isKey(node)) properties[name] = keySchema(node, name);
    else if (isEntries(node))
      properties[name] = {
        description: node.doc,
        type: 'object',
        additionalProperties: keysSchema(node.keys, `${name}.<NAME>`, required),
      };
    else properties[name] = { description: node.doc, ...keysSchema(node.keys, name, false) };
  }
  return properties;
}

export function configJsonSchema(): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://etlctl.dev/schemas/config.schema.json',
    title: 'etlctl config (config/etlctl.yaml)',
    description:
      'Shared settings, named database connections and per-environment modes. Layering: built-in defaults < this file < mode < ETLCTL_* environment < command-line flags.',
    type: 'object',
    additionalProperties: false,
    properties: {
      ...topProperties(true),
      [MODES_KEY]: {
        description: 'named overrides, deep-merged over the file with -m NAME',
        type: 'object',
        additionalProperties: { type: 'object', additionalProperties: false, properties: topProperties(false) },
      },
    },
  };
}
