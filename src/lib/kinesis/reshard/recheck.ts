/**
 * Validation again before a saved plan (--plan FILE) is applied: the quota and the shard limit
 * may have changed since the plan was made. Only the steps still to do are counted.
 */
import type {Plan} from '../../core/plan.js'
import type {QuotaView, ReshardBaseline, ReshardStepParams, ValidationCheck} from './types.js'

import {readStreamState, type StreamRef} from '../stream.js'
import {stepsDoneByLayout} from './executor.js'
import {type PlanDeps, toPlannedOp} from './plan.js'
import {UPDATE_SHARD_COUNT_PER_24H} from './planners.js'
import {countUpdateShardCount24h, readShardLimits, validatePlan} from './validate.js'

export async function recheckSavedPlan(
  deps: PlanDeps,
  stream: StreamRef,
  plan: Plan<ReshardBaseline, ReshardStepParams>,
): Promise<{checks: ValidationCheck[]; quota: QuotaView}> {
  const state = await readStreamState(deps.kinesis, stream, {signal: deps.signal, wait: deps.wait ?? {}})
  // An on-demand or off-path stream is refused by the executor's start check with its own message.
  const done = stepsDoneByLayout(plan, state) ?? 0
  const remaining = plan.steps.slice(done).map((s) => toPlannedOp(s))
  const [quota, limits] = await Promise.all([
    countUpdateShardCount24h(
      deps.cloudtrail,
      {arn: state.streamArn, name: state.streamName},
      {limiter: deps.trailLimiter, now: deps.now(), signal: deps.signal},
    ),
    readShardLimits(deps.kinesis, deps.signal),
  ])
  const checks = validatePlan({limits, ops: remaining, quota, streamOpen: state.open.length})
  return {checks, quota: {limit: UPDATE_SHARD_COUNT_PER_24H, updateShardCountUsed24h: quota.used}}
}
