import type {SFNClient} from '@aws-sdk/client-sfn'

/**
 * The state machines and executions that `sfn explain --state-machine`, `sfn lint --state-machine`
 * and `sfn redrive` read: a name or ARN resolved to the machine, and the executions that stopped
 * in a window. Facts: the API reference of ListStateMachines, DescribeStateMachine (a version ARN
 * describes that version) and ListExecutions (newest first; no stop-date filter).
 */
import type {RunContext} from '../core/run-context.js'

import {NotFoundError} from '../core/errors.js'

export type StoppedStatus = 'ABORTED' | 'FAILED' | 'TIMED_OUT'

/** Which stopped executions to list. */
export interface StoppedQuery {
  /** At most this many executions (newest first). */
  maxExecutions: number
  /** Executions that stopped at or after this instant. */
  since: Date
  statuses: StoppedStatus[]
}

export interface ListedExecution {
  executionArn?: string
  name?: string
  redriveCount?: number
  startDate?: Date
  status?: string
  stopDate?: Date
}

export interface DescribedExecution {
  cause?: string
  error?: string
  redriveCount?: number
  redriveStatus?: string
  redriveStatusReason?: string
  status?: string
  stopDate?: Date
}

export type Sfn = typeof import('@aws-sdk/client-sfn')

export async function sdk(): Promise<Sfn> {
  return import('@aws-sdk/client-sfn')
}

/** The state machine's ARN and type, from a name or an ARN (of the machine, a version or an alias). */
export async function resolveStateMachine(
  sfn: SFNClient,
  text: string,
  ctx: RunContext,
): Promise<{arn: string; definition?: string | undefined; name?: string | undefined; type: string}> {
  const {DescribeStateMachineCommand, ListStateMachinesCommand} = await sdk()
  let arn = text
  if (!text.startsWith('arn:')) {
    let nextToken: string | undefined
    const found: string[] = []
    do {
      const page = (await sfn.send(
        new ListStateMachinesCommand({maxResults: 1000, ...(nextToken ? {nextToken} : {})}),
        {
          abortSignal: ctx.signal,
        },
      )) as {nextToken?: string; stateMachines?: Array<{name?: string; stateMachineArn?: string}>}
      for (const m of page.stateMachines ?? []) if (m.name === text && m.stateMachineArn) found.push(m.stateMachineArn)
      nextToken = page.nextToken
    } while (nextToken && found.length === 0)

    if (found.length === 0)
      throw new NotFoundError(`no state machine named "${text}" in this account and region`, {
        suggestions: ['Check --region and the name (`aws stepfunctions list-state-machines`), or give the ARN.'],
      })
    arn = found[0]!
  }

  const machine = (await sfn.send(new DescribeStateMachineCommand({stateMachineArn: arn}), {
    abortSignal: ctx.signal,
  })) as {
    definition?: string
    name?: string
    stateMachineArn?: string
    type?: string
  }
  return {
    arn: machine.stateMachineArn ?? arn,
    definition: machine.definition,
    name: machine.name,
    type: machine.type ?? 'STANDARD',
  }
}

/** The machine's own ARN: executions are listed by it, not by a version's or an alias's. */
export function machineArnOf(arn: string): string {
  const parts = arn.split(':')
  return parts.length > 7 ? parts.slice(0, 7).join(':') : arn
}

/** Every execution with one of the statuses that stopped in the window, newest first, up to the limit. */
export async function listStopped(
  sfn: SFNClient,
  stateMachineArn: string,
  request: StoppedQuery,
  ctx: RunContext,
): Promise<{executions: ListedExecution[]; truncated: boolean}> {
  const {ListExecutionsCommand} = await sdk()
  const out: ListedExecution[] = []
  let truncated = false
  for (const status of request.statuses) {
    let nextToken: string | undefined
    do {
      const page = (await sfn.send(
        new ListExecutionsCommand({
          maxResults: 1000,
          stateMachineArn,
          statusFilter: status,
          ...(nextToken ? {nextToken} : {}),
        }),
        {abortSignal: ctx.signal},
      )) as {executions?: ListedExecution[]; nextToken?: string}
      // ListExecutions is newest first by start date, and cannot filter by stop date. Paging stops
      // at the first page where every execution started before the window and none stopped in it:
      // an execution that started earlier still and ran into the window would be missed, which
      // the plan's notes say.
      let keepReading = false
      for (const e of page.executions ?? []) {
        if ((e.startDate && e.startDate >= request.since) || (e.stopDate && e.stopDate >= request.since))
          keepReading = true
        if (!e.stopDate || e.stopDate < request.since) continue
        if (out.length >= request.maxExecutions) {
          truncated = true
          break
        }

        out.push(e)
      }

      nextToken = truncated || !keepReading ? undefined : page.nextToken
      ctx.progress({detail: `${out.length} found`, label: `Listing ${status} executions`})
    } while (nextToken)
  }

  out.sort((a, b) => (b.stopDate?.getTime() ?? 0) - (a.stopDate?.getTime() ?? 0))
  return {executions: out, truncated}
}
