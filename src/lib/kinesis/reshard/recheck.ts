/**
 * Validation again before a saved plan (--plan FILE) is applied: the quota and the shard limit
 * may have changed since the plan was made. Only the steps still to do are counted.
 */
import type {Plan} from '../../core/plan.js'
import type {RunContext} from '../../core/run-context.js'
import type {QuotaView, ReshardBaseline, ReshardStepParams, ValidationCheck} from './types.js'

import {readStreamState} from '../stream.js'
import {stepsDoneByLayout} from './executor.js'
import {type ReshardClients, type ReshardReadOptions, toPlannedOp} from './plan.js'
import {UPDATE_SHARD_COUNT_PER_24H} from './planners.js'
import {checkOpsAgainstLimits} from './validate.js'

export async function recheckSavedPlan(
  clients: ReshardClients,
  request: ReshardReadOptions & {plan: Plan<ReshardBaseline, ReshardStepParams>},
  ctx: RunContext,
): Promise<{checks: ValidationCheck[]; quota: QuotaView}> {
  const {plan} = request
  const state = await readStreamState(clients.kinesis, request.stream, {signal: ctx.signal, wait: request.wait ?? {}})
  // An on-demand or off-path stream is refused by the executor's start check with its own message.
  const done = stepsDoneByLayout(plan, state) ?? 0
  const remaining = plan.steps.slice(done).map((s) => toPlannedOp(s))
  const {checks, quota} = await checkOpsAgainstLimits(clients, {ops: remaining, state}, ctx)
  return {checks, quota: {limit: UPDATE_SHARD_COUNT_PER_24H, updateShardCountUsed24h: quota.used}}
}
