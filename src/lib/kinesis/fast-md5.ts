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

import {bytesToKeyWords} from './key-words.js'

const K = new Int32Array(64)
for (let i = 0; i < 64; i++) K[i] = Math.trunc(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0

let bytes = new Uint8Array(1024)
let keyWords = new Int32Array(256)
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

/**
 * The 64 steps of RFC 1321 on one 16-word block, written out: each is
 * a = b + ((a + f(b, c, d) + m[k] + K[i]) <<< s) with the step's function, word, constant and shift.
 * (A loop choosing them per step, or one helper call per step, is several times slower.)
 */
function rounds(state: Int32Array, m: Int32Array): void {
  let a = state[0]!
  let b = state[1]!
  let c = state[2]!
  let d = state[3]!
  let t: number
  // Round 1: F(b, c, d) = (b & c) | (~b & d)
  t = (a + ((b & c) | (~b & d)) + m[0]! + K[0]!) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + m[1]! + K[1]!) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + m[2]! + K[2]!) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + m[3]! + K[3]!) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + m[4]! + K[4]!) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + m[5]! + K[5]!) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + m[6]! + K[6]!) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + m[7]! + K[7]!) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + m[8]! + K[8]!) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + m[9]! + K[9]!) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + m[10]! + K[10]!) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + m[11]! + K[11]!) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  t = (a + ((b & c) | (~b & d)) + m[12]! + K[12]!) | 0
  a = (b + ((t << 7) | (t >>> 25))) | 0
  t = (d + ((a & b) | (~a & c)) + m[13]! + K[13]!) | 0
  d = (a + ((t << 12) | (t >>> 20))) | 0
  t = (c + ((d & a) | (~d & b)) + m[14]! + K[14]!) | 0
  c = (d + ((t << 17) | (t >>> 15))) | 0
  t = (b + ((c & d) | (~c & a)) + m[15]! + K[15]!) | 0
  b = (c + ((t << 22) | (t >>> 10))) | 0
  // Round 2: G(b, c, d) = (b & d) | (c & ~d)
  t = (a + ((b & d) | (c & ~d)) + m[1]! + K[16]!) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((a & c) | (b & ~c)) + m[6]! + K[17]!) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((d & b) | (a & ~b)) + m[11]! + K[18]!) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((c & a) | (d & ~a)) + m[0]! + K[19]!) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((b & d) | (c & ~d)) + m[5]! + K[20]!) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((a & c) | (b & ~c)) + m[10]! + K[21]!) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((d & b) | (a & ~b)) + m[15]! + K[22]!) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((c & a) | (d & ~a)) + m[4]! + K[23]!) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((b & d) | (c & ~d)) + m[9]! + K[24]!) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((a & c) | (b & ~c)) + m[14]! + K[25]!) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((d & b) | (a & ~b)) + m[3]! + K[26]!) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((c & a) | (d & ~a)) + m[8]! + K[27]!) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  t = (a + ((b & d) | (c & ~d)) + m[13]! + K[28]!) | 0
  a = (b + ((t << 5) | (t >>> 27))) | 0
  t = (d + ((a & c) | (b & ~c)) + m[2]! + K[29]!) | 0
  d = (a + ((t << 9) | (t >>> 23))) | 0
  t = (c + ((d & b) | (a & ~b)) + m[7]! + K[30]!) | 0
  c = (d + ((t << 14) | (t >>> 18))) | 0
  t = (b + ((c & a) | (d & ~a)) + m[12]! + K[31]!) | 0
  b = (c + ((t << 20) | (t >>> 12))) | 0
  // Round 3: H(b, c, d) = b ^ c ^ d
  t = (a + (b ^ c ^ d) + m[5]! + K[32]!) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + m[8]! + K[33]!) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + m[11]! + K[34]!) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + m[14]! + K[35]!) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + m[1]! + K[36]!) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + m[4]! + K[37]!) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + m[7]! + K[38]!) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + m[10]! + K[39]!) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + m[13]! + K[40]!) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + m[0]! + K[41]!) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + m[3]! + K[42]!) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + m[6]! + K[43]!) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  t = (a + (b ^ c ^ d) + m[9]! + K[44]!) | 0
  a = (b + ((t << 4) | (t >>> 28))) | 0
  t = (d + (a ^ b ^ c) + m[12]! + K[45]!) | 0
  d = (a + ((t << 11) | (t >>> 21))) | 0
  t = (c + (d ^ a ^ b) + m[15]! + K[46]!) | 0
  c = (d + ((t << 16) | (t >>> 16))) | 0
  t = (b + (c ^ d ^ a) + m[2]! + K[47]!) | 0
  b = (c + ((t << 23) | (t >>> 9))) | 0
  // Round 4: I(b, c, d) = c ^ (b | ~d)
  t = (a + (c ^ (b | ~d)) + m[0]! + K[48]!) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + m[7]! + K[49]!) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + m[14]! + K[50]!) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + m[5]! + K[51]!) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + m[12]! + K[52]!) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + m[3]! + K[53]!) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + m[10]! + K[54]!) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + m[1]! + K[55]!) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + m[8]! + K[56]!) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + m[15]! + K[57]!) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + m[6]! + K[58]!) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + m[13]! + K[59]!) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  t = (a + (c ^ (b | ~d)) + m[4]! + K[60]!) | 0
  a = (b + ((t << 6) | (t >>> 26))) | 0
  t = (d + (b ^ (a | ~c)) + m[11]! + K[61]!) | 0
  d = (a + ((t << 10) | (t >>> 22))) | 0
  t = (c + (a ^ (d | ~b)) + m[2]! + K[62]!) | 0
  c = (d + ((t << 15) | (t >>> 17))) | 0
  t = (b + (d ^ (c | ~a)) + m[9]! + K[63]!) | 0
  b = (c + ((t << 21) | (t >>> 11))) | 0
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
}

