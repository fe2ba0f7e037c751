/**
 * The per-value column transforms: keyed hash, mask, AES-256-GCM encryption. Pure functions of
 * (key, value); NULL stays NULL everywhere (a NULL carries no personal data, and turning it into a
 * hash of '' would make every NULL look like a value).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { diag, EtlError, ExitCode } from '../diagnostics.js';
import type { MaskKeep } from './spec.js';

/** Lower-case hex HMAC-SHA-256 of the UTF-8 value. */
export function hmacSha256(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

const MASK = '*';

/**
 * Masks a value, keeping one part readable: an e-mail's domain (`***@example.com`), the first or
 * last `chars` characters, or nothing. The masked part becomes a fixed three stars, so the length
 * of the original does not leak.
 */
export function maskValue(value: string, keep: MaskKeep, chars = 4): string {
  const stars = MASK.repeat(3);
  const cps = [...value];
  switch (keep) {
    case 'domain': {
      const at = value.lastIndexOf('@');
      return at >= 0 ? stars + value.slice(at) : stars;
    }
    case 'first':
      return cps.length <= chars ? stars : cps.slice(0, chars).join('') + stars;
    case 'last':
      return cps.length <= chars ? stars : stars + cps.slice(cps.length - chars).join('');
    default:
      return stars;
  }
}

const ENC_PREFIX = 'enc:v1:';

/** `enc:v1:<key id>:<base64(nonce ‖ ciphertext ‖ tag)>` with a fresh 96-bit nonce per value. */
export function encryptValue(key: Buffer, keyId: string, value: string): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
  return `${ENC_PREFIX}${keyId}:${Buffer.concat([nonce, body, c.getAuthTag()]).toString('base64')}`;
}

/** The key id an encrypted value names, or undefined when it is not one. */
export function encryptedKeyId(text: string): string | undefined {
  if (!text.startsWith(ENC_PREFIX)) return undefined;
  const rest = text.slice(ENC_PREFIX.length);
  const i = rest.indexOf(':');
  return i > 0 ? rest.slice(0, i) : undefined;
}

export function decryptValue(key: Buffer, text: string): string {
  const fail = (why: string) =>
    new EtlError(
      diag('ETL3706', `value cannot be decrypted: ${why}`, {
        hint: 'check that the value is whole and that the key is the one it was encrypted with',
      }),
      ExitCode.FAILURE,
    );
  const id = encryptedKeyId(text);
  if (id === undefined) throw fail('it does not start with enc:v1:<key id>:');
  const raw = Buffer.from(text.slice(ENC_PREFIX.length + id.length + 1), 'base64');
  if (raw.length < 28) throw fail('it is too short');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(raw.length - 16));
  try {
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
  } catch {
    throw fail(`authentication failed (wrong key, or the value was changed; it names key '${id}')`);
  }
}
