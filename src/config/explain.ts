/**
 * `config explain`: every declared key (CONFIG_SCHEMA) with its resolved value, where the value
 * came from, its environment variable and its documentation; secrets and passwords inside
 * connection URLs redacted.
 */
import { isRecord } from '../spec/yaml.js';
import type { KeySpec, NodeSpec } from './schema.js';
import { CONFIG_SCHEMA, envName, isEntries, isKey, specOf } from './schema.js';
import { REDACTED, redactConfigValue } from './secrets.js';
import type { ResolvedConfig } from './types.js';

export interface ExplainRow {
  key: string;
  /** The value (redacted where secret); undefined when the key is not set. */
  value: unknown;
  /** The value as printed: JSON, `<redacted>`, or `-` when not set. */
  text: string;
  /** `default`, `config/etlctl.yaml:12`, `environment ETLCTL_…`, or `not set`. */
  source: string;
  /** The environment variable that sets it. */
  env?: string;
  doc?: string;
}

function declaredRows(cfg: ResolvedConfig): ExplainRow[] {
  const rows: ExplainRow[] = [];
  const add = (key: string, spec: KeySpec) => rows.push({ key, value: undefined, text: '-', source: 'not set', env: envName(key), doc: spec.doc });
  for (const [name, node] of Object.entries(CONFIG_SCHEMA) as [string, NodeSpec][]) {
    if (isKey(node)) add(name, node);
    else if (isEntries(node)) {
      for (const entry of Object.keys(cfg.databases)) for (const [k, spec] of Object.entries(node.keys)) add(`${name}.${entry}.${k}`, spec);
    } else for (const [k, spec] of Object.entries(node.keys)) add(`${name}.${k}`, spec);
  }
  return rows;
}

/**
 * Rows for every declared key (and every other value the config holds), sorted by key; with
 * `prefix`, only that key and the keys under it.
 */
export function explainConfig(cfg: ResolvedConfig, prefix?: string): ExplainRow[] {
  const byKey = new Map<string, ExplainRow>();
  for (const row of declaredRows(cfg)) byKey.set(row.key, row);
  for (const [key, v] of cfg.values) {
    const spec = specOf(key).spec;
    // An empty mapping standing for a section with nothing set says nothing the rows don't.
    if (!spec && isRecord(v.value) && Object.keys(v.value).length === 0) continue;
    const declared = byKey.get(key);
    const value = redactConfigValue(key, v.value);
    byKey.set(key, {
      key,
      value,
      text: value === REDACTED ? REDACTED : JSON.stringify(value),
      source: v.source,
      env: declared?.env ?? envName(key),
      doc: declared?.doc ?? spec?.doc,
    });
  }
  return [...byKey.values()]
    .filter((r) => !prefix || r.key === prefix || r.key.startsWith(prefix + '.'))
    .sort((a, b) => a.key.localeCompare(b.key));
}
