/**
 * The "Object Created" event S3 sends to EventBridge for one object (S3 user guide, "EventBridge
 * event message structure"): envelope `source: aws.s3`, `detail-type: Object Created`,
 * `resources: [bucket ARN]`; `detail.version "0"`, `bucket.name`, `object.{key,size,etag,
 * version-id,sequencer}`, `request-id`, `requester`, `source-ip-address`, `reason`.
 *
 * Only S3 knows some of these for a given write (the request id, the requester, the address, the
 * sequencer, and which API wrote it): they are left out and listed as unknown, so a rule that tests
 * them is reported as unknown, never as a mismatch. A multipart ETag (`…-N`) means
 * CompleteMultipartUpload.
 */
import type {ObjectFacts} from './types.js'

export interface BuiltEvent {
  event: Record<string, unknown>
  unknownFields: string[]
}

export function buildObjectCreatedEvent(
  object: ObjectFacts,
  context: {account?: string | undefined; region?: string | undefined; time?: string | undefined},
): BuiltEvent {
  const unknownFields = [
    'id',
    'detail.request-id',
    'detail.requester',
    'detail.source-ip-address',
    'detail.object.sequencer',
  ]
  const detailObject: Record<string, unknown> = {key: object.key}
  if (object.size === undefined) unknownFields.push('detail.object.size')
  else detailObject.size = object.size
  if (object.etag === undefined) unknownFields.push('detail.object.etag')
  else detailObject.etag = object.etag.replaceAll('"', '')
  if (object.versionId && object.versionId !== 'null') detailObject['version-id'] = object.versionId
  const detail: Record<string, unknown> = {bucket: {name: object.bucket}, object: detailObject, version: '0'}
  const etag = typeof detailObject.etag === 'string' ? detailObject.etag : undefined
  if (etag && /-\d+$/.test(etag)) detail.reason = 'CompleteMultipartUpload'
  else unknownFields.push('detail.reason')
  const event: Record<string, unknown> = {
    detail,
    'detail-type': 'Object Created',
    resources: [`arn:aws:s3:::${object.bucket}`],
    source: 'aws.s3',
    version: '0',
  }
  for (const [field, value] of [
    ['account', context.account],
    ['region', context.region],
    ['time', context.time],
  ] as const) {
    if (value === undefined) unknownFields.push(field)
    else event[field] = value
  }

  return {event, unknownFields}
}
