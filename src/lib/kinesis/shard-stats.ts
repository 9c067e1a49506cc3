/**
 * Rate statistics of one shard over a window, from per-minute CloudWatch sums or per-second
 * record buckets. Utilisation is max(bytes/1 MiB, records/1000) per interval; `utilisation.avg`
 * is the utilisation of the average rates (what a planner adds up), p99 and max are over the
 * per-interval utilisations.
 */
import {InputError} from '../core/errors.js'
import {writeUtilisation} from './load-profile.js'

export interface RateStats {
  avg: number
  max: number
  p99: number
}

export interface ShardRateStats {
  bytesPerSec: RateStats
  /** Minutes in the window (whole or partial) that had data or were covered. */
  minutesObserved: number
  /** Minutes whose utilisation was at or above the threshold. */
  minutesOverThreshold: number
  /** True when per-second (records) or per-minute (metrics) detail exists; false for totals only. */
  perIntervalKnown: boolean
  recordsPerSec: RateStats
  /** Seconds above 100 % of the write limit, when throttling is certain (records source only). */
  secondsOverLimit?: number | undefined
  utilisation: RateStats
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return sorted[rank - 1]!
}

function stats(values: readonly number[], avg: number): RateStats {
  let max = 0
  for (const v of values) if (v > max) max = v
  return {avg, max, p99: percentile(values, 99)}
}

/**
 * From per-minute Sums (CloudWatch Sum over 60 s): rate = Sum / 60. Missing minutes are zero.
 */
export function statsFromMinuteSums(
  bytesSums: readonly number[],
  recordsSums: readonly number[],
  threshold: number,
): ShardRateStats {
  const n = Math.max(bytesSums.length, recordsSums.length)
  const b: number[] = []
  const r: number[] = []
  const u: number[] = []
  for (let i = 0; i < n; i++) {
    const bytes = (bytesSums[i] ?? 0) / 60
    const records = (recordsSums[i] ?? 0) / 60
    b.push(bytes)
    r.push(records)
    u.push(writeUtilisation(bytes, records))
  }

  const avgB = n ? b.reduce((x, y) => x + y, 0) / n : 0
  const avgR = n ? r.reduce((x, y) => x + y, 0) / n : 0
  return {
    bytesPerSec: stats(b, avgB),
    minutesObserved: n,
    minutesOverThreshold: u.filter((x) => x >= threshold).length,
    perIntervalKnown: true,
    recordsPerSec: stats(r, avgR),
    utilisation: stats(u, writeUtilisation(avgB, avgR)),
  }
}

/**
 * From per-second buckets over [startSec, endSec) (seconds without records count as zero).
 * Minutes are calendar minutes; a partial minute at an edge is averaged over its covered seconds.
 */
export function statsFromSeconds(
  perSecondBytes: ReadonlyMap<number, number>,
  perSecondRecords: ReadonlyMap<number, number>,
  startSec: number,
  endSec: number,
  threshold: number,
  largeRecordSeconds: ReadonlySet<number> = new Set(),
  /** Per-minute sums from an aggregate source (spans over 6 hours; the seconds are then only those that may be over the limit). */
  minuteSums?: {bytes: ReadonlyMap<number, number>; records: ReadonlyMap<number, number>},
): ShardRateStats {
  const n = Math.max(1, endSec - startSec)
  const over = (sec: number, bytes: number, records: number): boolean =>
    overLimit(bytes, records, largeRecordSeconds.has(sec))
  if (n > MAX_PER_SECOND_SPAN)
    return statsFromLongSpan({perSecondBytes, perSecondRecords}, minuteSums, startSec, n, threshold, over)
  if (minuteSums)
    throw new InputError(
      `per-minute sums were given for a span of ${n} s: below ${MAX_PER_SECOND_SPAN} s every second is needed`,
    )
  const b: number[] = []
  const r: number[] = []
  const u: number[] = []
  let totalB = 0
  let totalR = 0
  let secondsOverLimit = 0
  const minuteB = new Map<number, number>()
  const minuteR = new Map<number, number>()
  const minuteN = new Map<number, number>()
  for (let s = startSec; s < startSec + n; s++) {
    const bytes = perSecondBytes.get(s) ?? 0
    const records = perSecondRecords.get(s) ?? 0
    totalB += bytes
    totalR += records
    b.push(bytes)
    r.push(records)
    const util = writeUtilisation(bytes, records)
    u.push(util)
    if (over(s, bytes, records)) secondsOverLimit++
    const m = Math.floor(s / 60)
    minuteB.set(m, (minuteB.get(m) ?? 0) + bytes)
    minuteR.set(m, (minuteR.get(m) ?? 0) + records)
    minuteN.set(m, (minuteN.get(m) ?? 0) + 1)
  }

  let minutesOverThreshold = 0
  for (const [m, secs] of minuteN) {
    if (writeUtilisation(minuteB.get(m)! / secs, minuteR.get(m)! / secs) >= threshold) minutesOverThreshold++
  }

  const avgB = totalB / n
  const avgR = totalR / n
  return {
    bytesPerSec: stats(b, avgB),
    minutesObserved: minuteN.size,
    minutesOverThreshold,
    perIntervalKnown: true,
    recordsPerSec: stats(r, avgR),
    secondsOverLimit,
    utilisation: stats(u, writeUtilisation(avgB, avgR)),
  }
}

