/**
 * CloudWatch metrics of the consumers found, read in one batched GetMetricData pass over the
 * window (the shared pager in ../metrics.ts): Lambda functions (AWS/Lambda IteratorAge, Errors,
 * Throttles), enhanced fan-out consumers (AWS/Kinesis SubscribeToShard.RateExceeded,
 * SubscribeToShardEvent.MillisBehindLatest), Firehose delivery (see firehose.ts), and the stream's
 * own iterator age: GetRecords.IteratorAgeMilliseconds, and IteratorAgeMilliseconds per shard when
 * shard-level metrics include it (otherwise "not checked", never 0).
 */
import type {DeliveryStreamDescription} from '@aws-sdk/client-firehose'
import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import type {ClientOf} from '../../aws/clients.js'
import type {RunContext} from '../../core/run-context.js'
import type {Consumer, ConsumerMetric, Finding, IteratorAgeView} from './types.js'

import {alignToMinutes, fetchMetricSummaries, type MetricSpec, type MetricSummary} from '../metrics.js'
import {analyseDeliveryStream, firehoseMetricSpecs} from './firehose.js'

/** Lag at or above this is worth a warning even far from retention: records wait a quarter of an hour. */
const WARN_LAG_MS = 15 * 60_000
/** Lag at or above this share of the retention is critical (data will be lost soon), as for KCL leases. */
const CRITICAL_SHARE = 0.5

const fmtMs = (ms: number): string =>
  ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 1000)} s`

function lagFinding(
  kind: Finding['kind'],
  what: string,
  ms: null | number,
  retentionHours: null | number,
  fix: string,
  shardId: null | string = null,
): Finding | undefined {
  if (ms === null || ms < WARN_LAG_MS) return undefined
  const retentionMs = retentionHours === null ? null : retentionHours * 3_600_000
  const critical = retentionMs !== null && ms >= retentionMs * CRITICAL_SHARE
  const left =
    retentionMs === null
      ? 'retention unknown'
      : `${fmtMs(Math.max(0, retentionMs - ms))} left before unread records expire (retention ${retentionHours} h)`
  return {
    fix,
    kind,
    message: `${what} reached ${fmtMs(ms)} in the window; ${left}`,
    severity: critical ? 'critical' : 'warning',
    shardId,
  }
}

/** What to read for one consumer, and how to turn the summaries into its metrics and findings. */
interface MetricPlan {
  apply: (summaries: Map<string, MetricSummary>) => {findings: Finding[]; metrics: ConsumerMetric[]}
  consumer: Consumer
  specs: Map<string, MetricSpec>
}

/** The function name CloudWatch uses: the ARN's name without a version or alias qualifier. */
export function functionNameOf(m: EventSourceMappingConfiguration): null | string {
  const tail = m.FunctionArn?.split(':function:')[1]
  return tail ? tail.split(':')[0]! : null
}

export function lambdaPlan(
  consumer: Consumer,
  m: EventSourceMappingConfiguration,
  retentionHours: null | number,
): MetricPlan | undefined {
  const fn = functionNameOf(m)
  if (!fn) return undefined
  const dims = {FunctionName: fn}
  const specs = new Map<string, MetricSpec>([
    ['Errors', {dimensions: dims, metricName: 'Errors', namespace: 'AWS/Lambda', stat: 'Sum'}],
    ['IteratorAge', {dimensions: dims, metricName: 'IteratorAge', namespace: 'AWS/Lambda', stat: 'Maximum'}],
    ['Throttles', {dimensions: dims, metricName: 'Throttles', namespace: 'AWS/Lambda', stat: 'Sum'}],
  ])
  return {
    apply(s) {
      const age = s.get('IteratorAge')?.max ?? null
      const errors = s.get('Errors')?.sum ?? null
      const throttles = s.get('Throttles')?.sum ?? null
      const findings: Finding[] = []
      const lag = lagFinding(
        'lambda-iterator-age',
        `${fn}: IteratorAge (age of the last record of a batch when it was processed)`,
        age,
        retentionHours,
        `The function falls behind: raise ParallelizationFactor (aws lambda update-event-source-mapping --uuid ${m.UUID ?? '?'} --parallelization-factor N) or the batch size, and look for errors and throttles.`,
      )
      if (lag) findings.push(lag)
      if (errors !== null && errors > 0)
        findings.push({
          fix: `aws logs tail /aws/lambda/${fn} --since 1h; a failing batch is retried and blocks its shard (see the retry settings above).`,
          kind: 'lambda-errors',
          message: `${fn}: ${errors} error(s) in the window (the function's, every trigger together)`,
          severity: 'warning',
          shardId: null,
        })
      if (throttles !== null && throttles > 0)
        findings.push({
          fix: `The function has no concurrency left: raise its reserved concurrency (aws lambda put-function-concurrency --function-name ${fn}) or the account limit; each shard (× ParallelizationFactor) needs one.`,
          kind: 'lambda-throttles',
          message: `${fn}: ${throttles} throttled invocation(s) in the window`,
          severity: 'warning',
          shardId: null,
        })
      return {
        findings,
        metrics: [
          {metric: 'AWS/Lambda IteratorAge', stat: 'Maximum', unit: 'ms', value: age},
          {metric: 'AWS/Lambda Errors', stat: 'Sum', unit: 'count', value: errors},
          {metric: 'AWS/Lambda Throttles', stat: 'Sum', unit: 'count', value: throttles},
        ],
      }
    },
    consumer,
    specs,
  }
}

