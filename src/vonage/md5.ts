/**
 * MD5 (RFC 1321) and HMAC-MD5 (RFC 2104) in plain JavaScript. Web Crypto has no MD5, and the
 * Vonage SMS API still signs with it (its default "MD5 hash" method), so the signature check needs
 * its own to stay free of Node-only modules. Not for anything but checking those signatures.
 */

const encoder = new TextEncoder();

/** Per-round left-rotation amounts. */
const SHIFTS = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
  14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
  21, 6, 10, 15, 21,
];

/** floor(abs(sin(i + 1)) * 2^32), as RFC 1321 defines the table. */
const SINES = Array.from(
  { length: 64 },
  (_, index) => Math.floor(Math.abs(Math.sin(index + 1)) * 2 ** 32) >>> 0,
);

/** The MD5 digest of `data` (a string is hashed as UTF-8). */
export function md5(data: string | Uint8Array): Uint8Array {
  const message = typeof data === 'string' ? encoder.encode(data) : data;
  const padded = new Uint8Array((((message.length + 8) >>> 6) + 1) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 2 ** 32), true);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89;
  let c0 = 0x98badcfe;
  let d0 = 0x10325476;
  const words = new Uint32Array(16);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let index = 0; index < 16; index++) words[index] = view.getUint32(offset + index * 4, true);
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let round = 0; round < 64; round++) {
      let mixed: number;
      let word: number;
      if (round < 16) {
        mixed = (b & c) | (~b & d);
        word = round;
      } else if (round < 32) {
        mixed = (d & b) | (~d & c);
        word = (5 * round + 1) % 16;
      } else if (round < 48) {
        mixed = b ^ c ^ d;
        word = (3 * round + 5) % 16;
      } else {
        mixed = c ^ (b | ~d);
        word = (7 * round) % 16;
      }
      const sum = (a + mixed + (SINES[round] as number) + (words[word] as number)) >>> 0;
      const shift = SHIFTS[round] as number;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
    }
    a0 = (a0 + a) >>> 0;
    b0 = (b0 + b) >>> 0;
    c0 = (c0 + c) >>> 0;
    d0 = (d0 + d) >>> 0;
  }
  const digest = new Uint8Array(16);
  const out = new DataView(digest.buffer);
  out.setUint32(0, a0, true);
  out.setUint32(4, b0, true);
  out.setUint32(8, c0, true);
  out.setUint32(12, d0, true);
  return digest;
}

/** HMAC-MD5 of `data` keyed with `secret` (both strings hashed as UTF-8). */
export function hmacMd5(secret: string, data: string): Uint8Array {
  let key: Uint8Array = encoder.encode(secret);
  if (key.length > 64) key = md5(key);
  const inner = new Uint8Array(64);
  const outer = new Uint8Array(64);
  for (let index = 0; index < 64; index++) {
    const byte = key[index] ?? 0;
    inner[index] = byte ^ 0x36;
    outer[index] = byte ^ 0x5c;
  }
  const message = encoder.encode(data);
  const innerInput = new Uint8Array(64 + message.length);
  innerInput.set(inner);
  innerInput.set(message, 64);
  const outerInput = new Uint8Array(64 + 16);
  outerInput.set(outer);
  outerInput.set(md5(innerInput), 64);
  return md5(outerInput);
}
