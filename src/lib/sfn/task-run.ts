/**
 * What the failing state ran, read from the history alone: the Lambda function, the Glue job run,
 * the ECS task, the Batch job, the nested execution or the distributed Map run. The `.sync`
 * integrations put the service's own description of the finished job into the failure's cause
 * as a JSON string with the service's field names (an ECS task: `StoppedReason`, `StopCode`,
 * `Containers[].ExitCode`; a Glue job run: `JobName`, `Id`, `ErrorMessage`; a Batch job:
 * `StatusReason`, `Container.ExitCode`; a nested execution: `ExecutionArn`, `Status`); the request
 * parameters are on the TaskScheduled event. `follow-task.ts` adds what only live calls can tell.
 * Facts: the Step Functions developer guide (connect-ecs, connect-glue, connect-batch,
 * connect-stepfunctions, state-map-distributed) and histories recorded on AWS.
 */
import {isObj, type Json} from './asl.js'
import {detailsOf, type HistoryEvent, isoTime} from './history.js'

export interface LogLine {
  at: string
  message: string
  stream: string
}

export interface LambdaRun {
  /** The function name or ARN as the task called it (with a qualifier when it had one). */
  functionName: null | string
  kind: 'lambda'
  /** The log group the function writes to (the default /aws/lambda/NAME unless it says otherwise). */
  logGroup: null | string
  /** Lines of the invocation's log, when they were read (live only). */
  logLines: LogLine[] | null
  /** Why the log lines are missing or incomplete. */
  note: null | string
  requestId: null | string
  /** The attempt's time span, to find its log lines. */
  window: null | {from: string; to: string}
}

export interface GlueRun {
  errorMessage: null | string
  jobName: null | string
  kind: 'glue'
  /** Where the run's error log is (CloudWatch Logs group and stream). */
  logHint: null | string
  runId: null | string
  state: null | string
}

export interface ContainerExit {
  exitCode: null | number
  name: null | string
  reason: null | string
}

export interface EcsRun {
  containers: ContainerExit[]
  kind: 'ecs'
  stopCode: null | string
  stoppedReason: null | string
  taskArn: null | string
}

export interface BatchRun {
  container: ContainerExit | null
  jobId: null | string
  jobName: null | string
  kind: 'batch'
  /** The container's log stream (log group /aws/batch/job unless the job definition sets another). */
  logStream: null | string
  statusReason: null | string
}

export interface NestedRun<Child = unknown> {
  /** The child's own explanation (live only, a few levels deep). */
  child: Child | null
  error: null | string
  executionArn: null | string
  kind: 'execution'
  note: null | string
  status: null | string
}

export interface MapRun<Child = unknown> {
  /** The explanation of one failed child execution (live only). */
  child: Child | null
  /** Counts from DescribeMapRun (live only). */
  counts: null | {aborted: number; failed: number; succeeded: number; timedOut: number; total: number}
  failedExecutions: string[]
  kind: 'map-run'
  mapRunArn: null | string
  note: null | string
}

export type TaskRun<Child = unknown> = BatchRun | EcsRun | GlueRun | LambdaRun | MapRun<Child> | NestedRun<Child>

const SCHEDULED = new Set(['ActivityScheduled', 'LambdaFunctionScheduled', 'MapRunStarted', 'TaskScheduled'])

const text = (v: unknown): null | string => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): null | number => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** A JSON object inside a string (a cause or the request parameters), or null. */
function jsonObject(value: unknown): Json | null {
  if (isObj(value)) return value
  if (typeof value !== 'string') return null
  try {
    const parsed: unknown = JSON.parse(value)
    return isObj(parsed) ? parsed : null
  } catch {
    return null
  }
}

/** The event that scheduled the failed attempt: follow previousEventId back to it. */
function scheduledEvent(events: readonly HistoryEvent[], failed: HistoryEvent): HistoryEvent | undefined {
  const byId = new Map(events.map((e) => [e.id, e]))
  let current: HistoryEvent | undefined = failed
  for (let hops = 0; current && hops < 50; hops++) {
    if (SCHEDULED.has(current.type)) return current
    if (current !== failed && current.type.endsWith('StateEntered')) return undefined
    current = current.previousEventId === undefined ? undefined : byId.get(current.previousEventId)
  }

  return undefined
}

