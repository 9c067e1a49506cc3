import {CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput} from '@aws-sdk/client-cloudwatch'
import {
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  type GetRecordsCommandInput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {type RunContext, testRunContext} from '../../../src/lib/core/run-context.js'
import {evenRanges, findRange, hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {analyseHotShards, type HotShardsOptions} from '../../../src/lib/kinesis/hot-shards.js'
import {aggregate} from '../../../src/lib/kinesis/kpl.js'
import {parseStreamRef, readStreamState} from '../../../src/lib/kinesis/stream.js'

const creds = {credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, region: 'us-east-1'}
const kinesis = new KinesisClient(creds)
const cloudwatch = new CloudWatchClient(creds)
const kMock = mockClient(kinesis)
const cwMock = mockClient(cloudwatch)
const T0 = Date.parse('2026-11-22T10:00:00Z')
const WINDOW_MIN = 15
const ranges = evenRanges(4)
const shardsApi = ranges.map((r) => ({
  HashKeyRange: {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()},
  SequenceNumberRange: {StartingSequenceNumber: '1'},
  ShardId: r.shardId,
}))

/** Keys that really hash into shard 2 (as records read from it would). */
function keysIn(shardIndex: number, prefix: string, count: number): string[] {
  const out: string[] = []
  for (let i = 0; out.length < count; i++)
    if (findRange(ranges, hashKeyOfPartitionKey(`${prefix}${i}`)) === ranges[shardIndex]) out.push(`${prefix}${i}`)
  return out
}

const [WHALE] = keysIn(2, 'whale-', 1) as [string]
const MINNOWS = keysIn(2, 'minnow-', 10)

/** A run context whose clock only moves when the code sleeps (1 GetRecords/s pacing). */
function fakeClock(start: number): RunContext {
  let t = start
  return testRunContext({
    now: () => new Date(t),
    async sleep(ms: number) {
      t += ms
    },
  })
}

/** As the command does it: the stream is read once, then its state is analysed. */
async function analyseLiveStream(
  clients: {cloudwatch?: CloudWatchClient | undefined; kinesis: KinesisClient},
  opts: HotShardsOptions,
  ctx: RunContext,
): ReturnType<typeof analyseHotShards> {
  const stream = await readStreamState(clients.kinesis, parseStreamRef('orders'), {signal: ctx.signal})
  return analyseHotShards(clients, {...opts, stream}, ctx)
}

function options(over: Partial<HotShardsOptions> = {}): HotShardsOptions {
  return {
    endMs: T0 + WINDOW_MIN * 60_000,
    minMinutes: 3,
    source: 'metrics',
    startMs: T0,
    threshold: 0.8,
    ...over,
  }
}

/** Shard 2 runs at ~96 % (records), 5 records throttled; the others at ~10 %. */
function metricsFixture(): void {
  cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
    MetricDataResults: input.MetricDataQueries!.map((q) => {
      const dims = q.MetricStat!.Metric!.Dimensions!
      const shard = dims.find((d) => d.Name === 'ShardId')?.Value
      const hot = shard === 'shardId-000000000002'
      const name = q.MetricStat!.Metric!.MetricName
      const ts = Array.from({length: WINDOW_MIN}, (_, i) => new Date(T0 + i * 60_000))
      const value = (perSec: number): number[] => ts.map(() => perSec * 60)
      switch (name) {
        case 'IncomingBytes': {
          return {Id: q.Id, Timestamps: ts, Values: value(hot ? 960 * 1004 : 100 * 500)}
        }

        case 'IncomingRecords': {
          return {Id: q.Id, Timestamps: ts, Values: value(hot ? 960 : 100)}
        }

        case 'WriteProvisionedThroughputExceeded': {
          return {Id: q.Id, Timestamps: hot ? [ts[4]!] : [], Values: hot ? [5] : []}
        }

        default: {
          return {Id: q.Id, Timestamps: [], Values: []}
        }
      }
    }),
  }))
}

