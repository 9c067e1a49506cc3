/**
 * AccessDenied → CloudTrail (reference §4): parse the denied call from the log text, decide whether
 * CloudTrail Event history can hold it (management events only, 90 days, ~5 min delivery), look up
 * the matching event by EventName in ±10 minutes through the shared 2 requests/s limiter, and
 * write the minimal policy statement plus an `aws iam simulate-principal-policy` command.
 */
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'

import type {TrailSearcher} from '../cloudtrail/athena-lookup.js'
import type {RateLimiter, TrailEvent} from '../cloudtrail/lookup.js'
import type {RunContext} from '../core/run-context.js'
import type {AccessDeniedAnalysis, CloudTrailEventRef} from './types.js'

import {iamActionForSdkCommand} from '../aws/iam.js'
import {reasonOf} from '../core/error-reason.js'

export interface ParsedDenial {
  action: null | string
  /** Where an explicit deny came from, when the message says. */
  denySource: null | string
  errorCode: null | string
  operation: null | string
  policyType: AccessDeniedAnalysis['policyType']
  principal: null | string
  resource: null | string
  service: null | string
}

const BOTOCORE =
  /An error occurred \(([A-Za-z0-9.]+)\) when calling the ([A-Za-z0-9]+) operation(?: \([^)]*\))?: ?([^\n]*)/
const NOT_AUTHORIZED =
  /(?:User|Principal): (arn:\S+) is not authorized to perform: ([a-z0-9-]+):([A-Za-z0-9*]+)(?: on resource: "?([^\s"]+)"?)?(?: because ([^\n]+))?/
const NOT_AUTHORIZED_NO_PRINCIPAL =
  /not authorized to perform: ([a-z0-9-]+):([A-Za-z0-9*]+)(?: on resource: "?([^\s"]+)"?)?/

/** Operation name → service prefix, for messages that name only the operation (S3's bare 403). */
const OPERATION_SERVICE: Record<string, string> = {
  AbortMultipartUpload: 's3',
  AssumeRole: 'sts',
  BatchGetItem: 'dynamodb',
  BatchWriteItem: 'dynamodb',
  CompleteMultipartUpload: 's3',
  CopyObject: 's3',
  CreateLogStream: 'logs',
  CreateMultipartUpload: 's3',
  Decrypt: 'kms',
  DeleteItem: 'dynamodb',
  DeleteObject: 's3',
  DeleteObjects: 's3',
  DescribeKey: 'kms',
  DescribeSecret: 'secretsmanager',
  Encrypt: 'kms',
  GenerateDataKey: 'kms',
  GetItem: 'dynamodb',
  GetLogEvents: 'logs',
  GetObject: 's3',
  GetParameter: 'ssm',
  GetParameters: 'ssm',
  GetParametersByPath: 'ssm',
  GetQueryExecution: 'athena',
  GetSecretValue: 'secretsmanager',
  HeadBucket: 's3',
  HeadObject: 's3',
  Invoke: 'lambda',
  ListBuckets: 's3',
  ListObjects: 's3',
  ListObjectsV2: 's3',
  ListSecrets: 'secretsmanager',
  PublishMetrics: 'airflow',
  PutItem: 'dynamodb',
  PutLogEvents: 'logs',
  PutObject: 's3',
  Query: 'dynamodb',
  ReceiveMessage: 'sqs',
  RegisterTaskDefinition: 'ecs',
  RunTask: 'ecs',
  Scan: 'dynamodb',
  SendMessage: 'sqs',
  StartCrawler: 'glue',
  StartQueryExecution: 'athena',
  UpdateItem: 'dynamodb',
  UploadPart: 's3',
}

/** Data events: not in CloudTrail Event history (S3 object-level, Lambda Invoke, DynamoDB items). */
const DATA_EVENTS: Record<string, Set<string>> = {
  dynamodb: new Set([
    'BatchGetItem',
    'BatchWriteItem',
    'DeleteItem',
    'GetItem',
    'PutItem',
    'Query',
    'Scan',
    'TransactGetItems',
    'TransactWriteItems',
    'UpdateItem',
  ]),
  lambda: new Set(['Invoke', 'InvokeAsync', 'InvokeFunction', 'InvokeWithResponseStream']),
  s3: new Set([
    'AbortMultipartUpload',
    'CompleteMultipartUpload',
    'CopyObject',
    'CreateMultipartUpload',
    'DeleteObject',
    'DeleteObjects',
    'DeleteObjectTagging',
    'GetObject',
    'GetObjectAcl',
    'GetObjectAttributes',
    'GetObjectTagging',
    'HeadObject',
    'ListBucket',
    'ListMultipartUploadParts',
    'ListObjects',
    'ListObjectsV2',
    'ListObjectVersions',
    'ListParts',
    'PutObject',
    'PutObjectAcl',
    'PutObjectTagging',
    'RestoreObject',
    'SelectObjectContent',
    'UploadPart',
    'UploadPartCopy',
  ]),
}

