/**
 * Stage 1 of hot-shard detection: CloudWatch shard-level metrics (namespace AWS/Kinesis,
 * dimensions StreamName + ShardId, 1-minute granularity). Rates are Sum over 60 s ÷ 60: Min/Max/
 * Average of these metrics are per put call, not per second, so they are never used for rates.
 */
import type {CloudWatchClient, MetricDataQuery} from '@aws-sdk/client-cloudwatch'

import {abortOpts} from '../aws/abort.js'

/** GetMetricData accepts up to 500 queries per call (and 100,800 data points, paged by NextToken). */
export const METRIC_QUERIES_PER_CALL = 500

/** The shard-level metrics we read, and the statistic that makes sense for each. */
export const SHARD_METRICS = [
  {name: 'IncomingBytes', stat: 'Sum'},
  {name: 'IncomingRecords', stat: 'Sum'},
  {name: 'WriteProvisionedThroughputExceeded', stat: 'Sum'},
  {name: 'ReadProvisionedThroughputExceeded', stat: 'Sum'},
  {name: 'IteratorAgeMilliseconds', stat: 'Maximum'},
  {name: 'OutgoingBytes', stat: 'Sum'},
] as const

export type ShardMetricName = (typeof SHARD_METRICS)[number]['name']

/** Per metric, one value per minute of the window (index 0 = first minute); missing minutes are 0. */
export type MinuteSeries = Record<ShardMetricName, number[]>

export interface MetricsWindow {
  /** Number of whole minutes. */
  minutes: number
  /** First minute, ms since epoch, aligned to a minute. */
  startMs: number
}

/**
 * Align [start, end) to whole minutes (CloudWatch's 1-minute periods), both rounded down so the
 * still-filling current minute is left out. At least one minute.
 */
export function alignToMinutes(startMs: number, endMs: number): MetricsWindow {
  const start = Math.floor(startMs / 60_000) * 60_000
  const end = Math.max(start + 60_000, Math.floor(endMs / 60_000) * 60_000)
  return {minutes: (end - start) / 60_000, startMs: start}
}

function emptySeries(minutes: number): MinuteSeries {
  const s = {} as MinuteSeries
  for (const m of SHARD_METRICS) s[m.name] = Array.from({length: minutes}, () => 0)
  return s
}

export interface FetchedMetrics {
  /** Calls made to GetMetricData (pages included). */
  calls: number
  /** Data points returned, over all shards and metrics. */
  dataPoints: number
  series: Map<string, MinuteSeries>
}

async function runQueries(
  cloudwatch: Pick<CloudWatchClient, 'send'>,
  queries: MetricDataQuery[],
  window: MetricsWindow,
  onResult: (id: string, timestamps: Date[], values: number[]) => void,
  signal?: AbortSignal,
): Promise<{calls: number; dataPoints: number}> {
  // Loaded on first use: commands that import this module without reading metrics do not pay for the SDK.
  const {GetMetricDataCommand} = await import('@aws-sdk/client-cloudwatch')
  let calls = 0
  let dataPoints = 0
  for (let i = 0; i < queries.length; i += METRIC_QUERIES_PER_CALL) {
    const batch = queries.slice(i, i + METRIC_QUERIES_PER_CALL)
    let nextToken: string | undefined
    do {
      signal?.throwIfAborted()

      const page = await cloudwatch.send(
        new GetMetricDataCommand({
          EndTime: new Date(window.startMs + window.minutes * 60_000),
          MetricDataQueries: batch,
          NextToken: nextToken,
          ScanBy: 'TimestampAscending',
          StartTime: new Date(window.startMs),
        }),
        abortOpts(signal),
      )
      calls++
      for (const r of page.MetricDataResults ?? []) {
        const ts = r.Timestamps ?? []
        const vals = r.Values ?? []
        dataPoints += vals.length
        if (r.Id) onResult(r.Id, ts, vals)
      }

      nextToken = page.NextToken
    } while (nextToken)
  }

  return {calls, dataPoints}
}

