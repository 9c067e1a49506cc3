/**
 * The table of distinct partition keys behind hash-key analysis: each key's MD5 (computed once)
 * and, optionally, its exact totals, looked up by the key's bytes without making a string.
 */
import {bigIntToWords, encodeUtf8Into, maxUtf8Bytes, md5WordsOfKeyWords} from './fast-md5.js'
import {parseExplicitHashKey} from './hash-key.js'
import {bytesToKeyWords, keyWordsHash, keyWordsToBytes} from './key-words.js'

const utf8Decoder = new TextDecoder()

/**
 * A table entry is one 64-byte cache line (16 int32): the table hash, slot + 1 (0 = empty), the
 * key's byte length, where its words beyond the inline ones are in the overflow arena, the exact
 * totals (two float64 at int32 4–7) and the key's first 8 key words (32 bytes). Looking up a key of
 * up to 32 bytes and counting it touches this one line.
 */
const ENTRY_INTS = 16
const ENTRY_HASH = 0
const ENTRY_SLOT = 1
const ENTRY_LENGTH = 2
const ENTRY_OVERFLOW_AT = 3
/** Float64 index of the bytes total within an entry (the records total follows). */
const ENTRY_BYTES_F64 = 2
const ENTRY_INLINE = 8
const INLINE_WORDS = 8

/**
 * Open addressing with linear probing, keyed by the key's words (key-words.ts) and their table
 * hash; load ≤ 0.75, doubling. Keys are added in slot order (0, 1, …); a key's slot never changes.
 *
 * Bounded by `capacity`: beyond it, keys are hashed every time and not remembered (callers then
 * count them in a LoadTally's bounded heavy hitters).
 */
export class HashCache {
  /** Slot of the key of the last lookup (−1 when not cached: explicit hash key, or the table is full). */
  lastSlot = -1
  /** Where the last lookup's hash words are: `lastWords[offset..offset+3]`. */
  lastWords: Uint32Array
  readonly scratch = new Uint32Array(4)
  private count = 0
  /** UTF-8 of the key of `lookup`, and of `keyOf`. */
  private encoded = new Uint8Array(1024)
  /** Entry index of the last lookup's key (−1 when not cached). */
  private lastEntry = -1
  private mask = (1 << 10) - 1
  /** Key words beyond the inline 8 of keys longer than 32 bytes. */
  private overflow = new Int32Array(1024)
  private overflowUsed = 0
  /** Key words of a key looked up from bytes. */
  private probe = new Int32Array(64)
  /** Entry of each slot (entries move when the table grows). */
  private slotEntry = new Int32Array(1024)
  /** Dense copy of the totals by slot, built on demand; dropped when a total or a key is added. */
  private slotTotals: undefined | {bytes: Float64Array; records: Float64Array}
  private t32 = new Int32Array(ENTRY_INTS << 10)
  private t64 = new Float64Array(this.t32.buffer)
  private totalsKeptFlag = false
  /** Sink of `touch` (keeps its loads from being optimised away). */
  private touched = 0
  private words = new Uint32Array(4 * 1024)

  constructor(readonly capacity = 1_500_000) {
    this.lastWords = this.words
  }

  /** The cached keys' hash words (slot i at 4·i). */
  get allWords(): Uint32Array {
    return this.words
  }

  get size(): number {
    return this.count
  }

  /** Exact totals are kept for slots (see addTotals). */
  get totalsKept(): boolean {
    return this.totalsKeptFlag
  }

  /** Add to the exact totals of the key of the last lookup (which must have been cached). */
  addLastTotals(bytes: number, records: number): void {
    const f = this.lastEntry * (ENTRY_INTS / 2) + ENTRY_BYTES_F64
    this.t64[f] = this.t64[f]! + bytes
    this.t64[f + 1] = this.t64[f + 1]! + records
    this.totalsKeptFlag = true
    this.slotTotals = undefined
  }

  /** Add to a slot's exact totals. */
  addTotals(slot: number, bytes: number, records: number): void {
    const f = this.slotEntry[slot]! * (ENTRY_INTS / 2) + ENTRY_BYTES_F64
    this.t64[f] = this.t64[f]! + bytes
    this.t64[f + 1] = this.t64[f + 1]! + records
    this.totalsKeptFlag = true
    this.slotTotals = undefined
  }

  bytesOf(slot: number): number {
    return slot < this.count ? this.t64[this.slotEntry[slot]! * (ENTRY_INTS / 2) + ENTRY_BYTES_F64]! : 0
  }

