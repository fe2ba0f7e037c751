/**
 * The `transforms:` config section: key ids → secret references, the PII-level policy and the
 * token vault schema. Key values are read only when a copy runs (never at compile time), and only
 * their ids appear in definitions, metadata and reports (DESIGN.md decision 6).
 */
import { createHash } from 'node:crypto';
import { parseSecretRef, resolveSecret } from '../config/secrets.js';
import type { ResolvedConfig } from '../config/types.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { TransformKind } from './spec.js';
import { isTransformKind } from './spec.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A section as layered (file < mode < env), rebuilt from the config's dotted leaves. */
export function configSection(config: ResolvedConfig, name: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of config.values) {
    if (!key.startsWith(name + '.')) continue;
    const parts = key.slice(name.length + 1).split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (!isRecord(node[p])) node[p] = {};
      node = node[p] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = v.value;
  }
  return out;
}

export interface TransformSettings {
  /** Key id → secret reference text (`${env:VAR}`). */
  keys: Record<string, string>;
  defaultKey?: string;
  /** PII level → transform kind. */
  policy: Partial<Record<string, TransformKind>>;
  vaultSchema: string;
  /** Problems with the policy (ETL3711), reported by validate. */
  problems: string[];
}

export function transformSettings(config: ResolvedConfig): TransformSettings {
  const raw = configSection(config, 'transforms');
  const keys: Record<string, string> = {};
  if (isRecord(raw.keys)) for (const [k, v] of Object.entries(raw.keys)) keys[k] = String(v);
  const policy: Partial<Record<string, TransformKind>> = {};
  const problems: string[] = [];
  if (isRecord(raw.policy)) {
    for (const [level, kind] of Object.entries(raw.policy)) {
      if (!['internal', 'pii', 'sensitive'].includes(level))
        problems.push(`transforms.policy: '${level}' is not a PII level (internal, pii, sensitive)`);
      else if (
        typeof kind !== 'string' ||
        !isTransformKind(kind) ||
        kind === 'tokenize' ||
        kind === 'convert_id'
      )
        problems.push(
          `transforms.policy.${level}: '${String(kind)}' is not a policy transform (drop, hmac_sha256, mask, encrypt)`,
        );
      else policy[level] = kind;
    }
  }
  const vault = typeof raw.vault_schema === 'string' && raw.vault_schema ? raw.vault_schema : 'pii_vault';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(vault))
    problems.push(`transforms.vault_schema '${vault}' is not a plain schema name`);
  return {
    keys,
    defaultKey: typeof raw.default_key === 'string' && raw.default_key ? raw.default_key : undefined,
    policy,
    vaultSchema: vault,
    problems,
  };
}

export interface ResolvedKey {
  id: string;
  bytes: Buffer;
}

/**
 * The key id a transform uses (its own, else the default) — resolvable without reading the secret,
 * so the compiler can check it and record it.
 */
export function keyIdFor(settings: TransformSettings, key: string | undefined): string | undefined {
  return key ?? settings.defaultKey;
}

/** The 32 key bytes of key `id`: 64 hex digits as they are, any other text through SHA-256. */
export function resolveKey(
  config: ResolvedConfig,
  settings: TransformSettings,
  id: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKey {
  if (!id) {
    throw new EtlError(
      diag('ETL3703', 'a keyed transform names no key and config transforms.default_key is not set', {
        hint: 'add `key: <id>` to the transform, or set transforms.default_key and transforms.keys.<id>',
      }),
      ExitCode.USAGE,
    );
  }
  const refText = settings.keys[id];
  if (refText === undefined) {
    const known = Object.keys(settings.keys);
    throw new EtlError(
      diag('ETL3703', `transform key '${id}' is not configured`, {
        hint: `add transforms.keys.${id}: \${env:VARIABLE} to the config${known.length ? ` (configured: ${known.join(', ')})` : ''}`,
      }),
      ExitCode.USAGE,
    );
  }
  const parsed = parseSecretRef(refText, `transforms.keys.${id}`);
  if ('error' in parsed)
    throw new EtlError(diag('ETL3703', `transform key '${id}': ${parsed.error}`), ExitCode.USAGE);
  const value = resolveSecret(parsed.ref, { env, config });
  if (value === '') throw new EtlError(diag('ETL3703', `transform key '${id}' is empty`), ExitCode.USAGE);
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : createHash('sha256').update(value, 'utf8').digest();
  return { id, bytes };
}
