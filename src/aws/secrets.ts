/**
 * Secret parameter values for ActivatePipeline. They are resolved in memory right before the call
 * and are never printed, written to disk or put into PutPipelineDefinition (DESIGN.md decision 6).
 */
import type { ResolvedConfig } from '../config/types.js';
import { parseSecretSource, resolveSecret } from '../config/secrets.js';
import { diag, EtlError, ExitCode } from '../diagnostics.js';

export interface ParameterValue {
  id: string;
  stringValue: string;
}

/**
 * Resolve `Definition.meta.secrets` (parameter id → `env:NAME` | `file:key` | `config:path`).
 * Every secret is resolved before anything is sent, so a missing one stops the deploy early.
 */
export function resolveActivationSecrets(
  secrets: Record<string, string> | undefined,
  ctx: { env?: NodeJS.ProcessEnv; config?: ResolvedConfig },
): ParameterValue[] {
  const values: ParameterValue[] = [];
  for (const id of Object.keys(secrets ?? {}).sort()) {
    const source = (secrets ?? {})[id];
    const ref = parseSecretSource(source);
    if (!ref) {
      throw new EtlError(
        diag('ETL6120', `secret parameter ${id} has an unknown source kind`, {
          hint: 'secret sources are env:NAME, file:key or config:path',
        }),
        ExitCode.USAGE,
      );
    }
    values.push({ id, stringValue: resolveSecret(ref, ctx) });
  }
  return values;
}

/** Replace any known secret value in `text` (for error messages that might echo a request). */
export function redactSecrets(text: string, values: readonly ParameterValue[]): string {
  let out = text;
  for (const v of values) if (v.stringValue.length >= 4) out = out.split(v.stringValue).join('****');
  return out;
}
