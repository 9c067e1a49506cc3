/**
 * Building a `kinesis reshard` plan from live state: read the stream (ACTIVE, provisioned),
 * run the strategy's planner, simulate the steps (exact ranges before and after), validate the
 * quota and limits, and package the steps for the plan/apply engine.
 */
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'

import type {TrailSearcher} from '../../cloudtrail/athena-lookup.js'
import type {RateLimiter} from '../../cloudtrail/lookup.js'
import type {RunContext} from '../../core/run-context.js'
import type {ShardLoadProfile} from '../load-profile.js'
import type {
  OpenRange,
  PlannedOp,
  PlannerResult,
  RangeView,
  ReshardBaseline,
  ReshardStepParams,
  ReshardStrategy,
  ReshardSummary,
  SplitShardParams,
} from './types.js'

import {ExitCode, InputError, PipeopsError, UsageError} from '../../core/errors.js'
import {type Plan, PLAN_FORMAT_VERSION, type PlanStep} from '../../core/plan.js'
import {coverageProblems, hashKeyOfPartitionKey, keySpaceShare} from '../hash-key.js'
import {type KinesisLike, readStreamState, type StreamRef, type StreamState, type WaitOptions} from '../stream.js'
import {predictLoad} from './load.js'
import {
  MAX_SHARDS_PER_STREAM_FOR_SCALING,
  planEvenOut,
  planIsolateKey,
  planMergeCold,
  planSplitHot,
  planUniformScaling,
  UPDATE_SHARD_COUNT_PER_24H,
} from './planners.js'
import {fromApiRange, sameRange, simulate, toApiRange, toRangeView} from './ranges.js'
import {checkOpsAgainstLimits} from './validate.js'

export const PLAN_KIND = 'kinesis reshard'

export type StrategyRequest =
  | {below: number; kind: 'merge-cold'}
  | {kind: 'even-out'}
  | {kind: 'isolate-key'; partitionKey: string}
  | {kind: 'split-hot'; threshold: number}
  | {kind: 'target-shards'; target: number}

export type ReshardPlan = Plan<ReshardBaseline, ReshardStepParams> & {summary: Record<string, unknown> & ReshardSummary}

/** The clients a reshard plan reads: Kinesis, and CloudTrail for the UpdateShardCount quota. */
export interface ReshardClients {
  cloudtrail?: Pick<CloudTrailClient, 'send'> | undefined
  kinesis: KinesisLike
  /** `--trail-table`: the quota is counted from the trail's logs in Athena instead of event history. */
  trail?: TrailSearcher | undefined
  /** Paces the CloudTrail look-ups when the run shares one 2-per-second budget. */
  trailLimiter?: RateLimiter | undefined
}

/** How the stream is read and checked, beside the stream itself (shared by planning and the re-check). */
export interface ReshardReadOptions {
  /** The stream, named once by the command. */
  stream: StreamRef
  wait?: undefined | WaitOptions
}

export interface ReshardPlanRequest extends ReshardReadOptions {
  /**
   * Load profiles of the open shards (the hot-shards analysis). Required by split-hot and
   * merge-cold; used when given by isolate-key (hot-key warning) and even-out (predictions).
   */
  loadProfiles?: ((state: StreamState) => Promise<ShardLoadProfile[]>) | undefined
  strategy: StrategyRequest
}

/** Rough seconds per step, waits for ACTIVE included (AWS: seconds to minutes). */
export const SECONDS_PER_SPLIT_OR_MERGE = 30
export function secondsForScaling(from: number, to: number): number {
  return 60 + 2 * Math.abs(to - from)
}

function keySpace(start: bigint, end: bigint): string {
  const share = keySpaceShare({endingHashKey: end, startingHashKey: start})
  return share > 0 && share < 0.0001 ? '< 0.01 %' : pct(share).replace(/(\.\d) %$/, '$1 %')
}

function pct(u: number): string {
  return `${Math.round(u * 1000) / 10} %`
}

export function toPlanStep(op: PlannedOp, index: number, streamName: string): PlanStep<ReshardStepParams> {
  const id = `${index + 1}`
  switch (op.kind) {
    case 'merge': {
      return {
        effect: op.predicted
          ? `merged shard predicted at ${pct(op.predicted.utilisation)}`
          : `merged shard gets ${keySpace(op.lower.startingHashKey, op.upper.endingHashKey)} of the key space`,
        id,
        operation: 'MergeShards',
        params: {
          AdjacentShardRange: toApiRange(op.upper),
          AdjacentShardToMerge: op.upper.shardId,
          ShardToMerge: op.lower.shardId,
          ShardToMergeRange: toApiRange(op.lower),
          StreamName: streamName,
        },
        reason: op.reason,
      }
    }

    case 'scale': {
      return {
        effect: `${op.from} → ${op.to} open shards (equal ranges)`,
        id,
        operation: 'UpdateShardCount',
        params: {
          CurrentShardCount: op.from,
          ScalingType: 'UNIFORM_SCALING',
          StreamName: streamName,
          TargetShardCount: op.to,
        },
        reason: op.reason,
      }
    }

    case 'split': {
      return {
        effect: op.predicted
          ? `children predicted at ${pct(op.predicted[0].utilisation)} and ${pct(op.predicted[1].utilisation)}`
          : `children get ${keySpace(op.parent.startingHashKey, op.newStartingHashKey - 1n)} and ${keySpace(op.newStartingHashKey, op.parent.endingHashKey)} of the key space`,
        id,
        operation: 'SplitShard',
        params: {
          HashKeyRange: toApiRange(op.parent),
          NewStartingHashKey: op.newStartingHashKey.toString(),
          ShardToSplit: op.parent.shardId,
          StreamName: streamName,
        },
        reason: op.reason,
      }
    }
  }
}

