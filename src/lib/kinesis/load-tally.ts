import type {KeyLoad} from './load-profile.js'

/**
 * Counting load per shard from individual records (a GetRecords sample or an offline file):
 * exact per-shard totals and per-second buckets, bounded heavy hitters per shard (by bytes and by
 * records), and a 256-slice histogram of each shard's hash range for load-weighted split points.
 *
 * Hashing goes through `HashCache` (pure-JS MD5, one hash per distinct key), and shard lookup
 * compares the 128-bit hash as four uint32 words, so the hot loop allocates no BigInt.
 */
import {bigIntToWords, encodeUtf8Into, maxUtf8Bytes, md5Words, md5WordsOfBytes, wordsToBigInt} from './fast-md5.js'
import {parseExplicitHashKey, type ShardRange, sortRanges} from './hash-key.js'
import {HeavyHitters, kthLargest} from './heavy-hitters.js'

export const SLICES_PER_SHARD = 256
/** Keys listed one by one in a shard's key load (the rest is summed per slice). */
export const KEY_LOAD_HEAVY_KEYS = 1000
const TWO_32 = 4_294_967_296

/** Separates the partition key from an explicit hash key in a heavy-hitter identity. */
const EHK_SEPARATOR = '\u0000'

const utf8Decoder = new TextDecoder()

export const FNV_OFFSET = 0x81_1c_9d_c5
export const FNV_PRIME = 0x01_00_01_93
/** Key bytes kept inside a HashCache entry (longer keys are compared in the arena too). */
const INLINE_KEY_BYTES = 32

/** 32-bit FNV-1a of src[start..end). */
export function fnv1a(src: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET
  for (let i = start; i < end; i++) h = Math.imul(h ^ src[i]!, FNV_PRIME)
  return h >>> 0
}

/**
 * The table of distinct keys, keyed by their UTF-8 bytes (open addressing, FNV-1a): each key's
 * hash words (MD5 computed once) and, optionally, its exact totals. A record file can be looked up
 * straight from its read buffer with `lookupBytes`, without making a string per line.
 *
 * Each table entry is one 64-byte cache line holding the FNV hash, the slot, the key length, its
 * exact totals and its first 32 bytes, so looking up a short key and counting it touches one line.
 * Bounded by `capacity`: beyond it, keys are hashed every time and not remembered (callers then
 * count them in a LoadTally's bounded heavy hitters).
 */
