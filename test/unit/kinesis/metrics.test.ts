import {CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput} from '@aws-sdk/client-cloudwatch'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {
  alignToMinutes,
  enableShardMetricsAdvice,
  fetchShardMetrics,
  METRIC_QUERIES_PER_CALL,
  shardMetricsEnabled,
} from '../../../src/lib/kinesis/metrics.js'
import {percentile, statsFromMinuteSums, statsFromSeconds} from '../../../src/lib/kinesis/shard-stats.js'
import {hotReasons} from '../../../src/lib/kinesis/verdict.js'

const cw = new CloudWatchClient({credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, region: 'us-east-1'})
const cwMock = mockClient(cw)
const T0 = Date.parse('2026-11-22T10:00:00Z')

describe('shard-level metrics (GetMetricData)', () => {
  beforeEach(() => cwMock.reset())

  it('aligns the window to whole minutes', () => {
    expect(alignToMinutes(T0 + 30_000, T0 + 15 * 60_000 + 59_000)).toEqual({minutes: 15, startMs: T0})
    expect(alignToMinutes(T0, T0)).toEqual({minutes: 1, startMs: T0})
  })

  it('batches 500 queries per call, follows NextToken, and asks Sum@60 (Maximum for iterator age)', async () => {
    const inputs: GetMetricDataCommandInput[] = []
    cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      inputs.push(input)
      if (!input.NextToken && inputs.length === 1) return {MetricDataResults: [], NextToken: 'page-2'}
      return {MetricDataResults: []}
    })
    const shardIds = Array.from({length: 100}, (_, i) => `shardId-${String(i).padStart(12, '0')}`)
    const out = await fetchShardMetrics(cw, 'orders', shardIds, alignToMinutes(T0, T0 + 15 * 60_000))
    // 100 shards × 6 metrics = 600 queries → 2 batches, the first with 2 pages.
    expect(out.calls).toBe(3)
    expect(inputs.map((i) => i.MetricDataQueries!.length)).toEqual([
      METRIC_QUERIES_PER_CALL,
      METRIC_QUERIES_PER_CALL,
      100,
    ])
    expect(inputs[1]!.NextToken).toBe('page-2')
    expect(inputs[1]!.MetricDataQueries).toEqual(inputs[0]!.MetricDataQueries)
    const q = inputs[0]!.MetricDataQueries!
    const stat = (name: string): string[] => [
      ...new Set(q.filter((x) => x.MetricStat!.Metric!.MetricName === name).map((x) => x.MetricStat!.Stat!)),
    ]
    expect(stat('IncomingBytes')).toEqual(['Sum'])
    expect(stat('IncomingRecords')).toEqual(['Sum'])
    expect(stat('WriteProvisionedThroughputExceeded')).toEqual(['Sum'])
    expect(stat('IteratorAgeMilliseconds')).toEqual(['Maximum'])
    expect(q.every((x) => x.MetricStat!.Period === 60 && x.MetricStat!.Metric!.Namespace === 'AWS/Kinesis')).toBe(true)
    expect(q[0]!.MetricStat!.Metric!.Dimensions).toEqual([
      {Name: 'StreamName', Value: 'orders'},
      {Name: 'ShardId', Value: 'shardId-000000000000'},
    ])
    expect(inputs[0]!.StartTime).toEqual(new Date(T0))
    expect(inputs[0]!.EndTime).toEqual(new Date(T0 + 15 * 60_000))
  })

  it('places data points by minute (missing minutes are zero) and computes Sum/60 rates, p99 and max', async () => {
    cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) => {
        const name = q.MetricStat!.Metric!.MetricName
        // IncomingBytes: 60 MiB in minute 0 (1 MiB/s), 30 MiB in minute 2; nothing in minute 1.
        if (name === 'IncomingBytes')
          return {
            Id: q.Id,
            Timestamps: [new Date(T0), new Date(T0 + 120_000)],
            Values: [60 * 1_048_576, 30 * 1_048_576],
          }
        if (name === 'IncomingRecords') return {Id: q.Id, Timestamps: [new Date(T0 + 60_000)], Values: [90_000]}
        if (name === 'WriteProvisionedThroughputExceeded') return {Id: q.Id, Timestamps: [new Date(T0)], Values: [42]}
        if (name === 'IteratorAgeMilliseconds')
          return {Id: q.Id, Timestamps: [new Date(T0), new Date(T0 + 60_000)], Values: [5000, 120_000]}
        return {Id: q.Id, Timestamps: [], Values: []}
      }),
    }))
    const window = alignToMinutes(T0, T0 + 3 * 60_000)
    const out = await fetchShardMetrics(cw, 'orders', ['shardId-000000000001'], window)
    const m = out.series.get('shardId-000000000001')!
    expect(m.IncomingBytes).toEqual([60 * 1_048_576, 0, 30 * 1_048_576])
    expect(m.IncomingRecords).toEqual([0, 90_000, 0])
    expect(m.IteratorAgeMilliseconds).toEqual([5000, 120_000, 0])
    const stats = statsFromMinuteSums(m.IncomingBytes, m.IncomingRecords, 0.8)
    expect(stats.bytesPerSec).toEqual({avg: 1_048_576 / 2, max: 1_048_576, p99: 1_048_576})
    expect(stats.recordsPerSec.max).toBe(1500)
    // Per minute: 100 % (bytes), 150 % (records), 50 % (bytes).
    expect(stats.utilisation.max).toBe(1.5)
    expect(stats.utilisation.p99).toBe(1.5)
    expect(stats.minutesOverThreshold).toBe(2)
    // avg utilisation = utilisation of the average rates: max(0.5 MiB/s / 1 MiB/s, 500/1000).
    expect(stats.utilisation.avg).toBeCloseTo(0.5, 9)
  })

  it('applies the hot rule: ≥ threshold for ≥ min-minutes, or any throttling', () => {
    expect(hotReasons({minutesObserved: 15, minutesOverThreshold: 2, throttledRecords: 0}, 0.8, 3)).toEqual([])
    expect(hotReasons({minutesObserved: 15, minutesOverThreshold: 3, throttledRecords: 0}, 0.8, 3)).toHaveLength(1)
    expect(hotReasons({minutesObserved: 15, minutesOverThreshold: 0, throttledRecords: 7}, 0.8, 3)[0]).toMatch(
      /7 record\(s\) throttled/,
    )
    // A 1-minute sample cannot show 3 minutes: every observed minute counts.
    expect(hotReasons({minutesObserved: 1, minutesOverThreshold: 1, throttledRecords: null}, 0.8, 3)).toHaveLength(1)
  })

  it('per-second stats: zeros for silent seconds, seconds over the limit, partial minutes', () => {
    const b = new Map([[100, 2_097_152]])
    const r = new Map([
      [100, 10],
      [101, 500],
    ])
    const s = statsFromSeconds(b, r, 100, 110, 0.8)
    expect(s.bytesPerSec.max).toBe(2_097_152)
    expect(s.bytesPerSec.avg).toBeCloseTo(209_715.2, 6)
    expect(s.secondsOverLimit).toBe(1)
    expect(s.utilisation.max).toBe(2)
    expect(s.minutesObserved).toBe(1)
    expect(percentile([5, 1, 3], 50)).toBe(3)
    expect(percentile([], 99)).toBe(0)
  })

  it('counts seconds above the limit as certain throttling, except the bytes of large records (burst)', () => {
    const b = new Map([
      [100, 3_000_000],
      [101, 3_000_000],
    ])
    const r = new Map([
      [100, 3000],
      [101, 2],
    ])
    // Second 101 holds a 2.9 MB record: its bytes may ride on burst capacity; second 100 is 3000 records.
    const s = statsFromSeconds(b, r, 100, 110, 0.8, new Set([101]))
    expect(s.secondsOverLimit).toBe(1)
    expect(
      hotReasons(
        {minutesObserved: 1, minutesOverThreshold: 0, peakUtilisation: 3, secondsOverLimit: 1, throttledRecords: null},
        0.8,
        3,
      ),
    ).toEqual([
      'demand above 100 % of the write limit in 1 second(s) (peak 300 %): records above the limit are throttled for certain',
    ])
    expect(
      statsFromSeconds(
        b,
        new Map([
          [100, 1],
          [101, 1],
        ]),
        100,
        110,
        0.8,
        new Set([100, 101]),
      ).secondsOverLimit,
    ).toBe(0)
  })

  it('knows when shard metrics are on, and what enabling them costs', () => {
    expect(shardMetricsEnabled(['ALL'])).toBe(true)
    expect(shardMetricsEnabled(['IncomingBytes', 'IncomingRecords'])).toBe(true)
    expect(shardMetricsEnabled(['IncomingBytes'])).toBe(false)
    expect(shardMetricsEnabled([])).toBe(false)
    const a = enableShardMetricsAdvice('orders', 10)
    expect(a.awsCli).toBe(
      'aws kinesis enable-enhanced-monitoring --stream-name orders --shard-level-metrics IncomingBytes IncomingRecords WriteProvisionedThroughputExceeded ReadProvisionedThroughputExceeded IteratorAgeMilliseconds OutgoingBytes',
    )
    // 10 shards × 6 metrics × $0.30
    expect(a.monthlyCostUsd).toBe(18)
  })
})

describe('long spans', () => {
  it('switch to per-minute statistics beyond 6 hours', () => {
    const start = 1_795_000_000
    const b = new Map([[start + 10, 60 * 1_048_576]])
    const r = new Map([
      [start + 10, 10],
      [start + 86_399, 2000],
    ])
    const s = statsFromSeconds(b, r, start, start + 86_400, 0.8)
    expect(s.minutesObserved).toBe(1441)
    // 60 MiB in one second = 1 MiB/s over that minute.
    expect(s.bytesPerSec.max).toBeCloseTo(1_048_576, 6)
    expect(s.secondsOverLimit).toBe(2)
    expect(s.minutesOverThreshold).toBe(1)
  })
})