describe('analyseHotShards (live, mocked AWS)', () => {
  beforeEach(() => {
    kMock.reset()
    cwMock.reset()
    kMock.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        EnhancedMonitoring: [{ShardLevelMetrics: ['ALL']}],
        OpenShardCount: 4,
        RetentionPeriodHours: 24,
        StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
        StreamCreationTimestamp: new Date(0),
        StreamModeDetails: {StreamMode: 'PROVISIONED'},
        StreamName: 'orders',
        StreamStatus: 'ACTIVE',
      },
    })
    // Two pages; the API returns open shards only with AT_LATEST, but a closed one is filtered anyway.
    kMock
      .on(ListShardsCommand, {StreamName: 'orders'})
      .resolves({
        NextToken: 'tok',
        Shards: [
          ...shardsApi.slice(0, 2),
          {
            ...shardsApi[0]!,
            SequenceNumberRange: {EndingSequenceNumber: '9', StartingSequenceNumber: '1'},
            ShardId: 'shardId-closed',
          },
        ],
      })
      .on(ListShardsCommand, {NextToken: 'tok'})
      .resolves({Shards: shardsApi.slice(2)})
  })

  it('stage 1: finds the hot shard from metrics (Sum/60), counts throttling, reads ListShards AT_LATEST with pagination', async () => {
    metricsFixture()
    const clock = fakeClock(T0 + WINDOW_MIN * 60_000)
    const {profiles, result} = await analyseLiveStream({cloudwatch, kinesis}, options(), clock)
    expect(kMock.commandCalls(ListShardsCommand)[0]!.args[0].input).toEqual({
      ShardFilter: {Type: 'AT_LATEST'},
      StreamName: 'orders',
    })
    expect(kMock.commandCalls(ListShardsCommand)[1]!.args[0].input).toEqual({NextToken: 'tok'})
    expect(result.shards.map((s) => s.shardId)).toEqual([
      'shardId-000000000002',
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000003',
    ])
    const hot = result.shards[0]!
    expect(hot).toMatchObject({hot: true, measured: true, statsSource: 'metrics', throttledRecords: 5})
    expect(hot.recordsPerSec).toEqual({avg: 960, max: 960, p99: 960})
    expect(hot.utilisation.avg).toBeCloseTo(0.96, 4)
    expect(hot.hotReasons.join(' ')).toMatch(/15 of 15 minute/)
    expect(hot.startingHashKey).toBe(ranges[2]!.startingHashKey.toString())
    expect(result.hotShards).toEqual(['shardId-000000000002'])
    expect(result.verdict).toBe('hot-shard')
    expect(result.source).toBe('metrics')
    // Without a key sample the split is at the midpoint, and the output says so.
    expect(hot.split?.basis).toBe('midpoint (no key sample)')
    expect(result.recommendations.join('\n')).toMatch(
      /pipeops kinesis reshard --stream orders --split-hot --threshold 0.8/,
    )
    expect(result.recommendations.join('\n')).toMatch(/--source records/)
    expect(profiles).toHaveLength(4)
    const p = profiles.find((x) => x.shardId === 'shardId-000000000002')!
    expect(p).toMatchObject({keyLoad: [], keyLoadScale: 0, recordsPerSec: 960})
    expect(p.startingHashKey).toBe(ranges[2]!.startingHashKey)
    expect(p.utilisation).toBeCloseTo(0.96, 6)
    expect(kMock.commandCalls(GetRecordsCommand)).toHaveLength(0)
  })

  it('stage 2 (auto): samples only the hot shard from the window start, finds a key at the limit → hot-key verdict', async () => {
    metricsFixture()
    const clock = fakeClock(T0 + WINDOW_MIN * 60_000)
    let calls = 0
    const callTimes: number[] = []
    kMock.on(GetShardIteratorCommand).resolves({ShardIterator: 'it-0'})
    kMock.on(GetRecordsCommand).callsFake((input: GetRecordsCommandInput) => {
      callTimes.push(clock.now().getTime())
      expect(input.Limit).toBe(1000)
      calls++
      if (calls > 3) return {MillisBehindLatest: 0, NextShardIterator: `it-${calls}`, Records: []}
      // Each call returns 20 s of traffic: 'whale' 950 records/s + 10 others per second.
      const records = []
      for (let s = 0; s < 20; s++) {
        const at = new Date(T0 + ((calls - 1) * 20 + s) * 1000)
        for (let i = 0; i < 950; i++)
          records.push({
            ApproximateArrivalTimestamp: at,
            Data: new Uint8Array(1000),
            PartitionKey: WHALE,
            SequenceNumber: '1',
          })
        for (let i = 0; i < 10; i++)
          records.push({
            ApproximateArrivalTimestamp: at,
            Data: new Uint8Array(1000),
            PartitionKey: MINNOWS[i],
            SequenceNumber: '1',
          })
      }

      return {MillisBehindLatest: 1000, NextShardIterator: `it-${calls}`, Records: records}
    })
    const {profiles, result} = await analyseLiveStream({cloudwatch, kinesis}, options({source: 'auto'}), clock)
    const it = kMock.commandCalls(GetShardIteratorCommand)
    expect(it).toHaveLength(1)
    expect(it[0]!.args[0].input as GetShardIteratorCommandInput).toEqual({
      ShardId: 'shardId-000000000002',
      ShardIteratorType: 'AT_TIMESTAMP',
      StreamARN: undefined,
      StreamName: 'orders',
      Timestamp: new Date(T0),
    })
    // Paced: at least one second between two GetRecords calls on the shard.
    for (let i = 1; i < callTimes.length; i++) expect(callTimes[i]! - callTimes[i - 1]!).toBeGreaterThanOrEqual(1000)
    expect(result.source).toBe('metrics+records')
    expect(result.sample).toMatchObject({shards: ['shardId-000000000002'], type: 'AT_TIMESTAMP'})
    expect(result.sample!.note).toMatch(/5 reads\/s shared with your production consumers/)
    const hot = result.shards[0]!
    expect(hot.topKeys[0]).toMatchObject({partitionKey: WHALE})
    expect(hot.topKeys[0]!.hashKey).toBe(hashKeyOfPartitionKey(WHALE).toString())
    expect(hot.topKeys[0]!.share).toBeCloseTo(950 / 960, 3)
    expect(result.hotKeys[0]).toMatchObject({
      exceedsShardLimit: true,
      partitionKey: WHALE,
      shardId: 'shardId-000000000002',
    })
    expect(result.verdict).toBe('hot-key')
    expect(result.recommendations[0]).toContain(`Key "${WHALE}" alone writes`)
    expect(result.recommendations[0]).toMatch(/alone writes .*splitting cannot help; salt or re-key/)
    // The load profile carries the sampled key load (summing to the sample) for the resharding planner.
    const p = profiles.find((x) => x.shardId === 'shardId-000000000002')!
    const whale = p.keyLoad.find((k) => k.partitionKey === WHALE)!
    expect(whale.hashKey).toBe(hashKeyOfPartitionKey(WHALE))
    expect(p.keyLoad.reduce((a, k) => a + k.records, 0)).toBeCloseTo(960 * 60, 6)
    expect(p.keyLoadScale).toBeCloseTo(1 / (WINDOW_MIN * 60), 9)
    expect([...p.keyLoad].map((k) => k.hashKey)).toEqual(
      [...p.keyLoad].map((k) => k.hashKey).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    )
    expect(p.keyLoad.every((k) => k.hashKey >= p.startingHashKey && k.hashKey <= p.endingHashKey)).toBe(true)
  })

  it('shard metrics off: says so with the exact command and cost, uses stream-level metrics, falls back to a sample', async () => {
    kMock.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        EnhancedMonitoring: [{ShardLevelMetrics: []}],
        OpenShardCount: 4,
        RetentionPeriodHours: 24,
        StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
        StreamCreationTimestamp: new Date(0),
        StreamModeDetails: {StreamMode: 'PROVISIONED'},
        StreamName: 'orders',
        StreamStatus: 'ACTIVE',
      },
    })
    cwMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input.MetricDataQueries!.map((q) => ({
        Id: q.Id,
        Timestamps: [new Date(T0)],
        Values: [
          q.MetricStat!.Metric!.MetricName === 'IncomingRecords'
            ? 120_000
            : q.MetricStat!.Metric!.MetricName === 'IncomingBytes'
              ? 60 * 400_000
              : 3,
        ],
      })),
    }))
    kMock.on(GetShardIteratorCommand).resolves({ShardIterator: 'it'})
    kMock.on(GetRecordsCommand).resolves({MillisBehindLatest: 0, NextShardIterator: 'it2', Records: []})
    const clock = fakeClock(T0 + WINDOW_MIN * 60_000)
    const {result, warnings} = await analyseLiveStream({cloudwatch, kinesis}, options({source: 'auto'}), clock)
    const queries = cwMock.commandCalls(GetMetricDataCommand).flatMap((c) => c.args[0].input.MetricDataQueries!)
    expect(queries.every((q) => q.MetricStat!.Metric!.Dimensions!.length === 1)).toBe(true)
    expect(warnings[0]).toContain('shard-level metrics are off for orders')
    expect(warnings[0]).toContain(
      'aws kinesis enable-enhanced-monitoring --stream-name orders --shard-level-metrics IncomingBytes IncomingRecords',
    )
    expect(warnings[0]).toContain('$7.2/month')
    expect(result.shardMetrics).toMatchObject({enabled: false, enabledNow: false, monthlyCostUsd: 7.2})
    expect(result.streamMetrics!.recordsPerSec.max).toBe(2000)
    expect(result.streamMetrics!.throttledRecords).toBe(3)
    expect(result.source).toBe('records')
    expect(kMock.commandCalls(GetShardIteratorCommand)).toHaveLength(4)
    expect(kMock.commandCalls(EnableEnhancedMonitoringCommand)).toHaveLength(0)
  })

  it('--enable-shard-metrics turns them on (the 6 metrics) and says when data will come', async () => {
    kMock.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        EnhancedMonitoring: [],
        OpenShardCount: 4,
        RetentionPeriodHours: 24,
        StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
        StreamCreationTimestamp: new Date(0),
        StreamName: 'orders',
        StreamStatus: 'ACTIVE',
      },
    })
    kMock.on(EnableEnhancedMonitoringCommand).resolves({})
    cwMock.on(GetMetricDataCommand).resolves({MetricDataResults: []})
    const {result, warnings} = await analyseLiveStream(
      {cloudwatch, kinesis},
      options({enableShardMetrics: true}),
      fakeClock(T0),
    )
    expect(kMock.commandCalls(EnableEnhancedMonitoringCommand)[0]!.args[0].input).toEqual({
      ShardLevelMetrics: [
        'IncomingBytes',
        'IncomingRecords',
        'WriteProvisionedThroughputExceeded',
        'ReadProvisionedThroughputExceeded',
        'IteratorAgeMilliseconds',
        'OutgoingBytes',
      ],
      StreamName: 'orders',
    })
    expect(warnings.join('\n')).toMatch(/shard-level metrics enabled on orders .*run this command again/)
    expect(result.shardMetrics?.enabledNow).toBe(true)
  })

  it('on-demand streams: explains what applies instead of a split command', async () => {
    kMock.on(DescribeStreamSummaryCommand).resolves({
      StreamDescriptionSummary: {
        EnhancedMonitoring: [{ShardLevelMetrics: ['IncomingBytes', 'IncomingRecords']}],
        OpenShardCount: 4,
        RetentionPeriodHours: 24,
        StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
        StreamCreationTimestamp: new Date(0),
        StreamModeDetails: {StreamMode: 'ON_DEMAND'},
        StreamName: 'orders',
        StreamStatus: 'ACTIVE',
      },
    })
    metricsFixture()
    const {result} = await analyseLiveStream({cloudwatch, kinesis}, options(), fakeClock(T0))
    expect(result.mode).toBe('ON_DEMAND')
    expect(result.shards[0]!.split).toBeUndefined()
    const text = result.recommendations.join('\n')
    expect(text).toMatch(/on-demand stream/)
    expect(text).toMatch(/update-stream-mode/)
    expect(text).not.toMatch(/--split-hot/)
  })

  it('--source records --live reads from LATEST, and KPL-aggregated records count their user keys', async () => {
    const clock = fakeClock(T0)
    kMock.on(GetShardIteratorCommand).resolves({ShardIterator: 'it'})
    const users = Array.from({length: 50}, (_, i) => ({
      data: new Uint8Array(100),
      partitionKey: i < 40 ? 'kpl-hot' : `u-${i}`,
    }))
    kMock.on(GetRecordsCommand).callsFake(() => ({
      MillisBehindLatest: 0,
      NextShardIterator: 'it',
      Records: [
        {
          ApproximateArrivalTimestamp: new Date(clock.now().getTime()),
          Data: aggregate(users),
          PartitionKey: 'agg',
          SequenceNumber: '1',
        },
      ],
    }))
    const {result} = await analyseLiveStream(
      {kinesis},
      options({live: true, sampleSeconds: 5, source: 'records'}),
      clock,
    )
    expect(
      kMock.commandCalls(GetShardIteratorCommand).every((c) => c.args[0].input.ShardIteratorType === 'LATEST'),
    ).toBe(true)
    expect(cwMock.commandCalls(GetMetricDataCommand)).toHaveLength(0)
    expect(result.sample?.type).toBe('LATEST')
    const sampled = result.shards.filter((s) => s.sample)
    expect(sampled.length).toBe(4)
    const s = sampled[0]!
    expect(s.sample!.aggregatedRecords).toBe(s.sample!.kinesisRecords)
    expect(s.sample!.userRecords).toBe(50 * s.sample!.kinesisRecords)
    expect(s.topKeys[0]!.partitionKey).toBe('kpl-hot')
    expect(s.topKeys.some((k) => k.partitionKey === 'agg')).toBe(false)
    expect(findRange(ranges, hashKeyOfPartitionKey('kpl-hot'))).toBeDefined()
  })
})
