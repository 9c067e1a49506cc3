import type {SFNClient} from '@aws-sdk/client-sfn'

/**
 * `sfn redrive`: plan the redrive (RedriveExecution) of the STANDARD executions of one state
 * machine that failed, timed out or were aborted in a window, and apply it through the plan
 * engine. What AWS will refuse is left out of the plan with the reason (DescribeExecution's
 * redriveStatus and redriveStatusReason when the service gives them; otherwise the documented
 * limits: 14 days after the stop, Standard only). A step is done once the execution's
 * redriveCount has grown past the count the plan saw, so a resumed apply never redrives twice;
 * each call carries a clientToken derived from the plan, so a retried call is not a second redrive.
 * Facts: the Step Functions developer guide, redrive-executions.html; API reference of
 * RedriveExecution (clientToken idempotency), ListExecutions and DescribeExecution (redriveStatus).
 */
import {createHash} from 'node:crypto'

import type {RunContext} from '../core/run-context.js'

import {UsageError} from '../core/errors.js'
import {type Plan, PLAN_FORMAT_VERSION, type PlanExecutor, type PlanStep} from '../core/plan.js'
import {
  type DescribedExecution,
  listStopped,
  machineArnOf,
  resolveStateMachine,
  sdk,
  type StoppedStatus,
} from './state-machines.js'

export type {StoppedStatus} from './state-machines.js'

export const PLAN_KIND = 'sfn redrive'

/** RedriveExecution accepts executions stopped at most this long ago (SFN-DG redrive-executions.html). */
export const REDRIVE_WINDOW_MS = 14 * 24 * 3600 * 1000

export interface RedriveRequest {
  /** Regular expression matched against "ERROR: CAUSE" of each execution. */
  causeMatches?: RegExp | undefined
  /** At most this many candidate executions are examined (newest first). */
  maxExecutions: number
  /** Executions that stopped at or after this instant. */
  since: Date
  /** Only executions whose failure started in this state (reads each candidate's history). */
  state?: string | undefined
  /** A state machine name or ARN (of the machine, a version or an alias). */
  stateMachine: string
  statuses: StoppedStatus[]
}

export interface RedriveStepParams {
  error: null | string
  executionArn: string
  name: string
  /** The execution's redriveCount when the plan was made: a larger one means it was redriven since. */
  redriveCount: number
  status: StoppedStatus
  stoppedAt: string
}

export interface NotRedrivable {
  executionArn: string
  name: string
  reason: string
  status: StoppedStatus
  stoppedAt: string
}

export interface RedriveBaseline {
  stateMachineArn: string
}

export interface RedriveSummary {
  /** Executions examined (after the window and status filters). */
  examined: number
  /** Dropped by --cause-matches or --state (not listed one by one). */
  filteredOut: number
  /** Executions AWS would refuse, each with the reason. */
  notRedrivable: NotRedrivable[]
  /** More executions were in the window than --max-executions allowed to examine. */
  truncated: boolean
}

export type RedrivePlan = Plan<RedriveBaseline, RedriveStepParams> & {summary: Record<string, unknown> & RedriveSummary}

/** Why AWS would refuse to redrive this execution, or undefined when it would accept it. */
export function refusalReason(described: DescribedExecution, now: Date): string | undefined {
  if (described.redriveStatus === 'NOT_REDRIVABLE')
    return described.redriveStatusReason ?? 'Step Functions reports it cannot be redriven (no reason given)'
  if (described.redriveStatus === 'REDRIVABLE' || described.redriveStatus === 'REDRIVABLE_BY_MAP_RUN') return undefined
  // No redriveStatus (an older API or an emulator): the documented limits are all that can be checked.
  if (described.stopDate && now.getTime() - described.stopDate.getTime() > REDRIVE_WINDOW_MS)
    return 'stopped more than 14 days ago (RedriveExecution accepts executions stopped in the last 14 days)'
  return undefined
}

/** Where the failure of a stopped execution started (its history, read by `sfn explain`'s reader). */
async function failingState(sfn: SFNClient, executionArn: string, ctx: RunContext): Promise<null | string> {
  const {explainExecution} = await import('./explain.js')
  const report = await explainExecution({sfn}, {executionArn, follow: false}, ctx)
  return report.origin?.state ?? null
}

