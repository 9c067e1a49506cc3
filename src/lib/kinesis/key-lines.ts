/**
 * The hot loop of reading a plain key list (a one-column CSV): split a buffer into lines a batch at
 * a time, four bytes per step, packing each key into key words (key-words.ts) and computing its
 * table hash on the way to the line end. A batch's hashes are known before any key is looked up,
 * so the key table can touch the batch's entries first and overlap their cache misses.
 *
 * Reads the buffer as int32 (little-endian only: see LITTLE_ENDIAN).
 */
import {
  finishKeyHash,
  keepLowBytes,
  KEY_HASH_SEED,
  keyWordsHash,
  MAX_KEY_BYTES,
  MAX_KEY_WORDS,
  mixKeyWord,
} from './key-words.js'

export const KEY_LINE_BATCH = 512
/** Bytes after the data that `fill` reads: a "\n" sentinel and 7 more (any value: they come after a line end). */
export const KEY_LINE_PADDING = 8

const NEWLINES = 0x0a_0a_0a_0a
const ONES = 0x01_01_01_01
const HIGH_BITS = 0x80_80_80_80
const CR = 13
const LF = 10

export class KeyLineBatch {
  /** Lines in the batch. */
  count = 0
  /** Each line's table hash (meaningless for a line not packed). */
  readonly hash = new Int32Array(KEY_LINE_BATCH)
  /** Each line's length in bytes, without its "\n" and, for a packed line, a final "\r". */
  readonly length = new Int32Array(KEY_LINE_BATCH)
  /** Each line's first byte in the buffer. */
  readonly start = new Int32Array(KEY_LINE_BATCH)
  /** Where each line's key words start in `words`; −1 when the line is too long to be a key (not packed). */
  readonly wordAt = new Int32Array(KEY_LINE_BATCH)
  /** The key words of the batch's lines, one after the other. */
  readonly words = new Int32Array(KEY_LINE_BATCH * (MAX_KEY_WORDS + 1))

  /**
   * Fill the batch with up to KEY_LINE_BATCH complete lines of bytes[pos..end); returns where the
   * next line starts (at most `end`: an unfinished line is left for the next buffer).
   *
   * `ints` views the same memory as `bytes` (4-byte aligned); bytes[end] must be a "\n" and the
   * buffer must go on for KEY_LINE_PADDING bytes from there: the scan stops at that sentinel without
   * a bounds test per step.
   */
  fill(ints: Int32Array, bytes: Uint8Array, pos: number, end: number): number {
    const {hash, length, start, wordAt, words} = this
    let count = 0
    let wp = 0
    let next = pos
    while (count < KEY_LINE_BATCH) {
      const lineStart = next
      let j = lineStart >> 2
      const shift = (lineStart & 3) * 8
      // `(x << 1) << back` is x << (32 − shift), and 0 when shift is 0 (a plain << 32 would be << 0).
      const back = 31 - shift
      let current = ints[j]!
      let h = KEY_HASH_SEED
      let len = 0
      const w0 = wp
      let packed = true
      for (;;) {
        const following = ints[j + 1]!
        // The 4 bytes at lineStart + len, as a key word.
        const x = (current >>> shift) | ((following << 1) << back)
        // Bytes of x that are "\n" (exact for the lowest one, which is all that is used).
        const v = x ^ NEWLINES
        const newlines = (v - ONES) & ~v & HIGH_BITS
        if (newlines !== 0) {
          const before = (31 - Math.clz32(newlines & -newlines)) >> 3
          if (before > 0) {
            const last = keepLowBytes(x, before)
            words[wp++] = last
            h = mixKeyWord(h, last)
          }

          len += before
          break
        }

        words[wp++] = x
        h = mixKeyWord(h, x)
        len += 4
        current = following
        j++
        if (len > MAX_KEY_BYTES) {
          // Too long for a key (an error, or a line for the text parser): find its end, do not pack it.
          packed = false
          wp = w0
          len = bytes.indexOf(LF, lineStart + len) - lineStart
          break
        }
      }

      const lineEnd = lineStart + len
      if (lineEnd >= end) break
      if (packed && len > 0 && bytes[lineEnd - 1] === CR) {
        // CRLF: the key ends before the "\r" (dropping the word that held only the "\r").
        len--
        const rest = len & 3
        if (rest === 0) wp--
        else words[wp - 1] = keepLowBytes(words[wp - 1]!, rest)
        h = keyWordsHash(words, w0, len)
      } else h = finishKeyHash(h, len)
      start[count] = lineStart
      length[count] = len
      wordAt[count] = packed ? w0 : -1
      hash[count] = h
      count++
      next = lineEnd + 1
    }

    this.count = count
    return next
  }
}
