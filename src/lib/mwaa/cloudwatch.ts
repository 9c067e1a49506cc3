/**
 * The AWS side of `mwaa triage`: GetEnvironment (log groups from LoggingConfiguration, context),
 * FilterLogEvents over a window with full pagination under an event budget, and direct reads of
 * the exact task log streams (GetLogEvents), falling back to DescribeLogStreams by prefix and then
 * FilterLogEvents. Read-only.
 */
import {
  type CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type LogStream,
} from '@aws-sdk/client-cloudwatch-logs'
import {type Environment, GetEnvironmentCommand, type MWAAClient} from '@aws-sdk/client-mwaa'
import pLimit from 'p-limit'

import type {EnvironmentContext, GroupKind, ModuleLogging, SourceEvent} from './types.js'

import {abortOpts} from '../aws/abort.js'
import {NotFoundError} from '../core/errors.js'
import {exactTaskStreams, streamMatchesRef, type TaskRef, taskStreamPrefixes} from './streams.js'

export type LogsApi = Pick<CloudWatchLogsClient, 'send'>

export interface EnvironmentGroup {
  kind: Exclude<GroupKind, 'unknown'>
  logType: string
  name: string
}

export interface EnvironmentInfo {
  context: EnvironmentContext
  /** Enabled log groups with their names (ARN minus `:*`). */
  groups: EnvironmentGroup[]
  warnings: string[]
}

const LOG_TYPES: Array<{hides: string; key: string; kind: EnvironmentGroup['kind']; label: string; needs: string}> = [
  {
    hides: 'import errors of DAG files',
    key: 'DagProcessingLogs',
    kind: 'dag-processing',
    label: 'DAG processing',
    needs: 'WARNING',
  },
  {
    hides: 'executor reports, DAG run timeouts, zombie detection and requirements installs on the scheduler',
    key: 'SchedulerLogs',
    kind: 'scheduler',
    label: 'Scheduler',
    needs: 'INFO',
  },
  {
    hides: 'task exit codes (return code -9 = OOM), SIGTERM neighbours and AccessDenied tracebacks',
    key: 'TaskLogs',
    kind: 'task',
    label: 'Task',
    needs: 'INFO',
  },
  {
    hides: 'web server errors and its requirements install output',
    key: 'WebserverLogs',
    kind: 'webserver',
    label: 'Web server',
    needs: 'WARNING',
  },
  {
    hides:
      'worker shutdowns (scale-in), lost workers and requirements/startup-script output (pip errors arrive as WARNING)',
    key: 'WorkerLogs',
    kind: 'worker',
    label: 'Worker',
    needs: 'INFO',
  },
]
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']

/** `arn:aws:logs:…:log-group:airflow-env-Task:*` → `airflow-env-Task`. */
export function logGroupNameFromArn(arn: string): string {
  const stripped = arn.replace(/:\*$/, '')
  const i = stripped.indexOf(':log-group:')
  return i === -1 ? stripped : stripped.slice(i + ':log-group:'.length)
}

interface ModuleConfig {
  CloudWatchLogGroupArn?: string | undefined
  Enabled?: boolean | undefined
  LogLevel?: string | undefined
}

export async function describeEnvironment(
  mwaa: Pick<MWAAClient, 'send'>,
  name: string,
  region: string,
  signal?: AbortSignal,
): Promise<EnvironmentInfo> {
  let env: Environment | undefined
  try {
    env = (await mwaa.send(new GetEnvironmentCommand({Name: name}), abortOpts(signal))).Environment
  } catch (error) {
    if (isNotFound(error)) {
      throw new NotFoundError(`MWAA environment "${name}" does not exist in ${region}`, {
        suggestions: [
          `List environments with: aws mwaa list-environments --region ${region}`,
          'Pass --region if the environment is in another Region.',
        ],
      })
    }

    throw error
  }

  if (!env) throw new NotFoundError(`MWAA environment "${name}" was not returned by GetEnvironment`)
  const logging: Record<string, ModuleLogging> = {}
  const groups: EnvironmentGroup[] = []
  const warnings: string[] = []
  const config = (env.LoggingConfiguration ?? {}) as Record<string, ModuleConfig | undefined>
  for (const t of LOG_TYPES) {
    const m = moduleLogging(config[t.key])
    logging[t.key] = m
    if (!m.enabled || !m.logGroup) {
      warnings.push(
        `${t.label} logs (${t.key}) are disabled, so ${t.hides} cannot be seen. Enable them: aws mwaa update-environment --name ${name} --logging-configuration '{"${t.key}":{"Enabled":true,"LogLevel":"${t.needs}"}}'`,
      )
      continue
    }

    groups.push({kind: t.kind, logType: t.key, name: m.logGroup})
    if (m.level && LEVELS.indexOf(m.level) > LEVELS.indexOf(t.needs)) {
      warnings.push(
        `${t.label} logs are at ${m.level}: lines below that level are not published, which hides ${t.hides}. Set the level to ${t.needs} or lower to see them.`,
      )
    }
  }

  return {context: contextOf(env, name, logging), groups, warnings}
}

