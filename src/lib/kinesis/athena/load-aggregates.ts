/**
 * The rows of the load query (./load-query.ts) read back into the tally the local analysis
 * finishes from (hot-shards.ts `finishTallied`): per-shard totals, per-second buckets, the
 * heaviest keys with exact counts, and the 1/256-slice histogram for split points. Same numbers,
 * same ordering rules, so Athena's result has the local result's shape and values.
 */
import type {TallyView} from '../hot-shards.js'

import {InputError} from '../../core/errors.js'
import {bigIntToWords} from '../fast-md5.js'
import {hashKeyOfPartitionKey, type ShardRange, sortRanges} from '../hash-key.js'
import {SHARD_WRITE_BYTES_PER_SEC} from '../load-profile.js'
import {keyLoadFromSlices, type ShardTally, sliceOfWords, SLICES_PER_SHARD, type TallyTopKey} from '../load-tally.js'
import {KIND_KEY, KIND_MINUTE, KIND_SECOND, KIND_SHARD, KIND_SLICE, LOAD_COLUMNS} from './load-query.js'

/** One row of the load query, as typed values (Athena returns strings; DuckDB numbers). */
export interface LoadRow {
  bytes: number
  firstSecond: null | number
  kind: number
  lastSecond: null | number
  maxRecordBytes: number
  partitionKey: null | string
  records: number
  second: null | number
  shardIndex: null | number
  slice: null | number
}

const toNumber = (v: null | string | undefined, column: string): null | number => {
  if (v === null || v === undefined || v === '') return null
  const n = Number(v)
  if (!Number.isFinite(n)) throw new InputError(`the load query returned "${v}" in column ${column}, not a number`)
  return n
}

/** A result row of strings (GetQueryResults' VarCharValue; absent = NULL) in LOAD_COLUMNS order. */
export function loadRowFromStrings(cells: ReadonlyArray<string | undefined>): LoadRow {
  const n = (i: number): null | number => toNumber(cells[i], LOAD_COLUMNS[i]!)
  return {
    bytes: n(5) ?? 0,
    firstSecond: n(8),
    kind: n(0) ?? -1,
    lastSecond: n(9),
    maxRecordBytes: n(7) ?? 0,
    partitionKey: cells[2] ?? null,
    records: n(6) ?? 0,
    second: n(3),
    shardIndex: n(1),
    slice: n(4),
  }
}

interface ShardAggregates {
  keys: TallyTopKey[]
  slices: Float64Array
  startHi: number
  tally: ShardTally
  widthHi: number
}

/** A key's share of its shard's load: the larger of its bytes and records shares (LoadTally's order). */
function loadShare(k: TallyTopKey, tally: ShardTally): number {
  return Math.max(tally.bytes > 0 ? k.bytes / tally.bytes : 0, tally.records > 0 ? k.records / tally.records : 0)
}

export class AggregatedTally implements TallyView {
  maxTimestampMs = Number.NEGATIVE_INFINITY
  minTimestampMs = Number.POSITIVE_INFINITY
  readonly shards: ShardRange[]
  readonly unrouted = {bytes: 0, records: 0}
  private readonly perShard: ShardAggregates[]

  constructor(ranges: readonly ShardRange[], rows: Iterable<LoadRow>) {
    this.shards = sortRanges(ranges)
    this.perShard = this.shards.map((range) => ({
      keys: [],
      slices: new Float64Array(SLICES_PER_SHARD * 2),
      startHi: Number(range.startingHashKey >> 64n),
      tally: {
        bytes: 0,
        largeRecordSeconds: new Set(),
        perSecondBytes: new Map(),
        perSecondRecords: new Map(),
        range,
        records: 0,
      },
      widthHi: Math.max(Number((range.endingHashKey - range.startingHashKey + 1n) >> 64n), 1),
    }))
    for (const row of rows) this.add(row)
    for (const s of this.perShard) {
      const {tally} = s
      s.keys.sort(
        (a, b) =>
          loadShare(b, tally) - loadShare(a, tally) || b.bytes - a.bytes || (a.partitionKey < b.partitionKey ? -1 : 1),
      )
    }
  }

  get hasTimestamps(): boolean {
    return this.maxTimestampMs >= this.minTimestampMs
  }

  shard(index: number): ShardTally {
    return this.perShard[index]!.tally
  }

  shardKeyLoad(index: number): ReturnType<TallyView['shardKeyLoad']> {
    const s = this.perShard[index]!
    return keyLoadFromSlices(s.tally.range, s.keys, s.slices, (k) =>
      sliceOfWords(s.startHi, s.widthHi, bigIntToWords(k), 0),
    )
  }

  shardTopKeys(index: number, limit: number): TallyTopKey[] {
    return this.perShard[index]!.keys.slice(0, limit)
  }

  private add(row: LoadRow): void {
    if (row.shardIndex === null) {
      if (row.kind === KIND_SHARD) {
        this.unrouted.bytes += row.bytes
        this.unrouted.records += row.records
      }

      return
    }

    const s = this.perShard[row.shardIndex]
    if (!s)
      throw new InputError(
        `the load query returned shard index ${row.shardIndex}, outside the ${this.shards.length} ranges`,
      )
    switch (row.kind) {
      case KIND_KEY: {
        if (row.partitionKey === null) return
        s.keys.push({
          bytes: row.bytes,
          bytesErrorBound: 0,
          explicitHashKey: undefined,
          hashKey: hashKeyOfPartitionKey(row.partitionKey),
          partitionKey: row.partitionKey,
          records: row.records,
          recordsErrorBound: 0,
        })
        return
      }

      case KIND_MINUTE: {
        if (row.second === null) return
        s.tally.minuteSums ??= {bytes: new Map(), records: new Map()}
        s.tally.minuteSums.bytes.set(row.second, row.bytes)
        s.tally.minuteSums.records.set(row.second, row.records)
        return
      }

      case KIND_SECOND: {
        if (row.second === null) return
        s.tally.perSecondBytes.set(row.second, row.bytes)
        s.tally.perSecondRecords.set(row.second, row.records)
        if (row.maxRecordBytes > SHARD_WRITE_BYTES_PER_SEC) s.tally.largeRecordSeconds.add(row.second)
        return
      }

      case KIND_SHARD: {
        s.tally.bytes += row.bytes
        s.tally.records += row.records
        // The span of the routed records' times (the same as the local tally's first and last).
        if (row.firstSecond !== null && row.firstSecond * 1000 < this.minTimestampMs)
          this.minTimestampMs = row.firstSecond * 1000
        if (row.lastSecond !== null && row.lastSecond * 1000 > this.maxTimestampMs)
          this.maxTimestampMs = row.lastSecond * 1000
        return
      }

      case KIND_SLICE: {
        if (row.slice === null) return
        s.slices[row.slice * 2] = s.slices[row.slice * 2]! + row.bytes
        s.slices[row.slice * 2 + 1] = s.slices[row.slice * 2 + 1]! + row.records
        return
      }

      default: {
        throw new InputError(`the load query returned an unknown row kind ${row.kind}`)
      }
    }
  }
}