export class HashCache {
  /** Slot of the key of the last lookup (−1 when not cached: explicit hash key, or the table is full). */
  lastSlot = -1
  /** Where the last lookup's hash words are: `lastWords[offset..offset+3]`. */
  lastWords: Uint32Array
  readonly scratch = new Uint32Array(4)
  private arena = new Uint8Array(1 << 16)
  private arenaUsed = 0
  private count = 0
  private encoded = new Uint8Array(1024)
  private keyLen = new Uint16Array(1024)
  private keyStart = new Uint32Array(1024)
  /** Entry index of the last lookup's key (−1 when not cached). */
  private lastEntry = -1
  private mask = (1 << 10) - 1
  /** Entry of each slot (entries move when the table grows). */
  private slotEntry = new Int32Array(1024)
  private t32 = new Int32Array(16 << 10)
  private t64 = new Float64Array(this.t32.buffer)
  private t8 = new Uint8Array(this.t32.buffer)
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
    const f = this.lastEntry * 8
    this.t64[f + 2] = this.t64[f + 2]! + bytes
    this.t64[f + 3] = this.t64[f + 3]! + records
    this.totalsKeptFlag = true
  }

  /** Add to a slot's exact totals. */
  addTotals(slot: number, bytes: number, records: number): void {
    const f = this.slotEntry[slot]! * 8
    this.t64[f + 2] = this.t64[f + 2]! + bytes
    this.t64[f + 3] = this.t64[f + 3]! + records
    this.totalsKeptFlag = true
  }

  bytesOf(slot: number): number {
    return slot < this.count ? this.t64[this.slotEntry[slot]! * 8 + 2]! : 0
  }

  /** The partition key of a slot. */
  keyOf(slot: number): string {
    const start = this.keyStart[slot]!
    return utf8Decoder.decode(this.arena.subarray(start, start + this.keyLen[slot]!))
  }

  /** The cached keys, in slot order. */
  *keys(): IterableIterator<string> {
    for (let slot = 0; slot < this.count; slot++) yield this.keyOf(slot)
  }

  /** UTF-8 length of a slot's key (what AWS counts toward the byte limit). */
  keyUtf8Length(slot: number): number {
    return this.keyLen[slot]!
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

  /**
   * `lookup` for a key given as UTF-8 bytes `src[start..start+len)`; `fnv` is its FNV-1a hash
   * (`fnv1a`) when the caller computed it while scanning.
   */
  lookupBytes(src: Uint8Array, start: number, len: number, fnv?: number): number {
    // eslint-disable-next-line unicorn/prefer-math-trunc -- uint32 → int32 (stored in an Int32Array), not a truncation
    const hs = (fnv ?? fnv1a(src, start, start + len)) | 0
    const {mask, t32} = this
    let idx = hs & mask
    for (;;) {
      const e = idx * 16
      const slot1 = t32[e + 1]!
      if (slot1 === 0) break
      if (t32[e] === hs && t32[e + 2] === len && this.sameKey(idx, src, start, len)) {
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
      md5WordsOfBytes(src, start, len, this.scratch)
      this.lastWords = this.scratch
      return 0
    }

    const slot = this.count++
    this.grow(slot, len)
    const keyAt = this.arenaUsed
    this.keyLen[slot] = len
    this.keyStart[slot] = keyAt
    this.arena.set(src.subarray(start, start + len), keyAt)
    this.arenaUsed += len
    md5WordsOfBytes(src, start, len, this.words, slot * 4)
    const e = idx * 16
    t32[e] = hs
    t32[e + 1] = slot + 1
    t32[e + 2] = len
    t32[e + 3] = keyAt
    this.t8.set(src.subarray(start, start + Math.min(len, INLINE_KEY_BYTES)), idx * 64 + 32)
    this.slotEntry[slot] = idx
    this.lastSlot = slot
    this.lastEntry = idx
    this.lastWords = this.words
    if (this.count * 4 > (mask + 1) * 3) {
      this.rehash()
      this.lastEntry = this.slotEntry[slot]!
    }

    return slot * 4
  }

  recordsOf(slot: number): number {
    return slot < this.count ? this.t64[this.slotEntry[slot]! * 8 + 3]! : 0
  }

  /**
   * Read the table entries of a batch of FNV hashes before looking the keys up: independent loads
   * whose cache misses the CPU overlaps, instead of one miss after another (a software prefetch).
   */
  touch(hashes: Int32Array, count: number): void {
    const {mask, t32} = this
    let acc = 0
    for (let i = 0; i < count; i++) acc += t32[(hashes[i]! & mask) * 16 + 1]!
    this.touched = acc
  }

  private grow(slot: number, len: number): void {
    if (slot >= this.keyLen.length) {
      const n = Math.min(this.capacity, this.keyLen.length * 2)
      const kl = new Uint16Array(n)
      kl.set(this.keyLen)
      this.keyLen = kl
      const ks = new Uint32Array(n)
      ks.set(this.keyStart)
      this.keyStart = ks
      const se = new Int32Array(n)
      se.set(this.slotEntry)
      this.slotEntry = se
      const w = new Uint32Array(4 * n)
      w.set(this.words)
      this.words = w
    }

    if (this.arenaUsed + len > this.arena.length) {
      const a = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len))
      a.set(this.arena.subarray(0, this.arenaUsed))
      this.arena = a
    }
  }

  private rehash(): void {
    const old32 = this.t32
    const entries = (this.mask + 1) * 2
    const t32 = new Int32Array(entries * 16)
    const mask = entries - 1
    for (let i = 0; i <= this.mask; i++) {
      const from = i * 16
      const slot1 = old32[from + 1]!
      if (slot1 === 0) continue
      let idx = old32[from]! & mask
      while (t32[idx * 16 + 1] !== 0) idx = (idx + 1) & mask
      const to = idx * 16
      for (let k = 0; k < 16; k++) t32[to + k] = old32[from + k]!
      this.slotEntry[slot1 - 1] = idx
    }

    this.t32 = t32
    this.t64 = new Float64Array(t32.buffer)
    this.t8 = new Uint8Array(t32.buffer)
    this.mask = mask
  }

  private sameKey(idx: number, src: Uint8Array, start: number, len: number): boolean {
    const {t8} = this
    const inline = idx * 64 + 32
    const n = Math.min(len, INLINE_KEY_BYTES)
    for (let i = 0; i < n; i++) if (t8[inline + i] !== src[start + i]) return false
    if (len <= INLINE_KEY_BYTES) return true
    const a = this.arena
    const at = this.t32[idx * 16 + 3]!
    for (let i = INLINE_KEY_BYTES; i < len; i++) if (a[at + i] !== src[start + i]) return false
    return true
  }
}