function moduleLogging(m: ModuleConfig | undefined): ModuleLogging {
  if (!m) return {enabled: false, level: null, logGroup: null}
  return {
    enabled: Boolean(m.Enabled),
    level: m.LogLevel ?? null,
    logGroup: m.CloudWatchLogGroupArn ? logGroupNameFromArn(m.CloudWatchLogGroupArn) : null,
  }
}

function contextOf(env: Environment, name: string, logging: Record<string, ModuleLogging>): EnvironmentContext {
  return {
    airflowVersion: env.AirflowVersion ?? null,
    arn: env.Arn ?? null,
    environmentClass: env.EnvironmentClass ?? null,
    executionRoleArn: env.ExecutionRoleArn ?? null,
    logging,
    maxWorkers: env.MaxWorkers ?? null,
    minWorkers: env.MinWorkers ?? null,
    name: env.Name ?? name,
    status: env.Status ?? null,
  }
}

export interface Budget {
  remaining: number
  truncated: boolean
}

/** One log group being read: the client, the shared event budget, progress and Ctrl-C. */
export interface GroupReader {
  budget: Budget
  group: string
  logs: LogsApi
  onEvents?: ((n: number) => void) | undefined
  signal?: AbortSignal | undefined
}

function isNotFound(error: unknown): boolean {
  return (error as {name?: string}).name === 'ResourceNotFoundException'
}

function sendOptions(r: GroupReader): {abortSignal?: AbortSignal} {
  return abortOpts(r.signal)
}

/** Every event of a group in the window (FilterLogEvents, all pages), grouped by stream. */
export async function filterGroup(
  r: GroupReader,
  window: {end: Date; start: Date},
  filterPattern?: string,
): Promise<Map<string, SourceEvent[]>> {
  const byStream = new Map<string, SourceEvent[]>()
  let nextToken: string | undefined
  do {
    if (r.budget.remaining <= 0) {
      r.budget.truncated = true
      break
    }

    const page = await r.logs.send(
      new FilterLogEventsCommand({
        endTime: window.end.getTime(),
        ...(filterPattern ? {filterPattern} : {}),
        limit: Math.min(10_000, r.budget.remaining),
        logGroupName: r.group,
        ...(nextToken ? {nextToken} : {}),
        startTime: window.start.getTime(),
      }),
      sendOptions(r),
    )
    const events = page.events ?? []
    for (const e of events) {
      const stream = e.logStreamName ?? ''
      const list = byStream.get(stream) ?? []
      list.push({logGroup: r.group, message: e.message ?? '', stream, timestamp: e.timestamp})
      byStream.set(stream, list)
    }

    r.budget.remaining -= events.length
    r.onEvents?.(events.length)
    nextToken = page.nextToken
  } while (nextToken)

  for (const list of byStream.values()) list.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
  return byStream
}

/** All events of one stream from its start (GetLogEvents, forward tokens until they repeat); undefined if it does not exist. */
export async function readStream(r: GroupReader, stream: string): Promise<SourceEvent[] | undefined> {
  const out: SourceEvent[] = []
  let token: string | undefined
  for (;;) {
    if (r.budget.remaining <= 0) {
      r.budget.truncated = true
      break
    }

    let page
    try {
      page = await r.logs.send(
        new GetLogEventsCommand({
          limit: Math.min(10_000, r.budget.remaining),
          logGroupName: r.group,
          logStreamName: stream,
          startFromHead: true,
          ...(token ? {nextToken: token} : {}),
        }),
        sendOptions(r),
      )
    } catch (error) {
      if (isNotFound(error) && token === undefined) return undefined
      throw error
    }

    const events = page.events ?? []
    for (const e of events) out.push({logGroup: r.group, message: e.message ?? '', stream, timestamp: e.timestamp})
    r.budget.remaining -= events.length
    r.onEvents?.(events.length)
    // GetLogEvents returns the same forward token once the end is reached.
    if (events.length === 0 || !page.nextForwardToken || page.nextForwardToken === token) break
    token = page.nextForwardToken
  }

  return out
}