/** The planned operation behind a plan step (exact BigInt keys), e.g. from a saved plan file. */
export function toPlannedOp(step: PlanStep<ReshardStepParams>): PlannedOp {
  const p = step.params as unknown as Record<string, unknown>
  try {
    switch (step.operation) {
      case 'MergeShards': {
        const m = p as unknown as {
          AdjacentShardRange: {EndingHashKey: string; StartingHashKey: string}
          AdjacentShardToMerge: null | string
          ShardToMerge: null | string
          ShardToMergeRange: {EndingHashKey: string; StartingHashKey: string}
        }
        return {
          kind: 'merge',
          lower: {...fromApiRange(m.ShardToMergeRange), shardId: m.ShardToMerge},
          reason: step.reason,
          upper: {...fromApiRange(m.AdjacentShardRange), shardId: m.AdjacentShardToMerge},
        }
      }

      case 'SplitShard': {
        const s = step.params as SplitShardParams
        return {
          kind: 'split',
          newStartingHashKey: BigInt(s.NewStartingHashKey),
          parent: {...fromApiRange(s.HashKeyRange), shardId: s.ShardToSplit},
          reason: step.reason,
        }
      }

      case 'UpdateShardCount': {
        const u = p as {CurrentShardCount: number; TargetShardCount: number}
        if (!Number.isInteger(u.CurrentShardCount) || !Number.isInteger(u.TargetShardCount))
          throw new TypeError('shard counts must be integers')
        return {from: u.CurrentShardCount, kind: 'scale', reason: step.reason, to: u.TargetShardCount}
      }

      default: {
        throw new TypeError(`unknown operation ${step.operation}`)
      }
    }
  } catch (error) {
    throw new InputError(
      `plan step ${step.id} (${step.operation}) has malformed parameters: ${(error as Error).message}`,
      {
        suggestions: ['Save the plan again with --plan-out FILE; do not edit it by hand.'],
      },
    )
  }
}

function onDemandError(name: string): PipeopsError {
  return new PipeopsError(
    6,
    `stream ${name} is in ON_DEMAND capacity mode: Kinesis manages its shards, and SplitShard, MergeShards and UpdateShardCount are refused`,
    {
      code: 'OnDemandStream',
      suggestions: [
        'For a hot key on an on-demand stream, re-key it (add a suffix or salt to the partition key): see pipeops kinesis hot-shards.',
        `To reshard by hand, switch to provisioned first: aws kinesis update-stream-mode --stream-arn ARN --stream-mode-details StreamMode=PROVISIONED (at most 2 mode switches per rolling 24 h; the stream keeps its current shards).`,
      ],
    },
  )
}

function checkProfiles(profiles: readonly ShardLoadProfile[], open: readonly OpenRange[]): void {
  for (const p of profiles) {
    if (!open.some((r) => sameRange(r, p))) {
      throw new InputError(
        `the load profile of ${p.shardId} [${p.startingHashKey} … ${p.endingHashKey}] does not match any open shard of the stream`,
        {
          suggestions: [
            'The analysis is from an older shard layout: run the analysis again against the current stream.',
          ],
        },
      )
    }
  }
}

async function profilesFor(
  deps: Pick<ReshardPlanRequest, 'loadProfiles'>,
  state: StreamState,
  required: boolean,
  strategy: string,
): Promise<ShardLoadProfile[] | undefined> {
  if (!deps.loadProfiles) {
    if (required)
      throw new UsageError(`--${strategy} needs shard load (the hot-shards analysis), which is not available here`)
    return undefined
  }

  const profiles = await deps.loadProfiles(state)
  checkProfiles(profiles, state.open)
  return profiles
}