export interface TallyRecord {
  /** Bytes counted against the shard's write limit: data + partition key (UTF-8). */
  bytes: number
  explicitHashKey?: string | undefined
  partitionKey: string
  /** Records counted against the 1000 records/s limit (fractional for KPL user records). */
  records: number
  /** Arrival time in ms since the epoch, when known. */
  timestampMs?: number | undefined
}

export interface TallyTopKey {
  bytes: number
  /** Upper bound of the under-count of bytes and records (Misra–Gries error bound of the shard). */
  bytesErrorBound: number
  explicitHashKey?: string | undefined
  hashKey: bigint
  partitionKey: string
  records: number
  recordsErrorBound: number
}

export interface ShardTally {
  bytes: number
  /** Per-second buckets (epoch second → bytes / records); empty when records had no timestamps. */
  perSecondBytes: Map<number, number>
  perSecondRecords: Map<number, number>
  range: ShardRange
  records: number
}

function compareWords(a: Uint32Array, ao: number, b: Uint32Array, bo: number): number {
  for (let i = 0; i < 4; i++) {
    const x = a[ao + i]!
    const y = b[bo + i]!
    if (x !== y) return x < y ? -1 : 1
  }

  return 0
}

export class LoadTally {
  maxTimestampMs = Number.NEGATIVE_INFINITY
  minTimestampMs = Number.POSITIVE_INFINITY
  readonly shards: ShardRange[]
  /** Records whose hash falls in no shard's range (a shard map with gaps). */
  readonly unrouted = {bytes: 0, records: 0}
  private readonly ends: Uint32Array
  private folded: HashCache | undefined
  private readonly hhBytes: Array<HeavyHitters<null>>
  private readonly hhRecords: Array<HeavyHitters<null>>
  private readonly perShard: ShardTally[]
  /** Per shard, the cache slots of its keys (after fold). */
  private shardSlots: number[][] = []
  private readonly slices: Float64Array
  /**
   * Exact totals of each cached key, by slot, copied out of the cache by `fold`: top-key selection
   * then reads them in slot order instead of one random 64-byte table entry per key.
   */
  private slotBytes = new Float64Array(0)
  private slotRecords = new Float64Array(0)
  /** Shard index of each cache slot (−2 = not located yet, −1 = in a gap). */
  private slotShard = new Int32Array(0)
  private readonly startHi: Float64Array
  private readonly starts: Uint32Array
  private readonly topCache = new Map<number, {keys: TallyTopKey[]; wanted: number}>()
  private topDirty = false
  private readonly widthHi: Float64Array

