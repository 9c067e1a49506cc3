/**
 * `sfn explain --state-machine X --status FAILED --since 24h`: hundreds of executions failed
 * overnight, usually for a handful of reasons. Each stopped execution in the window is explained
 * from its history; they are grouped by where the failure started, the error and a fingerprint of
 * the cause (numbers, ids, ARNs and quoted values masked), and one example per group is followed
 * into what it ran. Each group says how many of its executions can be redriven.
 */
import pLimit from 'p-limit'

import type {RunContext} from '../core/run-context.js'

import {reasonOf} from '../core/error-reason.js'
import {UsageError} from '../core/errors.js'
import {type ExplainClients, explainExecution, type ExplainReport, followReport} from './explain.js'
import {
  listStopped,
  machineArnOf,
  resolveStateMachine,
  type StoppedQuery,
  type StoppedStatus,
} from './state-machines.js'

export interface ExplainManyRequest extends StoppedQuery {
  /** Histories read at once (GetExecutionHistory's bucket refills at a few calls per second). */
  concurrency: number
  stateMachine: string
}

export interface FailureGroup {
  /** A fingerprint of the cause (variable parts masked), to tell groups apart. */
  causeFingerprint: null | string
  count: number
  error: null | string
  /** One execution of the group, explained and followed into what it ran. */
  example: ExplainReport
  executionArns: string[]
  firstStoppedAt: null | string
  lastStoppedAt: null | string
  redrivable: {no: number; unknown: number; yes: number}
  /** Where the failure started; null when the history does not say. */
  state: null | string
  statuses: StoppedStatus[]
}

export interface ExplainManyResult {
  examined: number
  groups: FailureGroup[]
  since: string
  stateMachineArn: string
  statuses: StoppedStatus[]
  /** More executions were in the window than --max-executions allowed to examine. */
  truncated: boolean
  /** Executions whose history could not be read, with why. */
  unreadable: Array<{executionArn: string; reason: string}>
}

/** Mask what varies between occurrences of the same failure. */
export function causeFingerprint(cause: null | string): null | string {
  if (!cause) return null
  return cause
    .slice(0, 2000)
    .replaceAll(/arn:[\w-]+:[\w-]+:[^\s"',)]*/g, '<arn>')
    .replaceAll(/\b[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b/gi, '<id>')
    .replaceAll(/"(?:[^"\\]|\\.){0,200}"|'(?:[^'\\]|\\.){0,200}'/g, (m) => (m.length > 40 ? '<value>' : m))
    .replaceAll(/\b\d[\d.:T-]*\b/g, '<n>')
    .replaceAll(/\s+/g, ' ')
    .slice(0, 300)
}

export async function explainExecutions(
  clients: ExplainClients,
  request: ExplainManyRequest,
  ctx: RunContext,
): Promise<ExplainManyResult> {
  if (request.statuses.length === 0) throw new UsageError('--status needs at least one of FAILED, TIMED_OUT, ABORTED')
  const machine = await resolveStateMachine(clients.sfn, request.stateMachine, ctx)
  if (machine.type === 'EXPRESS')
    throw new UsageError(
      `${machine.arn} is an EXPRESS state machine: its executions are not listed by Step Functions`,
      {
        code: 'ExpressExecution',
        suggestions: ['Explain one Express execution by its ARN; its events are read from the log group.'],
      },
    )
  const stateMachineArn = machineArnOf(machine.arn)
  const {executions, truncated} = await listStopped(clients.sfn, stateMachineArn, request, ctx)
  let done = 0
  // At most --concurrency explanations in flight (each reads a history, page by page).
  const limit = pLimit(Math.max(1, request.concurrency))
  const explainOne = async (listed: (typeof executions)[number]) => {
    const executionArn = listed.executionArn!
    try {
      const report = await explainExecution(clients, {executionArn, follow: false}, ctx)
      return {listed, report}
    } catch (error) {
      if (ctx.signal.aborted) throw error
      return {listed, reason: reasonOf(error)}
    } finally {
      ctx.progress({done: ++done, label: 'Reading histories', total: executions.length})
    }
  }

  const reports = await Promise.all(executions.map(async (listed) => limit(async () => explainOne(listed))))

  const groups = new Map<string, Omit<FailureGroup, 'example'> & {exampleReport: ExplainReport}>()
  const unreadable: ExplainManyResult['unreadable'] = []
  for (const r of reports) {
    if (!('report' in r) || !r.report) {
      unreadable.push({executionArn: r.listed.executionArn!, reason: r.reason ?? 'unknown'})
      continue
    }

    const {listed, report} = r
    const state = report.origin?.state ?? null
    const error = report.origin?.error ?? report.execution.error
    const fingerprint = causeFingerprint(report.origin?.cause ?? report.execution.cause)
    const key = JSON.stringify([state, error, fingerprint])
    const stoppedAt = report.execution.stoppedAt ?? listed.stopDate?.toISOString() ?? null
    const group = groups.get(key) ?? {
      causeFingerprint: fingerprint,
      count: 0,
      error,
      exampleReport: report,
      executionArns: [],
      firstStoppedAt: stoppedAt,
      lastStoppedAt: stoppedAt,
      redrivable: {no: 0, unknown: 0, yes: 0},
      state,
      statuses: [],
    }
    group.count++
    group.executionArns.push(listed.executionArn!)
    const status = report.execution.status as StoppedStatus
    if (!group.statuses.includes(status)) group.statuses.push(status)
    if (stoppedAt) {
      if (!group.firstStoppedAt || stoppedAt < group.firstStoppedAt) group.firstStoppedAt = stoppedAt
      if (!group.lastStoppedAt || stoppedAt > group.lastStoppedAt) {
        group.lastStoppedAt = stoppedAt
        group.exampleReport = report
      }
    }

    const redrive = report.redrive?.status
    if (redrive === 'REDRIVABLE' || redrive === 'REDRIVABLE_BY_MAP_RUN') group.redrivable.yes++
    else if (redrive === 'NOT_REDRIVABLE') group.redrivable.no++
    else group.redrivable.unknown++
    groups.set(key, group)
  }

  // The newest execution of each group, followed into its logs and child executions.
  const ordered = [...groups.values()].sort((a, b) => b.count - a.count)
  const withExamples = await Promise.all(
    ordered.map(async ({exampleReport, ...group}) =>
      limit(async () => ({...group, example: await followReport(clients, exampleReport, ctx)})),
    ),
  )
  return {
    examined: executions.length,
    groups: withExamples,
    since: request.since.toISOString(),
    stateMachineArn,
    statuses: request.statuses,
    truncated,
    unreadable,
  }
}
