/**
 * The `catalog:` and `lineage:` config sections (issue 16). The config loader (src/config/load.ts)
 * only knows these two section names and layers them like every other key (file < mode < env);
 * their keys are checked here, against the file with positions, so a typo is an error at its line
 * with a "did you mean" — without growing the loader, which another change is splitting.
 *
 *   catalog:
 *     default_owner: data-platform     # owner of tables whose pipeline names none
 *     tags: [core, finance, marketing] # the tag vocabulary (absent: any tag)
 *     pii_patterns: ['email', 'phone'] # column names that must declare a PII level
 *   lineage:
 *     file: .etlctl/lineage.ndjson     # OpenLineage events, one JSON per line
 *     url: http://marquez:5000/api/v1/lineage
 *     namespace: etlctl                # job namespace
 *     timeout: 5s                      # per HTTP request
 *     queue_size: 1000                 # events waiting for the endpoint before the oldest are dropped
 *     api_key: ${env:OPENLINEAGE_API_KEY}
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedConfig, SecretRef } from '../config/types.js';
import { parseSecretRef } from '../config/secrets.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { parseDurationMs } from '../local/period.js';
import type { JsonSchema } from '../../steps/types.js';
import { validateWithSchema } from '../spec/validate.js';
import type { KeyPath } from '../spec/yaml.js';
import { isRecord, YamlFile } from '../spec/yaml.js';

/** Column names that usually hold personal data; a match without a PII level fails `catalog check`. */
export const DEFAULT_PII_PATTERNS = [
  'e_?mail',
  'phone',
  'mobile',
  '(first|last|full|given|family|sur)_?name',
  'address',
  'street',
  'postcode|zip_?code',
  'birth|dob',
  'ssn|social_security',
  'passport',
  'tax_?id|national_id',
  'iban|card_number|credit_card',
  'ip_?addr',
  'password',
];

export interface CatalogSettings {
  defaultOwner?: string;
  /** Allowed tags; undefined when the config sets no vocabulary. */
  tags?: string[];
  piiPatterns: RegExp[];
}

export interface LineageSettings {
  /** Absolute path of the NDJSON file, when set. */
  file?: string;
  url?: string;
  namespace: string;
  timeoutMs: number;
  queueSize: number;
  apiKey?: SecretRef;
}

const CATALOG_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    default_owner: { type: 'string', minLength: 1 },
    tags: { type: 'array', items: { type: 'string', minLength: 1 } },
    pii_patterns: { type: 'array', items: { type: 'string' } },
  },
};

const LINEAGE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    file: { type: 'string', minLength: 1 },
    url: { type: 'string', pattern: '^https?://' },
    namespace: { type: 'string', minLength: 1 },
    timeout: { type: ['string', 'integer'] },
    queue_size: { type: 'integer', minimum: 1 },
    api_key: { type: 'string' },
  },
};

/** A section as layered (file < mode < env), rebuilt from the config's dotted leaves. */
function section(config: ResolvedConfig, name: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let found = false;
  for (const [key, v] of config.values) {
    if (!key.startsWith(name + '.')) continue;
    found = true;
    const parts = key.slice(name.length + 1).split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (!isRecord(node[p])) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = v.value;
  }
  return found ? out : undefined;
}