  constructor(
    ranges: readonly ShardRange[],
    readonly heavyHitterCapacity = 1000,
  ) {
    this.shards = sortRanges(ranges)
    const n = this.shards.length
    this.starts = new Uint32Array(4 * n)
    this.ends = new Uint32Array(4 * n)
    this.startHi = new Float64Array(n)
    this.widthHi = new Float64Array(n)
    this.slices = new Float64Array(n * SLICES_PER_SHARD * 2)
    this.perShard = []
    this.hhBytes = []
    this.hhRecords = []
    for (const [i, s] of this.shards.entries()) {
      bigIntToWords(s.startingHashKey, this.starts, i * 4)
      bigIntToWords(s.endingHashKey, this.ends, i * 4)
      // The top 64 bits as a double: enough to place a hash in one of 256 slices.
      this.startHi[i] = Number(s.startingHashKey >> 64n)
      this.widthHi[i] = Math.max(Number((s.endingHashKey - s.startingHashKey + 1n) >> 64n), 1)
      this.perShard.push({bytes: 0, perSecondBytes: new Map(), perSecondRecords: new Map(), range: s, records: 0})
      this.hhBytes.push(new HeavyHitters(heavyHitterCapacity))
      this.hhRecords.push(new HeavyHitters(heavyHitterCapacity))
    }
  }

  get hasTimestamps(): boolean {
    return this.maxTimestampMs >= this.minTimestampMs
  }

  /** Count one record whose hash words are at words[offset..offset+3]; `shardIndex` when already known (read from that shard). */
  addHashed(record: TallyRecord, words: Uint32Array, offset: number, shardIndex?: number): void {
    this.topDirty = true
    const i = shardIndex ?? this.locate(words, offset)
    if (i < 0) {
      this.unrouted.bytes += record.bytes
      this.unrouted.records += record.records
      return
    }

    const s = this.perShard[i]!
    s.bytes += record.bytes
    s.records += record.records
    const ts = record.timestampMs
    if (ts !== undefined) {
      if (ts < this.minTimestampMs) this.minTimestampMs = ts
      if (ts > this.maxTimestampMs) this.maxTimestampMs = ts
      const sec = Math.floor(ts / 1000)
      s.perSecondBytes.set(sec, (s.perSecondBytes.get(sec) ?? 0) + record.bytes)
      s.perSecondRecords.set(sec, (s.perSecondRecords.get(sec) ?? 0) + record.records)
    }

    const at = (i * SLICES_PER_SHARD + this.sliceOf(i, words, offset)) * 2
    this.slices[at] = this.slices[at]! + record.bytes
    this.slices[at + 1] = this.slices[at + 1]! + record.records
    const id =
      record.explicitHashKey === undefined
        ? record.partitionKey
        : record.partitionKey + EHK_SEPARATOR + record.explicitHashKey
    this.hhBytes[i]!.add(id, record.bytes, null)
    this.hhRecords[i]!.add(id, record.records, null)
  }

  /** Per-second bucket of a slotted key's record (its totals are folded in later by `fold`). */
  addSlotted(cache: HashCache, slot: number, timestampMs: number, bytes: number, records: number): void {
    const i = this.shardOfSlot(cache, slot)
    if (i < 0) return
    if (timestampMs < this.minTimestampMs) this.minTimestampMs = timestampMs
    if (timestampMs > this.maxTimestampMs) this.maxTimestampMs = timestampMs
    const s = this.perShard[i]!
    const sec = Math.floor(timestampMs / 1000)
    s.perSecondBytes.set(sec, (s.perSecondBytes.get(sec) ?? 0) + bytes)
    s.perSecondRecords.set(sec, (s.perSecondRecords.get(sec) ?? 0) + records)
  }

  /** Fold the exact totals of every cached key into the shards (once; call after the last record). */
  fold(cache: HashCache): void {
    if (this.folded) {
      if (this.folded !== cache) throw new Error('LoadTally.fold: already folded with another cache')
      return
    }

    this.folded = cache
    this.topDirty = true
    this.shardSlots = this.shards.map(() => [])
    this.slotBytes = new Float64Array(cache.size)
    this.slotRecords = new Float64Array(cache.size)
    const words = cache.allWords
    for (let slot = 0; slot < cache.size; slot++) {
      const bytes = cache.bytesOf(slot)
      const records = cache.recordsOf(slot)
      this.slotBytes[slot] = bytes
      this.slotRecords[slot] = records
      if (bytes === 0 && records === 0) continue
      const i = this.shardOfSlot(cache, slot)
      if (i < 0) {
        this.unrouted.bytes += bytes
        this.unrouted.records += records
        continue
      }

      const s = this.perShard[i]!
      s.bytes += bytes
      s.records += records
      const at = (i * SLICES_PER_SHARD + this.sliceOf(i, words, slot * 4)) * 2
      this.slices[at] = this.slices[at]! + bytes
      this.slices[at + 1] = this.slices[at + 1]! + records
      this.shardSlots[i]!.push(slot)
    }
  }

