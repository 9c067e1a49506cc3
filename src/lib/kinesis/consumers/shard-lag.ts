/**
 * How far behind a checkpoint is: the arrival time of the first record after it
 * (GetShardIterator AFTER_SEQUENCE_NUMBER, or TRIM_HORIZON for a TRIM_HORIZON checkpoint, then one
 * GetRecords with Limit 1): one pair of calls per shard, a bounded number at a time.
 */
import type {KinesisClient} from '@aws-sdk/client-kinesis'

import pLimit from 'p-limit'

import type {RunContext} from '../../core/run-context.js'

import {abortOpts} from '../../aws/abort.js'
import {apiRef, type StreamRef} from '../stream.js'

export interface ShardLag {
  lagMs: null | number
  /** The oldest record not yet checkpointed, when there is one. */
  record?: undefined | {arrival: string; sequenceNumber: string}
  /** Where lagMs came from, or why it is unknown. */
  source: string
}

export interface LagRequest {
  checkpoint: null | string
  shardId: string
}

/** The lag of one checkpoint, or why it cannot be known without a call (undefined: ask the stream). */
export function lagWithoutCall(checkpoint: null | string): ShardLag | undefined {
  if (checkpoint === null) return {lagMs: null, source: 'no checkpoint'}
  if (checkpoint === 'SHARD_END') return {lagMs: null, source: 'finished (SHARD_END): nothing left to read'}
  if (checkpoint === 'LATEST')
    return {lagMs: null, source: 'checkpoint LATEST: the worker has not checkpointed yet (it starts at the tip)'}
  if (checkpoint === 'AT_TIMESTAMP')
    return {
      lagMs: null,
      source: 'checkpoint AT_TIMESTAMP: the start time is in the worker’s configuration, not the lease',
    }
  if (checkpoint === 'TRIM_HORIZON') return undefined
  return /^\d+$/.test(checkpoint)
    ? undefined
    : {lagMs: null, source: `checkpoint "${checkpoint}" is not a sequence number`}
}

export async function readShardLags(
  kinesis: Pick<KinesisClient, 'send'>,
  request: {concurrency?: number | undefined; ref: StreamRef; shards: LagRequest[]},
  ctx: RunContext,
): Promise<Map<string, ShardLag>> {
  const {GetRecordsCommand, GetShardIteratorCommand} = await import('@aws-sdk/client-kinesis')
  const {ref, shards: requests} = request
  const limit = pLimit(request.concurrency ?? 8)
  const out = new Map<string, ShardLag>()
  let done = 0
  await Promise.all(
    requests.map((r) =>
      limit(async () => {
        const known = lagWithoutCall(r.checkpoint)
        if (known) {
          out.set(r.shardId, known)
          return
        }

        try {
          const it = await kinesis.send(
            new GetShardIteratorCommand({
              ...apiRef(ref),
              ShardId: r.shardId,
              ...(r.checkpoint === 'TRIM_HORIZON'
                ? {ShardIteratorType: 'TRIM_HORIZON'}
                : {ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: r.checkpoint!}),
            }),
            abortOpts(ctx.signal),
          )
          const page = await kinesis.send(
            new GetRecordsCommand({
              Limit: 1,
              ShardIterator: it.ShardIterator,
              ...(ref.streamArn ? {StreamARN: ref.streamArn} : {}),
            }),
            abortOpts(ctx.signal),
          )
          out.set(r.shardId, lagOfPage(page, ctx.now().getTime()))
        } catch (error) {
          if (ctx.signal.aborted) throw error
          const e = error as {message?: string; name?: string}
          out.set(r.shardId, {
            lagMs: null,
            source: `GetRecords failed: ${e.name ?? 'Error'}: ${e.message ?? ''}`.trim(),
          })
        } finally {
          done++
          ctx.progress({done, label: 'Reading shard lag', total: requests.length})
        }
      }),
    ),
  )
  return out
}

/** One GetRecords page (Limit 1) after the checkpoint → the lag. */
export function lagOfPage(
  page: {
    MillisBehindLatest?: number | undefined
    Records?: Array<{ApproximateArrivalTimestamp?: Date | undefined; SequenceNumber?: string | undefined}> | undefined
  },
  nowMs: number,
): ShardLag {
  const record = page.Records?.[0]
  if (record?.ApproximateArrivalTimestamp) {
    const arrival = record.ApproximateArrivalTimestamp
    return {
      lagMs: Math.max(0, nowMs - arrival.getTime()),
      record: {arrival: arrival.toISOString(), sequenceNumber: record.SequenceNumber ?? ''},
      source: 'arrival time of the first record after the checkpoint',
    }
  }

  if (page.MillisBehindLatest === 0) return {lagMs: 0, source: 'no record after the checkpoint (caught up)'}
  if (typeof page.MillisBehindLatest === 'number')
    return {lagMs: page.MillisBehindLatest, source: 'MillisBehindLatest (one GetRecords returned no record)'}
  return {lagMs: null, source: 'GetRecords returned no record and no MillisBehindLatest'}
}
