/**
 * Partition keys as "key words": the key's UTF-8 bytes packed four to a 32-bit word, little-endian
 * (byte i is bits 8·(i mod 4) of word ⌊i/4⌋), the last word zero-padded. Comparing two keys of
 * the same length is comparing ⌈len/4⌉ words instead of len bytes, and the record scanner builds
 * them from four bytes at a time.
 *
 * The key table's hash (`keyWordsHash`) is defined on key words, so the scanner can compute it
 * word by word while it looks for the line end, and any other path gets the same value from bytes.
 */

/** The longest key kept in key words (AWS's limit: 256 characters; a longer key is an error anyway). */
export const MAX_KEY_BYTES = 256
export const MAX_KEY_WORDS = MAX_KEY_BYTES / 4

/** True when an Int32Array over bytes reads them little-endian (the scanner relies on it; else it is not used). */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1

/** The table hash before the first key word. */
export const KEY_HASH_SEED = 0x2d_35_8d_cf
const WORD_MULTIPLIER = 0x9e_37_79_b1
const LENGTH_MULTIPLIER = 0x85_eb_ca_6b

/**
 * One step of the table hash: fold in the next key word. The shift folds the high bits back down,
 * so every byte reaches the low bits that pick the table slot.
 */
export function mixKeyWord(hash: number, word: number): number {
  const h = Math.imul(hash ^ word, WORD_MULTIPLIER)
  return h ^ (h >>> 15)
}

/** The last step of the table hash: fold in the key's byte length (an int32). */
export function finishKeyHash(hash: number, byteLength: number): number {
  const h = Math.imul(hash ^ byteLength, LENGTH_MULTIPLIER)
  return h ^ (h >>> 13)
}

/** Table hash (int32) of a key given as key words `words[at..]` of `byteLength` bytes. */
export function keyWordsHash(words: Int32Array, at: number, byteLength: number): number {
  let h = KEY_HASH_SEED
  const end = at + ((byteLength + 3) >> 2)
  for (let i = at; i < end; i++) h = mixKeyWord(h, words[i]!)
  return finishKeyHash(h, byteLength)
}

/** Pack `len` bytes of `src` from `start` into key words at `out[at..]`; returns the number of words. */
export function bytesToKeyWords(src: Uint8Array, start: number, len: number, out: Int32Array, at: number): number {
  const full = len >> 2
  let p = start
  for (let i = 0; i < full; i++, p += 4)
    out[at + i] = src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)
  const rest = len & 3
  if (rest === 0) return full
  let w = 0
  for (let k = 0; k < rest; k++) w |= src[p + k]! << (k * 8)
  out[at + full] = w
  return full + 1
}

/** Unpack `len` bytes of key words `words[at..]` into `out` from index 0. */
export function keyWordsToBytes(words: Int32Array, at: number, len: number, out: Uint8Array): void {
  for (let i = 0; i < len; i++) out[i] = (words[at + (i >> 2)]! >>> ((i & 3) * 8)) & 0xff
}

/** Keep the first `len` bytes of a key word (len 1–3: the key ends inside this word). */
export function keepLowBytes(word: number, len: number): number {
  return word & ((1 << (len * 8)) - 1)
}