/** `arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`, `A:function:NAME`, or `NAME` → NAME. */
export function lambdaFunctionBaseName(functionName: string): string {
  const parts = functionName.split(':')
  const at = parts.indexOf('function')
  return at !== -1 && parts[at + 1] ? parts[at + 1]! : parts[0]!
}

function containerExit(c: unknown): ContainerExit {
  const o = isObj(c) ? c : {}
  return {exitCode: num(o.ExitCode), name: text(o.Name), reason: text(o.Reason)}
}

/**
 * What ran in the failed attempt, from the history; null when the event is not a task this knows
 * (an activity, an SDK integration whose cause is an API error, a Pass or Fail state).
 */
export function taskRunOf(events: readonly HistoryEvent[], failedEventId: number): null | TaskRun {
  const failed = events.find((e) => e.id === failedEventId)
  if (!failed) return null
  const d = detailsOf(failed)
  const scheduled = scheduledEvent(events, failed)
  const sd = scheduled ? detailsOf(scheduled) : {}
  const resourceType = text(d.resourceType) ?? text(sd.resourceType)
  const resource = text(d.resource) ?? text(sd.resource) ?? ''
  const cause = jsonObject(d.cause)
  const parameters = jsonObject(sd.parameters)

  if (failed.type.startsWith('LambdaFunction') || (resourceType === 'lambda' && resource.startsWith('invoke'))) {
    const functionName =
      text(parameters?.FunctionName) ?? (failed.type.startsWith('LambdaFunction') ? text(sd.resource) : null)
    return {
      functionName,
      kind: 'lambda',
      logGroup: functionName ? `/aws/lambda/${lambdaFunctionBaseName(functionName)}` : null,
      logLines: null,
      note: null,
      requestId: text(cause?.requestId),
      window: scheduled ? {from: isoTime(scheduled.timestamp), to: isoTime(failed.timestamp)} : null,
    }
  }

  if (resourceType === 'glue' && resource.startsWith('startJobRun')) {
    const runId = text(cause?.Id)
    const jobName = text(cause?.JobName) ?? text(parameters?.JobName)
    const logGroup = text(cause?.LogGroupName) ?? '/aws-glue/jobs'
    return {
      errorMessage: text(cause?.ErrorMessage),
      jobName,
      kind: 'glue',
      logHint: runId ? `${logGroup}/error, stream ${runId}` : null,
      runId,
      state: text(cause?.JobRunState),
    }
  }

  if (resourceType === 'ecs' && resource.startsWith('runTask')) {
    // A `.sync` failure holds the stopped task; a RunTask refusal an API error message instead.
    const containers = Array.isArray(cause?.Containers) ? cause.Containers.map((c) => containerExit(c)) : []
    return {
      containers,
      kind: 'ecs',
      stopCode: text(cause?.StopCode),
      stoppedReason: text(cause?.StoppedReason),
      taskArn: text(cause?.TaskArn),
    }
  }

  if (resourceType === 'batch' && resource.startsWith('submitJob')) {
    const container = isObj(cause?.Container) ? containerExit(cause.Container) : null
    const logStream = isObj(cause?.Container) ? text(cause.Container.LogStreamName) : null
    return {
      container,
      jobId: text(cause?.JobId),
      jobName: text(cause?.JobName) ?? text(parameters?.JobName),
      kind: 'batch',
      logStream,
      statusReason: text(cause?.StatusReason),
    }
  }

  if (resourceType === 'states' && resource.startsWith('startExecution')) {
    return {
      child: null,
      error: text(cause?.Error),
      executionArn: text(cause?.ExecutionArn),
      kind: 'execution',
      note: null,
      status: text(cause?.Status),
    }
  }

  if (failed.type === 'MapRunFailed' || scheduled?.type === 'MapRunStarted') {
    return {
      child: null,
      counts: null,
      failedExecutions: [],
      kind: 'map-run',
      mapRunArn: text(sd.mapRunArn) ?? mapRunArnOf(events, failed),
      note: null,
    }
  }

  return null
}

/** The map run started in the same state visit as this MapRunFailed (MapRunStarted comes first). */
function mapRunArnOf(events: readonly HistoryEvent[], failed: HistoryEvent): null | string {
  const started = [...events].reverse().find((e) => e.id < failed.id && e.type === 'MapRunStarted')
  return started ? text(detailsOf(started).mapRunArn) : null
}
