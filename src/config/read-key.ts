/**
 * One declared key's raw merged value → its typed value, by the key's declaration in
 * CONFIG_SCHEMA; a value of the wrong type is a diagnostic naming the key and where it came from.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { isRecord } from '../spec/yaml.js';
import type { KeySpec } from './schema.js';
import { parseSecretRef } from './secrets.js';
import type { Permission } from './types.js';

export interface ReadContext {
  /** The config file's folder (`relativeTo: 'config'`). */
  configDir: string;
  /** The folder `relativeTo: 'project'` paths resolve against. */
  projectDir: string;
  /** Where a dotted key's value came from, for messages. */
  where: (dotted: string) => string;
  diagnostics: Diagnostic[];
}

/** Codes of the enum keys whose bad values have a code of their own. */
const ENUM_CODES: Record<string, { code: string; hint: string }> = {
  target: { code: 'ETL2005', hint: 'set `target: local` or `target: aws` in the config or mode' },
  engine: { code: 'ETL2006', hint: 'add `engine: mysql|postgres|redshift` to the database' },
};

function str(v: unknown, keepEmpty = false): string | undefined {
  if (v === undefined) return undefined;
  // `key:` with no value: nothing, unless an empty value means something of its own.
  if (v === null || v === '') return keepEmpty ? '' : undefined;
  return String(v);
}

/** Config files write booleans, environment variables words (unset: on); undefined when it is neither. */
function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === undefined || v === null || v === '') return true;
  const word = String(v).trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(word)) return true;
  if (['false', 'no', 'off', '0'].includes(word)) return false;
  return undefined;
}

function list(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v)
    ? v.map(String)
    : String(v)
        .split(',')
        .map((s) => s.trim());
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);
}

function shown(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The typed value of `dotted` (declared by `spec`), or its default. `label` is how messages name
 * the key (`database 'app_db': engine` reads better than the dotted path for connections).
 */
export function readKey(spec: KeySpec, raw: unknown, dotted: string, ctx: ReadContext, label = dotted): unknown {
  const wrong = (expected: string) => {
    ctx.diagnostics.push(
      diag('ETL2101', `${label} must be ${expected}, got ${shown(raw)} (from ${ctx.where(dotted)})`, {
        hint: `fix ${dotted} in the config, or unset it to use the default`,
        field: dotted,
      }),
    );
    return spec.default;
  };
  const pathOf = (p: string) =>
    isAbsolute(p) ? p : resolve(spec.relativeTo === 'project' ? ctx.projectDir : ctx.configDir, p);
  switch (spec.type) {
    case 'string': {
      if (!isScalar(raw)) return wrong('a single value');
      return str(raw, spec.keepEmpty) ?? spec.default;
    }
    case 'path': {
      if (!isScalar(raw)) return wrong('a path');
      const p = str(raw) ?? (spec.default as string | undefined);
      return p === undefined ? undefined : pathOf(p);
    }
    case 'number': {
      if (raw === undefined || raw === null || raw === '') return spec.default;
      const n = Number(raw);
      return typeof raw === 'boolean' || Number.isNaN(n) ? wrong('a number') : n;
    }
    case 'boolean': {
      // Not given at all (a database entry without the key): its default, not "on".
      if (raw === undefined) return spec.default;
      const b = bool(raw);
      if (b !== undefined) return b;
      const key = dotted.split('.').pop() ?? dotted;
      ctx.diagnostics.push(
        diag('ETL2009', `${label} must be true or false, got '${String(raw)}' (from ${ctx.where(dotted)})`, {
          hint: `write \`${key}: true\` or \`${key}: false\``,
          field: dotted,
        }),
      );
      return spec.default;
    }
    case 'enum': {
      const v = str(raw) ?? (spec.default as string | undefined);
      if (v !== undefined && spec.values?.includes(v)) return v;
      if (v === undefined && !spec.required) return undefined;
      const key = dotted.split('.').pop() ?? dotted;
      const code = ENUM_CODES[key] ?? { code: 'ETL2101', hint: `use one of ${spec.values?.join(', ')}` };
      const allowed = (spec.values ?? []).map((x) => `'${x}'`);
      const expected =
        allowed.length === 2 ? `${allowed[0]} or ${allowed[1]}` : `one of ${(spec.values ?? []).join(', ')}`;
      ctx.diagnostics.push(
        diag(code.code, `${label} must be ${expected}, got '${v ?? ''}' (from ${ctx.where(dotted)})`, {
          hint: code.hint,
          field: dotted,
        }),
      );
      return undefined;
    }
    case 'string-list':
    case 'path-list': {
      if (raw !== undefined && raw !== null && !Array.isArray(raw) && !isScalar(raw)) return wrong('a list');
      const l = list(raw) ?? (spec.default as string[] | undefined);
      return spec.type === 'path-list' ? l?.filter((p) => p !== '').map(pathOf) : l;
    }
    case 'string-map': {
      if (raw === undefined || raw === null) return structuredClone(spec.default);
      if (!isRecord(raw)) return wrong('a mapping');
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
    }
    case 'secret': {
      if (raw === undefined || raw === null) return undefined;
      const parsed = parseSecretRef(raw, dotted);
      if ('ref' in parsed) return parsed.ref;
      ctx.diagnostics.push(
        diag('ETL2008', `${label}: ${parsed.error} (from ${ctx.where(dotted)})`, {
          hint: 'write the password as ${env:VARIABLE} or ${file:key} (a key in the secrets file)',
          field: dotted,
        }),
      );
      return undefined;
    }
    case 'permissions': {
      if (raw === undefined || raw === null) return [];
      if (!Array.isArray(raw)) return wrong('a list of {user | group, permission}');
      const out: Permission[] = [];
      for (const p of raw)
        if (isRecord(p))
          out.push({ user: str(p.user), group: str(p.group), permission: String(p.permission ?? 'SELECT') });
      return out;
    }
    case 'step-lists':
      return isRecord(raw) ? raw : undefined;
    case 'any':
      return raw;
  }
}
