/**
 * Kinesis hash-key maths, exact (BigInt) as AWS does it: partition key → MD5 of its UTF-8 bytes →
 * unsigned 128-bit big-endian integer → the open shard whose [StartingHashKey, EndingHashKey]
 * holds it. Hash keys travel as decimal strings (the API's form) and are compared as BigInt.
 */
import {InputError} from '../core/errors.js'
import {md5Words, wordsToBigInt} from './fast-md5.js'

export const MAX_HASH_KEY = (1n << 128n) - 1n
export const HASH_KEY_SPACE = 1n << 128n

export interface HashKeyRange {
  endingHashKey: bigint
  startingHashKey: bigint
}

export interface ShardRange extends HashKeyRange {
  shardId: string
}

const scratch = new Uint32Array(4)

/** MD5(UTF-8 bytes of the key) as an unsigned 128-bit integer (pure-JS MD5, identical to node:crypto's). */
export function hashKeyOfPartitionKey(partitionKey: string): bigint {
  md5Words(partitionKey, scratch)
  return wordsToBigInt(scratch)
}

/** Batch form: the hash keys of many partition keys, in order. */
export function hashKeysOfPartitionKeys(partitionKeys: readonly string[]): bigint[] {
  return partitionKeys.map((k) => hashKeyOfPartitionKey(k))
}

/**
 * The hash key as four big-endian uint32 words (no BigInt allocation), written to `out` at `offset`.
 * For hot loops: locate the shard with `LoadTally.locate` (load-tally.ts).
 */
export function hashWordsOfPartitionKey(partitionKey: string, out: Uint32Array, offset = 0): void {
  md5Words(partitionKey, out, offset)
}

/** The ExplicitHashKey pattern of the API: `0|([1-9]\d{0,38})`, and at most 2^128−1. */
export function parseExplicitHashKey(text: string): bigint {
  if (!/^(0|[1-9]\d{0,38})$/.test(text)) {
    throw new InputError(`explicit hash key "${text}" is not a decimal integer without leading zeros`, {
      suggestions: ['An explicit hash key is a decimal number from 0 to 340282366920938463463374607431768211455.'],
    })
  }

  const value = BigInt(text)
  if (value > MAX_HASH_KEY) {
    throw new InputError(`explicit hash key ${text} is larger than 2^128−1`, {
      suggestions: ['An explicit hash key is a decimal number from 0 to 340282366920938463463374607431768211455.'],
    })
  }

  return value
}

/**
 * The ranges AWS gives a new stream of N shards: steps of floor(2^128 / N), the last shard
 * ending at 2^128−1 (AWS CLI describe-stream example; kinesalite). Real streams may differ:
 * always prefer ListShards' ranges when a stream is at hand.
 */
export function evenRanges(shardCount: number): ShardRange[] {
  if (!Number.isInteger(shardCount) || shardCount < 1 || shardCount > 100_000) {
    throw new InputError(`shard count must be a whole number from 1 to 100000, not ${shardCount}`)
  }

  const n = BigInt(shardCount)
  const step = HASH_KEY_SPACE / n
  const ranges: ShardRange[] = []
  for (let i = 0n; i < n; i++) {
    ranges.push({
      endingHashKey: i === n - 1n ? MAX_HASH_KEY : (i + 1n) * step - 1n,
      shardId: `shardId-${String(i).padStart(12, '0')}`,
      startingHashKey: i * step,
    })
  }

  return ranges
}

/** Sort by starting hash key (a copy). */
export function sortRanges<R extends HashKeyRange>(ranges: readonly R[]): R[] {
  return [...ranges].sort((a, b) =>
    a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0,
  )
}

/** Binary search in ranges sorted by start; undefined when the hash falls in a gap. */
export function findRange<R extends HashKeyRange>(sortedRanges: readonly R[], hash: bigint): R | undefined {
  let lo = 0
  let hi = sortedRanges.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const r = sortedRanges[mid]!
    if (hash < r.startingHashKey) hi = mid - 1
    else if (hash > r.endingHashKey) lo = mid + 1
    else return r
  }

  return undefined
}

export interface CoverageProblem {
  from: bigint
  kind: 'gap' | 'overlap'
  to: bigint
}

/** Gaps and overlaps of a set of open ranges against the whole key space 0 … 2^128−1. */
export function coverageProblems(ranges: readonly HashKeyRange[]): CoverageProblem[] {
  const sorted = sortRanges(ranges)
  const problems: CoverageProblem[] = []
  let expected = 0n
  for (const r of sorted) {
    if (r.startingHashKey > expected) problems.push({from: expected, kind: 'gap', to: r.startingHashKey - 1n})
    else if (r.startingHashKey < expected)
      problems.push({
        from: r.startingHashKey,
        kind: 'overlap',
        to: expected - 1n < r.endingHashKey ? expected - 1n : r.endingHashKey,
      })
    if (r.endingHashKey + 1n > expected) expected = r.endingHashKey + 1n
  }

  if (expected <= MAX_HASH_KEY) problems.push({from: expected, kind: 'gap', to: MAX_HASH_KEY})
  return problems
}

/** Share of the key space a range covers, as a fraction of 1 (for display). */
export function keySpaceShare(range: HashKeyRange): number {
  const width = range.endingHashKey - range.startingHashKey + 1n
  // Scale to 1e12 before dividing so the fraction keeps 12 significant digits.
  return Number((width * 1_000_000_000_000n) / HASH_KEY_SPACE) / 1e12
}
