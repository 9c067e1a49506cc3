/**
 * Hop 2: the bucket's notification configuration (GetBucketNotificationConfiguration, or the
 * saved output of `aws s3api get-bucket-notification-configuration`).
 *
 * Facts (S3 user guide, "Using EventBridge", "Configuring event notifications using object key name
 * filtering"): `EventBridgeConfiguration: {}` sends every event of the bucket to the default bus;
 * direct configurations (Lambda, SQS, SNS) each name event types and at most one prefix and one
 * suffix rule; S3 refuses a configuration whose rules for the same event type could both match one
 * key ("Configuration is ambiguously defined…"); PutBucketNotificationConfiguration replaces the
 * whole document, so a fix must carry the existing configurations along.
 */
import type {Hop} from './types.js'

interface FilterRule {
  Name?: string
  Value?: string
}

interface DirectConfiguration {
  Events?: string[]
  Filter?: {Key?: {FilterRules?: FilterRule[]}}
  Id?: string
  LambdaFunctionArn?: string
  QueueArn?: string
  TopicArn?: string
}

export interface NotificationDocument {
  EventBridgeConfiguration?: Record<string, unknown>
  LambdaFunctionConfigurations?: DirectConfiguration[]
  QueueConfigurations?: DirectConfiguration[]
  TopicConfigurations?: DirectConfiguration[]
}

interface Direct {
  destination: string
  events: string[]
  id: string
  kind: 'Lambda' | 'SNS' | 'SQS'
  prefix: string
  suffix: string
}

/** S3 accepts `prefix`/`Prefix`: rule names are compared without case. */
function filterValue(rules: FilterRule[], name: string): string {
  return rules.find((r) => r.Name?.toLowerCase() === name)?.Value ?? ''
}

function directConfigurations(doc: NotificationDocument): Direct[] {
  const out: Direct[] = []
  const add = (
    list: DirectConfiguration[] | undefined,
    kind: Direct['kind'],
    arn: (c: DirectConfiguration) => string | undefined,
  ) => {
    for (const [i, c] of (list ?? []).entries()) {
      const rules = c.Filter?.Key?.FilterRules ?? []
      out.push({
        destination: arn(c) ?? '(no destination)',
        events: c.Events ?? [],
        id: c.Id ?? `${kind} #${i + 1}`,
        kind,
        prefix: filterValue(rules, 'prefix'),
        suffix: filterValue(rules, 'suffix'),
      })
    }
  }

  add(doc.LambdaFunctionConfigurations, 'Lambda', (c) => c.LambdaFunctionArn)
  add(doc.QueueConfigurations, 'SQS', (c) => c.QueueArn)
  add(doc.TopicConfigurations, 'SNS', (c) => c.TopicArn)
  return out
}

/** Does an event type of a configuration cover an object creation: surely (`*`), or for some write APIs only? */
function createdCoverage(events: string[]): 'all' | 'none' | 'some' {
  if (events.some((e) => e === 's3:ObjectCreated:*' || e === 's3:*')) return 'all'
  return events.some((e) => e.startsWith('s3:ObjectCreated:')) ? 'some' : 'none'
}

/** `s3:ObjectCreated:Put` → `s3:ObjectCreated`. */
function family(eventType: string): string {
  return eventType.split(':').slice(0, 2).join(':')
}

function typesOverlap(a: string[], b: string[]): boolean {
  return a.some((x) =>
    b.some(
      (y) => x === y || (x.endsWith(':*') && family(x) === family(y)) || (y.endsWith(':*') && family(x) === family(y)),
    ),
  )
}

function overlaps(a: Direct, b: Direct): boolean {
  const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix)
  const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix)
  return typesOverlap(a.events, b.events) && prefixes && suffixes
}

export function notificationHop(
  doc: NotificationDocument | undefined,
  bucket: string,
  key: string,
  unknownWhy?: string,
): Hop {
  const hop: Hop = {evidence: [], fix: [], hop: 2, name: 'Bucket notifications', status: 'ok'}
  if (!doc) {
    hop.status = 'unknown'
    hop.evidence.push(unknownWhy ?? 'the notification configuration was not read')
    return hop
  }

  const directs = directConfigurations(doc)
  for (const d of directs) {
    const coverage = createdCoverage(d.events)
    if (coverage === 'none' || !key.startsWith(d.prefix) || !key.endsWith(d.suffix)) continue
    const filter = [d.prefix && `prefix "${d.prefix}"`, d.suffix && `suffix "${d.suffix}"`].filter(Boolean).join(', ')
    hop.evidence.push(
      `${d.kind} configuration ${d.id} → ${d.destination} ${coverage === 'all' ? 'receives' : 'may receive (depends on the write API)'} this object (${d.events.join(', ')}${filter ? `; ${filter}` : ''})`,
    )
  }

  for (const [i, a] of directs.entries())
    for (const b of directs.slice(i + 1))
      if (overlaps(a, b))
        hop.evidence.push(
          `configurations ${a.id} and ${b.id} overlap (same event type, overlapping prefix and suffix): S3 refuses this document on its next update ("Configuration is ambiguously defined")`,
        )

  if (doc.EventBridgeConfiguration) {
    hop.evidence.unshift('EventBridge delivery is on: every event of the bucket goes to the default event bus')
  } else {
    hop.status = 'broken'
    hop.evidence.unshift('EventBridge delivery is off (no EventBridgeConfiguration): no rule sees this bucket’s events')
    const withEventBridge = {...doc, EventBridgeConfiguration: {}}
    hop.fix.push(
      `aws s3api put-bucket-notification-configuration --bucket ${bucket} --notification-configuration '${JSON.stringify(withEventBridge)}'`,
      'The call replaces the whole configuration: the document above keeps the existing ones; re-read it just before applying. Delivery starts within about 5 minutes.',
    )
  }

  return hop
}
