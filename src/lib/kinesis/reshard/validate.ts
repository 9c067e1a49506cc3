/**
 * Checks before a reshard runs: provisioned mode, the UpdateShardCount quota (10 calls per
 * rolling 24 h, counted from CloudTrail), the account shard limit (DescribeLimits) including the
 * short-lived shards a reshard creates, and the account's 5/s rate for SplitShard and MergeShards.
 */
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'

import {DescribeLimitsCommand} from '@aws-sdk/client-kinesis'

import type {TrailSearcher} from '../../cloudtrail/athena-lookup.js'
import type {RunContext} from '../../core/run-context.js'
import type {KinesisLike} from '../stream.js'
import type {PlannedOp, ValidationCheck} from './types.js'

import {abortOpts} from '../../aws/abort.js'
import {lookupEvents, type RateLimiter} from '../../cloudtrail/lookup.js'
import {classifyError, PipeopsError} from '../../core/errors.js'
import {UPDATE_SHARD_COUNT_PER_24H} from './planners.js'

export const SPLIT_MERGE_RATE_PER_SECOND = 5

/**
 * Where the UpdateShardCount quota is counted: a trail's logs in Athena (`--trail-table`), else
 * CloudTrail event history (paced by `trailLimiter` when the run shares one), else not at all.
 */
export interface QuotaClients {
  cloudtrail?: Pick<CloudTrailClient, 'send'> | undefined
  trail?: TrailSearcher | undefined
  trailLimiter?: RateLimiter | undefined
}

export type QuotaCount = {oldest?: string | undefined; used: number} | {reason: string; used: 'unknown'}

/**
 * Successful UpdateShardCount calls on this stream in the rolling 24 h before `now`, from
 * CloudTrail event history; 'unknown' (with why) when CloudTrail cannot be read.
 */
export async function countUpdateShardCount24h(
  clients: QuotaClients,
  stream: {arn: string; name: string},
  ctx: RunContext,
): Promise<QuotaCount> {
  const {cloudtrail, trail} = clients
  const now = ctx.now()
  if (trail) return countInTrail(trail, stream, now, ctx.signal)
  if (!cloudtrail)
    return {
      reason: 'CloudTrail is not queried when Kinesis goes to a custom endpoint (emulator) and CloudTrail does not',
      used: 'unknown',
    }
  const start = new Date(now.getTime() - 24 * 3_600_000)
  try {
    const {events} = await lookupEvents(
      {cloudtrail, limiter: clients.trailLimiter},
      {end: now, eventName: 'UpdateShardCount', eventSource: 'kinesis.amazonaws.com', start},
      ctx,
    )
    const ours = events.filter((e) => !e.errorCode && namesStream(e.requestParameters, stream))
    const oldest = ours.map((e) => e.eventTime).sort()[0]
    return {oldest, used: ours.length}
  } catch (error) {
    if (ctx.signal.aborted) throw error
    const cause = classifyError(error)
    return {reason: `CloudTrail LookupEvents failed: ${cause.message}`, used: 'unknown'}
  }
}

/** The same count from a trail's logs in Athena (`--trail-table`): one query over a day or two of partitions. */
async function countInTrail(
  trail: TrailSearcher,
  stream: {arn: string; name: string},
  now: Date,
  signal: AbortSignal,
): Promise<QuotaCount> {
  const start = new Date(now.getTime() - 24 * 3_600_000)
  try {
    const {events} = await trail.lookup({
      end: now,
      eventName: 'UpdateShardCount',
      eventSource: 'kinesis.amazonaws.com',
      start,
    })
    const ours = events.filter((e) => !e.errorCode && namesStream(e.requestParameters, stream))
    return {oldest: ours.map((e) => e.eventTime).sort()[0], used: ours.length}
  } catch (error) {
    if (signal.aborted) throw error
    return {
      reason: `the CloudTrail table ${trail.table} could not be searched: ${classifyError(error).message}`,
      used: 'unknown',
    }
  }
}

function namesStream(params: unknown, stream: {arn: string; name: string}): boolean {
  if (typeof params !== 'object' || params === null) return false
  const p = params as {streamARN?: unknown; streamName?: unknown}
  return (
    p.streamName === stream.name ||
    (stream.arn !== '' && p.streamARN === stream.arn) ||
    (typeof p.streamARN === 'string' && p.streamARN.endsWith(`:stream/${stream.name}`))
  )
}

export type ShardLimits = {openShardCount: number; shardLimit: number} | {reason: string; unknown: true}

export async function readShardLimits(kinesis: KinesisLike, signal?: AbortSignal): Promise<ShardLimits> {
  try {
    const out = await kinesis.send(new DescribeLimitsCommand({}), abortOpts(signal))
    if (out.ShardLimit === undefined || out.OpenShardCount === undefined)
      return {reason: 'DescribeLimits returned no shard limit', unknown: true}
    return {openShardCount: out.OpenShardCount, shardLimit: out.ShardLimit}
  } catch (error) {
    if (signal?.aborted) throw error
    return {reason: `DescribeLimits failed: ${classifyError(error).message}`, unknown: true}
  }
}

/**
 * Short-lived shards an UpdateShardCount call may create beyond the larger of the two counts
 * (AWS: "short-lived shards … count towards your total shard limit"). AWS does not publish the
 * number; this estimate assumes none for exact doublings/halvings (every shard splits or merges
 * evenly) and |to − from| extra otherwise.
 */
export function shortLivedEstimate(from: number, to: number): number {
  return to % from === 0 || from % to === 0 ? 0 : Math.abs(to - from)
}

