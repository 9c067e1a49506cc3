import type {ApiHashKeyRange, OpenRange, PlannedOp, RangeView} from './types.js'

/**
 * Exact simulation of resharding operations on a set of open ranges: what SplitShard, MergeShards
 * and UpdateShardCount leave open. Used to show the plan's "after", to check a plan before it runs
 * and to recognise, on a re-run, how far a plan has got.
 */
import {InputError} from '../../core/errors.js'
import {evenRanges, type HashKeyRange, sortRanges} from '../hash-key.js'

export function sameRange(a: HashKeyRange, b: HashKeyRange): boolean {
  return a.startingHashKey === b.startingHashKey && a.endingHashKey === b.endingHashKey
}

export function rangeKey(r: HashKeyRange): string {
  return `${r.startingHashKey}-${r.endingHashKey}`
}

export function toApiRange(r: HashKeyRange): ApiHashKeyRange {
  return {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()}
}

export function fromApiRange(r: ApiHashKeyRange): HashKeyRange {
  return {endingHashKey: BigInt(r.EndingHashKey), startingHashKey: BigInt(r.StartingHashKey)}
}

export function toRangeView(r: OpenRange, predictedUtilisation?: number): RangeView {
  return {
    endingHashKey: r.endingHashKey.toString(),
    ...(predictedUtilisation === undefined ? {} : {predictedUtilisation}),
    shardId: r.shardId,
    startingHashKey: r.startingHashKey.toString(),
  }
}

/** Two sets of open ranges are the same layout (shard ids ignored). */
export function sameLayout(a: readonly HashKeyRange[], b: readonly HashKeyRange[]): boolean {
  if (a.length !== b.length) return false
  const sa = sortRanges(a)
  const sb = sortRanges(b)
  return sa.every((r, i) => sameRange(r, sb[i]!))
}

function describe(r: HashKeyRange): string {
  return `[${r.startingHashKey} … ${r.endingHashKey}]`
}

/**
 * Apply one planned operation to open ranges (a new array, sorted). Throws when the operation is
 * not legal on those ranges (shard not open, split key outside the range, merge of non-adjacent
 * shards or in the wrong order), so a wrong plan never reaches AWS.
 */
export function applyOp(ranges: readonly OpenRange[], op: PlannedOp): OpenRange[] {
  switch (op.kind) {
    case 'merge': {
      const lower = ranges.findIndex((r) => sameRange(r, op.lower))
      const upper = ranges.findIndex((r) => sameRange(r, op.upper))
      if (lower === -1) throw new InputError(`MergeShards: no open shard has the range ${describe(op.lower)}`)
      if (upper === -1) throw new InputError(`MergeShards: no open shard has the range ${describe(op.upper)}`)
      if (op.lower.endingHashKey + 1n !== op.upper.startingHashKey) {
        throw new InputError(
          `MergeShards: ${describe(op.lower)} and ${describe(op.upper)} are not adjacent with the lower one first`,
        )
      }

      const next = ranges.filter((_, i) => i !== lower && i !== upper)
      next.push({endingHashKey: op.upper.endingHashKey, shardId: null, startingHashKey: op.lower.startingHashKey})
      return sortRanges(next)
    }

    case 'scale': {
      if (ranges.length !== op.from)
        throw new InputError(`UpdateShardCount step expects ${op.from} open shards, found ${ranges.length}`)
      // AWS creates equal ranges; the exact boundaries are AWS's choice, so this is the prediction.
      return evenRanges(op.to).map((r) => ({...r, shardId: null}))
    }

    case 'split': {
      const index = ranges.findIndex((r) => sameRange(r, op.parent))
      if (index === -1) throw new InputError(`SplitShard: no open shard has the range ${describe(op.parent)}`)
      const parent = ranges[index]!
      if (op.newStartingHashKey <= parent.startingHashKey || op.newStartingHashKey > parent.endingHashKey) {
        throw new InputError(
          `SplitShard: new starting hash key ${op.newStartingHashKey} is not inside ${describe(parent)} (it must be above the start)`,
        )
      }

      const next = ranges.filter((_, i) => i !== index)
      next.push(
        {endingHashKey: op.newStartingHashKey - 1n, shardId: null, startingHashKey: parent.startingHashKey},
        {endingHashKey: parent.endingHashKey, shardId: null, startingHashKey: op.newStartingHashKey},
      )
      return sortRanges(next)
    }
  }
}

/** The open ranges after each operation: states[0] is the start, states[i] follows op i−1. */
export function simulate(ranges: readonly OpenRange[], ops: readonly PlannedOp[]): OpenRange[][] {
  const states: OpenRange[][] = [sortRanges(ranges)]
  for (const op of ops) states.push(applyOp(states.at(-1)!, op))
  return states
}

/** Highest number of open shards at any point of the plan (short-lived shards excluded). */
export function peakOpenShards(states: readonly OpenRange[][]): number {
  return Math.max(...states.map((s) => s.length))
}