function runPlanner(
  request: StrategyRequest,
  state: StreamState,
  profiles: ShardLoadProfile[] | undefined,
): PlannerResult {
  switch (request.kind) {
    case 'even-out': {
      return planEvenOut(state.open, profiles)
    }

    case 'isolate-key': {
      return planIsolateKey(state.open, {
        hashKey: hashKeyOfPartitionKey(request.partitionKey),
        label: `partition key "${request.partitionKey}"`,
        profiles,
      })
    }

    case 'merge-cold': {
      return planMergeCold(state.open, profiles!, {below: request.below})
    }

    case 'split-hot': {
      return planSplitHot(profiles!, {threshold: request.threshold})
    }

    case 'target-shards': {
      if (
        !Number.isInteger(request.target) ||
        request.target < 1 ||
        request.target > MAX_SHARDS_PER_STREAM_FOR_SCALING
      ) {
        throw new UsageError(
          `--target-shards ${request.target} is out of range: UpdateShardCount allows 1 to ${MAX_SHARDS_PER_STREAM_FOR_SCALING} shards`,
        )
      }

      const plan = planUniformScaling(state.open.length, request.target)
      const calls = plan.ops.length
      if (calls > UPDATE_SHARD_COUNT_PER_24H) {
        throw new UsageError(
          `going from ${state.open.length} to ${request.target} shards needs ${calls} UpdateShardCount calls, more than the ${UPDATE_SHARD_COUNT_PER_24H} allowed per rolling 24 h`,
          {
            suggestions: [
              `Scale in two goes a day apart, e.g. first to --target-shards ${(plan.ops[UPDATE_SHARD_COUNT_PER_24H - 1] as {to: number}).to}.`,
            ],
          },
        )
      }

      return plan
    }
  }
}

export function strategyName(request: StrategyRequest): ReshardStrategy {
  return request.kind
}

/** Read the stream, plan the strategy, simulate and validate it: a plan for the plan/apply engine. */
export async function makeReshardPlan(
  clients: ReshardClients,
  planRequest: ReshardPlanRequest,
  ctx: RunContext,
): Promise<ReshardPlan> {
  const {strategy: request, stream: ref} = planRequest
  const state = await readStreamState(clients.kinesis, ref, {signal: ctx.signal, wait: planRequest.wait ?? {}})
  if (state.mode === 'ON_DEMAND') throw onDemandError(state.streamName || ref.streamName)
  const notes: string[] = []
  const gaps = coverageProblems(state.open)
  if (gaps.length > 0) {
    throw new PipeopsError(
      ExitCode.InvalidInput,
      `the open shards of ${state.streamName} do not cover the hash key space exactly (${gaps.length} gap(s) or overlap(s)); refusing to plan`,
      {
        code: 'InconsistentShards',
        details: {problems: gaps.map((g) => ({from: g.from.toString(), kind: g.kind, to: g.to.toString()}))},
        suggestions: [
          'Run the command again in a minute (ListShards can lag during a reshard); if it persists, contact AWS support.',
        ],
      },
    )
  }

  const needsLoad = request.kind === 'split-hot' || request.kind === 'merge-cold'
  const profiles =
    request.kind === 'target-shards' ? undefined : await profilesFor(planRequest, state, needsLoad, request.kind)
  const planned = runPlanner(request, state, profiles)
  notes.push(...planned.notes)
  const states = simulate(state.open, planned.ops)
  const after = states.at(-1)!
  const {checks, quota} = await checkOpsAgainstLimits(clients, {ops: planned.ops, state}, ctx)
  const utilisationOf = (r: OpenRange) => (profiles ? predictLoad(profiles, r)?.utilisation : undefined)
  const before: RangeView[] = state.open.map((r) => toRangeView(r, utilisationOf(r)))
  const afterViews: RangeView[] = after.map((r) => toRangeView(r, utilisationOf(r)))
  const scaleSteps = planned.ops.filter((o): o is Extract<PlannedOp, {kind: 'scale'}> => o.kind === 'scale')
  const estimatedSeconds = planned.ops.reduce(
    (s, o) => s + (o.kind === 'scale' ? secondsForScaling(o.from, o.to) : SECONDS_PER_SPLIT_OR_MERGE),
    0,
  )
  if (scaleSteps.length > 0)
    notes.push(
      'UpdateShardCount picks the exact new boundaries itself: the "after" ranges are the even split AWS aims for.',
    )
  const summary: ReshardSummary = {
    after: afterViews,
    apiCalls: planned.ops.length,
    before,
    checks,
    estimatedSeconds,
    notes,
    quota: {limit: UPDATE_SHARD_COUNT_PER_24H, updateShardCountUsed24h: quota.used},
    strategy: strategyName(request),
  }
  return {
    baseline: {
      openRanges: state.open.map((r) => ({
        endingHashKey: r.endingHashKey.toString(),
        shardId: r.shardId!,
        startingHashKey: r.startingHashKey.toString(),
      })),
      streamArn: state.streamArn,
      streamName: state.streamName,
    },
    createdAt: ctx.now().toISOString(),
    formatVersion: PLAN_FORMAT_VERSION,
    kind: PLAN_KIND,
    steps: planned.ops.map((op, i) => toPlanStep(op, i, state.streamName)),
    summary: summary as Record<string, unknown> & ReshardSummary,
    target: {stream: state.streamName},
  }
}