/** Highest open-shard count of the stream during the plan, short-lived shards included (estimate). */
export function peakDuringPlan(startOpen: number, ops: readonly PlannedOp[]): number {
  let open = startOpen
  let peak = open
  for (const op of ops) {
    if (op.kind === 'split') open++
    else if (op.kind === 'merge') open--
    else {
      peak = Math.max(peak, Math.max(op.from, op.to) + shortLivedEstimate(op.from, op.to))
      open = op.to
    }

    peak = Math.max(peak, open)
  }

  return peak
}

export interface ValidationInput {
  limits: ShardLimits
  ops: readonly PlannedOp[]
  quota: QuotaCount
  streamOpen: number
}

/**
 * The checks, in order, with ok / warn / unknown / fail. Throws (exit 5, over a service limit) when
 * the plan cannot run: UpdateShardCount quota exhausted or the account shard limit too low.
 */
export function validatePlan(input: ValidationInput): ValidationCheck[] {
  const checks: ValidationCheck[] = [
    {
      check: 'capacity mode',
      detail: 'PROVISIONED: SplitShard, MergeShards and UpdateShardCount are allowed',
      status: 'ok',
    },
    {check: 'stream status', detail: 'ACTIVE; steps run one at a time, each waiting for ACTIVE', status: 'ok'},
  ]
  const scaleCalls = input.ops.filter((o) => o.kind === 'scale').length
  if (input.quota.used === 'unknown') {
    checks.push({
      check: 'UpdateShardCount quota',
      detail: `calls in the last 24 h unknown (${input.quota.reason}); the limit is ${UPDATE_SHARD_COUNT_PER_24H} per rolling 24 h${scaleCalls > 0 ? `, this plan needs ${scaleCalls}` : ''}`,
      status: scaleCalls > 0 ? 'warn' : 'unknown',
    })
  } else {
    const left = UPDATE_SHARD_COUNT_PER_24H - input.quota.used
    const fits = scaleCalls <= left
    checks.push({
      check: 'UpdateShardCount quota',
      detail: `${input.quota.used} of ${UPDATE_SHARD_COUNT_PER_24H} used in the last 24 h (CloudTrail); this plan needs ${scaleCalls}${fits ? '' : `, only ${Math.max(0, left)} left`}`,
      status: fits ? 'ok' : 'fail',
    })
    if (!fits) {
      const free = input.quota.oldest
        ? new Date(Date.parse(input.quota.oldest) + 24 * 3_600_000).toISOString()
        : undefined
      throw new PipeopsError(
        5,
        `the plan needs ${scaleCalls} UpdateShardCount call(s) but only ${Math.max(0, left)} of ${UPDATE_SHARD_COUNT_PER_24H} are left in the rolling 24 h`,
        {
          code: 'UpdateShardCountQuota',
          details: {checks},
          suggestions: [
            ...(free ? [`The oldest call leaves the 24-h window at ${free}; run again after that.`] : []),
            'Choose a nearer --target-shards (fewer calls), or use --split-hot / --merge-cold, which do not use this quota.',
          ],
        },
      )
    }
  }

  const peak = peakDuringPlan(input.streamOpen, input.ops)
  if ('unknown' in input.limits) {
    checks.push({
      check: 'account shard limit',
      detail: `unknown (${input.limits.reason}); this stream peaks at about ${peak} open shards during the plan`,
      status: 'unknown',
    })
  } else {
    const needed = input.limits.openShardCount - input.streamOpen + peak
    const ok = needed <= input.limits.shardLimit
    const detail = `${input.limits.openShardCount} of ${input.limits.shardLimit} open in the account; peak during the plan ≈ ${needed} (this stream up to ${peak}, short-lived shards included)`
    checks.push({check: 'account shard limit', detail, status: ok ? 'ok' : 'fail'})
    if (!ok) {
      throw new PipeopsError(
        5,
        `the plan would need about ${needed} open shards in the account, over the limit of ${input.limits.shardLimit}`,
        {
          code: 'ShardLimitExceeded',
          details: {checks},
          suggestions: [
            'Request a higher shard quota (Service Quotas, Kinesis "Shards per Region"), or plan fewer splits (a higher --threshold) or a smaller --target-shards.',
          ],
        },
      )
    }
  }

  const splitMerge = input.ops.length - scaleCalls
  checks.push({
    check: 'SplitShard/MergeShards rate',
    detail:
      splitMerge === 0
        ? 'no SplitShard or MergeShards calls'
        : `${splitMerge} call(s), one at a time with a wait for ACTIVE between them: far below the account's ${SPLIT_MERGE_RATE_PER_SECOND}/s (shared with other streams; LimitExceededException is retried with jitter)`,
    status: 'ok',
  })
  return checks
}

/**
 * Read the UpdateShardCount quota (CloudTrail) and the account shard limit (DescribeLimits)
 * together, and check these operations against them: a new plan's, or a saved plan's remaining steps.
 */
export async function checkOpsAgainstLimits(
  clients: QuotaClients & {kinesis: KinesisLike},
  request: {
    ops: PlannedOp[]
    state: {open: readonly unknown[]; streamArn: string; streamName: string}
  },
  ctx: RunContext,
): Promise<{checks: ValidationCheck[]; quota: QuotaCount}> {
  const {state} = request
  const [quota, limits] = await Promise.all([
    countUpdateShardCount24h(clients, {arn: state.streamArn, name: state.streamName}, ctx),
    readShardLimits(clients.kinesis, ctx.signal),
  ])
  return {checks: validatePlan({limits, ops: request.ops, quota, streamOpen: state.open.length}), quota}
}
