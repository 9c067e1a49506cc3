/**
 * Predicted load of any hash-key range from the hot-shards load profiles: a range inside one
 * shard gets that shard's rates × the share of the sampled load whose hash keys fall in it (or ×
 * its share of the key space when only metrics are known); a range over several shards adds up.
 * The predictions of a partition of the key space therefore sum to the stream's total.
 */
import type {HashKeyRange} from '../hash-key.js'
import type {PredictedLoad} from './types.js'

import {type KeyLoad, type ShardLoadProfile, writeUtilisation} from '../load-profile.js'

/** a/b for BigInt widths, as a float with ~15 significant digits. */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return 0
  const scale = 1_000_000_000_000_000n
  return Number((a * scale) / b) / 1e15
}

function width(r: HashKeyRange): bigint {
  return r.endingHashKey - r.startingHashKey + 1n
}

function overlap(a: HashKeyRange, b: HashKeyRange): HashKeyRange | undefined {
  // BigInt: Math.max/min do not take bigint.

  const start = a.startingHashKey > b.startingHashKey ? a.startingHashKey : b.startingHashKey

  const end = a.endingHashKey < b.endingHashKey ? a.endingHashKey : b.endingHashKey
  return start <= end ? {endingHashKey: end, startingHashKey: start} : undefined
}

function sumIn(keyLoad: readonly KeyLoad[], r: HashKeyRange): {bytes: number; records: number} {
  let bytes = 0
  let records = 0
  for (const k of keyLoad) {
    if (k.hashKey >= r.startingHashKey && k.hashKey <= r.endingHashKey) {
      bytes += k.bytes
      records += k.records
    }
  }

  return {bytes, records}
}

function sampleTotals(p: ShardLoadProfile): {bytes: number; records: number} {
  let bytes = 0
  let records = 0
  for (const k of p.keyLoad) {
    bytes += k.bytes
    records += k.records
  }

  return {bytes, records}
}

/** The share of a profile's bytes and records that falls in `part` (a sub-range of the profile). */
function shareOf(p: ShardLoadProfile, part: HashKeyRange): {bytes: number; records: number} {
  const byWidth = ratio(width(part), width(p))
  if (p.keyLoad.length === 0) return {bytes: byWidth, records: byWidth}
  const total = sampleTotals(p)
  const inPart = sumIn(p.keyLoad, part)
  return {
    bytes: total.bytes > 0 ? inPart.bytes / total.bytes : total.records > 0 ? inPart.records / total.records : byWidth,
    records: total.records > 0 ? inPart.records / total.records : byWidth,
  }
}

export function makeLoad(bytesPerSec: number, recordsPerSec: number): PredictedLoad {
  return {bytesPerSec, recordsPerSec, utilisation: writeUtilisation(bytesPerSec, recordsPerSec)}
}

/**
 * Predicted load of `range`; undefined when part of it is not covered by any profile (a shard
 * whose load is unknown).
 */
export function predictLoad(profiles: readonly ShardLoadProfile[], range: HashKeyRange): PredictedLoad | undefined {
  let bytes = 0
  let records = 0
  let covered = 0n
  for (const p of profiles) {
    const part = overlap(p, range)
    if (!part) continue
    covered += width(part)
    const share = shareOf(p, part)
    bytes += p.bytesPerSec * share.bytes
    records += p.recordsPerSec * share.records
  }

  return covered === width(range) ? makeLoad(bytes, records) : undefined
}

/** Which measure drives a profile's utilisation: bytes or records. */
export function dominantMeasure(p: Pick<ShardLoadProfile, 'bytesPerSec' | 'recordsPerSec'>): 'bytes' | 'records' {
  return p.bytesPerSec / 1_048_576 >= p.recordsPerSec / 1000 ? 'bytes' : 'records'
}
