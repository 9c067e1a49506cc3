import type {HashCache} from './hash-cache.js'

/**
 * Counting load per shard from individual records (a GetRecords sample or an offline file):
 * exact per-shard totals and per-second buckets, bounded heavy hitters per shard (by bytes and by
 * records), and a 256-slice histogram of each shard's hash range for load-weighted split points.
 *
 * Hashing goes through `HashCache` (pure-JS MD5, one hash per distinct key), and shard lookup
 * compares the 128-bit hash as four uint32 words, so the hot loop allocates no BigInt.
 */
import {bigIntToWords, md5Words, wordsToBigInt} from './fast-md5.js'
import {type ShardRange, sortRanges} from './hash-key.js'
import {HeavyHitters, kthLargest} from './heavy-hitters.js'
import {type KeyLoad, SHARD_WRITE_BYTES_PER_SEC} from './load-profile.js'

export const SLICES_PER_SHARD = 256
/** Keys listed one by one in a shard's key load (the rest is summed per slice). */
export const KEY_LOAD_HEAVY_KEYS = 1000
const TWO_32 = 4_294_967_296

/** Separates the partition key from an explicit hash key in a heavy-hitter identity. */
const EHK_SEPARATOR = '\u0000'

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
  /** Seconds holding a record larger than 1 MiB: burst capacity may absorb their bytes (large records). */
  largeRecordSeconds: Set<number>
  /**
   * Per-minute sums (epoch minute → bytes / records), when an aggregate source (Athena) gave
   * minutes for a span over 6 hours: the per-second buckets then hold only the seconds that may
   * be over the write limit.
   */
  minuteSums?: undefined | {bytes: Map<number, number>; records: Map<number, number>}
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
   * Exact totals of each cached key, by slot, as of `fold` (the cache's dense snapshot): top-key
   * selection then reads them in slot order instead of one random 64-byte table entry per key.
   */
  private slotBytes: Float64Array = new Float64Array(0)
  private slotRecords: Float64Array = new Float64Array(0)
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
      this.perShard.push({
        bytes: 0,
        largeRecordSeconds: new Set(),
        perSecondBytes: new Map(),
        perSecondRecords: new Map(),
        range: s,
        records: 0,
      })
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
      if (record.bytes > SHARD_WRITE_BYTES_PER_SEC) s.largeRecordSeconds.add(sec)
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
    if (records > 0 && bytes / records > SHARD_WRITE_BYTES_PER_SEC) s.largeRecordSeconds.add(sec)
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
    // A snapshot: later additions to the cache do not change what was folded.
    const totals = cache.totalsBySlot()
    this.slotBytes = totals.bytes
    this.slotRecords = totals.records
    const words = cache.allWords
    for (let slot = 0; slot < cache.size; slot++) {
      const bytes = totals.bytes[slot]!
      const records = totals.records[slot]!
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
    return keyLoadFromSlices(
      this.perShard[index]!.range,
      this.shardTopKeys(index, KEY_LOAD_HEAVY_KEYS),
      this.slices.subarray(index * SLICES_PER_SHARD * 2, (index + 1) * SLICES_PER_SHARD * 2),
      (k) => this.sliceOf(index, bigIntToWords(k), 0),
    )
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
    return sliceOfWords(this.startHi[i]!, this.widthHi[i]!, words, offset)
  }
}

/**
 * A shard's load by hash key (see LoadTally.shardKeyLoad): its heavy keys, exact, plus the rest of
 * each 1/256 slice (`slices`: bytes, records per slice) at the slice's midpoint. Also used for
 * aggregates computed elsewhere (Athena, kinesis/athena/load-aggregates.ts).
 */
export function keyLoadFromSlices(
  range: ShardRange,
  keys: readonly TallyTopKey[],
  slices: Float64Array,
  sliceOfHashKey: (hashKey: bigint) => number,
): KeyLoad[] {
  const width = range.endingHashKey - range.startingHashKey + 1n
  const sliceStart = (k: number): bigint => range.startingHashKey + (width * BigInt(k)) / BigInt(SLICES_PER_SHARD)
  const rest = new Float64Array(SLICES_PER_SHARD * 2)
  rest.set(slices)
  const out: KeyLoad[] = []
  for (const k of keys) {
    // A key read from this shard whose hash lies outside its range (a KPL user record packed by a
    // producer with an outdated shard map): its load stays in the edge slice's remainder.
    if (k.hashKey < range.startingHashKey || k.hashKey > range.endingHashKey) continue
    // The slice this key was counted in (same double arithmetic as addHashed).
    const slice = sliceOfHashKey(k.hashKey)
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
    const hi = k === SLICES_PER_SHARD - 1 ? range.endingHashKey : sliceStart(k + 1) - 1n
    out.push({bytes, hashKey: (lo + hi) / 2n, records})
  }

  return out.sort((a, b) => (a.hashKey < b.hashKey ? -1 : a.hashKey > b.hashKey ? 1 : 0))
}

/** Which 1/256 slice of a range (top 64 bits of its start and width as doubles) holds the hash. */
export function sliceOfWords(startHi: number, widthHi: number, words: Uint32Array, offset: number): number {
  const hi = words[offset]! * TWO_32 + words[offset + 1]!
  const slice = Math.floor(((hi - startHi) / widthHi) * SLICES_PER_SHARD)
  if (!(slice >= 0)) return 0
  return slice >= SLICES_PER_SHARD ? SLICES_PER_SHARD - 1 : slice
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
