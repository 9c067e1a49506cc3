/* eslint-disable unicorn/prefer-math-trunc, unicorn/prefer-code-point -- `| 0` is int32 wrap-around arithmetic (MD5 is defined mod 2^32), and UTF-8 encoding walks UTF-16 code units to pair surrogates itself */
/**
 * MD5 of a string's UTF-8 bytes in plain JavaScript (RFC 1321), for the hot loop of hash-key
 * analysis. Partition keys are short (≤ 256 characters, usually one or two 64-byte blocks), and
 * for such inputs a JIT-compiled MD5 is several times faster than one native `crypto` call per key,
 * whose cost is mostly the JS → C++ crossing and the Buffer it allocates. Results are identical
 * to `crypto.createHash('md5')` (property-tested against it).
 *
 * The digest is returned as four unsigned 32-bit words in big-endian order, i.e. the Kinesis hash
 * key is `w0·2^96 + w1·2^64 + w2·2^32 + w3`.
 */

const K = new Int32Array(64)
for (let i = 0; i < 64; i++) K[i] = Math.trunc(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0

let bytes = new Uint8Array(1024)
const block = new Int32Array(16)

/** Bytes `encodeUtf8Into` may need for `text` (3 per UTF-16 unit at most). */
export function maxUtf8Bytes(text: string): number {
  return text.length * 3
}

/**
 * UTF-8 encode `text` into `out` from index 0 (which must hold maxUtf8Bytes(text) bytes); returns
 * the byte length. Lone surrogates become U+FFFD, as Buffer.from(text, 'utf8') does.
 */
export function encodeUtf8Into(text: string, out: Uint8Array): number {
  const n = text.length
  const b = out
  let p = 0
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      b[p++] = c
    } else if (c < 0x8_00) {
      b[p++] = 0xc0 | (c >> 6)
      b[p++] = 0x80 | (c & 63)
    } else if (c >= 0xd8_00 && c <= 0xdb_ff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc_00) === 0xdc_00) {
      c = 0x1_00_00 + ((c - 0xd8_00) << 10) + (text.charCodeAt(++i) - 0xdc_00)
      b[p++] = 0xf0 | (c >> 18)
      b[p++] = 0x80 | ((c >> 12) & 63)
      b[p++] = 0x80 | ((c >> 6) & 63)
      b[p++] = 0x80 | (c & 63)
    } else {
      if (c >= 0xd8_00 && c <= 0xdf_ff) c = 0xff_fd
      b[p++] = 0xe0 | (c >> 12)
      b[p++] = 0x80 | ((c >> 6) & 63)
      b[p++] = 0x80 | (c & 63)
    }
  }

  return p
}

function ensure(size: number): void {
  if (bytes.length < size) bytes = new Uint8Array(Math.max(size, bytes.length * 2))
}

function rounds(state: Int32Array, m: Int32Array): void {
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  const a0 = a
  const b0 = b
  const c0 = c
  const d0 = d
  let f: number
  let t: number
  for (let i = 0; i < 64; i++) {
    let g: number
    let s: number
    if (i < 16) {
      f = (b & c) | (~b & d)
      g = i
      s = i % 4 === 0 ? 7 : i % 4 === 1 ? 12 : i % 4 === 2 ? 17 : 22
    } else if (i < 32) {
      f = (d & b) | (~d & c)
      g = (5 * i + 1) & 15
      s = i % 4 === 0 ? 5 : i % 4 === 1 ? 9 : i % 4 === 2 ? 14 : 20
    } else if (i < 48) {
      f = b ^ c ^ d
      g = (3 * i + 5) & 15
      s = i % 4 === 0 ? 4 : i % 4 === 1 ? 11 : i % 4 === 2 ? 16 : 23
    } else {
      f = c ^ (b | ~d)
      g = (7 * i) & 15
      s = i % 4 === 0 ? 6 : i % 4 === 1 ? 10 : i % 4 === 2 ? 15 : 21
    }

    t = (f + a + K[i]! + m[g]!) | 0
    a = d
    d = c
    c = b
    b = (b + ((t << s) | (t >>> (32 - s)))) | 0
  }

  state[0] = (a0 + a) | 0
  state[1] = (b0 + b) | 0
  state[2] = (c0 + c) | 0
  state[3] = (d0 + d) | 0
}

const state = new Int32Array(4)

function bswap(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff_00) << 8) | ((x >>> 8) & 0xff_00) | (x >>> 24)) >>> 0
}

/** MD5 of the UTF-8 bytes of `text`, written to `out[offset..offset+3]` as big-endian uint32 words. */
export function md5Words(text: string, out: Uint32Array, offset = 0): void {
  ensure(maxUtf8Bytes(text) + 72)
  digest(encodeUtf8Into(text, bytes), out, offset)
}

/** MD5 of `len` bytes of `src` from `start`, written to `out[offset..offset+3]` as big-endian uint32 words. */
export function md5WordsOfBytes(src: Uint8Array, start: number, len: number, out: Uint32Array, offset = 0): void {
  ensure(len + 72)
  for (let i = 0; i < len; i++) bytes[i] = src[start + i]!
  digest(len, out, offset)
}

/** MD5 of bytes[0..len) (the shared buffer, with room for padding). */
function digest(len: number, out: Uint32Array, offset: number): void {
  const b = bytes
  // Padding: 0x80, zeros to 56 mod 64, then the bit length as a little-endian 64-bit number.
  const total = ((len + 8) >> 6) * 64 + 64
  b[len] = 0x80
  b.fill(0, len + 1, total)
  const bitLen = len * 8
  b[total - 8] = bitLen & 0xff
  b[total - 7] = (bitLen >>> 8) & 0xff
  b[total - 6] = (bitLen >>> 16) & 0xff
  b[total - 5] = (bitLen >>> 24) & 0xff
  // len ≤ 2^29 here, so the high 32 bits of the bit length are zero (already filled).
  state[0] = 0x67_45_23_01
  state[1] = 0xef_cd_ab_89 | 0
  state[2] = 0x98_ba_dc_fe | 0
  state[3] = 0x10_32_54_76
  for (let off = 0; off < total; off += 64) {
    for (let j = 0; j < 16; j++) {
      const q = off + j * 4
      block[j] = b[q]! | (b[q + 1]! << 8) | (b[q + 2]! << 16) | (b[q + 3]! << 24)
    }

    rounds(state, block)
  }

  out[offset] = bswap(state[0]!)
  out[offset + 1] = bswap(state[1]!)
  out[offset + 2] = bswap(state[2]!)
  out[offset + 3] = bswap(state[3]!)
}

/** Four big-endian uint32 words → the 128-bit value. */
export function wordsToBigInt(w: ArrayLike<number>, offset = 0): bigint {
  return (
    (BigInt(w[offset]!) << 96n) |
    (BigInt(w[offset + 1]!) << 64n) |
    (BigInt(w[offset + 2]!) << 32n) |
    BigInt(w[offset + 3]!)
  )
}

/** The 128-bit value → four big-endian uint32 words. */
export function bigIntToWords(value: bigint, out: Uint32Array = new Uint32Array(4), offset = 0): Uint32Array {
  out[offset] = Number((value >> 96n) & 0xff_ff_ff_ffn)
  out[offset + 1] = Number((value >> 64n) & 0xff_ff_ff_ffn)
  out[offset + 2] = Number((value >> 32n) & 0xff_ff_ff_ffn)
  out[offset + 3] = Number(value & 0xff_ff_ff_ffn)
  return out
}
