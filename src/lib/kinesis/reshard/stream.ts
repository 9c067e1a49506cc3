/**
 * Live stream state for resharding: DescribeStreamSummary (status, mode, open count) and every
 * shard from ListShards with its lineage (parent, adjacent parent, open or closed), plus the
 * wait-for-ACTIVE loop with backoff that every reshard step needs.
 */
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis'

import type {OpenRange} from './types.js'

import {abortOpts} from '../../aws/abort.js'
import {ExitCode, NotFoundError, PipeopsError, UsageError} from '../../core/errors.js'
import {sleep as sharedSleep} from '../../core/sleep.js'
import {sortRanges} from '../hash-key.js'

export type KinesisLike = Pick<KinesisClient, 'send'>

/** How to name the stream in API calls: by ARN when the user gave one, else by name. */
export interface StreamRef {
  StreamARN?: string
  StreamName?: string
}

const ARN = /^arn:aws[\w-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/([\w.-]{1,128})$/
const NAME = /^[\w.-]{1,128}$/

export function parseStreamRef(text: string): {name: string; ref: StreamRef} {
  const arn = ARN.exec(text)
  if (arn) return {name: arn[1]!, ref: {StreamARN: text}}
  if (NAME.test(text)) return {name: text, ref: {StreamName: text}}
  throw new UsageError(`--stream "${text}" is neither a stream name nor a Kinesis stream ARN`, {
    suggestions: [
      'A stream name has 1–128 letters, digits, "_", "-" or "."; an ARN looks like arn:aws:kinesis:us-east-1:123456789012:stream/orders.',
    ],
  })
}

export interface ListedShard {
  adjacentParentShardId?: string | undefined
  endingHashKey: bigint
  open: boolean
  parentShardId?: string | undefined
  shardId: string
  startingHashKey: bigint
}

export interface StreamState {
  mode: 'ON_DEMAND' | 'PROVISIONED'
  /** Open shards, sorted by starting hash key. */
  open: OpenRange[]
  /** Every listed shard, open and closed, with lineage. */
  shards: ListedShard[]
  status: string
  streamArn: string
  streamName: string
}

export interface StreamSummary {
  mode: 'ON_DEMAND' | 'PROVISIONED'
  openShardCount: number
  status: string
  streamArn: string
  streamName: string
}

export async function describeStream(
  kinesis: KinesisLike,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<StreamSummary> {
  let out
  try {
    out = await kinesis.send(new DescribeStreamSummaryCommand(ref), abortOpts(signal))
  } catch (error) {
    if ((error as {name?: string}).name === 'ResourceNotFoundException') {
      throw new NotFoundError(`stream ${ref.StreamName ?? ref.StreamARN} not found`, {
        cause: error,
        suggestions: ['Check the stream name, the account and --region (list streams with: aws kinesis list-streams).'],
      })
    }

    throw error
  }

  const s = out.StreamDescriptionSummary
  if (!s) throw new PipeopsError(ExitCode.Internal, 'DescribeStreamSummary returned no StreamDescriptionSummary')
  return {
    mode: s.StreamModeDetails?.StreamMode === 'ON_DEMAND' ? 'ON_DEMAND' : 'PROVISIONED',
    openShardCount: s.OpenShardCount ?? 0,
    status: s.StreamStatus ?? 'UNKNOWN',
    streamArn: s.StreamARN ?? ref.StreamARN ?? '',
    streamName: s.StreamName ?? ref.StreamName ?? '',
  }
}

/** Every shard of the stream (all pages), with lineage. */
export async function listAllShards(
  kinesis: KinesisLike,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<ListedShard[]> {
  const shards: ListedShard[] = []
  let nextToken: string | undefined
  do {
    // NextToken must be sent alone, and each page needs the previous one's token.
    const input: ListShardsCommandInput = nextToken ? {NextToken: nextToken} : {...ref}
    const page = await kinesis.send(new ListShardsCommand(input), abortOpts(signal))
    for (const s of page.Shards ?? []) {
      shards.push({
        adjacentParentShardId: s.AdjacentParentShardId,
        endingHashKey: BigInt(s.HashKeyRange?.EndingHashKey ?? '0'),
        open: !s.SequenceNumberRange?.EndingSequenceNumber,
        parentShardId: s.ParentShardId,
        shardId: s.ShardId ?? '',
        startingHashKey: BigInt(s.HashKeyRange?.StartingHashKey ?? '0'),
      })
    }

    nextToken = page.NextToken
  } while (nextToken)

  return shards
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** The shared abortable sleep: Ctrl-C ends a wait at once with exit 8. */
export const sleep: Sleep = sharedSleep

export interface WaitOptions {
  /** Longest pause between polls (default 5 s). */
  maxPollMs?: number
  now?: () => number
  /** Called once when the stream is found not ACTIVE (e.g. another reshard is running). */
  onWaiting?: ((status: string) => void) | undefined
  /** First pause between polls (default 250 ms); grows ×1.5 per poll. */
  pollMs?: number
  signal?: AbortSignal | undefined
  sleep?: Sleep
  /** Give up after this long (default 30 min). */
  timeoutMs?: number
}

/** Poll DescribeStreamSummary (backoff ×1.5 up to maxPollMs) until the stream is ACTIVE. */
export async function waitForActive(
  kinesis: KinesisLike,
  ref: StreamRef,
  options: WaitOptions = {},
): Promise<StreamSummary> {
  const now = options.now ?? Date.now
  const pause = options.sleep ?? sleep
  const deadline = now() + (options.timeoutMs ?? 30 * 60_000)
  let delay = options.pollMs ?? 250
  let told = false
  for (;;) {
    const summary = await describeStream(kinesis, ref, options.signal)
    if (summary.status === 'ACTIVE') return summary
    if (!told) options.onWaiting?.(summary.status)
    told = true
    if (summary.status === 'DELETING')
      throw new NotFoundError(`stream ${summary.streamName} is being deleted`, {suggestions: ['Pick another stream.']})
    if (now() >= deadline) {
      throw new PipeopsError(
        5,
        `stream ${summary.streamName} is still ${summary.status} after ${Math.round((options.timeoutMs ?? 30 * 60_000) / 1000)} s`,
        {
          code: 'StreamNotActive',
          suggestions: [
            'Another reshard or update is still running: wait until the stream is ACTIVE, then run the command again (it resumes).',
          ],
        },
      )
    }

    await pause(delay, options.signal)
    delay = Math.min(delay * 1.5, options.maxPollMs ?? 5000)
  }
}

/** The stream once it is ACTIVE, with every shard and its lineage. */
export async function readStreamState(
  kinesis: KinesisLike,
  ref: StreamRef,
  options: WaitOptions = {},
): Promise<StreamState> {
  const summary = await waitForActive(kinesis, ref, options)
  const shards = await listAllShards(kinesis, ref, options.signal)
  return {
    mode: summary.mode,
    open: sortRanges(
      shards
        .filter((s) => s.open)
        .map((s) => ({endingHashKey: s.endingHashKey, shardId: s.shardId, startingHashKey: s.startingHashKey})),
    ),
    shards,
    status: summary.status,
    streamArn: summary.streamArn,
    streamName: summary.streamName,
  }
}
