/**
 * Stream look-ups shared by the Kinesis commands: DescribeStreamSummary and ListShards (open
 * shards, every page).
 */
import {DescribeStreamSummaryCommand, type KinesisClient, ListShardsCommand, type Shard} from '@aws-sdk/client-kinesis'

import {abortOpts} from '../aws/abort.js'
import {UsageError} from '../core/errors.js'
import {parseExplicitHashKey, type ShardRange, sortRanges} from './hash-key.js'

export interface StreamRef {
  streamArn?: string | undefined
  streamName: string
}

/** `NAME` or `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME` → the API's reference. */
export function parseStreamRef(text: string): StreamRef {
  if (text.startsWith('arn:')) {
    const m = /^arn:aws[\w-]*:kinesis:[\w-]+:\d{12}:stream\/([\w.-]{1,128})$/.exec(text)
    if (!m) {
      throw new UsageError(`"${text}" is not a Kinesis stream ARN`, {
        suggestions: ['Use arn:aws:kinesis:REGION:ACCOUNT:stream/NAME, or just the stream name.'],
      })
    }

    return {streamArn: text, streamName: m[1]!}
  }

  if (!/^[\w.-]{1,128}$/.test(text)) {
    throw new UsageError(`"${text}" is not a valid stream name (1–128 letters, digits, "_", "-" or ".")`, {
      suggestions: ['Pass the stream name or its ARN with --stream.'],
    })
  }

  return {streamName: text}
}

export function apiRef(ref: StreamRef): {StreamARN: string} | {StreamName: string} {
  return ref.streamArn ? {StreamARN: ref.streamArn} : {StreamName: ref.streamName}
}

export interface StreamSummary {
  mode: 'ON_DEMAND' | 'PROVISIONED'
  openShardCount: number
  shardLevelMetrics: string[]
  status: string
  streamArn: string
  streamName: string
}

export async function describeStream(
  kinesis: KinesisClient,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<StreamSummary> {
  const out = await kinesis.send(new DescribeStreamSummaryCommand(apiRef(ref)), abortOpts(signal))
  const d = out.StreamDescriptionSummary
  return {
    mode: d?.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED',
    openShardCount: d?.OpenShardCount ?? 0,
    shardLevelMetrics: (d?.EnhancedMonitoring ?? []).flatMap((e) => e.ShardLevelMetrics ?? []),
    status: d?.StreamStatus ?? 'UNKNOWN',
    streamArn: d?.StreamARN ?? ref.streamArn ?? '',
    streamName: d?.StreamName ?? ref.streamName,
  }
}

/** The open shards (ShardFilter AT_LATEST, every page), sorted by starting hash key. */
export async function listOpenShards(
  kinesis: KinesisClient,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<ShardRange[]> {
  const shards: Shard[] = []
  let nextToken: string | undefined
  do {
    const page = await kinesis.send(
      new ListShardsCommand(nextToken ? {NextToken: nextToken} : {...apiRef(ref), ShardFilter: {Type: 'AT_LATEST'}}),
      abortOpts(signal),
    )
    shards.push(...(page.Shards ?? []))
    nextToken = page.NextToken
  } while (nextToken)

  return sortRanges(
    shards
      .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
      .map((s) => ({
        endingHashKey: parseExplicitHashKey(s.HashKeyRange?.EndingHashKey ?? '0'),
        shardId: s.ShardId ?? '',
        startingHashKey: parseExplicitHashKey(s.HashKeyRange?.StartingHashKey ?? '0'),
      })),
  )
}
