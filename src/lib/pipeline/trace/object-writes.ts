/**
 * Hop 1 with `--trail-table`: who wrote (or failed to write, or deleted) the object, from the S3
 * data events of a trail, searched in Athena (../../cloudtrail/athena-lookup.ts). Event history
 * never holds S3 object calls (they are data events), so only a trail that records data events
 * for the bucket can answer; when none is found, that is said, and nothing is concluded.
 *
 * Window: from an hour before the object's LastModified (a multipart upload starts before it
 * completes) to five minutes after; without a LastModified (the object is missing), from --since
 * or the last 24 hours until now.
 */
import type {TrailSearcher} from '../../cloudtrail/athena-lookup.js'
import type {TrailEvent} from '../../cloudtrail/lookup.js'
import type {RunContext} from '../../core/run-context.js'
import type {Hop, ObjectFacts, ObjectTrailEvent} from './types.js'

import {reasonOf} from '../../core/error-reason.js'

const BEFORE_MS = 3_600_000
const AFTER_MS = 5 * 60_000
const MISSING_LOOKBACK_MS = 24 * 3_600_000
const WRITES = new Set(['CompleteMultipartUpload', 'CopyObject', 'PutObject', 'RestoreObject'])
const DELETES = new Set(['DeleteObject', 'DeleteObjects'])

function who(e: TrailEvent): string {
  return e.sessionIssuerArn
    ? `${e.sessionIssuerArn} (session ${e.userName ?? '?'})`
    : (e.principalArn ?? e.userName ?? 'an unknown principal')
}

function summary(e: TrailEvent): ObjectTrailEvent {
  return {
    errorCode: e.errorCode,
    eventId: e.eventId,
    eventName: e.eventName,
    eventTime: e.eventTime,
    principalArn: e.principalArn,
    sessionIssuerArn: e.sessionIssuerArn,
    sourceIp: e.sourceIp,
  }
}

/** Search the trail and add what it says to hop 1; returns the events found (newest first). */
export async function addObjectWrites(
  trail: TrailSearcher,
  facts: ObjectFacts,
  hop: Hop,
  window: {now: Date; since?: Date | undefined},
  ctx: RunContext,
): Promise<ObjectTrailEvent[]> {
  const objectArn = `arn:aws:s3:::${facts.bucket}/${facts.key}`
  const lastModified = facts.lastModified ? Date.parse(facts.lastModified) : Number.NaN
  const start = Number.isNaN(lastModified)
    ? (window.since ?? new Date(window.now.getTime() - MISSING_LOOKBACK_MS))
    : new Date(lastModified - BEFORE_MS)
  const end = Number.isNaN(lastModified) ? window.now : new Date(lastModified + AFTER_MS)
  const span = `${start.toISOString()} … ${end.toISOString()}`
  ctx.progress({detail: trail.table, label: 'object calls in the trail'})
  let found
  try {
    found = await trail.lookup({end, eventSource: 's3.amazonaws.com', limit: 50, resourceName: objectArn, start})
  } catch (error) {
    if (ctx.signal.aborted) throw error
    hop.evidence.push(`CloudTrail (${trail.table}) could not be searched: ${reasonOf(error)}`)
    return []
  }

  const s = found.athena.stats
  const cost = s ? ` (Athena ${s.queryExecutionId}: ${s.dataScannedBytes} bytes scanned, $${s.costUsd})` : ''
  const events = found.events.filter((e) => WRITES.has(e.eventName) || DELETES.has(e.eventName))
  if (events.length === 0) {
    hop.evidence.push(
      `CloudTrail (${trail.table}): no write or delete of ${objectArn} in ${span}${cost}. Either none happened there, or the trail does not record S3 data events for this bucket (its event selectors): not a finding.`,
    )
    return []
  }

  for (const e of events.slice(0, 5))
    hop.evidence.push(
      `CloudTrail: ${e.eventName} at ${e.eventTime} by ${who(e)}${e.sourceIp ? ` from ${e.sourceIp}` : ''}${e.errorCode ? `, failed: ${e.errorCode}` : ''}`,
    )
  if (events.length > 5) hop.evidence.push(`… ${events.length - 5} more object call(s) in --json`)
  hop.evidence.push(`(searched ${span}${cost})`)
  const latest = events[0]!
  if (hop.status === 'broken' && latest.errorCode && WRITES.has(latest.eventName)) {
    const role = latest.sessionIssuerArn ?? latest.principalArn
    hop.fix.push(
      `The last write was refused (${latest.errorCode}) — let ${role ?? 'the writer'} put the object: aws iam simulate-principal-policy --policy-source-arn ${role ?? 'ROLE_ARN'} --action-names s3:PutObject --resource-arns ${objectArn}`,
    )
  } else if (hop.status === 'broken' && DELETES.has(latest.eventName) && !latest.errorCode) {
    hop.evidence.push(`The object was written and then deleted (${latest.eventTime} by ${who(latest)}).`)
  }

  return events.map((e) => summary(e))
}