  /** The partition key of a slot. */
  keyOf(slot: number): string {
    const e = this.slotEntry[slot]! * ENTRY_INTS
    const len = this.t32[e + ENTRY_LENGTH]!
    const n = (len + 3) >> 2
    const keyWords = new Int32Array(n)
    for (let k = 0; k < Math.min(n, INLINE_WORDS); k++) keyWords[k] = this.t32[e + ENTRY_INLINE + k]!
    const at = this.t32[e + ENTRY_OVERFLOW_AT]!
    for (let k = INLINE_WORDS; k < n; k++) keyWords[k] = this.overflow[at + k - INLINE_WORDS]!
    if (this.encoded.length < len) this.encoded = new Uint8Array(len)
    keyWordsToBytes(keyWords, 0, len, this.encoded)
    return utf8Decoder.decode(this.encoded.subarray(0, len))
  }

  /** The cached keys, in slot order. */
  *keys(): IterableIterator<string> {
    for (let slot = 0; slot < this.count; slot++) yield this.keyOf(slot)
  }

  /** UTF-8 length of a slot's key (what AWS counts toward the byte limit). */
  keyUtf8Length(slot: number): number {
    return this.t32[this.slotEntry[slot]! * ENTRY_INTS + ENTRY_LENGTH]!
  }

  /**
   * Hash words of a record's routing key — the partition key's MD5, or the explicit hash key when
   * given — at `lastWords[returned offset..+3]`; `lastSlot` tells whether the key is cached.
   */
  lookup(partitionKey: string, explicitHashKey?: string): number {
    if (explicitHashKey !== undefined) {
      this.lastSlot = -1
      this.lastEntry = -1
      bigIntToWords(parseExplicitHashKey(explicitHashKey), this.scratch)
      this.lastWords = this.scratch
      return 0
    }

    const need = maxUtf8Bytes(partitionKey)
    if (this.encoded.length < need) this.encoded = new Uint8Array(need)
    const len = encodeUtf8Into(partitionKey, this.encoded)
    return this.lookupBytes(this.encoded, 0, len)
  }

  /** `lookup` for a key given as UTF-8 bytes `src[start..start+len)`. */
  lookupBytes(src: Uint8Array, start: number, len: number): number {
    const n = (len + 3) >> 2
    if (this.probe.length < n) this.probe = new Int32Array(n)
    bytesToKeyWords(src, start, len, this.probe, 0)
    return this.lookupWords(this.probe, 0, len, keyWordsHash(this.probe, 0, len))
  }

  /**
   * `lookup` for a key given as key words `words[at..]` of `len` bytes, with their table hash
   * (`keyWordsHash`, or the same value computed while scanning).
   */
  lookupWords(words: Int32Array, at: number, len: number, hash: number): number {
    const {mask, t32} = this
    const n = (len + 3) >> 2
    let idx = hash & mask
    for (;;) {
      const e = idx * ENTRY_INTS
      const slot1 = t32[e + ENTRY_SLOT]!
      if (slot1 === 0) break
      if (t32[e + ENTRY_HASH] === hash && t32[e + ENTRY_LENGTH] === len && this.sameKey(e, words, at, n)) {
        this.lastSlot = slot1 - 1
        this.lastEntry = idx
        this.lastWords = this.words
        return (slot1 - 1) * 4
      }

      idx = (idx + 1) & mask
    }

    if (this.count >= this.capacity) {
      this.lastSlot = -1
      this.lastEntry = -1
      md5WordsOfKeyWords(words, at, len, this.scratch)
      this.lastWords = this.scratch
      return 0
    }

    return this.insert(idx, words, at, len, hash)
  }

  recordsOf(slot: number): number {
    return slot < this.count ? this.t64[this.slotEntry[slot]! * (ENTRY_INTS / 2) + ENTRY_BYTES_F64 + 1]! : 0
  }

  /**
   * Exact totals of every slot, in slot order: one pass over the table instead of one random entry
   * per slot (for readers of all slots). A snapshot: reused until a total or a key is added.
   */
  totalsBySlot(): {bytes: Float64Array; records: Float64Array} {
    if (this.slotTotals) return this.slotTotals
    const bytes = new Float64Array(this.count)
    const records = new Float64Array(this.count)
    const {t32, t64} = this
    for (let idx = 0; idx <= this.mask; idx++) {
      const slot1 = t32[idx * ENTRY_INTS + ENTRY_SLOT]!
      if (slot1 === 0) continue
      const f = idx * (ENTRY_INTS / 2) + ENTRY_BYTES_F64
      bytes[slot1 - 1] = t64[f]!
      records[slot1 - 1] = t64[f + 1]!
    }

    this.slotTotals = {bytes, records}
    return this.slotTotals
  }

