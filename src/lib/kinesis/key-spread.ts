/**
 * `kinesis key-spread`: how a sample of records would spread over N shards with AWS's initial even
 * ranges, for several N at once, and the smallest N (if any) that keeps every shard under the
 * threshold. One pass over the records; each distinct key is hashed once.
 */
import type {RunContext} from '../core/run-context.js'

import {UsageError} from '../core/errors.js'
import {bigIntToWords} from './fast-md5.js'
import {HashCache} from './hash-cache.js'
import {evenRanges, type ShardRange} from './hash-key.js'
import {writeUtilisation} from './load-profile.js'
import {LoadTally} from './load-tally.js'
import {tallyRecords} from './tally-records.js'

export interface KeySpreadRequest {
  /** The record file as raw bytes (fast path) … */
  chunks?: AsyncIterable<Uint8Array> | undefined
  /** … or as lines of text. */
  lines?: AsyncIterable<string | string[]> | Iterable<string | string[]> | undefined
  /** Distinct keys remembered exactly (for the smallest-count search); beyond it that search is skipped. */
  maxDistinctKeys?: number | undefined
  /** Shard counts to evaluate. */
  shardCounts: number[]
  sourceName: string
  threshold: number
  topKeys: number
  /** The span the file covers, when its records carry no timestamps (rates need a span). */
  windowSeconds?: number | undefined
}

export interface SpreadShard {
  bytes: number
  bytesPerSec: null | number
  bytesShare: number
  endingHashKey: string
  records: number
  recordsPerSec: null | number
  recordsShare: number
  shardId: string
  startingHashKey: string
  /** Average utilisation over the span; null when the span is unknown. */
  utilisation: null | number
}

export interface SpreadForCount {
  hottest: {
    shardId: string
    share: number
    topKeys: Array<{bytes: number; partitionKey: string; records: number; share: number}>
    utilisation: null | number
  }
  /** max/mean of per-shard bytes and records (1 = perfectly even). */
  imbalance: {bytes: number; records: number}
  shardCount: number
  shards: SpreadShard[]
  /** True when every shard stays under the threshold (null when rates are unknown). */
  underThreshold: boolean | null
}

export interface KeySpreadResult {
  bytes: number
  counts: SpreadForCount[]
  distinctKeys: number
  records: number
  smallestShardCount: null | {maxUtilisation: number; shardCount: number}
  /** Why there is no smallest shard count, when there is none. */
  smallestShardCountNote?: string | undefined
  /** Span the rates are computed over (seconds), and where it came from. */
  span: null | {seconds: number; source: 'timestamps' | 'window'}
  threshold: number
}

/** The largest stream pipeops searches (UpdateShardCount's per-stream ceiling). */
export const MAX_SEARCH_SHARDS = 10_000
const TWO_32 = 4_294_967_296
const TWO_64 = TWO_32 * TWO_32

/** Per shard count: the totals of each even-range shard and its heaviest keys (a LoadTally, or a query's rows). */
export interface SpreadTally {
  shard(index: number): {bytes: number; records: number}
  readonly shards: readonly ShardRange[]
  shardTopKeys(index: number, limit: number): Array<{bytes: number; partitionKey: string; records: number}>
}

/** Every distinct key's hash (four uint32 words each, most significant first) and totals, for the search. */
export interface SearchKeys {
  bytes: Float64Array
  count: number
  records: Float64Array
  words: Uint32Array
}

/** What a key spread is finished from: the local tally of a record file, or Athena's aggregates. */
export interface SpreadTotals {
  bytes: number
  distinctKeys: number
  /** The keys for the smallest-shard-count search, or why it is not searched. */
  keys: SearchKeys | {note: string}
  maxTimestampMs: number
  minTimestampMs: number
  records: number
  /** One per shard count, ascending. */
  tallies: Array<{n: number; tally: SpreadTally}>
}

export type KeySpreadSettings = Pick<KeySpreadRequest, 'threshold' | 'topKeys' | 'windowSeconds'>

/** Shard counts asked for: distinct, ascending (refused when none). */
export function spreadShardCounts(shardCounts: readonly number[]): number[] {
  if (shardCounts.length === 0) throw new UsageError('give at least one shard count with --shards')
  return [...new Set(shardCounts)].sort((a, b) => a - b)
}

/**
 * No AWS call, so no clients: the request and the run context (Ctrl-C stops the read between
 * chunks with an AbortedError; progress names the file being hashed).
 */
