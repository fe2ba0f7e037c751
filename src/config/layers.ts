/**
 * Config layers and how they merge: embedded defaults < config file < mode (deep-merged) <
 * environment (`ETLCTL_…`) < command-line overrides. Every leaf remembers the layer it came from.
 */
import { isRecord } from '../spec/yaml.js';
import type { ConfigValue } from './types.js';
import type { NodeSpec } from './schema.js';
import { CONFIG_SCHEMA, ENV_PREFIX, isEntries, isKey, PROCESS_ENV, specOf } from './schema.js';

export interface Layer {
  tree: Record<string, unknown>;
  describe: (dotted: string) => string;
}

/** The embedded defaults layer: every declared default, and an empty mapping per section. */
export function defaultsLayer(): Layer {
  const tree: Record<string, unknown> = {};
  for (const [name, node] of Object.entries(CONFIG_SCHEMA) as [string, NodeSpec][]) {
    if (isKey(node)) {
      if (node.default !== undefined) tree[name] = structuredClone(node.default);
    } else if (isEntries(node)) {
      tree[name] = {};
    } else {
      const section: Record<string, unknown> = {};
      for (const [k, spec] of Object.entries(node.keys))
        if (spec.default !== undefined) section[k] = structuredClone(spec.default);
      tree[name] = section;
    }
  }
  return { tree, describe: () => 'default' };
}

export function flatten(tree: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isRecord(tree) && Object.keys(tree).length > 0) {
    for (const [k, v] of Object.entries(tree)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, tree);
  }
}

export function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    if (isRecord(v) && isRecord(target[k])) deepMerge(target[k] as Record<string, unknown>, v);
    else target[k] = isRecord(v) ? structuredClone(v) : v;
  }
}

export function setDotted(tree: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (!isRecord(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

/** An environment variable's text as the declared type of its key (undeclared keys: a best guess). */
export function coerceEnv(dotted: string, v: string): unknown {
  const { spec } = specOf(dotted);
  const word = v.trim().toLowerCase();
  switch (spec?.type) {
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    case 'boolean':
      return TRUE_WORDS.includes(word) ? true : FALSE_WORDS.includes(word) ? false : v;
    case undefined:
      if (/^-?\d+$/.test(v)) return Number(v);
      if (v === 'true' || v === 'false') return v === 'true';
      return v;
    default:
      return v;
  }
}

/** `ETLCTL_AWS__S3_BUCKET=x` → aws.s3_bucket = x; `ETLCTL_TARGET=aws` → target. */
export function envLayer(env: NodeJS.ProcessEnv): Layer {
  const tree: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const rest = name.slice(ENV_PREFIX.length);
    if (PROCESS_ENV.includes(rest)) continue;
    const dotted = rest
      .toLowerCase()
      .split('__')
      .filter((p) => p.length > 0)
      .join('.');
    if (!dotted) continue;
    setDotted(tree, dotted, coerceEnv(dotted, value));
    names.set(dotted, name);
  }
  return { tree, describe: (d) => `environment ${names.get(d) ?? 'ETLCTL_*'}` };
}

/** Command-line overrides by dotted key (`{ target: 'aws' }` from `--target aws`). */
export function overridesLayer(overrides: Record<string, unknown> | undefined): Layer | undefined {
  if (!overrides || Object.keys(overrides).length === 0) return undefined;
  const tree: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) setDotted(tree, k, v);
  return { tree, describe: (d) => `command line (--${d.replace(/[._]/g, '-')})` };
}

/** Merge the layers in order; each leaf's value and source is the last layer that set it. */
export function mergeLayers(layers: Layer[]): { merged: Record<string, unknown>; values: Map<string, ConfigValue> } {
  const merged: Record<string, unknown> = {};
  const values = new Map<string, ConfigValue>();
  for (const layer of layers) {
    deepMerge(merged, layer.tree);
    const flat = new Map<string, unknown>();
    flatten(layer.tree, '', flat);
    for (const [k, v] of flat) {
      // A later layer replacing a subtree hides the earlier leaves under it.
      for (const existing of [...values.keys()]) if (existing.startsWith(k + '.')) values.delete(existing);
      // …and a value under a subtree replaces the empty mapping that stood for it.
      for (let i = k.indexOf('.'); i > 0; i = k.indexOf('.', i + 1)) values.delete(k.slice(0, i));
      values.set(k, { value: v, source: layer.describe(k) });
    }
  }
  return { merged, values };
}
