/**
 * `kinesis where-is`: partition key → MD5 → unsigned 128-bit hash key → the open shard whose range
 * holds it. Exact BigInt maths against the real ranges (never assumes even ranges).
 */
import {findRange, hashKeyOfPartitionKey, parseExplicitHashKey, type ShardRange, sortRanges} from './hash-key.js'

export interface KeyLocation {
  endingHashKey: null | string
  explicitHashKey?: string | undefined
  /** The 128-bit hash key, decimal. */
  hashKey: string
  /** MD5 of the key's UTF-8 bytes, hex (absent for explicit hash keys). */
  md5?: string | undefined
  partitionKey?: string | undefined
  /** Where the hash sits inside the shard's range (0 = start, 1 = end). */
  positionInShard: null | number
  shardId: null | string
  startingHashKey: null | string
}

export interface WhereIsResult {
  keys: KeyLocation[]
  /** Where the ranges came from: the stream, N even ranges, or a shard-map file. */
  ranges: {openShards: number; source: string}
  stream: null | string
}

function locate(
  sorted: readonly ShardRange[],
  hash: bigint,
): Pick<KeyLocation, 'endingHashKey' | 'positionInShard' | 'shardId' | 'startingHashKey'> {
  const r = findRange(sorted, hash)
  if (!r) return {endingHashKey: null, positionInShard: null, shardId: null, startingHashKey: null}
  const width = r.endingHashKey - r.startingHashKey
  return {
    endingHashKey: r.endingHashKey.toString(),
    positionInShard: width === 0n ? 0 : Number(((hash - r.startingHashKey) * 1_000_000n) / width) / 1_000_000,
    shardId: r.shardId,
    startingHashKey: r.startingHashKey.toString(),
  }
}

export function whereIs(
  partitionKeys: readonly string[],
  explicitHashKeys: readonly string[],
  ranges: readonly ShardRange[],
): KeyLocation[] {
  const sorted = sortRanges(ranges)
  const out: KeyLocation[] = []
  for (const key of partitionKeys) {
    const hash = hashKeyOfPartitionKey(key)
    out.push({
      hashKey: hash.toString(),
      md5: hash.toString(16).padStart(32, '0'),
      partitionKey: key,
      ...locate(sorted, hash),
    })
  }

  for (const text of explicitHashKeys) {
    const hash = parseExplicitHashKey(text)
    out.push({explicitHashKey: text, hashKey: hash.toString(), ...locate(sorted, hash)})
  }

  return out
}