export async function analyseKeySpread(options: KeySpreadRequest, ctx: RunContext): Promise<KeySpreadResult> {
  const counts = spreadShardCounts(options.shardCounts)
  ctx.progress({label: `Hashing ${options.sourceName}`})
  const cache = new HashCache(options.maxDistinctKeys ?? 1_500_000)
  const tallies = counts.map((n) => ({n, tally: new LoadTally(evenRanges(n), 200)}))
  const read = await tallyRecords({
    cache,
    explicitKeyLoads: true,
    input: options.chunks ? {chunks: options.chunks} : {lines: options.lines ?? []},
    perSecond: false,
    signal: ctx.signal,
    sourceName: options.sourceName,
    tallies: tallies.map((t) => t.tally),
  })
  const ehkLoad = read.explicitKeyLoads
  return finishKeySpread(
    {
      bytes: read.bytes,
      distinctKeys: cache.size + ehkLoad.size,
      keys: read.everyKeyExact
        ? cachedSearchKeys(cache, ehkLoad)
        : {note: `more than ${cache.capacity} distinct keys: the smallest shard count is not searched`},
      maxTimestampMs: read.maxTimestampMs,
      minTimestampMs: read.minTimestampMs,
      records: read.records,
      tallies,
    },
    options,
  )
}

/** The cache's keys and the explicit hash keys' loads as one list of hashes and totals (no copy without the latter). */
function cachedSearchKeys(cache: HashCache, ehkLoad: Map<string, {bytes: number; records: number}>): SearchKeys {
  const n = cache.size
  const totals = cache.totalsBySlot()
  if (ehkLoad.size === 0) return {bytes: totals.bytes, count: n, records: totals.records, words: cache.allWords}
  const count = n + ehkLoad.size
  const words = new Uint32Array(count * 4)
  words.set(cache.allWords.subarray(0, n * 4))
  const bytes = new Float64Array(count)
  const records = new Float64Array(count)
  bytes.set(totals.bytes.subarray(0, n))
  records.set(totals.records.subarray(0, n))
  let j = n
  for (const [ehk, load] of ehkLoad) {
    bigIntToWords(BigInt(ehk), words, j * 4)
    bytes[j] = load.bytes
    records[j] = load.records
    j++
  }

  return {bytes, count, records, words}
}

/** The spread of every shard count, and the smallest count under the threshold, from tallied totals. */
export function finishKeySpread(totals: SpreadTotals, options: KeySpreadSettings): KeySpreadResult {
  const {bytes: totalBytes, maxTimestampMs: maxTs, minTimestampMs: minTs, records: totalRecords} = totals
  const span: KeySpreadResult['span'] = Number.isFinite(minTs)
    ? {seconds: Math.max(1, Math.floor(maxTs / 1000) - Math.floor(minTs / 1000) + 1), source: 'timestamps'}
    : options.windowSeconds
      ? {seconds: options.windowSeconds, source: 'window'}
      : null

  const results: SpreadForCount[] = totals.tallies.map(({n, tally}) =>
    spreadFor(n, tally, totalBytes, totalRecords, span, options),
  )
  const result: KeySpreadResult = {
    bytes: totalBytes,
    counts: results,
    distinctKeys: totals.distinctKeys,
    records: totalRecords,
    smallestShardCount: null,
    span,
    threshold: options.threshold,
  }
  if (!span) {
    result.smallestShardCountNote =
      'the records have no timestamps: pass --window with the span the file covers to compute rates'
    return result
  }

  if ('note' in totals.keys) {
    result.smallestShardCountNote = totals.keys.note
    return result
  }

  const {keys} = totals
  // Each key's hash as its top 64 bits (a double) for the search; loads are summed as whole
  // numbers and divided once, so the search does not depend on the order the keys come in.
  const hi = new Float64Array(keys.count)
  let worstKey = 0
  for (let i = 0; i < keys.count; i++) {
    hi[i] = keys.words[i * 4]! * TWO_32 + keys.words[i * 4 + 1]!
    worstKey = Math.max(worstKey, writeUtilisation(keys.bytes[i]! / span.seconds, keys.records[i]! / span.seconds))
  }

  if (worstKey >= options.threshold) {
    result.smallestShardCountNote = `one key alone uses ${Math.round(worstKey * 100)} % of a shard's write limit: no shard count keeps it under ${Math.round(options.threshold * 100)} %; re-key it`
    return result
  }

  const maxUtilFor = (count: number): number => {
    const b = new Float64Array(count)
    const r = new Float64Array(count)
    for (const [i, element] of hi.entries()) {
      const idx = Math.min(count - 1, Math.floor((element! / TWO_64) * count))
      b[idx] = b[idx]! + keys.bytes[i]!
      r[idx] = r[idx]! + keys.records[i]!
    }

    let worst = 0
    for (let s = 0; s < count; s++)
      worst = Math.max(worst, writeUtilisation(b[s]! / span.seconds, r[s]! / span.seconds))
    return worst
  }

  const lower = Math.max(
    1,
    Math.ceil(writeUtilisation(totalBytes / span.seconds, totalRecords / span.seconds) / options.threshold),
  )
  let candidate = lower
  let step = 1
  while (candidate <= MAX_SEARCH_SHARDS) {
    const worst = maxUtilFor(candidate)
    if (worst < options.threshold) {
      // Confirm with exact BigInt-derived ranges (the double search can misplace keys on a boundary).
      const exactWorst = exactMaxUtil(candidate, keys, span.seconds)
      if (exactWorst < options.threshold) {
        result.smallestShardCount = {maxUtilisation: Math.round(exactWorst * 10_000) / 10_000, shardCount: candidate}
        return result
      }
    }

    if (candidate - lower >= 64) step = Math.max(1, Math.ceil(candidate * 0.05))
    candidate += step
  }

  result.smallestShardCountNote = `no shard count up to ${MAX_SEARCH_SHARDS} keeps every shard under ${Math.round(options.threshold * 100)} %`
  return result
}