  /**
   * Read the table entries of a batch of table hashes before looking the keys up: independent
   * loads whose cache misses the CPU overlaps, instead of one miss after another (a software
   * prefetch). The entry after each is read too: at the table's load (up to 0.75) a key is often
   * one entry past its home, and that next line would otherwise be a miss of its own.
   */
  touch(hashes: Int32Array, count: number): void {
    const {mask, t32} = this
    let acc = 0
    for (let i = 0; i < count; i++) {
      const home = hashes[i]! & mask
      acc += t32[home * ENTRY_INTS + ENTRY_SLOT]! + t32[((home + 1) & mask) * ENTRY_INTS + ENTRY_SLOT]!
    }

    this.touched = acc
  }

  private growSlots(slot: number): void {
    if (slot < this.slotEntry.length) return
    const n = Math.min(this.capacity, this.slotEntry.length * 2)
    const se = new Int32Array(n)
    se.set(this.slotEntry)
    this.slotEntry = se
    const w = new Uint32Array(4 * n)
    w.set(this.words)
    this.words = w
  }

  /** Add a key at the free entry `idx` (where its probe ended). */
  private insert(idx: number, words: Int32Array, at: number, len: number, hash: number): number {
    const slot = this.count++
    this.growSlots(slot)
    const n = (len + 3) >> 2
    const e = idx * ENTRY_INTS
    const {t32} = this
    t32[e + ENTRY_HASH] = hash
    t32[e + ENTRY_SLOT] = slot + 1
    t32[e + ENTRY_LENGTH] = len
    for (let k = 0; k < Math.min(n, INLINE_WORDS); k++) t32[e + ENTRY_INLINE + k] = words[at + k]!
    if (n > INLINE_WORDS) {
      const extra = n - INLINE_WORDS
      if (this.overflowUsed + extra > this.overflow.length) {
        const grown = new Int32Array(Math.max(this.overflow.length * 2, this.overflowUsed + extra))
        grown.set(this.overflow.subarray(0, this.overflowUsed))
        this.overflow = grown
      }

      t32[e + ENTRY_OVERFLOW_AT] = this.overflowUsed
      for (let k = 0; k < extra; k++) this.overflow[this.overflowUsed + k] = words[at + INLINE_WORDS + k]!
      this.overflowUsed += extra
    }

    md5WordsOfKeyWords(words, at, len, this.words, slot * 4)
    this.slotEntry[slot] = idx
    this.slotTotals = undefined
    this.lastSlot = slot
    this.lastEntry = idx
    this.lastWords = this.words
    if (this.count * 4 > (this.mask + 1) * 3) {
      this.rehash()
      this.lastEntry = this.slotEntry[slot]!
    }

    return slot * 4
  }

  private rehash(): void {
    const old32 = this.t32
    const entries = (this.mask + 1) * 2
    const t32 = new Int32Array(entries * ENTRY_INTS)
    const mask = entries - 1
    for (let i = 0; i <= this.mask; i++) {
      const from = i * ENTRY_INTS
      const slot1 = old32[from + ENTRY_SLOT]!
      if (slot1 === 0) continue
      let idx = old32[from + ENTRY_HASH]! & mask
      while (t32[idx * ENTRY_INTS + ENTRY_SLOT] !== 0) idx = (idx + 1) & mask
      const to = idx * ENTRY_INTS
      for (let k = 0; k < ENTRY_INTS; k++) t32[to + k] = old32[from + k]!
      this.slotEntry[slot1 - 1] = idx
    }

    this.t32 = t32
    this.t64 = new Float64Array(t32.buffer)
    this.mask = mask
  }

  /** Whether the entry at int32 index e holds the key `words[at..at+n)` (its hash and length already match). */
  private sameKey(e: number, words: Int32Array, at: number, n: number): boolean {
    const {t32} = this
    const inline = n < INLINE_WORDS ? n : INLINE_WORDS
    for (let k = 0; k < inline; k++) if (t32[e + ENTRY_INLINE + k] !== words[at + k]) return false
    if (n <= INLINE_WORDS) return true
    const {overflow} = this
    const from = t32[e + ENTRY_OVERFLOW_AT]! - INLINE_WORDS
    for (let k = INLINE_WORDS; k < n; k++) if (overflow[from + k] !== words[at + k]) return false
    return true
  }
}
