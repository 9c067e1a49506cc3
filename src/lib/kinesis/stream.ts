/**
 * The one Kinesis stream module: the stream reference a command parses once from --stream, its
 * description (DescribeStreamSummary), its shards (one ListShards pager: open shards only, or every
 * shard with its lineage), and the wait-for-ACTIVE loop with backoff that every reshard step needs.
 */
import type {KinesisClient, ListShardsCommandInput} from '@aws-sdk/client-kinesis'

import {abortOpts} from '../aws/abort.js'
import {ExitCode, NotFoundError, PipeopsError, UsageError} from '../core/errors.js'
import {sleep as sharedSleep} from '../core/sleep.js'
import {parseExplicitHashKey, type ShardRange, sortRanges} from './hash-key.js'

export type KinesisLike = Pick<KinesisClient, 'send'>

/** A stream as the user named it: by ARN (then API calls use the ARN) or by name. */
export interface StreamRef {
  streamArn?: string | undefined
  streamName: string
}

const ARN = /^arn:aws[\w-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/([\w.-]{1,128})$/
const NAME = /^[\w.-]{1,128}$/

/** `NAME` or `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME` → the stream reference (checked here, once). */
export function parseStreamRef(text: string): StreamRef {
  const arn = ARN.exec(text)
  if (arn) return {streamArn: text, streamName: arn[1]!}
  if (NAME.test(text)) return {streamName: text}
  throw new UsageError(`--stream "${text}" is neither a stream name nor a Kinesis stream ARN`, {
    suggestions: [
      'A stream name has 1–128 letters, digits, "_", "-" or "."; an ARN looks like arn:aws:kinesis:us-east-1:123456789012:stream/orders.',
    ],
  })
}

/** How API calls name the stream: by ARN when the user gave one, else by name. */
export function apiRef(ref: StreamRef): {StreamARN: string} | {StreamName: string} {
  return ref.streamArn ? {StreamARN: ref.streamArn} : {StreamName: ref.streamName}
}

export interface StreamSummary {
  mode: 'ON_DEMAND' | 'PROVISIONED'
  openShardCount: number
  /** How long records stay readable (DescribeStreamSummary RetentionPeriodHours). */
  retentionHours?: number | undefined
  shardLevelMetrics: string[]
  status: string
  streamArn: string
  streamName: string
}

export async function describeStream(
  kinesis: KinesisLike,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<StreamSummary> {
  const {DescribeStreamSummaryCommand} = await import('@aws-sdk/client-kinesis')
  let out
  try {
    out = await kinesis.send(new DescribeStreamSummaryCommand(apiRef(ref)), abortOpts(signal))
  } catch (error) {
    if ((error as {name?: string}).name === 'ResourceNotFoundException') {
      throw new NotFoundError(`stream ${ref.streamArn ?? ref.streamName} not found`, {
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
    retentionHours: s.RetentionPeriodHours,
    shardLevelMetrics: (s.EnhancedMonitoring ?? []).flatMap((e) => e.ShardLevelMetrics ?? []),
    status: s.StreamStatus ?? 'UNKNOWN',
    streamArn: s.StreamARN ?? ref.streamArn ?? '',
    streamName: s.StreamName ?? ref.streamName,
  }
}

export interface ListedShard extends ShardRange {
  adjacentParentShardId?: string | undefined
  open: boolean
  parentShardId?: string | undefined
}

/**
 * The stream's shards, every page (NextToken is sent alone, each page with the previous one's
 * token). `openOnly`: ShardFilter AT_LATEST (the open shards); otherwise every shard with lineage.
 */
export async function listShards(
  kinesis: KinesisLike,
  ref: StreamRef,
  options: {openOnly: boolean; signal?: AbortSignal | undefined},
): Promise<ListedShard[]> {
  const {ListShardsCommand} = await import('@aws-sdk/client-kinesis')
  const first: ListShardsCommandInput = {
    ...apiRef(ref),
    ...(options.openOnly ? {ShardFilter: {Type: 'AT_LATEST'}} : {}),
  }
  const shards: ListedShard[] = []
  let nextToken: string | undefined
  do {
    const page = await kinesis.send(
      new ListShardsCommand(nextToken ? {NextToken: nextToken} : first),
      abortOpts(options.signal),
    )
    for (const s of page.Shards ?? []) {
      shards.push({
        adjacentParentShardId: s.AdjacentParentShardId,
        endingHashKey: parseExplicitHashKey(s.HashKeyRange?.EndingHashKey ?? '0'),
        open: !s.SequenceNumberRange?.EndingSequenceNumber,
        parentShardId: s.ParentShardId,
        shardId: s.ShardId ?? '',
        startingHashKey: parseExplicitHashKey(s.HashKeyRange?.StartingHashKey ?? '0'),
      })
    }

    nextToken = page.NextToken
  } while (nextToken)

  return shards
}

/** The open shards, sorted by starting hash key. */
function openRanges(shards: readonly ListedShard[]): ShardRange[] {
  return sortRanges(
    shards
      .filter((s) => s.open)
      .map((s) => ({endingHashKey: s.endingHashKey, shardId: s.shardId, startingHashKey: s.startingHashKey})),
  )
}

/** The open shards (ShardFilter AT_LATEST, every page), sorted by starting hash key. */
export async function listOpenShards(
  kinesis: KinesisLike,
  ref: StreamRef,
  signal?: AbortSignal,
): Promise<ShardRange[]> {
  return openRanges(await listShards(kinesis, ref, {openOnly: true, signal}))
}

/** What a flow reads of a live stream once, and passes down. */
export interface StreamState extends StreamSummary {
  /** Open shards, sorted by starting hash key. */
  open: ShardRange[]
  /** How API calls name the stream: the ARN if the user gave one, with the name AWS reports. */
  ref: StreamRef
  /** Every listed shard (with lineage when read with `lineage`; else the open ones). */
  shards: ListedShard[]
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
        ExitCode.Throttled,
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

/**
 * The stream as it is now. With `wait`, once it is ACTIVE (resharding needs that) and with every
 * shard and its lineage; without, as described (an analysis reads an updating stream too) and with
 * its open shards only.
 */
export async function readStreamState(
  kinesis: KinesisLike,
  ref: StreamRef,
  options: {signal?: AbortSignal | undefined; wait?: undefined | WaitOptions} = {},
): Promise<StreamState> {
  const summary = options.wait
    ? await waitForActive(kinesis, ref, {...options.wait, signal: options.signal ?? options.wait.signal})
    : await describeStream(kinesis, ref, options.signal)
  // The name AWS reports, with the ARN the user gave: both name the same stream.
  const named = {streamArn: ref.streamArn, streamName: summary.streamName}
  const shards = await listShards(kinesis, named, {openOnly: !options.wait, signal: options.signal})
  return {...summary, open: openRanges(shards), ref: named, shards}
}