const state = new Int32Array(4)

function bswap(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff_00) << 8) | ((x >>> 8) & 0xff_00) | (x >>> 24)) >>> 0
}

/** MD5 of the UTF-8 bytes of `text`, written to `out[offset..offset+3]` as big-endian uint32 words. */
export function md5Words(text: string, out: Uint32Array, offset = 0): void {
  const need = maxUtf8Bytes(text)
  if (bytes.length < need) bytes = new Uint8Array(Math.max(need, bytes.length * 2))
  const len = encodeUtf8Into(text, bytes)
  if (keyWords.length * 4 < len) keyWords = new Int32Array(Math.max((len + 3) >> 2, keyWords.length * 2))
  bytesToKeyWords(bytes, 0, len, keyWords, 0)
  md5WordsOfKeyWords(keyWords, 0, len, out, offset)
}

/**
 * MD5 of a key given as key words `src[at..]` of `len` bytes (key-words.ts), written to
 * `out[offset..offset+3]` as big-endian uint32 words. Key words are MD5's own little-endian
 * message words, so they go into the blocks as they are.
 */
export function md5WordsOfKeyWords(src: Int32Array, at: number, len: number, out: Uint32Array, offset = 0): void {
  const n = (len + 3) >> 2
  // Padding: a 0x80 byte right after the message, zeros to 56 mod 64, then the bit length as a
  // little-endian 64-bit number (its high word is 0: len < 2^29).
  const markWord = len >> 2
  const mark = 0x80 << ((len & 3) * 8)
  const blocks = ((len + 8) >> 6) + 1
  state[0] = 0x67_45_23_01
  state[1] = 0xef_cd_ab_89 | 0
  state[2] = 0x98_ba_dc_fe | 0
  state[3] = 0x10_32_54_76
  for (let blk = 0; blk < blocks; blk++) {
    const first = blk * 16
    for (let j = 0; j < 16; j++) {
      const i = first + j
      const w = i < n ? src[at + i]! : 0
      block[j] = i === markWord ? w | mark : w
    }

    if (blk === blocks - 1) {
      block[14] = len * 8
      block[15] = 0
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
