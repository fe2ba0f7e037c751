/**
 * Transform specs + the stream's column names → a TransformPlan: keys read from their secrets,
 * lookups connected. Everything that can fail (an unknown column, a missing key) fails here,
 * before the first row moves.
 */
import type { ResolvedConfig } from '../config/types.js';
import { diag, didYouMean, EtlError } from '../diagnostics.js';
import type { Driver } from '../local/drivers/types.js';
import type { TransformSettings } from './settings.js';
import { keyIdFor, resolveKey } from './settings.js';
import type { TransformSpec } from './spec.js';
import type { ColumnAction, PlanColumn } from './stream.js';
import { TransformPlan } from './stream.js';
import { HmacSha256 } from './hmac.js';
import { encryptValue, maskValue } from './values.js';
import { idLookup, tokenLookup } from './vault.js';

export interface PlanEnv {
  config: ResolvedConfig;
  settings: TransformSettings;
  env: NodeJS.ProcessEnv;
  connect(name: string): Promise<Driver>;
}

async function actionFor(spec: TransformSpec, p: PlanEnv): Promise<ColumnAction> {
  switch (spec.kind) {
    case 'drop':
      return { spec };
    case 'hmac_sha256': {
      const key = resolveKey(p.config, p.settings, keyIdFor(p.settings, spec.key), p.env);
      // The key is prepared once per column; the stream hashes the raw bytes of each value with it.
      const hmac = new HmacSha256(key.bytes);
      return { spec, keyId: key.id, hmac, apply: (v) => hmac.hex(v) };
    }
    case 'encrypt': {
      const key = resolveKey(p.config, p.settings, keyIdFor(p.settings, spec.key), p.env);
      return { spec, keyId: key.id, apply: (v) => encryptValue(key.bytes, key.id, v) };
    }
    case 'mask': {
      const keep = spec.keep ?? 'none';
      return { spec, apply: (v) => maskValue(v, keep, spec.chars ?? 4) };
    }
    case 'tokenize': {
      const driver = await p.connect(spec.database!);
      return {
        spec,
        lookup: await tokenLookup(driver, p.settings.vaultSchema, spec.domain ?? spec.column.toLowerCase()),
      };
    }
    case 'convert_id': {
      const driver = await p.connect(spec.database!);
      return {
        spec,
        lookup: idLookup(driver, {
          table: spec.table!,
          from: spec.from!,
          to: spec.to!,
          onMissing: spec.onMissing ?? 'error',
          column: spec.column,
        }),
      };
    }
  }
}

export async function buildPlan(
  columns: string[],
  specs: TransformSpec[],
  p: PlanEnv,
): Promise<TransformPlan> {
  const byName = new Map<string, number>();
  columns.forEach((c, i) => byName.set(c.toLowerCase(), i));
  const actions = new Map<number, ColumnAction>();
  for (const spec of specs) {
    const i = byName.get(spec.column.toLowerCase());
    if (i === undefined) {
      throw new EtlError(
        diag('ETL3702', `transformed column '${spec.column}' is not in the data`, {
          hint: `${didYouMean(spec.column, columns) ?? ''} the columns are: ${columns.join(', ')}`.trim(),
        }),
      );
    }
    actions.set(i, await actionFor(spec, p));
  }
  const planColumns: PlanColumn[] = columns.map((name, i) => ({ name, action: actions.get(i) }));
  return new TransformPlan(planColumns);
}