export function efoPlan(consumer: Consumer, streamName: string, retentionHours: null | number): MetricPlan {
  const dims = {ConsumerName: consumer.name, StreamName: streamName}
  const specs = new Map<string, MetricSpec>([
    [
      'MillisBehindLatest',
      {
        dimensions: dims,
        metricName: 'SubscribeToShardEvent.MillisBehindLatest',
        namespace: 'AWS/Kinesis',
        stat: 'Maximum',
      },
    ],
    [
      'RateExceeded',
      {dimensions: dims, metricName: 'SubscribeToShard.RateExceeded', namespace: 'AWS/Kinesis', stat: 'Sum'},
    ],
  ])
  return {
    apply(s) {
      const behind = s.get('MillisBehindLatest')?.max ?? null
      const rate = s.get('RateExceeded')?.sum ?? null
      const findings: Finding[] = []
      const lag = lagFinding(
        'efo-behind',
        `${consumer.name}: SubscribeToShardEvent.MillisBehindLatest`,
        behind,
        retentionHours,
        'The application behind this consumer does not keep up: more workers, or faster record processing.',
      )
      if (lag) findings.push(lag)
      if (rate !== null && rate > 0)
        findings.push({
          fix: 'SubscribeToShard allows one call per second per consumer and shard, and a second subscription within 5 s fails: two applications may share this consumer name, or a worker re-subscribes in a loop (its logs say why).',
          kind: 'efo-rate-exceeded',
          message: `${consumer.name}: SubscribeToShard.RateExceeded ${rate} time(s) in the window`,
          severity: 'warning',
          shardId: null,
        })
      return {
        findings,
        metrics: [
          {metric: 'AWS/Kinesis SubscribeToShardEvent.MillisBehindLatest', stat: 'Maximum', unit: 'ms', value: behind},
          {metric: 'AWS/Kinesis SubscribeToShard.RateExceeded', stat: 'Sum', unit: 'count', value: rate},
        ],
      }
    },
    consumer,
    specs,
  }
}

/** Does the stream publish shard-level IteratorAgeMilliseconds (EnhancedMonitoring)? */
export function shardIteratorAgeEnabled(shardLevelMetrics: readonly string[]): boolean {
  return shardLevelMetrics.includes('ALL') || shardLevelMetrics.includes('IteratorAgeMilliseconds')
}

export interface MetricsRequest {
  /** Delivery streams found; their consumers are built here once the metrics are known. */
  deliveryStreams: DeliveryStreamDescription[]
  /** Consumers already built, with what their metrics need. */
  efo: Consumer[]
  lambda: Array<{consumer: Consumer; mapping: EventSourceMappingConfiguration}>
  openShardIds: string[]
  retentionHours: null | number
  shardLevelMetrics: string[]
  streamName: string
  windowMs: number
}

export interface MetricsOutcome {
  firehose: Consumer[]
  iteratorAge: IteratorAgeView | null
  /** Set when CloudWatch could not be read (then every consumer says so). */
  notChecked?: string | undefined
  window: {end: string; start: string}
}

/**
 * One GetMetricData pass for everything; metrics and findings are attached to the consumers given.
 * `cloudwatch` undefined or a failed call: every metric is "not checked" with the reason.
 */
