import type {KeyLoad, ShardLoadProfile} from '../load-profile.js'
import type {OpenRange, PlannedOp, PlannerResult, PredictedLoad} from './types.js'

/**
 * The resharding planners: pure functions over open ranges and load profiles that return ordered
 * SplitShard / MergeShards / UpdateShardCount operations with exact BigInt hash keys.
 *
 * - planUniformScaling: UpdateShardCount in legal steps (×2 / ÷2, ≤ 10,000), fewest calls first,
 *   then as many of AWS's recommended 25 %-multiple steps as possible.
 * - planSplitHot: split each hot shard at its load-weighted median hash key, recursively, until
 *   every predicted child is under the threshold.
 * - planIsolateKey: two splits bracketing one hash key so it gets a shard of its own.
 * - planMergeCold: merge adjacent shards whose combined load stays below a level (lower first).
 * - planEvenOut: splits and merges back to equal ranges for the current shard count.
 */
import {evenRanges, HASH_KEY_SPACE, type HashKeyRange, sortRanges} from '../hash-key.js'
import {dominantMeasure, predictLoad} from './load.js'
import {applyOp} from './ranges.js'

export const MAX_SHARDS_PER_STREAM_FOR_SCALING = 10_000
export const UPDATE_SHARD_COUNT_PER_24H = 10

const pct = (u: number): string => `${Math.round(u * 1000) / 10} %`

// ---------------------------------------------------------------- UpdateShardCount

/** AWS's rule for one UpdateShardCount call: within ×2 and ÷2 of the open count, at most 10,000. */
export function isLegalScalingStep(from: number, to: number): boolean {
  return (
    Number.isInteger(to) &&
    to >= 1 &&
    to !== from &&
    to <= 2 * from &&
    to >= Math.ceil(from / 2) &&
    to <= MAX_SHARDS_PER_STREAM_FOR_SCALING
  )
}

/** AWS recommends targets that are a multiple of 25 % of the current count (faster, fewer short-lived shards). */
export function isRecommendedScalingStep(from: number, to: number): boolean {
  return (4 * to) % from === 0
}

/**
 * The shard counts of a uniform-scaling plan from `current` to `target` (target last). Fewest
 * calls first (each call counts toward 10 per rolling 24 h), then the most 25 %-multiple steps,
 * then the steadiest growth (doubling first).
 */
// eslint-disable-next-line complexity -- a small layered search; splitting it would hide the ordering rules
export function scalingCounts(current: number, target: number): number[] {
  if (current === target) return []
  interface Path {
    counts: number[]
    other: number
  }

  let frontier = new Map<number, Path>([[current, {counts: [], other: 0}]])
  const seen = new Set<number>([current])
  for (let depth = 0; depth < 40; depth++) {
    const next = new Map<number, Path>()
    for (const [count, path] of frontier) {
      const candidates = new Set<number>([2 * count, Math.ceil(count / 2), target])
      for (const quarters of [2, 3, 5, 6, 7, 8]) {
        if ((count * quarters) % 4 === 0) candidates.add((count * quarters) / 4)
      }

      for (const to of candidates) {
        if (!isLegalScalingStep(count, to) || (seen.has(to) && to !== target)) continue
        // Never move away from the target.
        if ((target > current && (to < count || to > target)) || (target < current && (to > count || to < target)))
          continue
        const candidate = {
          counts: [...path.counts, to],
          other: path.other + (isRecommendedScalingStep(count, to) ? 0 : 1),
        }
        const best = next.get(to)
        if (
          !best ||
          candidate.other < best.other ||
          (candidate.other === best.other && isSteadier(candidate.counts, best.counts, target > current))
        ) {
          next.set(to, candidate)
        }
      }
    }

    const done = next.get(target)
    if (done) return done.counts
    for (const k of next.keys()) seen.add(k)
    frontier = next
  }

  throw new Error(`no uniform-scaling path from ${current} to ${target} shards`)
}

function isSteadier(a: number[], b: number[], up: boolean): boolean {
  // Prefer the path that moves furthest early (doubling or halving first).
  for (const [i, element] of a.entries()) {
    if (element !== b[i]) return up ? element! > b[i]! : element! < b[i]!
  }

  return false
}

