/**
 * Firehose delivery streams reading the Kinesis stream (ListDeliveryStreams of type
 * KinesisStreamAsSource, then DescribeDeliveryStream for each, kept when the source stream ARN is
 * this stream's), their destinations, where failed records go, and what CloudWatch says about their
 * delivery (AWS/Firehose, dimension DeliveryStreamName).
 *
 * Delivery facts (Firehose developer guide, basic-deliver / monitoring-with-cloudwatch-metrics):
 * `<Destination>.DataFreshness` is the age in seconds of the oldest record not yet delivered;
 * `<Destination>.Success` is the share of delivery attempts that succeeded (Average per minute);
 * Firehose keeps undelivered data at most 24 hours, after which it is dropped.
 */
import type {DeliveryStreamDescription, DestinationDescription, FirehoseClient} from '@aws-sdk/client-firehose'

import type {RunContext} from '../../core/run-context.js'
import type {MetricSpec, MetricSummary} from '../metrics.js'
import type {Consumer, ConsumerMetric, Finding} from './types.js'

import {abortOpts} from '../../aws/abort.js'

/** Firehose keeps records it could not deliver for at most this long (then they are lost). */
export const FIREHOSE_RETENTION_MS = 24 * 3_600_000
/** DataFreshness above this is late even for the longest buffer (900 s interval) plus one retry round. */
const STALE_SECONDS = 1800
/** DataFreshness at or above half the 24-hour window is critical, as lag near retention is for KCL. */
const CRITICAL_FRESHNESS_SECONDS = 12 * 3600

export type FirehoseLike = Pick<FirehoseClient, 'send'>

export async function listStreamDeliveryStreams(
  firehose: FirehoseLike,
  streamArn: string,
  ctx: RunContext,
): Promise<DeliveryStreamDescription[]> {
  const {DescribeDeliveryStreamCommand, ListDeliveryStreamsCommand} = await import('@aws-sdk/client-firehose')
  const names: string[] = []
  let after: string | undefined
  for (;;) {
    const page = await firehose.send(
      new ListDeliveryStreamsCommand({
        DeliveryStreamType: 'KinesisStreamAsSource',
        Limit: 100,
        ...(after ? {ExclusiveStartDeliveryStreamName: after} : {}),
      }),
      abortOpts(ctx.signal),
    )
    const got = page.DeliveryStreamNames ?? []
    names.push(...got)
    if (!page.HasMoreDeliveryStreams || got.length === 0) break
    after = got.at(-1)
  }

  const out: DeliveryStreamDescription[] = []
  for (const name of names) {
    ctx.progress({detail: name, label: 'Describing delivery streams'})
    const described = await firehose.send(
      new DescribeDeliveryStreamCommand({DeliveryStreamName: name}),
      abortOpts(ctx.signal),
    )
    const d = described.DeliveryStreamDescription
    if (d && readsStream(d, streamArn)) out.push(d)
  }

  return out
}

export function readsStream(d: DeliveryStreamDescription, streamArn: string): boolean {
  return d.Source?.KinesisStreamSourceDescription?.KinesisStreamARN === streamArn
}

/** One destination: what it is, where its failed records go, and the metric prefixes it reports under. */
export interface FirehoseDestination {
  /** The S3 location of failed records (error output prefix, or the backup bucket); null when none is configured. */
  errorOutput: null | string
  label: string
  /** CloudWatch metric prefixes, the destination's own first (Redshift also reports its S3 staging as DeliveryToS3). */
  metricPrefixes: string[]
  /** How long Firehose retries this destination before it writes the records to the error output (s); null: S3, up to 24 h. */
  retrySeconds: null | number
}

interface S3Like {
  BucketARN?: string | undefined
  ErrorOutputPrefix?: string | undefined
}

function s3Location(s3: S3Like | undefined): null | string {
  if (!s3?.BucketARN) return null
  const bucket = s3.BucketARN.replace(/^arn:aws[\w-]*:s3:::/, '')
  return s3.ErrorOutputPrefix
    ? `s3://${bucket}/${s3.ErrorOutputPrefix}`
    : `s3://${bucket}/ (no ErrorOutputPrefix: Firehose's default error folders, e.g. processing-failed/)`
}