/** IAM service prefix → CloudTrail eventSource. */
function eventSourceFor(service: string): string {
  const special: Record<string, string> = {
    airflow: 'airflow.amazonaws.com',
    'emr-serverless': 'emr-serverless.amazonaws.com',
    es: 'es.amazonaws.com',
  }
  return special[service] ?? `${service}.amazonaws.com`
}

export function parseAccessDenied(text: string): ParsedDenial | undefined {
  const m = extract(text)
  if (!m) return undefined
  const service = m.servicePrefix ?? (m.operation ? OPERATION_SERVICE[m.operation] : undefined) ?? null
  return {
    action: iamAction(service, m.actionName, m.operation),
    errorCode: m.errorCode,
    operation: m.operation,
    ...policyTypeOf(text, m.reason),
    principal: m.principal,
    resource: m.resource,
    service,
  }
}

function extract(text: string) {
  const botocore = BOTOCORE.exec(text)
  const auth = NOT_AUTHORIZED.exec(text)
  const bare = auth ? null : NOT_AUTHORIZED_NO_PRINCIPAL.exec(text)
  if (!botocore && !auth && !bare) return
  const resource = first(at(auth, 4), at(bare, 3))
  return {
    actionName: first(at(auth, 3), at(bare, 2)),
    errorCode: first(at(botocore, 1)),
    operation: first(at(botocore, 2)),
    principal: first(at(auth, 1)),
    reason: at(auth, 5),
    resource: resource ? resource.replace(/[.,;]$/, '') : null,
    servicePrefix: first(at(auth, 2), at(bare, 1)),
  }
}

function at(m: null | RegExpExecArray, i: number): string | undefined {
  return m ? m[i] : undefined
}

function first(...values: Array<string | undefined>): null | string {
  return values.find((v) => v !== undefined) ?? null
}

function iamAction(service: null | string, actionName: null | string, operation: null | string): null | string {
  if (!service) return null
  if (actionName) return `${service}:${actionName}`
  if (!operation) return null
  return service === 's3' ? iamActionForSdkCommand('s3', `${operation}Command`) : `${service}:${operation}`
}

function policyTypeOf(text: string, reason: string | undefined): Pick<ParsedDenial, 'denySource' | 'policyType'> {
  const explicit = /explicit deny in (?:an? )?([a-z -]+?(?:policy|boundary))/i.exec(text)
  if (explicit) return {denySource: explicit[1]!, policyType: 'explicit-deny'}
  const why = reason || text
  if (/no identity-based policy allows/.test(why)) return {denySource: null, policyType: 'identity'}
  if (/no resource-based policy allows/.test(why)) return {denySource: null, policyType: 'resource'}
  return {denySource: null, policyType: 'unknown'}
}

/** The event name CloudTrail records: the API operation (or the action name when that is all we have). */
export function eventNameOf(d: ParsedDenial): null | string {
  if (d.operation) return d.operation
  return d.action ? (d.action.split(':')[1] ?? null) : null
}

export function isDataEvent(d: ParsedDenial): boolean {
  if (!d.service) return false
  const set = DATA_EVENTS[d.service]
  if (!set) return false
  return (d.operation !== null && set.has(d.operation)) || (d.action !== null && set.has(d.action.split(':')[1] ?? ''))
}

