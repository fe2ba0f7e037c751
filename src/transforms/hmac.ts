/**
 * HMAC-SHA-256 for the data path. `createHmac` per value costs an object, an OpenSSL context and
 * a key import each time (≈2× the hashing itself). Here the key's inner and outer pad blocks are
 * compressed once, and each value costs the compressions of its own bytes plus one for the outer
 * hash, reading the value straight from the TSV chunk and writing the hex digest straight into the
 * output chunk: no allocation per value. Tested equal to node:crypto's HMAC (test/transforms/values.test.ts).
 */
import { createHash } from 'node:crypto';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Lower-case hex digits of each byte value, as ASCII codes. */
const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX[2 * i] = h.charCodeAt(0);
  HEX[2 * i + 1] = h.charCodeAt(1);
}

/** The message schedule; one per module (the work is synchronous, never re-entered). */
const W = new Int32Array(64);

/** One SHA-256 compression of the 64 bytes of `buf` at `off` into state `st`. */
function compress(st: Int32Array, buf: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    W[i] = (buf[j] << 24) | (buf[j + 1] << 16) | (buf[j + 2] << 8) | buf[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = st[0];
  let b = st[1];
  let c = st[2];
  let d = st[3];
  let e = st[4];
  let f = st[5];
  let g = st[6];
  let h = st[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  st[0] = (st[0] + a) | 0;
  st[1] = (st[1] + b) | 0;
  st[2] = (st[2] + c) | 0;
  st[3] = (st[3] + d) | 0;
  st[4] = (st[4] + e) | 0;
  st[5] = (st[5] + f) | 0;
  st[6] = (st[6] + g) | 0;
  st[7] = (st[7] + h) | 0;
}

/** An HMAC-SHA-256 key, prepared once: the states after its inner and outer pad blocks. */
export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly st = new Int32Array(8);
  private readonly block = Buffer.alloc(128);
  private readonly hexOut = Buffer.alloc(64);

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? createHash('sha256').update(key).digest() : key;
    const ipad = Buffer.alloc(64, 0x36);
    const opad = Buffer.alloc(64, 0x5c);
    for (let i = 0; i < k.length; i++) {
      ipad[i] ^= k[i];
      opad[i] ^= k[i];
    }
    this.inner.set(IV);
    compress(this.inner, ipad, 0);
    this.outer.set(IV);
    compress(this.outer, opad, 0);
  }

  /** Writes the 64 hex digits of HMAC(key, src[start..end)) into `out` at `at`. */
  hexInto(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
    const st = this.st;
    const block = this.block;
    st.set(this.inner);
    let p = start;
    for (; end - p >= 64; p += 64) compress(st, src, p);
    const rest = end - p;
    block.fill(0);
    for (let i = 0; i < rest; i++) block[i] = src[p + i];
    block[rest] = 0x80;
    // Message length in bits, the ipad block included; values are far below 2^32 bytes.
    const bytes = end - start + 64;
    const last = rest + 9 <= 64 ? 64 : 128;
    block.writeUInt32BE(Math.floor(bytes / 0x20000000), last - 8);
    block.writeUInt32BE((bytes * 8) >>> 0, last - 4);
    compress(st, block, 0);
    if (last === 128) compress(st, block, 64);
    // Outer hash: opad block (precomputed) + the 32-byte inner digest, padded.
    for (let i = 0; i < 8; i++) block.writeInt32BE(st[i], i * 4);
    block.fill(0, 32, 64);
    block[32] = 0x80;
    block.writeUInt32BE((64 + 32) * 8, 60);
    st.set(this.outer);
    compress(st, block, 0);
    for (let i = 0; i < 8; i++) {
      const w = st[i];
      for (let s = 24; s >= 0; s -= 8) {
        const by = (w >>> s) & 255;
        out[at++] = HEX[2 * by];
        out[at++] = HEX[2 * by + 1];
      }
    }
  }

  /** Lower-case hex HMAC of the UTF-8 value. */
  hex(value: string): string {
    const bytes = Buffer.from(value, 'utf8');
    this.hexInto(bytes, 0, bytes.length, this.hexOut, 0);
    return this.hexOut.toString('latin1');
  }
}