  /** Index (in `shards`) of the shard whose range holds the hash, or −1 in a gap. */
  locate(words: Uint32Array, offset: number): number {
    let lo = 0
    let hi = this.shards.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (compareWords(this.starts, mid * 4, words, offset) <= 0) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }

    if (found < 0 || compareWords(words, offset, this.ends, found * 4) > 0) return -1
    return found
  }

  shard(index: number): ShardTally {
    return this.perShard[index]!
  }

  /**
   * The shard's load by hash key: its heaviest keys (up to KEY_LOAD_HEAVY_KEYS, exact hash keys)
   * plus, per 1/256 slice of its range, the rest of the slice's load at the slice's midpoint.
   * Sums to the shard's totals.
   */
  shardKeyLoad(index: number): KeyLoad[] {
    const s = this.perShard[index]!
    const keys = this.shardTopKeys(index, KEY_LOAD_HEAVY_KEYS)
    const width = s.range.endingHashKey - s.range.startingHashKey + 1n
    const sliceStart = (k: number): bigint => s.range.startingHashKey + (width * BigInt(k)) / BigInt(SLICES_PER_SHARD)
    const rest = new Float64Array(SLICES_PER_SHARD * 2)
    rest.set(this.slices.subarray(index * SLICES_PER_SHARD * 2, (index + 1) * SLICES_PER_SHARD * 2))
    const out: KeyLoad[] = []
    for (const k of keys) {
      // A key read from this shard whose hash lies outside its range (a KPL user record packed by a
      // producer with an outdated shard map): its load stays in the edge slice's remainder.
      if (k.hashKey < s.range.startingHashKey || k.hashKey > s.range.endingHashKey) continue
      // The slice this key was counted in (same double arithmetic as addHashed).
      const slice = this.sliceOf(index, bigIntToWords(k.hashKey), 0)
      const bytes = Math.min(k.bytes, rest[slice * 2]!)
      const records = Math.min(k.records, rest[slice * 2 + 1]!)
      rest[slice * 2] = rest[slice * 2]! - bytes
      rest[slice * 2 + 1] = rest[slice * 2 + 1]! - records
      if (bytes > 0 || records > 0) out.push({bytes, hashKey: k.hashKey, partitionKey: k.partitionKey, records})
    }

    for (let k = 0; k < SLICES_PER_SHARD; k++) {
      const bytes = rest[k * 2]!
      const records = rest[k * 2 + 1]!
      if (bytes <= 1e-9 && records <= 1e-9) continue
      const lo = sliceStart(k)
      const hi = k === SLICES_PER_SHARD - 1 ? s.range.endingHashKey : sliceStart(k + 1) - 1n
      out.push({bytes, hashKey: (lo + hi) / 2n, records})
    }

    return out.sort((a, b) => (a.hashKey < b.hashKey ? -1 : a.hashKey > b.hashKey ? 1 : 0))
  }

  /** Heaviest keys of a shard (by load share), with both weights and their error bounds. */
  shardTopKeys(index: number, limit: number): TallyTopKey[] {
    // Computed once per shard for the largest list anyone asks for (the key load wants 1000).
    if (this.topDirty) {
      this.topCache.clear()
      this.topDirty = false
    }

    const wanted = Math.max(limit, KEY_LOAD_HEAVY_KEYS)
    let cached = this.topCache.get(index)
    if (!cached || (cached.wanted < wanted && cached.keys.length >= cached.wanted)) {
      cached = {keys: this.computeTopKeys(index, wanted), wanted}
      this.topCache.set(index, cached)
    }

    return cached.keys.slice(0, limit)
  }

  private computeTopKeys(index: number, limit: number): TallyTopKey[] {
    const hb = this.hhBytes[index]!
    const hr = this.hhRecords[index]!
    const ids = new Set<string>()
    for (const e of hb.top()) ids.add(e.key)
    for (const e of hr.top()) ids.add(e.key)
    const keys: TallyTopKey[] = []
    for (const id of ids) {
      const sep = id.indexOf(EHK_SEPARATOR)
      const partitionKey = sep === -1 ? id : id.slice(0, sep)
      const explicitHashKey = sep === -1 ? undefined : id.slice(sep + 1)
      let hashKey: bigint
      if (explicitHashKey === undefined) {
        const w = new Uint32Array(4)
        md5Words(partitionKey, w)
        hashKey = wordsToBigInt(w)
      } else hashKey = BigInt(explicitHashKey)
      keys.push({
        bytes: hb.estimate(id),
        bytesErrorBound: hb.errorBound,
        explicitHashKey,
        hashKey,
        partitionKey,
        records: hr.estimate(id),
        recordsErrorBound: hr.errorBound,
      })
    }

    const cache = this.folded
    const slots = cache ? (this.shardSlots[index] ?? []) : []
    if (cache && slots.length > 0) {
      // Exact totals of the cached keys: take the heaviest by either weight.
      const s = this.perShard[index]!
      const {slotBytes, slotRecords} = this
      const perByte = s.bytes > 0 ? 1 / s.bytes : 0
      const perRecord = s.records > 0 ? 1 / s.records : 0
      const weight = (slot: number): number => Math.max(slotBytes[slot]! * perByte, slotRecords[slot]! * perRecord)
      const wanted = Number.isFinite(limit) ? Math.min(slots.length, Math.max(limit, 64)) : slots.length
      const chosen = wanted === slots.length ? slots : topBy(slots, weight, wanted)
      for (const slot of chosen) {
        keys.push({
          bytes: this.slotBytes[slot]!,
          bytesErrorBound: 0,
          explicitHashKey: undefined,
          hashKey: wordsToBigInt(cache.allWords, slot * 4),
          partitionKey: cache.keyOf(slot),
          records: this.slotRecords[slot]!,
          recordsErrorBound: 0,
        })
      }
    }

    const s = this.perShard[index]!
    const load = (k: TallyTopKey): number =>
      Math.max(s.bytes > 0 ? k.bytes / s.bytes : 0, s.records > 0 ? k.records / s.records : 0)
    keys.sort((a, b) => load(b) - load(a) || b.bytes - a.bytes || (a.partitionKey < b.partitionKey ? -1 : 1))
    return keys.slice(0, limit)
  }

  private shardOfSlot(cache: HashCache, slot: number): number {
    if (slot >= this.slotShard.length) {
      const grown = new Int32Array(Math.max(1024, this.slotShard.length * 2, slot + 1)).fill(-2)
      grown.set(this.slotShard)
      this.slotShard = grown
    }

    let i = this.slotShard[slot]!
    if (i === -2) {
      i = this.locate(cache.allWords, slot * 4)
      this.slotShard[slot] = i
    }

    return i
  }

  /** Which 1/256 slice of shard i's range holds the hash (top 64 bits as a double: enough for a histogram). */
  private sliceOf(i: number, words: Uint32Array, offset: number): number {
    const hi = words[offset]! * TWO_32 + words[offset + 1]!
    const slice = Math.floor(((hi - this.startHi[i]!) / this.widthHi[i]!) * SLICES_PER_SHARD)
    if (!(slice >= 0)) return 0
    return slice >= SLICES_PER_SHARD ? SLICES_PER_SHARD - 1 : slice
  }
}

/** The `count` slots with the largest weight (partial selection, then sorted). */
function topBy(slots: number[], weight: (slot: number) => number, count: number): number[] {
  const n = slots.length
  const w = new Float64Array(n)
  for (let i = 0; i < n; i++) w[i] = weight(slots[i]!)
  const cut = kthLargest(new Float64Array(w), count)
  const out: number[] = []
  for (let i = 0; i < n; i++) if (w[i]! > cut) out.push(slots[i]!)
  for (let i = 0; i < n && out.length < count; i++) if (w[i] === cut) out.push(slots[i]!)
  return out
}
