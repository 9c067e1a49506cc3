import type {RateStats} from './shard-stats.js'

/**
 * Hot-shard rules, hot keys, split points and the verdict (pure functions).
 */
import {type KeyLoad, SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC, writeUtilisation} from './load-profile.js'

/** A key at or above this fraction of a shard's write limit cannot be helped by splitting. Observed rates of a throttled key never exceed the limit (throttled records are not stored), so the bar is set just under it. */
export const KEY_LIMIT_FRACTION = 0.9
/** Keys with at least this share of their shard's load are listed as hot keys. */
export const HOT_KEY_SHARE = 0.2

export interface HotRuleInput {
  minutesObserved: number
  minutesOverThreshold: number
  /** Highest utilisation of one interval (for the reason's text). */
  peakUtilisation?: number | undefined
  /** Seconds above 100 % of the write limit, throttled for certain (per-second sources only; metrics count throttling instead). */
  secondsOverLimit?: number | undefined
  throttledRecords: null | number
}

/**
 * Hot when demand went above 100 % of the shard's write limit in any second (Kinesis throttles
 * whatever is above the limit, so throttling is certain, however short), when utilisation ≥
 * threshold for ≥ minMinutes minutes (sustained load under the hard limit; every observed minute
 * when the window is shorter), or when any record was throttled.
 */
export function hotReasons(s: HotRuleInput, threshold: number, minMinutes: number): string[] {
  const reasons: string[] = []
  const overSeconds = s.secondsOverLimit ?? 0
  if (overSeconds > 0) {
    const peak =
      s.peakUtilisation !== undefined && s.peakUtilisation > 1 ? ` (peak ${Math.round(s.peakUtilisation * 100)} %)` : ''
    reasons.push(
      `demand above 100 % of the write limit in ${overSeconds} second(s)${peak}: records above the limit are throttled for certain`,
    )
  }

  const needed = Math.max(1, Math.min(minMinutes, s.minutesObserved))
  if (s.minutesObserved > 0 && s.minutesOverThreshold >= needed) {
    reasons.push(
      `utilisation ≥ ${Math.round(threshold * 100)} % for ${s.minutesOverThreshold} of ${s.minutesObserved} minute(s)`,
    )
  }

  if (s.throttledRecords !== null && s.throttledRecords > 0)
    reasons.push(`${Math.round(s.throttledRecords)} record(s) throttled (WriteProvisionedThroughputExceeded)`)
  return reasons
}

export interface ChildPrediction {
  endingHashKey: bigint
  startingHashKey: bigint
  utilisation: {avg: number; p99: number}
}

export interface SplitPoint {
  basis: 'load-weighted median' | 'midpoint (no key sample)'
  children: [ChildPrediction, ChildPrediction]
  newStartingHashKey: bigint
}

function childPrediction(
  start: bigint,
  end: bigint,
  bytesShare: number,
  recordsShare: number,
  bytes: RateStats,
  records: RateStats,
): ChildPrediction {
  return {
    endingHashKey: end,
    startingHashKey: start,
    utilisation: {
      avg: writeUtilisation(bytes.avg * bytesShare, records.avg * recordsShare),
      p99: writeUtilisation(bytes.p99 * bytesShare, records.p99 * recordsShare),
    },
  }
}

/**
 * Where to split a shard: the load-weighted median of its key load (weighted by the dimension
 * that drives its utilisation), choosing the side of the median key that balances the children
 * best; the midpoint when there is no key sample. Exact BigInt hash keys.
 */
export function splitPoint(
  range: {endingHashKey: bigint; startingHashKey: bigint},
  keyLoad: readonly KeyLoad[],
  bytes: RateStats,
  records: RateStats,
): SplitPoint | undefined {
  const {endingHashKey: end, startingHashKey: start} = range
  if (end <= start) return undefined
  const totalB = keyLoad.reduce((a, k) => a + k.bytes, 0)
  const totalR = keyLoad.reduce((a, k) => a + k.records, 0)
  if (keyLoad.length === 0 || (totalB <= 0 && totalR <= 0)) {
    const mid = start + (end - start + 1n) / 2n
    return {
      basis: 'midpoint (no key sample)',
      children: [
        childPrediction(start, mid - 1n, 0.5, 0.5, bytes, records),
        childPrediction(mid, end, 0.5, 0.5, bytes, records),
      ],
      newStartingHashKey: mid,
    }
  }

  const byBytes = bytes.avg / SHARD_WRITE_BYTES_PER_SEC >= records.avg / SHARD_WRITE_RECORDS_PER_SEC
  const weight = (k: KeyLoad): number =>
    byBytes ? (totalB > 0 ? k.bytes / totalB : 0) : totalR > 0 ? k.records / totalR : 0
  const sorted = [...keyLoad].sort((a, b) => (a.hashKey < b.hashKey ? -1 : a.hashKey > b.hashKey ? 1 : 0))
  let cum = 0
  let j = 0
  for (; j < sorted.length; j++) {
    cum += weight(sorted[j]!)
    if (cum >= 0.5) break
  }

  j = Math.min(j, sorted.length - 1)
  const median = sorted[j]!.hashKey
  const candidates = [median, median + 1n].filter((k) => k > start && k <= end)
  if (candidates.length === 0) candidates.push(start + (end - start + 1n) / 2n)
  let best: SplitPoint | undefined
  let bestScore = Number.POSITIVE_INFINITY
  for (const k of candidates) {
    let lowB = 0
    let lowR = 0
    for (const e of sorted) {
      if (e.hashKey >= k) break
      lowB += e.bytes
      lowR += e.records
    }

    const bShareLow = totalB > 0 ? lowB / totalB : 0.5
    const rShareLow = totalR > 0 ? lowR / totalR : 0.5
    const children: [ChildPrediction, ChildPrediction] = [
      childPrediction(start, k - 1n, bShareLow, rShareLow, bytes, records),
      childPrediction(k, end, 1 - bShareLow, 1 - rShareLow, bytes, records),
    ]
    const score = Math.max(children[0].utilisation.avg, children[1].utilisation.avg)
    if (score < bestScore) {
      bestScore = score
      best = {basis: 'load-weighted median', children, newStartingHashKey: k}
    }
  }

  return best
}

export type Verdict = 'healthy' | 'hot-key' | 'hot-shard'

export function decideVerdict(hotShardCount: number, keysOverLimit: number): Verdict {
  if (keysOverLimit > 0) return 'hot-key'
  if (hotShardCount > 0) return 'hot-shard'
  return 'healthy'
}

/** True when a key's per-second rate alone reaches a shard's limit (within KEY_LIMIT_FRACTION). */
export function keyExceedsShardLimit(bytesPerSec: number, recordsPerSec: number): boolean {
  return writeUtilisation(bytesPerSec, recordsPerSec) >= KEY_LIMIT_FRACTION
}