async function describeByPrefix(r: GroupReader, prefix: string): Promise<LogStream[]> {
  const out: LogStream[] = []
  let nextToken: string | undefined
  do {
    let page
    try {
      page = await r.logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: r.group,
          logStreamNamePrefix: prefix,
          ...(nextToken ? {nextToken} : {}),
        }),
        sendOptions(r),
      )
    } catch (error) {
      if (isNotFound(error)) return out
      throw error
    }

    out.push(...(page.logStreams ?? []))
    nextToken = page.nextToken
  } while (nextToken && out.length < MAX_DESCRIBED)

  return out
}

const MAX_DESCRIBED = 1000
/** At most this many task streams are read when a prefix matches many (newest first). */
export const MAX_TASK_STREAMS = 50

export interface TaskStreamsResult {
  /** How the streams were found. */
  method: 'describe' | 'exact' | 'filter' | 'none'
  prefixes: string[]
  /** Streams skipped because more than MAX_TASK_STREAMS matched. */
  skipped: number
  streams: Map<string, SourceEvent[]>
}

/**
 * The task's own log streams: the exact names first (both schemes), then the streams under the
 * name prefixes (filtered to the reference and, without a run id, to the window), then
 * FilterLogEvents for the DAG id when the names follow neither scheme.
 */
export async function fetchTaskStreams(
  r: GroupReader,
  ref: TaskRef,
  window: {end: Date; start: Date},
): Promise<TaskStreamsResult> {
  const prefixes = taskStreamPrefixes(ref)
  const exact = await readExact(r, ref)
  if (exact.size > 0) return {method: 'exact', prefixes, skipped: 0, streams: exact}
  const described = await readByPrefix(r, ref, window, prefixes)
  if (described.streams.size > 0)
    return {method: 'describe', prefixes, skipped: described.skipped, streams: described.streams}
  // Names that follow neither template: search the window's events for the DAG id.
  const streams = new Map<string, SourceEvent[]>()
  const found = await filterGroup(r, window, JSON.stringify(ref.dag))
  const dag = ref.dag.replaceAll(':', '_')
  for (const [name, events] of found)
    if (name.includes(dag) && (!ref.task || name.includes(ref.task))) streams.set(name, events)
  return {method: streams.size > 0 ? 'filter' : 'none', prefixes, skipped: 0, streams}
}

async function readExact(r: GroupReader, ref: TaskRef): Promise<Map<string, SourceEvent[]>> {
  const streams = new Map<string, SourceEvent[]>()
  for (const name of exactTaskStreams(ref)) {
    const events = await readStream(r, name)
    if (!events) continue
    streams.set(name, events)
    // Airflow 3 writes a deferred task's triggerer output to `<stream>.trigger.<n>.log`.
    for (const s of await describeByPrefix(r, `${name}.trigger.`)) {
      const trigger = s.logStreamName ? await readStream(r, s.logStreamName) : undefined
      if (trigger && s.logStreamName) streams.set(s.logStreamName, trigger)
    }
  }

  return streams
}

async function readByPrefix(
  r: GroupReader,
  ref: TaskRef,
  window: {end: Date; start: Date},
  prefixes: string[],
): Promise<{skipped: number; streams: Map<string, SourceEvent[]>}> {
  const candidates = new Map<string, LogStream>()
  for (const prefix of prefixes) {
    for (const s of await describeByPrefix(r, prefix)) {
      if (
        s.logStreamName &&
        streamMatchesRef(s.logStreamName.replace(/\.trigger\.\d+\.log$/, ''), ref) &&
        (ref.run || overlaps(s, window))
      ) {
        candidates.set(s.logStreamName, s)
      }
    }
  }

  const chosen = [...candidates.values()]
    .sort((a, b) => (b.lastEventTimestamp ?? 0) - (a.lastEventTimestamp ?? 0))
    .slice(0, MAX_TASK_STREAMS)
  const limit = pLimit(4)
  const read = await Promise.all(
    chosen.map((s) => limit(async () => [s.logStreamName!, await readStream(r, s.logStreamName!)] as const)),
  )
  const streams = new Map<string, SourceEvent[]>()
  for (const [name, events] of read) if (events) streams.set(name, events)
  return {skipped: candidates.size - chosen.length, streams}
}

/** Without a run id, only streams with events in the window are the task's. */
function overlaps(s: LogStream, window: {end: Date; start: Date}): boolean {
  const last = s.lastEventTimestamp ?? s.creationTime ?? 0
  const first = s.firstEventTimestamp ?? s.creationTime ?? 0
  return last >= window.start.getTime() && first <= window.end.getTime()
}
