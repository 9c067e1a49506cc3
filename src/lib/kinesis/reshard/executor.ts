/**
 * The reshard executor for the plan/apply engine. It re-reads the stream (ListShards with
 * lineage) to recognise steps already done, waits for ACTIVE (with backoff) before and after
 * each call, and retries LimitExceededException / ResourceInUseException with full jitter.
 * Mutating calls are never cancelled half-way: Ctrl-C takes effect between steps.
 */
import {MergeShardsCommand, SplitShardCommand, UpdateShardCountCommand} from '@aws-sdk/client-kinesis'

import type {Plan, PlanExecutor, PlanStep, StartCheck} from '../../core/plan.js'
import type {RunContext} from '../../core/run-context.js'
import type {OpenRange, PlannedOp, ReshardBaseline, ReshardStepParams} from './types.js'

import {AbortedError, InputError} from '../../core/errors.js'
import {
  apiRef,
  type KinesisLike,
  type ListedShard,
  readStreamState,
  type StreamRef,
  type StreamState,
  type WaitOptions,
} from '../stream.js'
import {toPlannedOp} from './plan.js'
import {rangeKey, sameLayout, sameRange, simulate} from './ranges.js'

type ReshardPlanLike = Plan<ReshardBaseline, ReshardStepParams>

export interface ExecutorRequest {
  /** Attempts per mutating call on LimitExceeded / ResourceInUse (default 8). */
  maxAttempts?: number
  random?: () => number
  /** Base and cap of the jittered retry delay (default 1 s, 20 s). */
  retryBaseMs?: number
  retryCapMs?: number
  stream: StreamRef
  wait?: WaitOptions
}

const RETRYABLE = new Set(['LimitExceededException', 'ResourceInUseException'])

function baselineRanges(plan: ReshardPlanLike): OpenRange[] {
  return plan.baseline.openRanges.map((r) => ({
    endingHashKey: BigInt(r.endingHashKey),
    shardId: r.shardId,
    startingHashKey: BigInt(r.startingHashKey),
  }))
}

/**
 * How many of the plan's steps live state shows as done: the largest j such that the open shards
 * are what the first j steps lead to (exact ranges; open-shard counts for UpdateShardCount, whose
 * boundaries AWS chooses). undefined: live state is not on the plan's path.
 */
export function stepsDoneByLayout(plan: ReshardPlanLike, state: StreamState): number | undefined {
  const ops = plan.steps.map((s) => toPlannedOp(s))
  if (ops.some((o) => o.kind === 'scale')) {
    const counts = [plan.baseline.openRanges.length, ...ops.map((o) => (o.kind === 'scale' ? o.to : Number.NaN))]
    for (let j = counts.length - 1; j >= 0; j--) if (counts[j] === state.open.length) return j
    return undefined
  }

  const states = simulate(baselineRanges(plan), ops)
  for (let j = states.length - 1; j >= 0; j--) if (sameLayout(states[j]!, state.open)) return j
  return undefined
}

/** Lineage proof that a split or merge happened: the children (or merged shard) exist with the right parents. */
export function doneByLineage(op: PlannedOp, shards: readonly ListedShard[]): boolean {
  if (op.kind === 'scale') return false
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  const hasRange = (id: string | undefined, r: {endingHashKey: bigint; startingHashKey: bigint}) => {
    const s = id === undefined ? undefined : byId.get(id)
    return s !== undefined && sameRange(s, r)
  }

  if (op.kind === 'split') {
    const lower = {endingHashKey: op.newStartingHashKey - 1n, startingHashKey: op.parent.startingHashKey}
    const upper = {endingHashKey: op.parent.endingHashKey, startingHashKey: op.newStartingHashKey}
    const children = shards.filter((s) => hasRange(s.parentShardId, op.parent) && s.adjacentParentShardId === undefined)
    return children.some((c) => sameRange(c, lower)) && children.some((c) => sameRange(c, upper))
  }

  const merged = {endingHashKey: op.upper.endingHashKey, startingHashKey: op.lower.startingHashKey}
  return shards.some(
    (s) => sameRange(s, merged) && hasRange(s.parentShardId, op.lower) && hasRange(s.adjacentParentShardId, op.upper),
  )
}

function describeOpen(open: readonly OpenRange[]): string {
  return `${open.length} open shard(s)`
}

export interface ReshardExecutor extends PlanExecutor<StreamState, ReshardBaseline, ReshardStepParams> {
  /** The last live state read (after the last step, once ACTIVE). */
  lastState(): StreamState | undefined
}

/**
 * Every wait (the jittered retry, the polls for ACTIVE) is `ctx.sleep`, so Ctrl-C ends it at once;
 * AWS calls take the engine's signal for the step.
 */
