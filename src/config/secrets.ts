/**
 * Secrets: config holds references (`${env:VAR}`, `${file:key}`), or a literal (Dataduct
 * layout). Values are read only at activation time and are never written to a definition,
 * a log, a graph or an error message (DESIGN.md decision 6).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { ResolvedConfig, SecretRef } from './types.js';

export function parseSecretRef(v: unknown, path: string): { ref: SecretRef } | { error: string } {
  if (typeof v !== 'string' && typeof v !== 'number') return { error: 'password must be a string' };
  const s = String(v);
  const m = /^\$\{(env|file):([^}]+)\}$/.exec(s.trim());
  if (m) return { ref: m[1] === 'env' ? { kind: 'env', name: m[2] } : { kind: 'file', key: m[2] } };
  if (s.includes('${')) return { error: `unsupported secret reference '${s.replace(/:.*/, ':…')}'` };
  return { ref: { kind: 'config', path } };
}

export function describeSecret(ref: SecretRef): string {
  switch (ref.kind) {
    case 'env':
      return `env:${ref.name}`;
    case 'file':
      return `file:${ref.key}`;
    case 'config':
      return `config:${ref.path}`;
  }
}

export function parseSecretSource(s: string): SecretRef | undefined {
  const i = s.indexOf(':');
  if (i < 0) return undefined;
  const kind = s.slice(0, i);
  const rest = s.slice(i + 1);
  if (kind === 'env') return { kind: 'env', name: rest };
  if (kind === 'file') return { kind: 'file', key: rest };
  if (kind === 'config') return { kind: 'config', path: rest };
  return undefined;
}

/** Read a secret's value. Throws ETL2010 (environment error) naming the source, never the value. */
export function resolveSecret(
  ref: SecretRef,
  ctx: { env?: NodeJS.ProcessEnv; config?: ResolvedConfig },
): string {
  const env = ctx.env ?? process.env;
  if (ref.kind === 'env') {
    const v = env[ref.name];
    if (v === undefined)
      throw new EtlError(
        diag('ETL2010', `secret not available: environment variable ${ref.name} is not set`, {
          hint: `export ${ref.name}=… before running, or point the config at the secrets file with \${file:key}`,
        }),
        ExitCode.ENVIRONMENT,
      );
    return v;
  }
  if (ref.kind === 'config') {
    const v = ctx.config?.values.get(ref.path)?.value;
    if (v === undefined || v === null)
      throw new EtlError(diag('ETL2010', `secret not available: config value ${ref.path} is empty`), ExitCode.ENVIRONMENT);
    return String(v);
  }
  const file = ctx.config?.secretsFile;
  if (!file || !existsSync(file))
    throw new EtlError(
      diag('ETL2010', `secret '${ref.key}' not available: no secrets file${file ? ` at ${file}` : ' configured'}`, {
        hint: 'set `secrets_file:` in the config to a YAML file of key: value pairs (keep it out of git)',
      }),
      ExitCode.ENVIRONMENT,
    );
  const data = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  const v = data?.[ref.key];
  if (v === undefined || v === null)
    throw new EtlError(diag('ETL2010', `secret '${ref.key}' not found in secrets file ${file}`), ExitCode.ENVIRONMENT);
  return String(v);
}

/** Values that must be redacted wherever text is printed (known secret values of this config). */
export function isSecretKey(dotted: string): boolean {
  return /(^|\.)(password|secret|token|\*[^.]*)$/i.test(dotted);
}

/**
 * Text with the passwords of any URLs or connection strings in it hidden: the userinfo password
 * of `scheme://user:password@host`, and `password=…` / `pwd=…` parameters.
 */
export function redactConnectionText(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^\s@/]*@/gi, '$1***@')
    .replace(/([?&;]\s*(?:password|passwd|pwd)\s*=)[^&;\s]*/gi, '$1***');
}

export const REDACTED = '<redacted>';

/** A config value as it may be shown: secrets replaced, passwords inside URLs hidden. */
export function redactConfigValue(dotted: string, value: unknown): unknown {
  if (isSecretKey(dotted) && !/^\$\{(env|file):[^}]+\}$/.test(String(value))) return REDACTED;
  if (typeof value === 'string') return redactConnectionText(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? redactConnectionText(v) : v));
  return value;
}
