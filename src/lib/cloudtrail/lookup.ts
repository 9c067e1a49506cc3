/**
 * CloudTrail event history (LookupEvents), reusable by every flow: `trail lookup`, resharding
 * (counts UpdateShardCount calls in the last 24 h) and MWAA triage (matches AccessDenied).
 *
 * LookupEvents accepts one lookup attribute per call and allows 2 requests per second per account
 * and region; further filters are applied client-side on the parsed CloudTrailEvent document.
 */
import {type CloudTrailClient, type LookupAttributeKey, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'

import type {RunContext} from '../core/run-context.js'

import {abortOpts} from '../aws/abort.js'
import {UsageError} from '../core/errors.js'

/** How far back CloudTrail event history (LookupEvents) goes. */
export const EVENT_HISTORY_DAYS = 90

/**
 * Refuse a window that starts before event history begins: LookupEvents would silently return
 * only the last 90 days, and "nothing found" would then be wrong for the older part.
 */
export function checkEventHistoryWindow(start: Date, now: Date, flag: string): void {
  const oldest = now.getTime() - EVENT_HISTORY_DAYS * 86_400_000
  if (start.getTime() >= oldest) return
  throw new UsageError(
    `${flag} reaches back to ${start.toISOString()}, but CloudTrail event history keeps only the last ${EVENT_HISTORY_DAYS} days (from ${new Date(oldest).toISOString()})`,
    {
      code: 'OutsideEventHistory',
      suggestions: [
        `Look up at most ${EVENT_HISTORY_DAYS} days back, e.g. --since ${EVENT_HISTORY_DAYS}d.`,
        'Older events are only in a trail (its log files in S3, queried with Athena) or in a CloudTrail Lake event data store.',
      ],
    },
  )
}

export interface TrailQuery {
  end: Date
  /** Only events whose errorCode is set. */
  errorsOnly?: boolean
  eventName?: string
  eventSource?: string
  /** Stop after this many matching events (undefined: follow every page). */
  limit?: number
  resourceName?: string
  start: Date
  /** IAM user name or role session name, as CloudTrail's Username attribute. */
  user?: string
}

export interface TrailEvent {
  accessKeyId: null | string
  errorCode: null | string
  errorMessage: null | string
  eventId: string
  eventName: string
  eventSource: string
  eventTime: string
  /** The identity that made the call (for assumed roles: the session ARN). */
  principalArn: null | string
  readOnly: boolean | null
  region: null | string
  requestParameters: unknown
  resources: Array<{name: string; type: null | string}>
  /** For assumed roles, the role ARN behind the session (sessionContext.sessionIssuer.arn). */
  sessionIssuerArn: null | string
  sourceIp: null | string
  userName: null | string
}

export interface TrailLookupResult {
  events: TrailEvent[]
  /** API pages read (each one LookupEvents call). */
  pages: number
  /** True when --limit stopped the walk before the last page. */
  truncated: boolean
}

/** Calls that must wait for a slot in the 2-requests-per-second budget (waiting with the run's abortable sleep). */
export interface RateLimiter {
  wait(ctx: Pick<RunContext, 'sleep'>): Promise<void>
}

/** A limiter that spaces calls at least `intervalMs` apart (500 ms = 2 per second). */
export function createIntervalLimiter(intervalMs = 500, now: () => number = Date.now): RateLimiter {
  let next = 0
  return {
    async wait(ctx) {
      const t = now()
      const at = Math.max(t, next)
      next = at + intervalMs
      if (at > t) await ctx.sleep(at - t)
    },
  }
}

/**
 * The CloudTrail side of a look-up. The limiter is the account's 2-per-second budget: a run that
 * makes several look-ups passes one limiter to all of them; without one, each call makes its own.
 */
export interface TrailClients {
  cloudtrail: Pick<CloudTrailClient, 'send'>
  limiter?: RateLimiter | undefined
}

/** The one attribute sent to the API: the most selective of those given. */
export function chooseLookupAttribute(
  query: TrailQuery,
): undefined | {AttributeKey: LookupAttributeKey; AttributeValue: string} {
  if (query.resourceName) return {AttributeKey: 'ResourceName', AttributeValue: query.resourceName}
  if (query.eventName) return {AttributeKey: 'EventName', AttributeValue: query.eventName}
  if (query.user) return {AttributeKey: 'Username', AttributeValue: query.user}
  if (query.eventSource) return {AttributeKey: 'EventSource', AttributeValue: query.eventSource}
  return undefined
}

/**
 * The events of `query` from event history, page by page (each page reported to `ctx.progress`),
 * paced by the limiter and stopped by `ctx.signal`.
 */
export async function lookupEvents(
  clients: TrailClients,
  query: TrailQuery,
  ctx: RunContext,
): Promise<TrailLookupResult> {
  const limiter = clients.limiter ?? createIntervalLimiter()
  const attribute = chooseLookupAttribute(query)
  const events: TrailEvent[] = []
  let nextToken: string | undefined
  let pages = 0
  do {
    await limiter.wait(ctx)
    // Pages depend on the previous NextToken, so they are read in sequence.
    const page = await clients.cloudtrail.send(
      new LookupEventsCommand({
        EndTime: query.end,
        ...(attribute ? {LookupAttributes: [attribute]} : {}),
        MaxResults: 50,
        ...(nextToken ? {NextToken: nextToken} : {}),
        StartTime: query.start,
      }),
      abortOpts(ctx.signal),
    )
    pages++
    for (const raw of page.Events ?? []) {
      const event = normaliseEvent(raw)
      if (matchesTrailQuery(event, query)) events.push(event)
      if (query.limit !== undefined && events.length >= query.limit) {
        return {events, pages, truncated: Boolean(page.NextToken) || events.length < (page.Events?.length ?? 0)}
      }
    }

    ctx.progress({detail: `${events.length} matching`, done: pages, label: 'Reading CloudTrail pages'})
    nextToken = page.NextToken
  } while (nextToken)

  return {events, pages, truncated: false}
}

interface RawEvent {
  AccessKeyId?: string | undefined
  CloudTrailEvent?: string | undefined
  EventId?: string | undefined
  EventName?: string | undefined
  EventSource?: string | undefined
  EventTime?: Date | undefined
  ReadOnly?: string | undefined
  Resources?: Array<{ResourceName?: string | undefined; ResourceType?: string | undefined}> | undefined
  Username?: string | undefined
}

interface CloudTrailDocument {
  awsRegion?: string
  errorCode?: string
  errorMessage?: string
  requestParameters?: unknown
  sourceIPAddress?: string
  userIdentity?: {arn?: string; sessionContext?: {sessionIssuer?: {arn?: string}}}
}

function parseDocument(text: string | undefined): CloudTrailDocument {
  if (!text) return {}
  try {
    return JSON.parse(text) as CloudTrailDocument
  } catch {
    // A malformed document still leaves the top-level fields usable.
    return {}
  }
}

export function normaliseEvent(raw: RawEvent): TrailEvent {
  const doc = parseDocument(raw.CloudTrailEvent)
  return {
    accessKeyId: raw.AccessKeyId ?? null,
    errorCode: doc.errorCode ?? null,
    errorMessage: doc.errorMessage ?? null,
    eventId: raw.EventId ?? '',
    eventName: raw.EventName ?? '',
    eventSource: raw.EventSource ?? '',
    eventTime: raw.EventTime ? new Date(raw.EventTime).toISOString() : '',
    principalArn: doc.userIdentity?.arn ?? null,
    readOnly: raw.ReadOnly === undefined ? null : raw.ReadOnly === 'true',
    region: doc.awsRegion ?? null,
    requestParameters: doc.requestParameters ?? null,
    resources: (raw.Resources ?? []).map((r) => ({name: r.ResourceName ?? '', type: r.ResourceType ?? null})),
    sessionIssuerArn: doc.userIdentity?.sessionContext?.sessionIssuer?.arn ?? null,
    sourceIp: doc.sourceIPAddress ?? null,
    userName: raw.Username ?? null,
  }
}

/** The filters of a query, applied to one event (event history sends only one of them to the API). */
export function matchesTrailQuery(event: TrailEvent, query: TrailQuery): boolean {
  if (query.eventName && event.eventName !== query.eventName) return false
  if (query.eventSource && event.eventSource !== query.eventSource) return false
  if (query.user && event.userName !== query.user) return false
  if (
    query.resourceName &&
    !event.resources.some((r) => r.name === query.resourceName || r.name.endsWith(`/${query.resourceName}`))
  )
    return false
  if (query.errorsOnly && !event.errorCode) return false
  return true
}
