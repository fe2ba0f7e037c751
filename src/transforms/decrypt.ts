/** Decrypting values an `encrypt` transform wrote, with the key their prefix names (or a given one). */
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { resolveKey, transformSettings } from './settings.js';
import { decryptValue, encryptedKeyId } from './values.js';

export interface DecryptResult {
  values: { keyId: string | null; value: string }[];
}

export function decryptValues(
  input: string[],
  o: { key?: string; mode?: string; configPath?: string; env?: NodeJS.ProcessEnv; config?: ResolvedConfig },
): DecryptResult {
  const env = o.env ?? process.env;
  const config = o.config ?? loadConfig({ mode: o.mode, configPath: o.configPath, env });
  const settings = transformSettings(config);
  const keys = new Map<string, Buffer>();
  const values = input.map((text) => {
    const id = o.key ?? encryptedKeyId(text.trim()) ?? settings.defaultKey;
    let bytes = id ? keys.get(id) : undefined;
    if (!bytes) {
      bytes = resolveKey(config, settings, id, env).bytes;
      keys.set(id!, bytes);
    }
    return { keyId: id ?? null, value: decryptValue(bytes, text.trim()) };
  });
  return { values };
}