function place(
  target: number[],
  window: MetricsWindow,
  timestamps: Date[],
  values: number[],
  combine: 'max' | 'sum',
): void {
  for (const [j, t] of timestamps.entries()) {
    const idx = Math.floor((t.getTime() - window.startMs) / 60_000)
    if (idx < 0 || idx >= target.length) continue
    const v = values[j] ?? 0
    target[idx] = combine === 'sum' ? target[idx]! + v : Math.max(target[idx]!, v)
  }
}

/** Per-minute shard-level metrics for each shard, batched 500 queries per GetMetricData call. */
export async function fetchShardMetrics(
  cloudwatch: CloudWatchClient,
  streamName: string,
  shardIds: readonly string[],
  window: MetricsWindow,
  signal?: AbortSignal,
): Promise<FetchedMetrics> {
  const series = new Map<string, MinuteSeries>()
  const queries: MetricDataQuery[] = []
  const lookup = new Map<string, {metric: (typeof SHARD_METRICS)[number]; shardId: string}>()
  for (const [si, shardId] of shardIds.entries()) {
    series.set(shardId, emptySeries(window.minutes))
    for (const [mi, metric] of SHARD_METRICS.entries()) {
      const id = `s${si}m${mi}`
      lookup.set(id, {metric, shardId})
      queries.push({
        Id: id,
        MetricStat: {
          Metric: {
            Dimensions: [
              {Name: 'StreamName', Value: streamName},
              {Name: 'ShardId', Value: shardId},
            ],
            MetricName: metric.name,
            Namespace: 'AWS/Kinesis',
          },
          Period: 60,
          Stat: metric.stat,
        },
        ReturnData: true,
      })
    }
  }

  const {calls, dataPoints} = await runQueries(
    cloudwatch,
    queries,
    window,
    (id, ts, vals) => {
      const q = lookup.get(id)
      if (!q) return
      place(series.get(q.shardId)![q.metric.name], window, ts, vals, q.metric.stat === 'Sum' ? 'sum' : 'max')
    },
    signal,
  )
  return {calls, dataPoints, series}
}

export interface StreamMinuteSeries {
  IncomingBytes: number[]
  IncomingRecords: number[]
  WriteProvisionedThroughputExceeded: number[]
}

/** Stream-level per-minute sums (always available, free): the fallback when shard metrics are off. */
export async function fetchStreamMetrics(
  cloudwatch: CloudWatchClient,
  streamName: string,
  window: MetricsWindow,
  signal?: AbortSignal,
): Promise<{calls: number; dataPoints: number; series: StreamMinuteSeries}> {
  const names = ['IncomingBytes', 'IncomingRecords', 'WriteProvisionedThroughputExceeded'] as const
  const series: StreamMinuteSeries = {
    IncomingBytes: Array.from({length: window.minutes}, () => 0),
    IncomingRecords: Array.from({length: window.minutes}, () => 0),
    WriteProvisionedThroughputExceeded: Array.from({length: window.minutes}, () => 0),
  }
  const queries: MetricDataQuery[] = names.map((name, i) => ({
    Id: `stream${i}`,
    MetricStat: {
      Metric: {Dimensions: [{Name: 'StreamName', Value: streamName}], MetricName: name, Namespace: 'AWS/Kinesis'},
      Period: 60,
      Stat: 'Sum',
    },
    ReturnData: true,
  }))
  const r = await runQueries(
    cloudwatch,
    queries,
    window,
    (id, ts, vals) => {
      const name = names[Number(id.slice('stream'.length))]
      if (name) place(series[name], window, ts, vals, 'sum')
    },
    signal,
  )
  return {...r, series}
}