/**
 * Demand above the write limit in one second: throttled for certain. Bytes of a second that holds a
 * record over 1 MiB do not count (large records are absorbed by temporary burst capacity); its
 * record count still does.
 */
function overLimit(bytes: number, records: number, hasLargeRecord: boolean): boolean {
  return writeUtilisation(hasLargeRecord ? 0 : bytes, records) > 1
}

/** Above 6 hours, avg/p99/max are taken over minutes (per-second series would be too long). */
export const MAX_PER_SECOND_SPAN = 6 * 3600

function statsFromLongSpan(
  seconds: {perSecondBytes: ReadonlyMap<number, number>; perSecondRecords: ReadonlyMap<number, number>},
  minuteSums: undefined | {bytes: ReadonlyMap<number, number>; records: ReadonlyMap<number, number>},
  startSec: number,
  n: number,
  threshold: number,
  over: (sec: number, bytes: number, records: number) => boolean,
): ShardRateStats {
  const {perSecondBytes, perSecondRecords} = seconds
  const firstMinute = Math.floor(startSec / 60)
  const minutes = Math.ceil((startSec + n) / 60) - firstMinute
  const bytes = Array.from({length: minutes}, () => 0)
  const records = Array.from({length: minutes}, () => 0)
  const addTo = (sums: number[], minute: number, v: number): void => {
    const m = minute - firstMinute
    if (m >= 0 && m < minutes) sums[m] = sums[m]! + v
  }

  let secondsOverLimit = 0
  for (const [sec, v] of perSecondBytes) {
    if (!minuteSums) addTo(bytes, Math.floor(sec / 60), v)
    if (over(sec, v, perSecondRecords.get(sec) ?? 0)) secondsOverLimit++
  }

  for (const [sec, v] of perSecondRecords) {
    if (!minuteSums) addTo(records, Math.floor(sec / 60), v)
    if (!perSecondBytes.has(sec) && over(sec, 0, v)) secondsOverLimit++
  }

  if (minuteSums) {
    for (const [minute, v] of minuteSums.bytes) addTo(bytes, minute, v)
    for (const [minute, v] of minuteSums.records) addTo(records, minute, v)
  }

  return {...statsFromMinuteSums(bytes, records, threshold), secondsOverLimit}
}

/** From totals over a span of seconds, when records carry no timestamps: only averages are known. */
export function statsFromTotals(bytes: number, records: number, seconds: number, threshold: number): ShardRateStats {
  const b = bytes / seconds
  const r = records / seconds
  const util = writeUtilisation(b, r)
  const minutes = Math.max(1, Math.ceil(seconds / 60))
  return {
    bytesPerSec: {avg: b, max: b, p99: b},
    minutesObserved: minutes,
    minutesOverThreshold: util >= threshold ? minutes : 0,
    perIntervalKnown: false,
    recordsPerSec: {avg: r, max: r, p99: r},
    utilisation: {avg: util, max: util, p99: util},
  }
}