export function planUniformScaling(current: number, target: number): PlannerResult {
  const counts = scalingCounts(current, target)
  const ops: PlannedOp[] = []
  let from = current
  for (const [i, to] of counts.entries()) {
    const factor = `${Math.round((to / from) * 10_000) / 100} %`
    const last = i === counts.length - 1
    const recommended = isRecommendedScalingStep(from, to)
      ? 'a 25 %-multiple step, as AWS recommends'
      : 'not a 25 %-multiple of the current count: AWS allows it but it may create more short-lived shards and take longer'
    ops.push({
      from,
      kind: 'scale',
      reason: `${from} → ${to} shards (${factor} of current; ${recommended})${last ? '' : `; one call may change the count by at most ×2 or ÷2, so the way to ${target} takes ${counts.length} calls`}`,
      to,
    })
    from = to
  }

  const notes =
    counts.length > 1
      ? [`${counts.length} UpdateShardCount calls: each call may at most double or halve the open shard count.`]
      : []
  return {notes, ops}
}

// ---------------------------------------------------------------- split-hot

interface Weighted {
  hashKey: bigint
  partitionKey?: string | undefined
  weight: number
}

function weightsIn(keyLoad: readonly KeyLoad[], range: HashKeyRange, measure: 'bytes' | 'records'): Weighted[] {
  const out: Weighted[] = []
  for (const k of keyLoad) {
    if (k.hashKey < range.startingHashKey || k.hashKey > range.endingHashKey) continue
    const weight = measure === 'bytes' ? k.bytes : k.records
    if (weight > 0) out.push({hashKey: k.hashKey, partitionKey: k.partitionKey, weight})
  }

  return out
}

export type SplitPoint =
  {at: bigint; kind: 'midpoint' | 'weighted-median'} | {key: Weighted; kind: 'single-key'} | {kind: 'too-narrow'}

/**
 * Where to split `range` of `profile`: the load-weighted median hash key of the sampled load in
 * the range (the boundary that best balances the two sides, placed half-way between the last key
 * of the lower half and the first key of the upper half), or the midpoint when only metrics are
 * known. Exact BigInt.
 */
export function splitPoint(profile: ShardLoadProfile, range: HashKeyRange): SplitPoint {
  if (range.endingHashKey - range.startingHashKey < 1n) return {kind: 'too-narrow'}
  const measure = dominantMeasure(predictLoad([profile], range) ?? profile)
  const keys = weightsIn(profile.keyLoad, range, measure)
  if (keys.length === 0) {
    return {at: range.startingHashKey + (range.endingHashKey - range.startingHashKey + 1n) / 2n, kind: 'midpoint'}
  }

  if (keys.length === 1) return {key: keys[0]!, kind: 'single-key'}
  const total = keys.reduce((s, k) => s + k.weight, 0)
  let left = 0
  let best = -1
  let bestMax = Number.POSITIVE_INFINITY
  for (let b = 0; b < keys.length - 1; b++) {
    left += keys[b]!.weight
    const worst = Math.max(left, total - left)
    if (worst < bestMax) {
      bestMax = worst
      best = b
    }
  }

  const lo = keys[best]!.hashKey
  const hi = keys[best + 1]!.hashKey
  return {at: lo + 1n + (hi - lo - 1n) / 2n, kind: 'weighted-median'}
}

export interface SplitHotOptions {
  /** Stop splitting one shard after this many children (guards against a runaway plan). */
  maxChildrenPerShard?: number
  /** A shard (or child) at or above this utilisation (fraction of one shard's write limit) is split. */
  threshold: number
}

function keyLabel(k: Weighted): string {
  return k.partitionKey === undefined
    ? `hash key ${k.hashKey}`
    : `partition key "${k.partitionKey}" (hash key ${k.hashKey})`
}

