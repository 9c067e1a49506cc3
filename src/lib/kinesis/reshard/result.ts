/**
 * The `kinesis reshard` result: the plan's steps with their status, the open ranges before and
 * after (live after an apply, predicted otherwise) and the UpdateShardCount quota.
 */
import type {ApplyReport} from '../../core/plan.js'
import type {StreamState} from '../stream.js'
import type {ReshardPlan} from './plan.js'
import type {QuotaView, ReshardOperation, ReshardResult, ReshardStepStatus} from './types.js'

import {toRangeView} from './ranges.js'

export interface PlanRunLike {
  mode: 'applied' | 'dry-run' | 'up-to-date'
  plan: ReshardPlan
  report?: ApplyReport | undefined
}

/** `quota`: a fresher count than the plan's (a saved plan re-checked before it is applied). */
export function buildReshardResult(run: PlanRunLike, live?: StreamState, quota?: QuotaView): ReshardResult {
  const {plan} = run
  const status = (id: string): ReshardStepStatus => {
    if (run.mode !== 'applied' || !run.report) return 'planned'
    if (run.report.applied.includes(id)) return 'applied'
    if (run.report.skipped.includes(id)) return 'already-done'
    if (run.report.failed?.stepId === id) return 'failed'
    return 'not-run'
  }

  const applied = run.mode === 'applied'
  const appliedScaling = applied
    ? plan.steps.filter((s) => s.operation === 'UpdateShardCount' && status(s.id) === 'applied').length
    : 0
  const used = (quota ?? plan.summary.quota).updateShardCountUsed24h
  return {
    after: applied && live ? live.open.map((r) => toRangeView(r)) : plan.summary.after,
    applied,
    before: plan.summary.before,
    quota: {
      limit: plan.summary.quota.limit,
      updateShardCountUsed24h: used === 'unknown' ? 'unknown' : used + appliedScaling,
    },
    steps: plan.steps.map((s) => ({
      op: s.operation as ReshardOperation,
      params: s.params,
      reason: s.reason,
      status: status(s.id),
    })),
    strategy: plan.summary.strategy,
    stream: plan.baseline.streamName,
  }
}

/**
 * The open shards of a result in ListShards form (`{"Shards": [...]}`), for offline analysis with
 * `kinesis hot-shards --records FILE --shard-map FILE`. Shards a dry-run plan would create get
 * placeholder ids ("planned-1", …).
 */
export function shardMapDocument(result: ReshardResult): {
  Shards: Array<{HashKeyRange: {EndingHashKey: string; StartingHashKey: string}; ShardId: string}>
} {
  let planned = 0
  return {
    Shards: result.after.map((r) => ({
      HashKeyRange: {EndingHashKey: r.endingHashKey, StartingHashKey: r.startingHashKey},
      ShardId: r.shardId ?? `planned-${++planned}`,
    })),
  }
}
