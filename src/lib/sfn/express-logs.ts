/**
 * Express executions keep no execution history; when the state machine logs to CloudWatch Logs,
 * each history event is written there as a JSON message `{id, type, details, previous_event_id,
 * event_timestamp, execution_arn}` (ids and times as strings; `details` holds what the history's
 * `…EventDetails` member holds). This turns those messages back into history events, from a live
 * log group (the state machine's loggingConfiguration) or from a saved `aws logs
 * filter-log-events` output. What the log level leaves out (ERROR logs only failures, so no
 * state names) is said in the notes, never guessed.
 * Facts: the Step Functions developer guide, cw-logs.html (log levels, the event fields).
 */
import type {RunContext} from '../core/run-context.js'
import type {ExplainClients} from './follow-task.js'

import {NotFoundError, UsageError} from '../core/errors.js'
import {isObj, type Json} from './asl.js'
import {detailsKey, type HistoryEvent} from './history.js'

/** Pages of FilterLogEvents read at most: one execution's events are few, a busy group is large. */
const MAX_PAGES = 50

const asNumber = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** One logged event as a history event, or undefined when it is not one. */
function historyEventOf(logged: Json): HistoryEvent | undefined {
  const id = asNumber(logged.id)
  if (id === undefined || typeof logged.type !== 'string') return undefined
  const previous = asNumber(logged.previous_event_id)
  const stamp = asNumber(logged.event_timestamp) ?? (logged.event_timestamp as string | undefined) ?? 0
  return {
    id,
    timestamp: stamp,
    type: logged.type,
    ...(previous === undefined ? {} : {previousEventId: previous}),
    [detailsKey(logged.type)]: isObj(logged.details) ? logged.details : {},
  }
}

/**
 * The logged events in `data`, per execution ARN, oldest first: FilterLogEvents output
 * (`{events: [{message}]}`), a list of messages, or a list of the parsed messages.
 */
export function loggedExecutions(data: unknown): Map<string, HistoryEvent[]> {
  const list = Array.isArray(data) ? data : isObj(data) && Array.isArray(data.events) ? data.events : []
  const out = new Map<string, HistoryEvent[]>()
  for (const item of list) {
    let logged: unknown = item
    if (isObj(item) && typeof item.message === 'string') logged = item.message
    if (typeof logged === 'string') {
      try {
        logged = JSON.parse(logged)
      } catch {
        continue
      }
    }

    if (!isObj(logged) || typeof logged.execution_arn !== 'string') continue
    const event = historyEventOf(logged)
    if (!event) continue
    const events = out.get(logged.execution_arn) ?? []
    events.push(event)
    out.set(logged.execution_arn, events)
  }

  for (const events of out.values()) events.sort((a, b) => a.id - b.id)
  return out
}

/** arn:aws:states:R:A:express:MACHINE:NAME:ID → arn:aws:states:R:A:stateMachine:MACHINE */
export function machineArnOfExpress(executionArn: string): string {
  const p = executionArn.split(':')
  return [...p.slice(0, 5), 'stateMachine', p[6]].join(':')
}

/** arn:aws:logs:R:A:log-group:NAME:* → NAME */
export function logGroupName(logGroupArn: string): string {
  const at = logGroupArn.indexOf(':log-group:')
  if (at === -1) return logGroupArn
  return logGroupArn.slice(at + ':log-group:'.length).replace(/:\*$/, '')
}

export async function readExpressExecution(
  clients: ExplainClients,
  executionArn: string,
  ctx: RunContext,
): Promise<{definition?: Json; events: HistoryEvent[]; notes: string[]}> {
  const machineArn = machineArnOfExpress(executionArn)
  const {DescribeStateMachineCommand} = await import('@aws-sdk/client-sfn')
  const machine = await clients.sfn.send(new DescribeStateMachineCommand({stateMachineArn: machineArn}), {
    abortSignal: ctx.signal,
  })
  const logging = machine.loggingConfiguration
  const groupArn = logging?.destinations?.find((d) => d.cloudWatchLogsLogGroup?.logGroupArn)?.cloudWatchLogsLogGroup
    ?.logGroupArn
  if (!groupArn || !logging?.level || logging.level === 'OFF')
    throw new UsageError(
      `${executionArn} is an Express execution, which keeps no history, and ${machine.name ?? machineArn} does not log to CloudWatch Logs`,
      {
        code: 'ExpressExecution',
        suggestions: [
          'Turn on logging for the state machine (level ERROR or ALL, includeExecutionData) to explain later failures.',
        ],
      },
    )
  if (!clients.logs) throw new UsageError('reading an Express execution needs CloudWatch Logs')
  const group = logGroupName(groupArn)
  const {FilterLogEventsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
  const messages: Array<{message?: string | undefined}> = []
  let nextToken: string | undefined
  let pages = 0
  do {
    const page = await clients.logs.send(
      new FilterLogEventsCommand({
        filterPattern: `{ $.execution_arn = "${executionArn}" }`,
        logGroupName: group,
        ...(nextToken ? {nextToken} : {}),
      }),
      {abortSignal: ctx.signal},
    )
    messages.push(...(page.events ?? []))
    nextToken = page.nextToken
    pages++
  } while (nextToken && pages < MAX_PAGES)

  const events = loggedExecutions(messages).get(executionArn) ?? []
  if (events.length === 0)
    throw new NotFoundError(`no log event of ${executionArn} in ${group}`, {
      suggestions: [
        `The log group's retention may have removed them, or the execution is older than the logging setting (level ${logging.level}).`,
      ],
    })
  const notes: string[] = []
  if (nextToken) notes.push(`Only the first ${MAX_PAGES} pages of ${group} were searched.`)
  if (logging.level !== 'ALL')
    notes.push(
      `The log level is ${logging.level}: only failures are logged, so state names and retries can be missing (level ALL logs every event).`,
    )
  if (!logging.includeExecutionData) notes.push('Execution data is not logged (includeExecutionData is off).')
  let definition: Json | undefined
  try {
    const parsed: unknown = machine.definition ? JSON.parse(machine.definition) : undefined
    if (isObj(parsed)) definition = parsed
  } catch {
    notes.push('The definition is not JSON: the configured retry schedule is not compared.')
  }

  return {events, notes, ...(definition ? {definition} : {})}
}