export function planSplitHot(profiles: readonly ShardLoadProfile[], options: SplitHotOptions): PlannerResult {
  const maxChildren = options.maxChildrenPerShard ?? 32
  const ops: PlannedOp[] = []
  const notes: string[] = []
  for (const profile of sortRanges(profiles)) {
    if (profile.utilisation < options.threshold) continue
    const queue: OpenRange[] = [
      {endingHashKey: profile.endingHashKey, shardId: profile.shardId, startingHashKey: profile.startingHashKey},
    ]
    let children = 1
    while (queue.length > 0) {
      const range = queue.shift()!
      const load = predictLoad([profile], range)
      if (!load || load.utilisation < options.threshold) continue
      if (children >= maxChildren) {
        notes.push(
          `${profile.shardId}: stopped after ${maxChildren} children; a child is still predicted at ${pct(load.utilisation)}.`,
        )
        break
      }

      const point = splitPoint(profile, range)
      if (point.kind === 'single-key' || point.kind === 'too-narrow') {
        const what =
          point.kind === 'single-key'
            ? keyLabel(point.key)
            : `the range [${range.startingHashKey} … ${range.endingHashKey}]`
        const over =
          load.utilisation >= 1
            ? "exceeds one shard's write limit on its own"
            : `stays at ${pct(load.utilisation)} of a shard`
        notes.push(
          `${profile.shardId}: ${what} ${over}; splitting cannot spread one hash key, so re-key it (add a suffix or salt to the partition key).`,
        )
        continue
      }

      const lower: OpenRange = {endingHashKey: point.at - 1n, shardId: null, startingHashKey: range.startingHashKey}
      const upper: OpenRange = {endingHashKey: range.endingHashKey, shardId: null, startingHashKey: point.at}
      const predicted: [PredictedLoad, PredictedLoad] = [predictLoad([profile], lower)!, predictLoad([profile], upper)!]
      const where =
        point.kind === 'weighted-median'
          ? 'at the load-weighted median hash key of the sample'
          : 'at the midpoint (no record sample: load assumed even across the range)'
      ops.push({
        kind: 'split',
        newStartingHashKey: point.at,
        parent: range,
        predicted,
        reason: `${range.shardId ?? `child of ${profile.shardId}`} is at ${pct(load.utilisation)} (threshold ${pct(options.threshold)}): split ${where} → ${pct(predicted[0].utilisation)} + ${pct(predicted[1].utilisation)}`,
      })
      children++
      queue.push(lower, upper)
    }
  }

  if (ops.length === 0 && notes.length === 0)
    notes.push(`No shard is at or above the threshold of ${pct(options.threshold)}: nothing to split.`)
  return {notes, ops}
}

// ---------------------------------------------------------------- isolate-key

export interface IsolateKeyOptions {
  hashKey: bigint
  /** For messages: the partition key whose hash this is. */
  label: string
  /** Load profiles, when known: used for the predicted loads and the hot-key warning. */
  profiles?: readonly ShardLoadProfile[] | undefined
}

/** The sampled per-second load of one hash key, when a profile has it. */
export function keyLoadOf(profiles: readonly ShardLoadProfile[], hashKey: bigint): PredictedLoad | undefined {
  for (const p of profiles) {
    if (hashKey < p.startingHashKey || hashKey > p.endingHashKey || p.keyLoad.length === 0) continue
    // A key that is not in the sample has no known load of its own.
    if (!p.keyLoad.some((k) => k.hashKey === hashKey)) return undefined
    return predictLoad([p], {endingHashKey: hashKey, startingHashKey: hashKey})
  }

  return undefined
}

export function planIsolateKey(ranges: readonly OpenRange[], options: IsolateKeyOptions): PlannerResult {
  const sorted = sortRanges(ranges)
  const home = sorted.find((r) => options.hashKey >= r.startingHashKey && options.hashKey <= r.endingHashKey)
  if (!home) throw new Error(`hash key ${options.hashKey} is in no open shard`)
  const notes: string[] = []
  const keyLoad = options.profiles ? keyLoadOf(options.profiles, options.hashKey) : undefined
  if (keyLoad && keyLoad.utilisation >= 1) {
    notes.push(
      `${options.label} alone is at ${pct(keyLoad.utilisation)} of one shard's write limit (${Math.round(keyLoad.bytesPerSec)} B/s, ${Math.round(keyLoad.recordsPerSec)} records/s): a shard of its own will still throttle; re-key it (add a suffix or salt to the partition key).`,
    )
  }

  if (home.startingHashKey === options.hashKey && home.endingHashKey === options.hashKey) {
    notes.push(`${options.label} already has a shard of its own (${home.shardId ?? 'open shard'}).`)
    return {notes, ops: []}
  }

  const ops: PlannedOp[] = []
  const predictedOf = (r: HashKeyRange) => (options.profiles ? predictLoad(options.profiles, r) : undefined)
  let current: OpenRange = home
  if (current.startingHashKey < options.hashKey) {
    const lower = {endingHashKey: options.hashKey - 1n, startingHashKey: current.startingHashKey}
    const upper = {endingHashKey: current.endingHashKey, startingHashKey: options.hashKey}
    const pl = predictedOf(lower)
    const pu = predictedOf(upper)
    ops.push({
      kind: 'split',
      newStartingHashKey: options.hashKey,
      parent: current,
      predicted: pl && pu ? [pl, pu] : undefined,
      reason: `split just below ${options.label}: the upper child starts at its hash key`,
    })
    current = {...upper, shardId: null}
  }

  if (current.endingHashKey > options.hashKey) {
    const lower = {endingHashKey: options.hashKey, startingHashKey: options.hashKey}
    const upper = {endingHashKey: current.endingHashKey, startingHashKey: options.hashKey + 1n}
    const pl = predictedOf(lower)
    const pu = predictedOf(upper)
    ops.push({
      kind: 'split',
      newStartingHashKey: options.hashKey + 1n,
      parent: current,
      predicted: pl && pu ? [pl, pu] : undefined,
      reason: `split just above ${options.label}: the lower child holds only its hash key`,
    })
  }

  return {notes, ops}
}

