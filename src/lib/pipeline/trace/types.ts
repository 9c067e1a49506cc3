/** Shapes of `pipeline trace`: one hop per link of S3 → EventBridge → target → execution. */

/** ✔ the link holds, ✘ it is broken (with a fix), ? it could not be checked (with what would tell). */
export type HopStatus = 'broken' | 'ok' | 'unknown'

export interface Hop {
  evidence: string[]
  /** For a broken hop: the exact commands or policy statements that mend it. */
  fix: string[]
  hop: number
  name: string
  status: HopStatus
}

export interface ObjectFacts {
  bucket: string
  etag?: string | undefined
  key: string
  lastModified?: string | undefined
  size?: number | undefined
  storageClass?: string | undefined
  versionId?: string | undefined
}

/** An EventBridge rule with its targets, from ListRules + ListTargetsByRule or a saved file. */
export interface RuleRecord {
  arn?: string | undefined
  eventBusName: string
  eventPattern?: string | undefined
  name: string
  scheduleExpression?: string | undefined
  state?: string | undefined
  /** Undefined when the targets were not listed (then they are unknown, not none). */
  targets?: TargetRecord[] | undefined
}

export interface TargetRecord {
  arn: string
  deadLetterArn?: string | undefined
  id: string
  input?: string | undefined
  inputPath?: string | undefined
  inputTransformer?: undefined | {inputPathsMap?: Record<string, string> | undefined; inputTemplate: string}
  retryPolicy?: undefined | {maximumEventAgeInSeconds?: number | undefined; maximumRetryAttempts?: number | undefined}
  roleArn?: string | undefined
}

export type RuleVerdictKind = 'invalid-pattern' | 'match' | 'no-match' | 'no-pattern' | 'unknown'

export interface RuleVerdict {
  failedFields: Array<{field: string; pattern: unknown; value?: unknown}>
  /** A no-match that fails on one field only: the likely typo. */
  nearMiss: boolean
  note?: string | undefined
  rule: RuleRecord
  verdict: RuleVerdictKind
}

export interface ExecutionRecord {
  executionArn: string
  holdsKey: boolean
  startDate?: string | undefined
  status?: string | undefined
  stopDate?: string | undefined
  summary?: string | undefined
}

/** An S3 object call of the trail (`--trail-table`): who wrote, failed to write or deleted the object. */
export interface ObjectTrailEvent {
  errorCode: null | string
  eventId: string
  eventName: string
  eventTime: string
  principalArn: null | string
  sessionIssuerArn: null | string
  sourceIp: null | string
}

export interface TraceResult {
  /** What the trace could not know, e.g. fields of the event only S3 knows. */
  event: Record<string, unknown>
  executions: ExecutionRecord[]
  hops: Hop[]
  object: ObjectFacts
  /** With --trail-table: the object's S3 calls found in the trail, newest first (absent: not searched). */
  objectCalls?: ObjectTrailEvent[] | undefined
  rules: RuleVerdict[]
  unknownEventFields: string[]
}
