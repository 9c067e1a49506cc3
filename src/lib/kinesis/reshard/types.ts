/**
 * Shared types of the resharding flow (`kinesis reshard`): open ranges, planned operations, plan
 * step parameters (JSON, decimal hash keys) and the command's result.
 */
import type {HashKeyRange} from '../hash-key.js'

export type ReshardStrategy = 'even-out' | 'isolate-key' | 'merge-cold' | 'split-hot' | 'target-shards'

/** An open shard's range; shardId is null for a shard a planned step would create. */
export interface OpenRange extends HashKeyRange {
  shardId: null | string
}

/** Predicted per-second load of a range (from the hot-shards load profiles). */
export interface PredictedLoad {
  bytesPerSec: number
  recordsPerSec: number
  /** max(bytes / 1 MiB, records / 1000): fraction of one shard's write limit. */
  utilisation: number
}

/** A planned operation, in exact BigInt hash keys (planners' output). */
export type PlannedOp =
  | {
      /** Merge two adjacent shards; `lower` (lower hash keys) is always sent as ShardToMerge. */
      kind: 'merge'
      lower: OpenRange
      predicted?: PredictedLoad | undefined
      reason: string
      upper: OpenRange
    }
  | {
      /** Split `parent` so the upper child starts at `newStartingHashKey`. */
      kind: 'split'
      newStartingHashKey: bigint
      parent: OpenRange
      /** Predicted load of the two children, when load is known. */
      predicted?: [PredictedLoad, PredictedLoad] | undefined
      reason: string
    }
  | {
      /** UpdateShardCount (UNIFORM_SCALING) from `from` open shards to `to`. */
      from: number
      kind: 'scale'
      reason: string
      to: number
    }

export interface PlannerResult {
  /** Things the reader must know (e.g. a key too hot for any split). */
  notes: string[]
  ops: PlannedOp[]
}

/** Hash-key range in the API's form: decimal strings. */
export interface ApiHashKeyRange {
  EndingHashKey: string
  StartingHashKey: string
}

export interface SplitShardParams {
  /** The range of the shard to split (so a step can name a shard an earlier step creates). */
  HashKeyRange: ApiHashKeyRange
  NewStartingHashKey: string
  /** null when the shard is created by an earlier step of the same plan. */
  ShardToSplit: null | string
  StreamName: string
}

export interface MergeShardsParams {
  AdjacentShardRange: ApiHashKeyRange
  AdjacentShardToMerge: null | string
  ShardToMerge: null | string
  ShardToMergeRange: ApiHashKeyRange
  StreamName: string
}

export interface UpdateShardCountParams {
  CurrentShardCount: number
  ScalingType: 'UNIFORM_SCALING'
  StreamName: string
  TargetShardCount: number
}

export type ReshardStepParams = MergeShardsParams | SplitShardParams | UpdateShardCountParams

export type ReshardOperation = 'MergeShards' | 'SplitShard' | 'UpdateShardCount'

/** A range as it appears in results and plan files. */
export interface RangeView {
  endingHashKey: string
  /** Predicted load after the plan (when load is known); absent for live ranges. */
  predictedUtilisation?: number | undefined
  /** null for a shard the plan will create (its id is chosen by Kinesis). */
  shardId: null | string
  startingHashKey: string
}

/** What the plan was computed from; checked again before a saved plan is applied. */
export interface ReshardBaseline {
  openRanges: Array<{endingHashKey: string; shardId: string; startingHashKey: string}>
  streamArn: string
  streamName: string
}

export interface QuotaView {
  /** 'unknown' when CloudTrail could not be read. */
  limit: number
  updateShardCountUsed24h: 'unknown' | number
}

export type CheckStatus = 'fail' | 'ok' | 'unknown' | 'warn'

export interface ValidationCheck {
  check: string
  detail: string
  status: CheckStatus
}

export interface ReshardSummary {
  after: RangeView[]
  /** Mutating API calls the plan makes. */
  apiCalls: number
  before: RangeView[]
  checks: ValidationCheck[]
  /** Rough wall time in seconds (waits for ACTIVE included). */
  estimatedSeconds: number
  notes: string[]
  quota: QuotaView
  strategy: ReshardStrategy
}

export type ReshardStepStatus = 'already-done' | 'applied' | 'failed' | 'not-run' | 'planned'

export interface ReshardResult {
  after: RangeView[]
  applied: boolean
  before: RangeView[]
  quota: QuotaView
  steps: Array<{op: ReshardOperation; params: ReshardStepParams; reason: string; status: ReshardStepStatus}>
  strategy: ReshardStrategy
  stream: string
}