// ---------------------------------------------------------------- merge-cold

export interface MergeColdOptions {
  /** Merge while the combined utilisation stays strictly below this level. */
  below: number
}

export function planMergeCold(
  ranges: readonly OpenRange[],
  profiles: readonly ShardLoadProfile[],
  options: MergeColdOptions,
): PlannerResult {
  const sorted = sortRanges(ranges)
  const ops: PlannedOp[] = []
  const notes: string[] = []
  let group: OpenRange | undefined
  let groupLoad: PredictedLoad | undefined
  for (const next of sorted) {
    const nextLoad = predictLoad(profiles, next)
    if (!nextLoad) notes.push(`${next.shardId ?? 'a shard'}: load unknown, not merged.`)
    if (group && groupLoad && nextLoad && group.endingHashKey + 1n === next.startingHashKey) {
      const union = {endingHashKey: next.endingHashKey, shardId: null, startingHashKey: group.startingHashKey}
      const combined = predictLoad(profiles, union)
      if (combined && combined.utilisation < options.below) {
        ops.push({
          kind: 'merge',
          lower: group,
          predicted: combined,
          reason: `${group.shardId ?? 'merged shard'} (${pct(groupLoad.utilisation)}) + ${next.shardId ?? 'next shard'} (${pct(nextLoad.utilisation)}) = ${pct(combined.utilisation)}, below ${pct(options.below)}`,
          upper: next,
        })
        group = union
        groupLoad = combined
        continue
      }
    }

    group = next
    groupLoad = nextLoad
  }

  if (ops.length === 0)
    notes.push(`No two adjacent shards together stay below ${pct(options.below)}: nothing to merge.`)
  return {notes, ops}
}

// ---------------------------------------------------------------- even-out

/** Boundaries closer than this fraction of an even shard's width to the ideal one are left alone. */
export const EVEN_OUT_TOLERANCE = 1000n

export function planEvenOut(ranges: readonly OpenRange[], profiles?: readonly ShardLoadProfile[]): PlannerResult {
  let state = sortRanges(ranges)
  const n = state.length
  const tolerance = HASH_KEY_SPACE / BigInt(n) / EVEN_OUT_TOLERANCE
  const targets = evenRanges(n)
    .slice(1)
    .map((r) => r.startingHashKey)
  const currents = state.slice(1).map((r) => r.startingHashKey)
  const toAdd: bigint[] = []
  const toRemove: bigint[] = []
  let i = 0
  let j = 0
  while (i < currents.length || j < targets.length) {
    const c = currents[i]
    const t = targets[j]
    if (c !== undefined && t !== undefined && (c > t ? c - t : t - c) <= tolerance) {
      i++
      j++
    } else if (t === undefined || (c !== undefined && c < t)) {
      toRemove.push(c!)
      i++
    } else {
      toAdd.push(t)
      j++
    }
  }

  const ops: PlannedOp[] = []
  const predictedOf = (r: HashKeyRange) => (profiles ? predictLoad(profiles, r) : undefined)
  for (const [k, element] of toAdd.entries()) {
    // Split first, then merge: capacity never drops below the current count.
    const at = element!
    const parent = state.find((r) => at > r.startingHashKey && at <= r.endingHashKey)!
    const pl = predictedOf({endingHashKey: at - 1n, startingHashKey: parent.startingHashKey})
    const pu = predictedOf({endingHashKey: parent.endingHashKey, startingHashKey: at})
    const split: PlannedOp = {
      kind: 'split',
      newStartingHashKey: at,
      parent,
      predicted: pl && pu ? [pl, pu] : undefined,
      reason: `add the even boundary ${at} (1/${n} steps of the key space)`,
    }
    state = applyOp(state, split)
    ops.push(split)
    const boundary = toRemove[k]
    if (boundary === undefined) continue
    const lower = state.find((r) => r.endingHashKey + 1n === boundary)!
    const upper = state.find((r) => r.startingHashKey === boundary)!
    const merge: PlannedOp = {
      kind: 'merge',
      lower,
      predicted: predictedOf({endingHashKey: upper.endingHashKey, startingHashKey: lower.startingHashKey}),
      reason: `remove the uneven boundary ${boundary}`,
      upper,
    }
    state = applyOp(state, merge)
    ops.push(merge)
  }

  const notes =
    ops.length === 0
      ? [`The ${n} open shards already have equal ranges (within 1/${EVEN_OUT_TOLERANCE} of a shard's width).`]
      : []
  return {notes, ops}
}
