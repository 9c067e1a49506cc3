/**
 * Per-shard load profiles: the hand-off between hot-shard analysis (`kinesis hot-shards`) and the
 * resharding planner (`kinesis reshard --split-hot`). Keep this shape stable.
 *
 * How to get profiles:
 * - from a live stream (metrics, then a record sample when asked or needed):
 *   `analyseHotShards({kinesis, cloudwatch}, options)` in `./hot-shards.js` → `.profiles`
 * - from an offline record file: `analyseHotShards({}, {records: {...}, shardRanges})` (same function, no clients)
 * - from rates and key observations you already have: `buildLoadProfiles()` below.
 */

/** One shard's write limit (AWS: 1 MiB/s including partition keys, 1000 records/s). */
export const SHARD_WRITE_BYTES_PER_SEC = 1_048_576
export const SHARD_WRITE_RECORDS_PER_SEC = 1000

export interface KeyLoad {
  bytes: number
  hashKey: bigint
  /** The partition key when this entry is one key; undefined for the remaining load of a slice of the range (see ShardLoadProfile.keyLoad). */
  partitionKey?: string | undefined
  records: number
}

export interface ShardLoadProfile {
  /** observed per-second rates over the window (metrics or sample) */
  bytesPerSec: number
  endingHashKey: bigint
  /**
   * load by hash key from a record sample, aggregated per hash key, sorted by hashKey ascending; [] when only metrics are known.
   * Entries with a partitionKey are individual (heavy) keys; entries without one carry the rest of the load of one
   * 1/256 slice of the shard's range, placed at the slice's midpoint hash key. The entries sum to the sampled total.
   */
  keyLoad: KeyLoad[]
  /** per-second scale of keyLoad: keyLoad bytes/records × this = per-second rates */
  keyLoadScale: number
  recordsPerSec: number
  shardId: string
  startingHashKey: bigint
  /** max(bytes/1 MiB, records/1000) per second, as a fraction of one shard's write limit */
  utilisation: number
}

/** max(bytes/1 MiB, records/1000): the fraction of one shard's write limit used. */
export function writeUtilisation(bytesPerSec: number, recordsPerSec: number): number {
  return Math.max(bytesPerSec / SHARD_WRITE_BYTES_PER_SEC, recordsPerSec / SHARD_WRITE_RECORDS_PER_SEC)
}

export interface ShardRateInput {
  bytesPerSec: number
  endingHashKey: bigint
  recordsPerSec: number
  shardId: string
  startingHashKey: bigint
}

export interface ShardKeyLoadInput {
  keyLoad: KeyLoad[]
  /** keyLoad totals × scale = per-second rates (1 / seconds covered by the sample). */
  scale: number
}

/** Merge entries with the same hash key and sort ascending (a copy). */
export function aggregateKeyLoad(entries: Iterable<KeyLoad>): KeyLoad[] {
  const byHash = new Map<bigint, KeyLoad>()
  for (const e of entries) {
    const prev = byHash.get(e.hashKey)
    if (prev) {
      prev.bytes += e.bytes
      prev.records += e.records
      if (prev.partitionKey !== e.partitionKey) prev.partitionKey = prev.partitionKey ?? e.partitionKey
    } else {
      byHash.set(e.hashKey, {...e})
    }
  }

  return [...byHash.values()].sort((a, b) => (a.hashKey < b.hashKey ? -1 : a.hashKey > b.hashKey ? 1 : 0))
}

/** Profiles from per-shard rates, with the key load of the shards that were sampled (by shard id). */
export function buildLoadProfiles(
  shards: readonly ShardRateInput[],
  keyLoads: ReadonlyMap<string, ShardKeyLoadInput> = new Map(),
): ShardLoadProfile[] {
  return shards.map((s) => {
    const kl = keyLoads.get(s.shardId)
    return {
      bytesPerSec: s.bytesPerSec,
      endingHashKey: s.endingHashKey,
      keyLoad: kl ? aggregateKeyLoad(kl.keyLoad) : [],
      keyLoadScale: kl ? kl.scale : 0,
      recordsPerSec: s.recordsPerSec,
      shardId: s.shardId,
      startingHashKey: s.startingHashKey,
      utilisation: writeUtilisation(s.bytesPerSec, s.recordsPerSec),
    }
  })
}