/** One metric to summarise over a window: any namespace, dimensions and statistic (1-minute periods). */
export interface MetricSpec {
  dimensions: Record<string, string>
  metricName: string
  namespace: string
  stat: 'Average' | 'Maximum' | 'Minimum' | 'Sum'
}

/** A metric over the window; every value null when CloudWatch returned no data point (unknown, not 0). */
export interface MetricSummary {
  /** Value of the last minute with data. */
  latest: null | number
  latestAt: null | string
  max: null | number
  min: null | number
  /** Minutes with data. */
  points: number
  sum: null | number
}

/**
 * Summaries of arbitrary metrics over the window (consumer lag, Lambda and Firehose metrics),
 * through the same batched GetMetricData pager as the shard metrics. Keys are the callers'.
 */
export async function fetchMetricSummaries(
  cloudwatch: Pick<CloudWatchClient, 'send'>,
  specs: ReadonlyMap<string, MetricSpec>,
  window: MetricsWindow,
  signal?: AbortSignal,
): Promise<{calls: number; summaries: Map<string, MetricSummary>}> {
  const keys = [...specs.keys()]
  const queries: MetricDataQuery[] = keys.map((key, i) => {
    const spec = specs.get(key)!
    return {
      Id: `q${i}`,
      MetricStat: {
        Metric: {
          Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({Name, Value})),
          MetricName: spec.metricName,
          Namespace: spec.namespace,
        },
        Period: 60,
        Stat: spec.stat,
      },
      ReturnData: true,
    }
  })
  const points = new Map<string, Array<{at: number; value: number}>>(keys.map((k) => [k, []]))
  const {calls} = await runQueries(
    cloudwatch,
    queries,
    window,
    (id, ts, vals) => {
      const key = keys[Number(id.slice(1))]
      if (key === undefined) return
      for (const [j, t] of ts.entries())
        if (vals[j] !== undefined) points.get(key)!.push({at: t.getTime(), value: vals[j]})
    },
    signal,
  )
  const summaries = new Map<string, MetricSummary>()
  for (const [key, list] of points) {
    if (list.length === 0) {
      summaries.set(key, {latest: null, latestAt: null, max: null, min: null, points: 0, sum: null})
      continue
    }

    let last = list[0]!
    for (const p of list) if (p.at > last.at) last = p
    const values = list.map((p) => p.value)
    summaries.set(key, {
      latest: last.value,
      latestAt: new Date(last.at).toISOString(),
      max: Math.max(...values),
      min: Math.min(...values),
      points: list.length,
      sum: values.reduce((a, b) => a + b, 0),
    })
  }

  return {calls, summaries}
}

/** CloudWatch custom-metric price per metric-month, first tier (us-east-1). Shard-level metrics are billed as custom metrics. */
export const CLOUDWATCH_PRICE_PER_METRIC_MONTH_USD = 0.3

/** The shard-level metrics pipeops asks to enable (write side for detection, read side for pressure). */
export const METRICS_TO_ENABLE: readonly ShardMetricName[] = SHARD_METRICS.map((m) => m.name)

export function enableShardMetricsAdvice(
  streamName: string,
  openShards: number,
): {awsCli: string; monthlyCostUsd: number; pipeops: string} {
  return {
    awsCli: `aws kinesis enable-enhanced-monitoring --stream-name ${streamName} --shard-level-metrics ${METRICS_TO_ENABLE.join(' ')}`,
    monthlyCostUsd:
      Math.round(openShards * METRICS_TO_ENABLE.length * CLOUDWATCH_PRICE_PER_METRIC_MONTH_USD * 100) / 100,
    pipeops: `pipeops kinesis hot-shards --stream ${streamName} --enable-shard-metrics`,
  }
}

/** True when the stream's enhanced monitoring covers the write metrics we need. */
export function shardMetricsEnabled(enabled: readonly string[]): boolean {
  return enabled.includes('ALL') || (enabled.includes('IncomingBytes') && enabled.includes('IncomingRecords'))
}