export function createReshardExecutor(
  clients: {kinesis: KinesisLike},
  request: ExecutorRequest,
  ctx: Pick<RunContext, 'sleep'>,
): ReshardExecutor {
  const options = {...request, kinesis: clients.kinesis}
  const random = options.random ?? Math.random
  const wait: WaitOptions = {...options.wait, sleep: (ms) => ctx.sleep(ms)}
  let last: StreamState | undefined

  const observe = async (signal: AbortSignal): Promise<StreamState> => {
    last = await readStreamState(options.kinesis, options.stream, {signal, wait})
    return last
  }

  const isDone = (step: PlanStep<ReshardStepParams>, state: StreamState, p: ReshardPlanLike): boolean => {
    const op = toPlannedOp(step)
    if (doneByLineage(op, state.shards)) return true
    const done = stepsDoneByLayout(p, state)
    const index = p.steps.indexOf(step)
    return done !== undefined && index !== -1 && index < done
  }

  const openWith = (state: StreamState, r: {endingHashKey: bigint; startingHashKey: bigint}, what: string): string => {
    const shard = state.open.find((o) => sameRange(o, r))
    if (!shard?.shardId) {
      throw new InputError(
        `no open shard has the range of ${what} [${r.startingHashKey} … ${r.endingHashKey}]; the stream changed outside this plan`,
        {
          code: 'PlanStale',
          suggestions: ['Make a new plan from the current state (run the command without --plan) and review it.'],
        },
      )
    }

    return shard.shardId
  }

  const send = async (op: PlannedOp, state: StreamState): Promise<void> => {
    switch (op.kind) {
      case 'merge': {
        // Always the lower-hash shard as ShardToMerge (AWS accepts both; kinesis-local only this one).
        await options.kinesis.send(
          new MergeShardsCommand({
            ...apiRef(options.stream),
            AdjacentShardToMerge: openWith(state, op.upper, 'the upper shard'),
            ShardToMerge: openWith(state, op.lower, 'the lower shard'),
          }),
        )
        return
      }

      case 'split': {
        await options.kinesis.send(
          new SplitShardCommand({
            ...apiRef(options.stream),
            NewStartingHashKey: op.newStartingHashKey.toString(),
            ShardToSplit: openWith(state, op.parent, 'the shard to split'),
          }),
        )
        return
      }

      case 'scale': {
        if (state.open.length !== op.from) {
          throw new InputError(`UpdateShardCount step expects ${op.from} open shards, found ${state.open.length}`, {
            code: 'PlanStale',
            suggestions: ['Make a new plan from the current state (run the command without --plan).'],
          })
        }

        await options.kinesis.send(
          new UpdateShardCountCommand({
            ...apiRef(options.stream),
            ScalingType: 'UNIFORM_SCALING',
            TargetShardCount: op.to,
          }),
        )
      }
    }
  }

  return {
    async applyStep(step, p, signal) {
      const op = toPlannedOp(step)
      const maxAttempts = options.maxAttempts ?? 8
      for (let attempt = 1; ; attempt++) {
        // Wait for ACTIVE and look again: an earlier (killed or retried) call may have done this step already.
        const state = await observe(signal)
        if (isDone(step, state, p)) return {state}
        try {
          await send(op, state)
          break
        } catch (error) {
          const name = (error as {name?: string}).name ?? ''
          if (!RETRYABLE.has(name) || attempt >= maxAttempts) throw error
          if (signal.aborted) throw new AbortedError('interrupted while retrying')
          const ceiling = Math.min(options.retryCapMs ?? 20_000, (options.retryBaseMs ?? 1000) * 2 ** (attempt - 1))
          await ctx.sleep(Math.round(random() * ceiling))
        }
      }

      // The call was accepted: wait until the stream is ACTIVE again. A Ctrl-C here leaves the
      // reshard running at AWS; the engine then stops before the next step.
      try {
        return {state: await observe(signal)}
      } catch (error) {
        if (signal.aborted && last) return {state: last}
        throw error
      }
    },

    checkStart(p, state): StartCheck {
      if (state.mode === 'ON_DEMAND') return {ok: false, reason: `stream ${state.streamName} is ON_DEMAND now`}
      const done = stepsDoneByLayout(p, state)
      if (done !== undefined) return {ok: true}
      // Lineage can still prove progress when ListShards shows every step's result.
      const ops = p.steps.map((s) => toPlannedOp(s))
      if (ops.length > 0 && ops.every((o) => doneByLineage(o, state.shards))) return {ok: true}
      const expected = new Set(baselineRanges(p).map((r) => rangeKey(r)))
      const unexpected = state.open.find((r) => !expected.has(rangeKey(r)))
      return {
        ok: false,
        reason: `the stream has ${describeOpen(state.open)}, which is neither the plan's start (${p.baseline.openRanges.length} shards) nor a state part-way through it${unexpected ? ` (e.g. ${unexpected.shardId} [${unexpected.startingHashKey} … ${unexpected.endingHashKey}] is not in the plan)` : ''}`,
      }
    },

    isStepDone: (step, state, p) => isDone(step, state, p),

    lastState: () => last,

    observe: async (_plan, signal) => observe(signal),
  }
}