/** Schema errors for each place the section is written: the file, the mode, the environment. */
function checkSection(config: ResolvedConfig, name: string, schema: JsonSchema): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const file = config.file && config.layout === 'etlctl' && existsSync(config.file) ? config.file : undefined;
  if (file) {
    const display = [...config.sources.keys()][0] ?? file;
    const y = new YamlFile(display, config.sources.get(display) ?? '');
    const places: KeyPath[] = [[name]];
    if (config.mode) places.push(['modes', config.mode, name]);
    for (const path of places) {
      let v: unknown = y.value;
      for (const p of path) v = isRecord(v) ? v[p] : undefined;
      if (v !== undefined) diagnostics.push(...validateWithSchema(y, path, v, schema, name));
    }
  }
  // Environment variables (ETLCTL_LINEAGE__URL=…) have no file position; check the layered value.
  const fromEnv = [...config.values].filter(
    ([k, v]) => k.startsWith(name + '.') && v.source.startsWith('environment'),
  );
  if (fromEnv.length > 0) {
    const y = new YamlFile('environment', '{}');
    for (const d of validateWithSchema(y, [], section(config, name), schema, name))
      diagnostics.push({ ...d, file: undefined, line: undefined, column: undefined });
  }
  return diagnostics.map((d) => ({ ...d, code: d.severity === 'error' ? 'ETL3510' : d.code }));
}

export function catalogSettings(config: ResolvedConfig): {
  settings: CatalogSettings;
  diagnostics: Diagnostic[];
} {
  const diagnostics = checkSection(config, 'catalog', CATALOG_SCHEMA);
  const raw = section(config, 'catalog') ?? {};
  const patterns = Array.isArray(raw.pii_patterns) ? raw.pii_patterns.map(String) : DEFAULT_PII_PATTERNS;
  const piiPatterns: RegExp[] = [];
  for (const p of patterns) {
    try {
      piiPatterns.push(new RegExp(`^(?:.*_)?(?:${p})(?:_.*)?$`, 'i'));
    } catch (e) {
      diagnostics.push(
        diag(
          'ETL3511',
          `catalog.pii_patterns: '${p}' is not a regular expression (${(e as Error).message})`,
          {
            file: config.file,
          },
        ),
      );
    }
  }
  return {
    settings: {
      defaultOwner: typeof raw.default_owner === 'string' ? raw.default_owner : undefined,
      tags: Array.isArray(raw.tags) ? raw.tags.map(String) : undefined,
      piiPatterns,
    },
    diagnostics,
  };
}

/** The `lineage:` section, or undefined when neither a file nor a URL is configured. */
export function lineageSettings(
  config: ResolvedConfig,
  cwd = process.cwd(),
): { settings?: LineageSettings; diagnostics: Diagnostic[] } {
  const diagnostics = checkSection(config, 'lineage', LINEAGE_SCHEMA);
  const raw = section(config, 'lineage');
  if (!raw || diagnostics.length > 0) return { diagnostics };
  const bad = (key: string, message: string, hint?: string) =>
    diagnostics.push(
      diag('ETL3511', `lineage.${key}: ${message} (from ${config.values.get(`lineage.${key}`)?.source})`, {
        hint,
      }),
    );
  let timeoutMs = 5000;
  if (raw.timeout !== undefined) {
    const ms = typeof raw.timeout === 'number' ? raw.timeout : parseDurationMs(String(raw.timeout));
    if (ms === undefined || ms <= 0)
      bad('timeout', `'${String(raw.timeout)}' is not a duration`, 'e.g. 5s or 2000ms');
    else timeoutMs = ms;
  }
  let apiKey: SecretRef | undefined;
  if (raw.api_key !== undefined) {
    const parsed = parseSecretRef(raw.api_key, 'lineage.api_key');
    if ('error' in parsed) bad('api_key', parsed.error, 'write it as ${env:VARIABLE} or ${file:key}');
    else apiKey = parsed.ref;
  }
  const file =
    typeof raw.file === 'string' ? (isAbsolute(raw.file) ? raw.file : resolve(cwd, raw.file)) : undefined;
  const url = typeof raw.url === 'string' ? raw.url : undefined;
  if (diagnostics.length > 0 || (!file && !url)) return { diagnostics };
  return {
    settings: {
      file,
      url,
      namespace: typeof raw.namespace === 'string' ? raw.namespace : 'etlctl',
      timeoutMs,
      queueSize: typeof raw.queue_size === 'number' ? raw.queue_size : 1000,
      apiKey,
    },
    diagnostics,
  };
}
