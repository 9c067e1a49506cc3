/**
 * Shared types of `mwaa triage`: log records, catalogue rules and the result (the `--json` contract).
 */

/** Which MWAA log group a line came from; `unknown` for pasted snippets and files we cannot place. */
export type GroupKind = 'dag-processing' | 'scheduler' | 'task' | 'unknown' | 'webserver' | 'worker'

export const GROUP_KINDS: readonly GroupKind[] = [
  'dag-processing',
  'scheduler',
  'task',
  'webserver',
  'worker',
  'unknown',
]

/** The 18 failure categories, and `unclassified-error` for an error no rule knows. */
export const CATEGORIES = [
  'dag-import-error',
  'module-not-found',
  'requirements-install-failure',
  'plugin-import-error',
  'startup-script-failure',
  'access-denied',
  'oom-sigkill',
  'task-timeout',
  'zombie-task',
  'dagbag-import-timeout',
  'scheduler-heartbeat',
  'queued-stuck',
  'sigterm',
  'database-connection',
  'network-timeout',
  'secrets-backend',
  'worker-autoscaling',
  'remote-log-unavailable',
  'unclassified-error',
] as const

export type Category = (typeof CATEGORIES)[number]

export type Severity = 'critical' | 'error' | 'warning'

/** Severity judged from a line's text (MWAA re-levels subprocess output, so the printed level lies). */
export type TextSeverity = 'debug' | 'error' | 'info' | 'warning'

/** One source event: a CloudWatch Logs event, or one line/block of a local file. */
export interface SourceEvent {
  logGroup: string
  message: string
  stream: string
  /** Epoch ms of the event (CloudWatch timestamp), if known. */
  timestamp?: number | undefined
}

/** A log record: a header line plus its continuation lines (tracebacks, multi-line messages). */
export interface LogRecord {
  kind: GroupKind
  /** The printed level, if any (not trusted for severity). */
  level: string | undefined
  /** `{file.py:N}` logger, Celery process or JSON logger name. */
  logger: string | undefined
  logGroup: string
  /** Severity judged from the text. */
  severity: TextSeverity
  /** Which line shape the header had. */
  shape: LineShape
  stream: string
  /** Header message and continuation lines, joined with \n. */
  text: string
  /** Epoch ms: from the line's own timestamp, else the event's. */
  timestamp: number | undefined
}

export type LineShape =
  'airflow2-json' | 'airflow3-console' | 'airflow3-json' | 'airflow' | 'celery' | 'level-dash' | 'plain' | 'timestamped'

/** Shapes whose header is a JSON document: the record's text is the parsed message, not the raw line. */
export function isJsonShape(shape: LineShape | undefined): boolean {
  return shape === 'airflow2-json' || shape === 'airflow3-json'
}

export interface Evidence {
  line: string
  logGroup: string
  stream: string
  /** ISO-8601, or null when the line carried no time. */
  timestamp: null | string
}

export interface CloudTrailEventRef {
  consoleUrl: string
  errorCode: null | string
  eventId: string
  eventTime: string
  /** Seconds between the log line and the event. */
  offsetSeconds: number
  principalArn: null | string
}

/** The AccessDenied analysis attached to an access-denied finding (the `cloudtrail` array). */
export interface AccessDeniedAnalysis {
  /** e.g. `s3:GetObject`. */
  action: null | string
  /** `management` events can be looked up in Event history; `data` events cannot. */
  eventCategory: 'data' | 'management' | 'unknown'
  eventName: null | string
  events: CloudTrailEventRef[]
  eventSource: null | string
  /** Plain-language explanation of the look-up outcome. */
  note: string
  /** The statement to add (JSON text). */
  policyStatement: null | string
  /** identity: the caller's policies; resource: the key/bucket/secret policy; explicit-deny; unknown. */
  policyType: 'explicit-deny' | 'identity' | 'resource' | 'unknown'
  principal: null | string
  resource: null | string
  /** The role to verify with simulate-principal-policy. */
  roleArn: null | string
  simulateCommand: null | string
  /** unknown: the --trail-table could not be searched (the note says why). */
  status: 'data-event' | 'matched' | 'no-match' | 'not-delivered-yet' | 'skipped' | 'unknown'
  /** ISO time of the log line. */
  time: null | string
}

export interface Finding {
  category: Category
  cause: string
  cloudtrail?: AccessDeniedAnalysis[]
  /** 0–1: how sure the rule (and its links) make us. */
  confidence: number
  count: number
  evidence: Evidence[]
  firstSeen: null | string
  fix: string[]
  lastSeen: null | string
  rule: string
  severity: Severity
  title: string
}

export interface ModuleLogging {
  enabled: boolean
  level: null | string
  logGroup: null | string
}

export interface EnvironmentContext {
  airflowVersion: null | string
  arn: null | string
  environmentClass: null | string
  executionRoleArn: null | string
  logging: Record<string, ModuleLogging>
  maxWorkers: null | number
  minWorkers: null | number
  name: string
  status: null | string
}

export interface TriageResult {
  environment?: EnvironmentContext
  findings: Finding[]
  scanned: {bytes: number; events: number; groups: number; streams: number}
  window: {end: null | string; start: null | string}
}
