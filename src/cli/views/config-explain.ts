/** `config explain` for humans: one `key  value  (source)` line per key, `-` when it is not set. */
import type { View } from '../runner.js';

export interface ConfigValue {
  key: string;
  /** The value itself (string, number, boolean, list …), never JSON-encoded twice; secrets redacted. */
  value: unknown;
  redacted: boolean;
  /** Whether any layer (default, file, mode, environment, flag) sets the key. */
  set: boolean;
  /** `default`, `config/etlctl.yaml:12`, `environment ETLCTL_…`, or `not set`. */
  source: string;
  /** The ETLCTL_* variable that sets it. */
  env: string | null;
  /** The key's documentation (src/config/schema.ts). */
  doc: string | null;
}

export interface ConfigExplainResult {
  file: string | null;
  mode: string | null;
  target: string;
  key: string | null;
  values: ConfigValue[];
}

export const configExplainView: View<ConfigExplainResult> = {
  human(o, io) {
    const r = o.result!;
    io.out(
      `config: ${r.file ?? '(embedded defaults)'}${r.mode ? `, mode ${r.mode}` : ''}, target ${r.target}`,
    );
    if (r.values.length === 0) io.out(r.key ? `no config value under '${r.key}'` : 'no values');
    const width = Math.min(48, Math.max(...r.values.map((v) => v.key.length), 3));
    for (const v of r.values) {
      const shown = !v.set
        ? '-'
        : v.value === '<redacted>' && v.redacted
          ? '<redacted>'
          : JSON.stringify(v.value);
      io.out(`${v.key.padEnd(width)}  ${shown}  (${v.source})`);
    }
  },
};
