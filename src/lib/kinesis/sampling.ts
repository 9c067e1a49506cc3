/**
 * Stage 2 of hot-shard detection: read a sample of records from a few shards with
 * GetShardIterator + GetRecords (no enhanced fan-out consumer to register or leave behind).
 *
 * Reads start at the beginning of the window (AT_TIMESTAMP), so the minutes already past are
 * analysed at once, or at LATEST with `live`. Each shard gets at most one GetRecords call per
 * second with a small Limit: a shard allows 5 reads/s shared with the production consumers.
 * Bytes are data + partition key (UTF-8), counted per second of ApproximateArrivalTimestamp; KPL
 * aggregated records are unpacked so the user keys are counted.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis'

import type {HashCache} from './hash-cache.js'
import type {LoadTally} from './load-tally.js'

import {abortOpts} from '../aws/abort.js'
import {deaggregate} from './kpl.js'

export interface SampleOptions {
  /** Wall-clock budget of the whole sample, ms. */
  budgetMs: number
  /** Minimum ms between two GetRecords calls on one shard. */
  callSpacingMs: number
  /** End of the window: records that arrived later are not counted; ignored with live. */
  endMs: number
  live: boolean
  /** Stop once this many bytes were read over all shards. */
  maxBytes: number
  /** GetRecords Limit per call. */
  recordsPerCall: number
  /** Start of the window (AT_TIMESTAMP), ms; ignored with live. */
  startMs: number
}

