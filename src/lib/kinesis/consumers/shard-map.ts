import type {ListedShard} from '../stream.js'

/**
 * A saved shard list with closed shards and lineage: the output of `aws kinesis list-shards`
 * (every page appended, or one) or `aws kinesis describe-stream`. Closed shards matter here: a
 * child shard's lease waits for its parents, which are closed.
 */
import {InputError} from '../../core/errors.js'
import {splitJsonDocuments} from './lease-items.js'

export interface ShardList {
  retentionHours: null | number
  shards: ListedShard[]
  streamName: null | string
}

interface RawShard {
  AdjacentParentShardId?: unknown
  HashKeyRange?: {EndingHashKey?: unknown; StartingHashKey?: unknown}
  ParentShardId?: unknown
  SequenceNumberRange?: {EndingSequenceNumber?: unknown}
  ShardId?: unknown
}

const HOW =
  'Save it with: aws kinesis list-shards --stream-name NAME --output json > shards.json (all shards, closed ones too).'

function bigOrZero(v: unknown): bigint {
  try {
    return typeof v === 'string' ? BigInt(v) : 0n
  } catch {
    return 0n
  }
}

function listedShard(s: RawShard, i: number, source: string): ListedShard {
  if (typeof s?.ShardId !== 'string')
    throw new InputError(`${source}: shard #${i + 1} has no ShardId`, {suggestions: [HOW]})
  return {
    adjacentParentShardId: typeof s.AdjacentParentShardId === 'string' ? s.AdjacentParentShardId : undefined,
    endingHashKey: bigOrZero(s.HashKeyRange?.EndingHashKey),
    open: !s.SequenceNumberRange?.EndingSequenceNumber,
    parentShardId: typeof s.ParentShardId === 'string' ? s.ParentShardId : undefined,
    shardId: s.ShardId,
    startingHashKey: bigOrZero(s.HashKeyRange?.StartingHashKey),
  }
}

export function parseShardList(text: string, source: string): ShardList {
  const docs = splitJsonDocuments(text, source)
  const shards: ListedShard[] = []
  let retentionHours: null | number = null
  let streamName: null | string = null
  for (const doc of docs) {
    const d = doc as {
      Shards?: unknown
      StreamDescription?: {RetentionPeriodHours?: unknown; Shards?: unknown; StreamName?: unknown}
    }
    const list = Array.isArray(d?.Shards)
      ? d.Shards
      : Array.isArray(d?.StreamDescription?.Shards)
        ? d.StreamDescription.Shards
        : undefined
    if (!list) throw new InputError(`${source} has no "Shards" list`, {suggestions: [HOW]})
    if (typeof d.StreamDescription?.RetentionPeriodHours === 'number')
      retentionHours = d.StreamDescription.RetentionPeriodHours
    if (typeof d.StreamDescription?.StreamName === 'string') streamName = d.StreamDescription.StreamName
    for (const [i, s] of (list as RawShard[]).entries()) shards.push(listedShard(s, i, source))
  }

  if (shards.length === 0) throw new InputError(`${source} lists no shards`, {suggestions: [HOW]})
  return {retentionHours, shards, streamName}
}