/** Destinations whose failed records go to an S3 backup after their retry duration. */
const BACKED_UP = [
  ['RedshiftDestinationDescription', 'Redshift', ['DeliveryToRedshift', 'DeliveryToS3']],
  ['AmazonopensearchserviceDestinationDescription', 'OpenSearch Service', ['DeliveryToAmazonOpenSearchService']],
  [
    'AmazonOpenSearchServerlessDestinationDescription',
    'OpenSearch Serverless',
    ['DeliveryToAmazonOpenSearchServerless'],
  ],
  ['ElasticsearchDestinationDescription', 'Elasticsearch', ['DeliveryToElasticsearch']],
  ['SplunkDestinationDescription', 'Splunk', ['DeliveryToSplunk']],
  ['HttpEndpointDestinationDescription', 'HTTP endpoint', ['DeliveryToHttpEndpoint']],
  ['SnowflakeDestinationDescription', 'Snowflake', ['DeliveryToSnowflake']],
  ['IcebergDestinationDescription', 'Iceberg', ['DeliveryToIceberg']],
] as const

export function destinationOf(d: DestinationDescription): FirehoseDestination | undefined {
  for (const [key, label, metricPrefixes] of BACKED_UP) {
    const desc = d[key] as
      | undefined
      | {
          RetryOptions?: undefined | {DurationInSeconds?: number | undefined}
          S3BackupDescription?: S3Like | undefined
          S3DestinationDescription?: S3Like | undefined
        }
    if (!desc) continue
    return {
      errorOutput: s3Location(desc.S3BackupDescription ?? desc.S3DestinationDescription),
      label,
      metricPrefixes: [...metricPrefixes],
      retrySeconds: desc.RetryOptions?.DurationInSeconds ?? null,
    }
  }

  // AWS returns an extended S3 destination together with its plain S3 view: one destination, not two.
  const s3 = d.ExtendedS3DestinationDescription ?? d.S3DestinationDescription
  if (!s3) return undefined
  return {errorOutput: s3Location(s3), label: 'S3', metricPrefixes: ['DeliveryToS3'], retrySeconds: null}
}

const specKey = (prefix: string, metric: string): string => `${prefix}.${metric}`

/** The metrics read for one delivery stream, keyed by metric name. */
export function firehoseMetricSpecs(d: DeliveryStreamDescription): Map<string, MetricSpec> {
  const dimensions = {DeliveryStreamName: d.DeliveryStreamName ?? ''}
  const specs = new Map<string, MetricSpec>()
  const add = (metricName: string, stat: MetricSpec['stat']): void => {
    specs.set(metricName, {dimensions, metricName, namespace: 'AWS/Firehose', stat})
  }

  for (const dest of (d.Destinations ?? []).map((x) => destinationOf(x))) {
    for (const prefix of dest?.metricPrefixes ?? []) {
      // Redshift's own Success counts COPY commands; its freshness is its S3 staging's.
      if (prefix !== 'DeliveryToRedshift') add(specKey(prefix, 'DataFreshness'), 'Maximum')
      add(specKey(prefix, 'Success'), 'Average')
    }
  }

  add('DataReadFromKinesisStream.Records', 'Sum')
  add('ThrottledGetRecords', 'Sum')
  return specs
}

const hoursText = (ms: number): string => `${(ms / 3_600_000).toFixed(1)} h`

