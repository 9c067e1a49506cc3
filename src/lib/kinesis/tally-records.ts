/**
 * The record-file hot path shared by `kinesis hot-shards --records` and `kinesis key-spread`: one
 * pass over a record file (readRecordsInto's scanner), each distinct key hashed once (HashCache),
 * every record counted into one or more LoadTally (per-shard totals, slices, heavy hitters), and
 * the cached keys' exact totals folded into every tally at the end.
 *
 * Kept keys are counted once in the cache and folded in later; keys the cache could not keep are
 * counted record by record into every tally.
 */
import type {HashCache} from './hash-cache.js'
import type {LoadTally, TallyRecord} from './load-tally.js'

import {AbortedError} from '../core/errors.js'
import {readRecordsInto, type RecordFileSummary, type RecordInput} from './records-file.js'

export interface RecordTallyRequest {
  /** The key table every record is looked up in (its capacity bounds the exact keys). */
  cache: HashCache
  /** Remember the load of each explicit hash key the cache does not keep (key-spread's exact search). */
  explicitKeyLoads?: boolean | undefined
  input: RecordInput
  /**
   * Count per-second buckets (hot-shards' rates need them; key-spread reads totals only). Without
   * it the tallies see no timestamps.
   */
  perSecond: boolean
  /** Ctrl-C: stops the read between chunks (or lines) with an AbortedError (exit 8). */
  signal?: AbortSignal | undefined
  /** File name for messages ("stdin" for "-"). */
  sourceName: string
  tallies: readonly LoadTally[]
}

/** The input, checked for Ctrl-C before each chunk (64 KiB) or line batch is handed to the scanner. */
function stopOnAbort(input: RecordInput, signal: AbortSignal | undefined): RecordInput {
  if (!signal) return input
  async function* checked<T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> {
    for await (const item of source) {
      if (signal!.aborted) throw new AbortedError('interrupted while reading the records')
      yield item
    }
  }

  return 'chunks' in input ? {chunks: checked(input.chunks)} : {lines: checked(input.lines)}
}

export interface RecordTally {
  /** Bytes of every record (data + partition key UTF-8, as AWS counts them). */
  bytes: number
  /** False when a key the cache did not keep had no explicit hash key (its exact load was not kept). */
  everyKeyExact: boolean
  /** Load of each explicit hash key not kept by the cache (empty unless asked for). */
  explicitKeyLoads: Map<string, {bytes: number; records: number}>
  /** True when the file named no data size for some record (its bytes are the key's only). */
  keyBytesOnly: boolean
  /** Latest and earliest timestamps (ms); −∞/+∞ when no record had one. */
  maxTimestampMs: number
  minTimestampMs: number
  records: number
  /** What the scanner saw: format, columns present, records read. */
  summary: RecordFileSummary
}

/** Read the record file once into every tally, then fold the cache's exact key totals into each. */
export async function tallyRecords(request: RecordTallyRequest): Promise<RecordTally> {
  const {cache, perSecond, tallies} = request
  const out: Omit<RecordTally, 'summary'> = {
    bytes: 0,
    everyKeyExact: true,
    explicitKeyLoads: new Map(),
    keyBytesOnly: false,
    maxTimestampMs: Number.NEGATIVE_INFINITY,
    minTimestampMs: Number.POSITIVE_INFINITY,
    records: 0,
  }
  // One record object reused for every record: no allocation per record on the hot path.
  const record: TallyRecord = {
    bytes: 0,
    explicitHashKey: undefined,
    partitionKey: '',
    records: 1,
    timestampMs: undefined,
  }
  const summary = await readRecordsInto(
    stopOnAbort(request.input, request.signal),
    request.sourceName,
    cache,
    (slot, offset, keyBytes, pk, dataBytes, ts, ehk) => {
      // AWS counts the partition key's UTF-8 bytes toward the 1 MiB/s limit.
      const size = (dataBytes ?? 0) + keyBytes
      if (dataBytes === undefined) out.keyBytesOnly = true
      out.bytes += size
      out.records++
      if (ts !== undefined) {
        if (ts < out.minTimestampMs) out.minTimestampMs = ts
        if (ts > out.maxTimestampMs) out.maxTimestampMs = ts
      }

      if (slot >= 0) {
        // A key the table keeps: exact totals per key, folded into the shards at the end.
        cache.addLastTotals(size, 1)
        if (perSecond && ts !== undefined) for (const t of tallies) t.addSlotted(cache, slot, ts, size, 1)
        return
      }

      record.bytes = size
      record.explicitHashKey = ehk
      record.partitionKey = pk!
      record.timestampMs = perSecond ? ts : undefined
      for (const t of tallies) t.addHashed(record, cache.lastWords, offset)
      if (ehk === undefined) {
        out.everyKeyExact = false
      } else if (request.explicitKeyLoads) {
        const load = out.explicitKeyLoads.get(ehk) ?? {bytes: 0, records: 0}
        load.bytes += size
        load.records++
        out.explicitKeyLoads.set(ehk, load)
      }
    },
  )
  for (const t of tallies) t.fold(cache)
  return {...out, summary}
}