function exactMaxUtil(count: number, keys: SearchKeys, seconds: number): number {
  const tally = new LoadTally(evenRanges(count), 1)
  const b = new Float64Array(count)
  const r = new Float64Array(count)
  for (let i = 0; i < keys.count; i++) {
    const idx = tally.locate(keys.words, i * 4)
    b[idx] = b[idx]! + keys.bytes[i]!
    r[idx] = r[idx]! + keys.records[i]!
  }

  let worst = 0
  for (let s = 0; s < count; s++) worst = Math.max(worst, writeUtilisation(b[s]! / seconds, r[s]! / seconds))
  return worst
}

function spreadFor(
  n: number,
  tally: SpreadTally,
  totalBytes: number,
  totalRecords: number,
  span: KeySpreadResult['span'],
  options: KeySpreadSettings,
): SpreadForCount {
  const shards: SpreadShard[] = tally.shards.map((range: ShardRange, i) => {
    const s = tally.shard(i)
    const bps = span ? s.bytes / span.seconds : null
    const rps = span ? s.records / span.seconds : null
    return {
      bytes: s.bytes,
      bytesPerSec: bps === null ? null : Math.round(bps * 100) / 100,
      bytesShare: totalBytes > 0 ? round4(s.bytes / totalBytes) : 0,
      endingHashKey: range.endingHashKey.toString(),
      records: s.records,
      recordsPerSec: rps === null ? null : Math.round(rps * 100) / 100,
      recordsShare: totalRecords > 0 ? round4(s.records / totalRecords) : 0,
      shardId: range.shardId,
      startingHashKey: range.startingHashKey.toString(),
      utilisation: bps === null || rps === null ? null : round4(writeUtilisation(bps, rps)),
    }
  })
  const meanB = totalBytes / n
  const meanR = totalRecords / n
  const maxB = Math.max(...shards.map((s) => s.bytes))
  const maxR = Math.max(...shards.map((s) => s.records))
  let hottestIndex = 0
  const weight = (s: SpreadShard): number => s.utilisation ?? Math.max(s.bytesShare, s.recordsShare)
  for (const [i, s] of shards.entries()) if (weight(s) > weight(shards[hottestIndex]!)) hottestIndex = i
  const hottest = shards[hottestIndex]!
  const ht = tally.shard(hottestIndex)
  return {
    hottest: {
      shardId: hottest.shardId,
      share: Math.max(hottest.bytesShare, hottest.recordsShare),
      topKeys: tally.shardTopKeys(hottestIndex, options.topKeys).map((k) => ({
        bytes: k.bytes,
        partitionKey: k.partitionKey,
        records: k.records,
        share: round4(Math.max(ht.bytes > 0 ? k.bytes / ht.bytes : 0, ht.records > 0 ? k.records / ht.records : 0)),
      })),
      utilisation: hottest.utilisation,
    },
    imbalance: {bytes: meanB > 0 ? round4(maxB / meanB) : 0, records: meanR > 0 ? round4(maxR / meanR) : 0},
    shardCount: n,
    shards,
    underThreshold: span ? shards.every((s) => (s.utilisation ?? 0) < options.threshold) : null,
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000
}