/** A delivery stream → a consumer with its destinations, metrics (when read) and findings. */
export function analyseDeliveryStream(
  d: DeliveryStreamDescription,
  metrics: {notChecked: string} | {summaries: Map<string, MetricSummary>},
): Consumer {
  const name = d.DeliveryStreamName ?? d.DeliveryStreamARN ?? 'unknown delivery stream'
  const destinations = (d.Destinations ?? [])
    .map((x) => destinationOf(x))
    .filter((x): x is FirehoseDestination => x !== undefined)
  const findings: Finding[] = []
  const status = d.DeliveryStreamStatus ?? 'unknown'
  if (d.DeliveryStreamStatus && d.DeliveryStreamStatus !== 'ACTIVE') {
    findings.push({
      fix: status.endsWith('FAILED')
        ? `Read the failure (aws firehose describe-delivery-stream --delivery-stream-name ${name} --query DeliveryStreamDescription.FailureDescription), fix it (often the role or the KMS key) and recreate the delivery stream.`
        : 'Wait until it is ACTIVE; nothing is read from the stream until then.',
      kind: 'firehose-not-active',
      message: `delivery stream ${name} is ${status}${d.FailureDescription ? ` (${d.FailureDescription.Type}: ${d.FailureDescription.Details})` : ''}`,
      severity: status.endsWith('FAILED') ? 'critical' : 'warning',
      shardId: null,
    })
  }

  const source = `delivery stream ${d.DeliveryStreamARN ?? name} → ${destinations.map((x) => x.label).join(', ') || 'no destination described'}; failed records: ${destinations.map((x) => x.errorOutput ?? 'none configured').join('; ') || 'unknown'}`
  if ('notChecked' in metrics)
    return {findings, kind: 'firehose', metricsNotChecked: metrics.notChecked, name, shards: [], source}

  const shown: ConsumerMetric[] = []
  for (const dest of destinations) {
    for (const prefix of dest.metricPrefixes) {
      const fresh = metrics.summaries.get(specKey(prefix, 'DataFreshness'))
      const success = metrics.summaries.get(specKey(prefix, 'Success'))
      if (fresh) shown.push({metric: `${prefix}.DataFreshness`, stat: 'Maximum', unit: 's', value: fresh.max})
      if (success)
        shown.push({
          metric: `${prefix}.Success`,
          stat: 'Minimum of the per-minute Average',
          unit: 'ratio',
          value: success.min,
        })
      const finding = deliveryFinding(name, dest, prefix, fresh, success)
      if (finding) findings.push(finding)
    }
  }

  const read = metrics.summaries.get('DataReadFromKinesisStream.Records')
  const throttled = metrics.summaries.get('ThrottledGetRecords')
  if (read) shown.push({metric: 'DataReadFromKinesisStream.Records', stat: 'Sum', unit: 'count', value: read.sum})
  if (throttled) shown.push({metric: 'ThrottledGetRecords', stat: 'Sum', unit: 'count', value: throttled.sum})
  return {findings, kind: 'firehose', metrics: shown, name, shards: [], source}
}

/**
 * Delivery failing (Success below 1) or late (DataFreshness high). The 24-hour window is counted
 * from the freshness: the oldest undelivered record is that old, and is dropped at 24 h.
 */
function deliveryFinding(
  name: string,
  dest: FirehoseDestination,
  prefix: string,
  fresh: MetricSummary | undefined,
  success: MetricSummary | undefined,
): Finding | undefined {
  const freshSeconds = fresh?.latest ?? null
  const left =
    freshSeconds === null
      ? `time left in the 24-hour window unknown (no ${prefix}.DataFreshness data)`
      : `the oldest undelivered record is ${hoursText(freshSeconds * 1000)} old: ${hoursText(Math.max(0, FIREHOSE_RETENTION_MS - freshSeconds * 1000))} left before Firehose drops it (24-hour limit)`
  const where = dest.errorOutput ? ` Failed records: ${dest.errorOutput}.` : ''
  const retry =
    dest.retrySeconds === null
      ? ''
      : ` ${dest.label} is retried for ${dest.retrySeconds} s, then its records go to the error output.`
  if (success?.min !== null && success?.min !== undefined && success.min < 1) {
    const now = success.latest === 0
    return {
      fix: `Read the delivery errors (CloudWatch Logs of the delivery stream, or aws firehose describe-delivery-stream --delivery-stream-name ${name}): usually the role's permissions, the destination's capacity, or a Lambda transform.${retry}${where}`,
      kind: 'firehose-delivery-failing',
      message: `${name}: ${prefix}.Success fell to ${success.min.toFixed(2)} in the window${now ? ' and is 0 in the last minute with data' : ''}; ${left}`,
      severity: now || (freshSeconds ?? 0) >= CRITICAL_FRESHNESS_SECONDS ? 'critical' : 'warning',
      shardId: null,
    }
  }

  if (freshSeconds !== null && freshSeconds >= STALE_SECONDS) {
    return {
      fix: `Delivery is behind without failing: check ThrottledGetRecords (other consumers share the shard read limit), the buffering hints and the destination's throughput.${where}`,
      kind: 'firehose-data-stale',
      message: `${name}: ${prefix}.DataFreshness is ${hoursText(freshSeconds * 1000)}; ${left}`,
      severity: freshSeconds >= CRITICAL_FRESHNESS_SECONDS ? 'critical' : 'warning',
      shardId: null,
    }
  }

  return undefined
}