export async function readConsumerMetrics(
  cloudwatch: Pick<ClientOf<'cloudwatch'>, 'send'> | undefined,
  request: MetricsRequest,
  ctx: RunContext,
  unavailable = 'no CloudWatch beside this Kinesis endpoint',
): Promise<MetricsOutcome> {
  const end = ctx.now().getTime()
  const window = alignToMinutes(end - request.windowMs, end)
  const windowText = {
    end: new Date(window.startMs + window.minutes * 60_000).toISOString(),
    start: new Date(window.startMs).toISOString(),
  }
  const plans: MetricPlan[] = [
    ...request.lambda.flatMap(({consumer, mapping}) => lambdaPlan(consumer, mapping, request.retentionHours) ?? []),
    ...request.efo.map((c) => efoPlan(c, request.streamName, request.retentionHours)),
  ]
  const perShard = shardIteratorAgeEnabled(request.shardLevelMetrics)
  const streamDims = {StreamName: request.streamName}
  const specs = new Map<string, MetricSpec>()
  specs.set('stream', {
    dimensions: streamDims,
    metricName: 'GetRecords.IteratorAgeMilliseconds',
    namespace: 'AWS/Kinesis',
    stat: 'Maximum',
  })
  if (perShard)
    for (const shardId of request.openShardIds)
      specs.set(`shard:${shardId}`, {
        dimensions: {...streamDims, ShardId: shardId},
        metricName: 'IteratorAgeMilliseconds',
        namespace: 'AWS/Kinesis',
        stat: 'Maximum',
      })
  for (const [i, plan] of plans.entries()) for (const [k, spec] of plan.specs) specs.set(`p${i}:${k}`, spec)
  for (const [i, d] of request.deliveryStreams.entries())
    for (const [k, spec] of firehoseMetricSpecs(d)) specs.set(`f${i}:${k}`, spec)

  let summaries: Map<string, MetricSummary>
  let reason: string | undefined
  if (cloudwatch) {
    try {
      ctx.progress({detail: `${specs.size} metric(s)`, label: 'Reading CloudWatch'})
      summaries = (await fetchMetricSummaries(cloudwatch, specs, window, ctx.signal)).summaries
    } catch (error) {
      if (ctx.signal.aborted) throw error
      const e = error as {message?: string; name?: string}
      reason = `${e.name ?? 'Error'}: ${e.message ?? ''}`.trim()
      ctx.warn(`CloudWatch metrics not checked (${reason})`)
      summaries = new Map()
    }
  } else {
    reason = unavailable
    summaries = new Map()
  }

  const firehose = request.deliveryStreams.map((d, i) =>
    analyseDeliveryStream(d, reason === undefined ? {summaries: scoped(summaries, `f${i}:`)} : {notChecked: reason}),
  )
  for (const [i, plan] of plans.entries()) {
    if (reason !== undefined) {
      plan.consumer.metricsNotChecked = reason
      continue
    }

    const applied = plan.apply(scoped(summaries, `p${i}:`))
    plan.consumer.metrics = applied.metrics
    plan.consumer.findings.push(...applied.findings)
  }

  if (reason !== undefined) return {firehose, iteratorAge: null, notChecked: reason, window: windowText}
  return {firehose, iteratorAge: iteratorAgeView(summaries, request, perShard), window: windowText}
}

function scoped(all: Map<string, MetricSummary>, prefix: string): Map<string, MetricSummary> {
  const out = new Map<string, MetricSummary>()
  for (const [k, v] of all) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v)
  return out
}

function iteratorAgeView(
  summaries: Map<string, MetricSummary>,
  request: MetricsRequest,
  perShard: boolean,
): IteratorAgeView {
  const streamMaxMs = summaries.get('stream')?.max ?? null
  const findings: Finding[] = []
  const fix =
    'Some polling consumer (KCL, Lambda, Firehose: the metric does not say which) reads this shard late: see the consumers above, and the shard rows of the KCL applications.'
  if (!perShard) {
    const f = lagFinding(
      'shard-iterator-age',
      'GetRecords.IteratorAgeMilliseconds (stream level)',
      streamMaxMs,
      request.retentionHours,
      fix,
    )
    if (f) findings.push(f)
    return {
      findings,
      perShard: null,
      perShardNote: `not checked: shard-level IteratorAgeMilliseconds is not enabled on the stream (aws kinesis enable-enhanced-monitoring --stream-name ${request.streamName} --shard-level-metrics IteratorAgeMilliseconds)`,
      streamMaxMs,
    }
  }

  const rows = request.openShardIds.map((shardId) => ({maxMs: summaries.get(`shard:${shardId}`)?.max ?? null, shardId}))
  for (const r of rows) {
    const f = lagFinding(
      'shard-iterator-age',
      `${r.shardId}: IteratorAgeMilliseconds`,
      r.maxMs,
      request.retentionHours,
      fix,
      r.shardId,
    )
    if (f) findings.push(f)
  }

  return {
    findings,
    perShard: rows,
    perShardNote:
      'shard-level IteratorAgeMilliseconds, max in the window (null: no data point, e.g. nobody polled the shard)',
    streamMaxMs,
  }
}
