/**
 * Saved AWS CLI outputs for an offline review beside the lease table: `aws firehose
 * describe-delivery-stream` (one or several appended) and `aws lambda list-event-source-mappings`
 * (or one mapping, as create/get-event-source-mapping print it). Entries that do not read a
 * Kinesis stream, or read another stream than the one reviewed, are set aside with why.
 */
import type {DeliveryStreamDescription} from '@aws-sdk/client-firehose'
import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import {InputError} from '../../core/errors.js'

export interface Picked<T> {
  kept: T[]
  /** Why entries were left out (warned about). */
  skipped: string[]
}

/** `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME` → NAME; null for any other ARN. */
export function kinesisStreamNameOf(arn: string | undefined): null | string {
  const m = /^arn:aws[\w-]*:kinesis:[^:]*:\d*:stream\/([\w.-]+)$/.exec(arn ?? '')
  return m ? m[1]! : null
}

function objects(docs: unknown[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = []
  const visit = (d: unknown): void => {
    if (Array.isArray(d)) for (const x of d) visit(x)
    else if (d && typeof d === 'object') out.push(d as Record<string, unknown>)
  }

  for (const d of docs) visit(d)
  return out
}

export function deliveryStreamsOfJson(
  docs: unknown[],
  stream: null | string,
  source: string,
): Picked<DeliveryStreamDescription> {
  const kept: DeliveryStreamDescription[] = []
  const skipped: string[] = []
  for (const o of objects(docs)) {
    const d = (o.DeliveryStreamDescription ?? (o.DeliveryStreamName ? o : undefined)) as
      DeliveryStreamDescription | undefined
    if (!d || typeof d !== 'object')
      throw new InputError(
        `${source} is not aws firehose describe-delivery-stream output (no DeliveryStreamDescription)`,
        {
          suggestions: [
            'Save it with: aws firehose describe-delivery-stream --delivery-stream-name NAME --output json > firehose.json',
          ],
        },
      )
    const name = d.DeliveryStreamName ?? '?'
    const read = kinesisStreamNameOf(d.Source?.KinesisStreamSourceDescription?.KinesisStreamARN)
    if (read === null) skipped.push(`${name}: type ${d.DeliveryStreamType ?? 'unknown'}, no Kinesis stream source`)
    else if (stream !== null && read !== stream) skipped.push(`${name}: reads stream ${read}, not ${stream}`)
    else kept.push(d)
  }

  return {kept, skipped}
}

export function mappingsOfJson(
  docs: unknown[],
  stream: null | string,
  source: string,
): Picked<EventSourceMappingConfiguration> {
  const kept: EventSourceMappingConfiguration[] = []
  const skipped: string[] = []
  for (const o of objects(docs)) {
    const list = Array.isArray(o.EventSourceMappings) ? (o.EventSourceMappings as unknown[]) : o.UUID ? [o] : undefined
    if (!list)
      throw new InputError(`${source} is not aws lambda list-event-source-mappings output (no EventSourceMappings)`, {
        suggestions: [
          'Save it with: aws lambda list-event-source-mappings --event-source-arn STREAM_ARN --output json > esm.json',
        ],
      })
    for (const m of list as EventSourceMappingConfiguration[]) {
      const read = kinesisStreamNameOf(m.EventSourceArn)
      if (read === null)
        skipped.push(`mapping ${m.UUID ?? '?'}: source ${m.EventSourceArn ?? 'unknown'} is not a Kinesis stream`)
      else if (stream !== null && read !== stream)
        skipped.push(`mapping ${m.UUID ?? '?'}: reads stream ${read}, not ${stream}`)
      else kept.push(m)
    }
  }

  return {kept, skipped}
}
