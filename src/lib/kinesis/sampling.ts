import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis'

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
import type {RunContext} from '../core/run-context.js'
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

/** What to sample: the stream, which shards (indexes into `counter.tally.shards`), where counts go, and how. */
export interface SampleRequest extends SampleOptions {
  counter: RecordCounter
  shardIndexes: readonly number[]
  stream: {streamArn?: string | undefined; streamName?: string | undefined}
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

/** Sample the given shards concurrently; progress goes to ctx, Ctrl-C ends every shard's loop. */
export async function sampleShards(
  clients: {kinesis: KinesisClient},
  request: SampleRequest,
  ctx: RunContext,
): Promise<ShardSampleReport[]> {
  const {kinesis} = clients
  const {counter, shardIndexes, stream, ...options} = request
  const nowMs = (): number => ctx.now().getTime()
  const t0 = nowMs()
  const deadline = t0 + options.budgetMs
  let totalBytes = 0
  let totalCalls = 0
  let totalRecords = 0
  let shardsDone = 0
  const progress = (): void =>
    ctx.progress({
      detail: `${totalRecords} records, ${totalCalls} calls`,
      done: shardsDone,
      label: 'Sampling records',
      total: shardIndexes.length,
    })
  const streamRef = stream.streamArn ? {StreamARN: stream.streamArn} : {StreamName: stream.streamName}

  const one = async (shardIndex: number): Promise<ShardSampleReport> => {
    const shard = counter.tally.shards[shardIndex]!
    const startMs = options.live ? nowMs() : options.startMs
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
        abortOpts(ctx.signal),
      )
      let iterator = it.ShardIterator
      let lastCall = 0
      for (;;) {
        if (ctx.signal.aborted) {
          report.stoppedBy = 'aborted'
          report.coveredEndMs = options.live ? nowMs() : Math.max(report.coveredEndMs, report.coveredStartMs)
          break
        }

        if (!iterator) {
          report.stoppedBy = 'shard-closed'
          if (!options.live) report.coveredEndMs = Math.min(options.endMs, Math.max(report.coveredEndMs, nowMs()))
          break
        }

        if (totalBytes >= options.maxBytes) {
          report.stoppedBy = 'budget-bytes'
          if (options.live) report.coveredEndMs = nowMs()
          break
        }

        const now = nowMs()
        if (now >= deadline) {
          report.stoppedBy = 'budget-time'
          if (options.live) report.coveredEndMs = now
          break
        }

        const wait = lastCall + options.callSpacingMs - now

        if (wait > 0) await ctx.sleep(Math.min(wait, deadline - now))
        if (nowMs() >= deadline) continue
        lastCall = nowMs()

        const page = await kinesis.send(
          new GetRecordsCommand({Limit: options.recordsPerCall, ShardIterator: iterator}),
          abortOpts(ctx.signal),
        )
        report.calls++
        totalCalls++
        let pastEnd = false
        for (const r of page.Records ?? []) {
          const ts = (r as KinesisRecord).ApproximateArrivalTimestamp?.getTime() ?? nowMs()
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

        progress()
        iterator = page.NextShardIterator
        if (pastEnd) {
          report.stoppedBy = 'window-end'
          report.coveredEndMs = options.endMs
          break
        }

        if (!options.live && (page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) {
          report.stoppedBy = 'caught-up'
          report.coveredEndMs = Math.min(options.endMs, nowMs())
          break
        }

        if (options.live) report.coveredEndMs = nowMs()
      }
    } catch (error) {
      if (ctx.signal.aborted) {
        report.stoppedBy = 'aborted'
      } else {
        report.stoppedBy = 'error'
        report.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      }

      if (options.live) report.coveredEndMs = nowMs()
    }

    shardsDone++
    progress()
    return report
  }

  return Promise.all(shardIndexes.map((i) => one(i)))
}