/** `arn:aws:sts::1:assumed-role/Role/session` → `arn:aws:iam::1:role/Role` (paths are not in the session ARN). */
export function roleArnOfPrincipal(principal: string): null | string {
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(principal)
  if (m) return `arn:${m[1]}:iam::${m[2]}:role/${m[3]}`
  if (/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//.test(principal)) return principal
  return null
}

/** The role to fix: the execution role when the denial is by that role (or names no principal). */
export function roleToFix(d: ParsedDenial, executionRoleArn: null | string): null | string {
  if (!d.principal) return executionRoleArn
  const role = roleArnOfPrincipal(d.principal)
  if (role && executionRoleArn) {
    const name = role.split('/').pop()
    if (executionRoleArn.split('/').pop() === name) return executionRoleArn
  }

  return role
}

export function policyStatementFor(d: ParsedDenial, roleArn: null | string): null | string {
  if (!d.action) return null
  const resource = d.resource ?? '*'
  const statement: Record<string, unknown> =
    d.policyType === 'resource'
      ? {
          Action: d.action,
          Effect: 'Allow',
          Principal: {AWS: roleArn ?? '<execution role ARN>'},
          Resource: resource,
          Sid: 'AllowMwaaExecutionRole',
        }
      : {Action: d.action, Effect: 'Allow', Resource: resource, Sid: 'AllowMwaaTaskCall'}
  return JSON.stringify(statement, null, 2)
}

export function simulateCommandFor(d: ParsedDenial, roleArn: null | string): null | string {
  if (!d.action || !roleArn) return null
  const parts = ['aws iam simulate-principal-policy', `--policy-source-arn ${roleArn}`, `--action-names ${d.action}`]
  if (d.resource && d.resource !== '*') parts.push(`--resource-arns ${d.resource}`)
  if (d.policyType === 'resource') parts.push('--resource-policy file://resource-policy.json')
  return parts.join(' ')
}

const DENIED_CODES = /AccessDenied|Unauthorized|Forbidden|AuthorizationError|NotAuthorized/i
const LAG_MS = 10 * 60 * 1000
const HISTORY_MS = 90 * 24 * 3600 * 1000

/** The CloudTrail side: absent offline (then nothing is looked up, and the note says why). */
export interface DenialClients {
  /** The run's one 2-per-second budget, shared by every look-up. */
  limiter: RateLimiter
  /** CloudTrail client for a region (IAM/STS events are recorded in us-east-1). */
  trail?: ((region: string) => Pick<CloudTrailClient, 'send'>) | undefined
  /**
   * --trail-table: the trail's log files in Athena, searched instead of Event history, so data
   * events and denials older than 90 days are found (every Region the trail records).
   */
  trailTable?: TrailSearcher | undefined
}

export interface DenialRequest {
  /** Look up the event at all (`--cloudtrail` / `--no-cloudtrail`). */
  cloudtrail: boolean
  denial: ParsedDenial
  executionRoleArn: null | string
  region: string
  /** When the denial was logged (undefined: the line has no time). */
  time: number | undefined
}

/** What the helpers below read: the request, the run's clock and the two places to search. */
type CorrelateOptions = Omit<DenialRequest, 'denial' | 'time'> & {
  now: Date
  signal: AbortSignal
  trail: DenialClients['trail']
  trailTable: DenialClients['trailTable']
}

/** Analyse one denial and, for management events, find its CloudTrail event. */
export async function analyseDenial(
  clients: DenialClients,
  request: DenialRequest,
  ctx: RunContext,
): Promise<AccessDeniedAnalysis> {
  const {denial: d, time} = request
  const options: CorrelateOptions = {
    ...request,
    now: ctx.now(),
    signal: ctx.signal,
    trail: clients.trail,
    trailTable: clients.trailTable,
  }
  const roleArn = roleToFix(d, options.executionRoleArn)
  const eventName = eventNameOf(d)
  const base: AccessDeniedAnalysis = {
    action: d.action,
    eventCategory: d.service ? (isDataEvent(d) ? 'data' : 'management') : 'unknown',
    eventName,
    events: [],
    eventSource: d.service ? eventSourceFor(d.service) : null,
    note: '',
    policyStatement: policyStatementFor(d, roleArn),
    policyType: d.policyType,
    principal: d.principal,
    resource: d.resource,
    roleArn,
    simulateCommand: simulateCommandFor(d, roleArn),
    status: 'skipped',
    time: time === undefined ? null : new Date(time).toISOString(),
  }
  const where = policyAdvice(d, roleArn)
  const table = tableToSearch(options, time, eventName)
  if (table) return searchTrailTable(table, {base, d, options, time: time!, where})
  const early = withoutLookup({base, d, options, time, where})
  if (early || time === undefined || !eventName || !options.trail) return early ?? base
  const region = d.service === 'iam' || d.service === 'sts' ? 'us-east-1' : options.region
  let events: TrailEvent[]
  try {
    // Loaded on demand: offline triage without AccessDenied never needs the CloudTrail SDK.
    const {lookupEvents} = await import('../cloudtrail/lookup.js')
    const result = await lookupEvents(
      {cloudtrail: options.trail(region), limiter: clients.limiter},
      {end: new Date(time + LAG_MS), errorsOnly: true, eventName, start: new Date(time - LAG_MS)},
      ctx,
    )
    events = result.events
  } catch (error) {
    if (ctx.signal.aborted) throw error
    return {
      ...base,
      note: `CloudTrail look-up failed (${(error as Error).name}: ${(error as Error).message}). ${where}`,
    }
  }

  const matched = matchedResult(events, {base, d, options, time, where}, () => region)
  if (matched) return matched
  const notYet = notDeliveredYet(base, options, time, where)
  if (notYet) return notYet

  return {
    ...base,
    note: `No matching ${eventName} event with an access-denied error in ${region} within ±10 minutes (${events.length} ${eventName} error event(s) checked). Possible reasons: the call went to another Region, another principal made it, or the service records it as a data event. ${where}`,
    status: 'no-match',
  }
}

/** The --trail-table to search, when there is one and the denial can be searched (a time and an event name). */
function tableToSearch(
  options: CorrelateOptions,
  time: number | undefined,
  eventName: null | string,
): TrailSearcher | undefined {
  return options.cloudtrail && time !== undefined && eventName ? options.trailTable : undefined
}

interface Denial {
  base: AccessDeniedAnalysis
  d: ParsedDenial
  options: CorrelateOptions
  time: number
  where: string
}

/** The events that record this denial (best first, at most 3), as the analysis's result; undefined when none. */
function matchedResult(
  events: readonly TrailEvent[],
  {base, d, options, time, where}: Denial,
  regionOf: (e: TrailEvent) => string,
  source?: string,
): AccessDeniedAnalysis | undefined {
  const matched = events
    .filter((e) => matchesDenial(e, d, options.executionRoleArn, base.eventSource))
    .map((e) => ({e, offset: Math.round((Date.parse(e.eventTime) - time) / 1000)}))
    .sort((a, b) => resourceScore(b.e, d) - resourceScore(a.e, d) || Math.abs(a.offset) - Math.abs(b.offset))
    .slice(0, 3)
  if (matched.length === 0) return undefined
  const refs: CloudTrailEventRef[] = matched.map(({e, offset}) => {
    const region = regionOf(e)
    return {
      consoleUrl: `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${e.eventId}`,
      errorCode: e.errorCode,
      eventId: e.eventId,
      eventTime: e.eventTime,
      offsetSeconds: offset,
      principalArn: e.principalArn,
    }
  })
  return {
    ...base,
    events: refs,
    note: `CloudTrail event ${refs[0]!.eventId} (${regionOf(matched[0]!.e)}${source ? `, ${source}` : ''}) records this denial. ${where}`,
    status: 'matched',
  }
}

/** Under 10 minutes old: CloudTrail may not have delivered the event yet. */
function notDeliveredYet(
  base: AccessDeniedAnalysis,
  options: CorrelateOptions,
  time: number,
  where: string,
): AccessDeniedAnalysis | undefined {
  if (options.now.getTime() - time >= LAG_MS) return undefined
  return {
    ...base,
    note: `No CloudTrail event yet: the failure is under 10 minutes old and CloudTrail delivers events about 5 minutes after the call. Not delivered yet, re-run in a few minutes. ${where}`,
    status: 'not-delivered-yet',
  }
}

/**
 * --trail-table: one Athena query over the trail's table for the event name's error events in
 * ±10 minutes (data events and events of any age included, when the trail records them). A table
 * that cannot be searched leaves the answer unknown, with the reason: never "no match".
 */
async function searchTrailTable(trail: TrailSearcher, denial: Denial): Promise<AccessDeniedAnalysis> {
  const {base, options, time, where} = denial
  const eventName = base.eventName!
  let events: TrailEvent[]
  try {
    const result = await trail.lookup({
      end: new Date(time + LAG_MS),
      errorsOnly: true,
      eventName,
      start: new Date(time - LAG_MS),
    })
    events = result.events
  } catch (error) {
    if (options.signal.aborted) throw error
    return {
      ...base,
      note: `Whether CloudTrail recorded this denial is unknown: the table ${trail.table} could not be searched (${reasonOf(error)}). ${where}`,
      status: 'unknown',
    }
  }

  const matched = matchedResult(events, denial, (e) => e.region ?? options.region, `table ${trail.table}`)
  if (matched) return matched
  const notYet = notDeliveredYet(base, options, time, where)
  if (notYet) return notYet
  const category =
    base.eventCategory === 'data'
      ? `${eventName} is a data event: the trail must record ${denial.d.service ?? 'its service'}'s data events (event selectors) for it to be there`
      : 'the call may have gone to a Region the trail does not record, or another principal made it'
  return {
    ...base,
    note: `No matching ${eventName} event with an access-denied error in ${trail.table} within ±10 minutes (${events.length} ${eventName} error event(s) checked). Possible reasons: ${category}. ${where}`,
    status: 'no-match',
  }
}

/** The outcome when CloudTrail cannot or must not be searched; undefined when it should be. */
function withoutLookup(input: {
  base: AccessDeniedAnalysis
  d: ParsedDenial
  options: CorrelateOptions
  time: number | undefined
  where: string
}): AccessDeniedAnalysis | undefined {
  const {base, d, options, time, where} = input
  const {eventName} = base
  // With --trail-table, data events are searchable: what remains to say is why no search ran.
  if (base.eventCategory === 'data' && !options.trailTable) {
    return {
      ...base,
      note: `${eventName ?? d.action} is a data event: CloudTrail Event history holds management events only, so it cannot show this call. If a trail or CloudTrail Lake event data store records ${d.service} data events, search it for eventName=${eventName} around ${base.time ?? 'the failure'}. ${bare403(d)}${where}`,
      status: 'data-event',
    }
  }

  if (!options.cloudtrail)
    return {
      ...base,
      note: `CloudTrail look-up skipped (--no-cloudtrail, or local --logs without --cloudtrail). ${where}`,
    }
  if (!options.trail && !options.trailTable)
    return {
      ...base,
      note: `CloudTrail look-up needs AWS access (run with --env, or pass --cloudtrail with --logs). ${where}`,
    }
  if (time === undefined)
    return {...base, note: `The log line carries no time, so CloudTrail cannot be searched. ${where}`}
  if (!eventName)
    return {
      ...base,
      note: `The message does not name the API operation, so CloudTrail cannot be searched by EventName. ${where}`,
    }
  if (options.now.getTime() - time > HISTORY_MS)
    return {...base, note: `The failure is older than 90 days: beyond CloudTrail Event history. ${where}`}
  return undefined
}

/** S3 answers 403 instead of 404 for a missing key when the caller may not list the bucket. */
function bare403(d: ParsedDenial): string {
  if (d.service !== 's3' || d.principal || !/^(403|Forbidden|AccessDenied)$/.test(d.errorCode ?? '')) return ''
  return 'A bare 403 from S3 can also mean the key does not exist and the role lacks s3:ListBucket on the bucket (S3 then answers 403 instead of 404). '
}

function policyAdvice(d: ParsedDenial, roleArn: null | string): string {
  switch (d.policyType) {
    case 'explicit-deny': {
      return `An explicit Deny (${d.denySource ?? 'policy'}) blocks it; an Allow cannot override it — narrow that Deny.`
    }

    case 'identity': {
      return `No identity-based policy allows it: add the statement to ${roleArn ?? 'the execution role'}.`
    }

    case 'resource': {
      return `No resource-based policy allows it: add the statement to the policy of ${d.resource ?? 'the resource'} (key, bucket or secret policy).`
    }

    default: {
      return `Add the statement to ${roleArn ?? 'the execution role'}; if the resource has its own policy (KMS key, bucket, secret), it must allow the role too.`
    }
  }
}

function matchesDenial(
  e: TrailEvent,
  d: ParsedDenial,
  executionRoleArn: null | string,
  eventSource: null | string,
): boolean {
  if (!e.errorCode || !DENIED_CODES.test(e.errorCode)) return false
  if (eventSource && e.eventSource && e.eventSource !== eventSource) return false
  const byRole = executionRoleArn !== null && e.sessionIssuerArn === executionRoleArn
  const byPrincipal = d.principal !== null && e.principalArn === d.principal
  const byMwaaSession = e.principalArn?.endsWith('/AmazonMWAA-airflow') ?? false
  if (executionRoleArn === null && d.principal === null) return true
  return byRole || byPrincipal || (executionRoleArn === null && byMwaaSession)
}

function resourceScore(e: TrailEvent, d: ParsedDenial): number {
  if (!d.resource) return 0
  const tail = d.resource.split(/[:/]/).pop() ?? d.resource
  const params = JSON.stringify(e.requestParameters ?? '')
  return params.includes(tail) || e.resources.some((r) => r.name === d.resource || r.name.endsWith(tail)) ? 1 : 0
}