export interface SampleDeps {
  now: () => number
  onProgress?: (p: {bytes: number; calls: number; records: number; shardsDone: number; shardsTotal: number}) => void
  signal?: AbortSignal | undefined
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface ShardSampleReport {
  /** Kinesis records (before KPL de-aggregation) and user records after it. */
  aggregatedRecords: number
  bytes: number
  calls: number
  /** The span the counts cover, ms: rates divide by it. */
  coveredEndMs: number
  coveredStartMs: number
  error?: string | undefined
  kinesisRecords: number
  shardId: string
  /** Why reading stopped. */
  stoppedBy: 'aborted' | 'budget-bytes' | 'budget-time' | 'caught-up' | 'error' | 'shard-closed' | 'window-end'
  userRecords: number
}

const utf8 = new TextEncoder()

export interface RecordCounter {
  cache: HashCache
  tally: LoadTally
}

/** Count one Kinesis record (unpacking KPL aggregation) into the tally as belonging to shard `shardIndex`. */
export function countKinesisRecord(
  counter: RecordCounter,
  shardIndex: number,
  record: {
    data: Uint8Array
    explicitHashKey?: string | undefined
    partitionKey: string
    timestampMs?: number | undefined
  },
): {aggregated: boolean; userRecords: number} {
  const outerBytes = record.data.length + utf8.encode(record.partitionKey).length
  const users = deaggregate(record.data)
  if (!users || users.length === 0) {
    const offset = counter.cache.lookup(record.partitionKey, record.explicitHashKey)
    counter.tally.addHashed(
      {
        bytes: outerBytes,
        explicitHashKey: record.explicitHashKey,
        partitionKey: record.partitionKey,
        records: 1,
        timestampMs: record.timestampMs,
      },
      counter.cache.lastWords,
      offset,
      shardIndex,
    )
    return {aggregated: false, userRecords: 1}
  }

  // Share the real record's bytes (what the limit counts) in proportion to each user record's
  // data + key, and its one record in equal parts, so per-key totals add up to the shard's.
  const weights = users.map((u) => u.data.length + utf8.encode(u.partitionKey).length)
  const sum = weights.reduce((a, b) => a + b, 0) || 1
  for (const [i, u] of users.entries()) {
    const offset = counter.cache.lookup(u.partitionKey, u.explicitHashKey)
    counter.tally.addHashed(
      {
        bytes: (outerBytes * weights[i]!) / sum,
        explicitHashKey: u.explicitHashKey,
        partitionKey: u.partitionKey,
        records: 1 / users.length,
        timestampMs: record.timestampMs,
      },
      counter.cache.lastWords,
      offset,
      shardIndex,
    )
  }

  return {aggregated: true, userRecords: users.length}
}

/** Sample the given shards (indexes into `counter.tally.shards`) concurrently. */
export async function sampleShards(
  kinesis: KinesisClient,
  stream: {streamArn?: string | undefined; streamName?: string | undefined},
  shardIndexes: readonly number[],
  counter: RecordCounter,
  options: SampleOptions,
  deps: SampleDeps,
): Promise<ShardSampleReport[]> {
  const t0 = deps.now()
  const deadline = t0 + options.budgetMs
  let totalBytes = 0
  let totalCalls = 0
  let totalRecords = 0
  let shardsDone = 0
  const streamRef = stream.streamArn ? {StreamARN: stream.streamArn} : {StreamName: stream.streamName}

  const one = async (shardIndex: number): Promise<ShardSampleReport> => {
    const shard = counter.tally.shards[shardIndex]!
    const startMs = options.live ? deps.now() : options.startMs
    const report: ShardSampleReport = {
      aggregatedRecords: 0,
      bytes: 0,
      calls: 0,
      coveredEndMs: startMs,
      coveredStartMs: startMs,
      kinesisRecords: 0,
      shardId: shard.shardId,
      stoppedBy: 'budget-time',
      userRecords: 0,
    }
    try {
      const it = await kinesis.send(
        new GetShardIteratorCommand({
          ...streamRef,
          ShardId: shard.shardId,
          ...(options.live
            ? {ShardIteratorType: 'LATEST'}
            : {ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(options.startMs)}),
        }),
        abortOpts(deps.signal),
      )
      let iterator = it.ShardIterator
      let lastCall = 0
      for (;;) {
        if (deps.signal?.aborted) {
          report.stoppedBy = 'aborted'
          report.coveredEndMs = options.live ? deps.now() : Math.max(report.coveredEndMs, report.coveredStartMs)
          break
        }

        if (!iterator) {
          report.stoppedBy = 'shard-closed'
          if (!options.live) report.coveredEndMs = Math.min(options.endMs, Math.max(report.coveredEndMs, deps.now()))
          break
        }

        if (totalBytes >= options.maxBytes) {
          report.stoppedBy = 'budget-bytes'
          if (options.live) report.coveredEndMs = deps.now()
          break
        }

        const now = deps.now()
        if (now >= deadline) {
          report.stoppedBy = 'budget-time'
          if (options.live) report.coveredEndMs = now
          break
        }

        const wait = lastCall + options.callSpacingMs - now

        if (wait > 0) await deps.sleep(Math.min(wait, deadline - now), deps.signal)
        if (deps.now() >= deadline) continue
        lastCall = deps.now()

        const page = await kinesis.send(
          new GetRecordsCommand({Limit: options.recordsPerCall, ShardIterator: iterator}),
          abortOpts(deps.signal),
        )
        report.calls++
        totalCalls++
        let pastEnd = false
        for (const r of page.Records ?? []) {
          const ts = (r as KinesisRecord).ApproximateArrivalTimestamp?.getTime() ?? deps.now()
          if (!options.live && ts >= options.endMs) {
            pastEnd = true
            break
          }

          const data = r.Data ?? new Uint8Array(0)
          const pk = r.PartitionKey ?? ''
          const {aggregated, userRecords} = countKinesisRecord(counter, shardIndex, {
            data,
            partitionKey: pk,
            timestampMs: ts,
          })
          const bytes = data.length + utf8.encode(pk).length
          report.kinesisRecords++
          report.userRecords += userRecords
          if (aggregated) report.aggregatedRecords++
          report.bytes += bytes
          totalBytes += bytes
          totalRecords++
          if (ts + 1 > report.coveredEndMs) report.coveredEndMs = ts + 1
        }

        deps.onProgress?.({
          bytes: totalBytes,
          calls: totalCalls,
          records: totalRecords,
          shardsDone,
          shardsTotal: shardIndexes.length,
        })
        iterator = page.NextShardIterator
        if (pastEnd) {
          report.stoppedBy = 'window-end'
          report.coveredEndMs = options.endMs
          break
        }

        if (!options.live && (page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) {
          report.stoppedBy = 'caught-up'
          report.coveredEndMs = Math.min(options.endMs, deps.now())
          break
        }

        if (options.live) report.coveredEndMs = deps.now()
      }
    } catch (error) {
      if (deps.signal?.aborted) {
        report.stoppedBy = 'aborted'
      } else {
        report.stoppedBy = 'error'
        report.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }

      if (options.live) report.coveredEndMs = deps.now()
    }

    shardsDone++
    deps.onProgress?.({
      bytes: totalBytes,
      calls: totalCalls,
      records: totalRecords,
      shardsDone,
      shardsTotal: shardIndexes.length,
    })
    return report
  }

  return Promise.all(shardIndexes.map((i) => one(i)))
}