export async function planRedrive(sfn: SFNClient, request: RedriveRequest, ctx: RunContext): Promise<RedrivePlan> {
  if (request.statuses.length === 0) throw new UsageError('--status needs at least one of FAILED, TIMED_OUT, ABORTED')
  const machine = await resolveStateMachine(sfn, request.stateMachine, ctx)
  if (machine.type === 'EXPRESS')
    throw new UsageError(`${machine.arn} is an EXPRESS state machine: only STANDARD executions can be redriven`, {
      suggestions: ['Start new executions with the same input instead (Express keeps no execution history).'],
    })
  const stateMachineArn = machineArnOf(machine.arn)
  const {DescribeExecutionCommand} = await sdk()
  const now = ctx.now()
  const {executions, truncated} = await listStopped(sfn, stateMachineArn, request, ctx)
  const steps: Array<PlanStep<RedriveStepParams>> = []
  const notRedrivable: NotRedrivable[] = []
  let filteredOut = 0
  for (const [i, listed] of executions.entries()) {
    ctx.progress({done: i, label: 'Reading executions', total: executions.length})
    const executionArn = listed.executionArn!
    const described = (await sfn.send(new DescribeExecutionCommand({executionArn}), {
      abortSignal: ctx.signal,
    })) as DescribedExecution
    const status = (described.status ?? listed.status) as StoppedStatus
    const stoppedAt = (described.stopDate ?? listed.stopDate ?? now).toISOString()
    const name = listed.name ?? executionArn.split(':').at(-1)!
    if (request.causeMatches && !request.causeMatches.test(`${described.error ?? ''}: ${described.cause ?? ''}`)) {
      filteredOut++
      continue
    }

    if (request.state && (await failingState(sfn, executionArn, ctx)) !== request.state) {
      filteredOut++
      continue
    }

    const reason = refusalReason(described, now)
    if (reason) {
      notRedrivable.push({executionArn, name, reason, status, stoppedAt})
      continue
    }

    const redriveCount = described.redriveCount ?? listed.redriveCount ?? 0
    steps.push({
      effect: `resumes ${name} at the state that did not succeed (redrive ${redriveCount + 1})`,
      id: name,
      operation: 'RedriveExecution',
      params: {error: described.error ?? null, executionArn, name, redriveCount, status, stoppedAt},
      reason: `${status.toLowerCase().replace('_', ' ')} ${stoppedAt}${described.error ? ` with ${described.error}` : ''}`,
    })
  }

  return {
    baseline: {stateMachineArn},
    createdAt: now.toISOString(),
    formatVersion: PLAN_FORMAT_VERSION,
    kind: PLAN_KIND,
    steps,
    summary: {examined: executions.length, filteredOut, notRedrivable, truncated},
    target: {stateMachine: stateMachineArn},
  }
}

/** The live redrive state of the plan's executions: status and redriveCount. */
type RedriveState = Map<string, {redriveCount: number; status: string}>

/**
 * A clientToken per plan and execution: a call retried after a lost response is recognised by
 * Step Functions as the same redrive (tokens are kept for 15 minutes), not a second one.
 */
export function redriveToken(plan: Pick<Plan, 'createdAt'>, params: RedriveStepParams): string {
  return createHash('sha256')
    .update(`${plan.createdAt}|${params.executionArn}|${params.redriveCount}`)
    .digest('hex')
    .slice(0, 64)
}

export function createRedriveExecutor(
  sfn: SFNClient,
  ctx: RunContext,
  options: {minIntervalMs: number},
): PlanExecutor<RedriveState, RedriveBaseline, RedriveStepParams> {
  let lastCall = 0
  // The state observed before the first step, kept up to date by each redrive: the engine then
  // has no reason to re-read every execution after every step.
  let known: RedriveState | undefined
  return {
    async applyStep(step, plan, signal) {
      const {RedriveExecutionCommand} = await sdk()
      // A bounded rate: RedriveExecution is a throttled control-plane call, and the SDK's
      // adaptive retries handle what throttling remains.
      const wait = lastCall + options.minIntervalMs - ctx.now().getTime()
      if (wait > 0) await ctx.sleep(wait)
      lastCall = ctx.now().getTime()
      await sfn.send(
        new RedriveExecutionCommand({
          clientToken: redriveToken(plan, step.params),
          executionArn: step.params.executionArn,
        }),
        {abortSignal: signal},
      )
      if (!known) return
      known.set(step.params.executionArn, {redriveCount: step.params.redriveCount + 1, status: 'RUNNING'})
      return {state: known}
    },
    checkStart: () => ({ok: true}),
    isStepDone(step, state) {
      const live = state.get(step.params.executionArn)
      if (!live) return false
      return live.redriveCount > step.params.redriveCount || live.status === 'RUNNING' || live.status === 'SUCCEEDED'
    },
    async observe(plan, signal) {
      const {DescribeExecutionCommand} = await sdk()
      const state: RedriveState = new Map()
      for (const step of plan.steps) {
        const d = (await sfn.send(new DescribeExecutionCommand({executionArn: step.params.executionArn}), {
          abortSignal: signal,
        })) as DescribedExecution
        state.set(step.params.executionArn, {redriveCount: d.redriveCount ?? 0, status: d.status ?? 'UNKNOWN'})
      }

      known = state
      return state
    },
  }
}
