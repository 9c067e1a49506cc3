import {CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput} from '@aws-sdk/client-cloudwatch'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {Consumer} from '../../../../src/lib/kinesis/consumers/types.js'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {functionNameOf, readConsumerMetrics} from '../../../../src/lib/kinesis/consumers/consumer-metrics.js'

const cloudwatch = mockClient(CloudWatchClient)
const NOW = new Date('2026-12-07T20:00:30Z')
const ctx = testRunContext({now: () => NOW})

/** CloudWatch's answer: per metric name (and shard), one value per minute; metrics not listed have no data. */
function answer(values: Record<string, number[]>) {
  return (input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q) => {
      const m = q.MetricStat!.Metric!
      const shard = m.Dimensions?.find((d) => d.Name === 'ShardId')?.Value
      const list = values[shard ? `${m.MetricName}@${shard}` : m.MetricName!] ?? []
      return {
        Id: q.Id,
        StatusCode: 'Complete' as const,
        Timestamps: list.map((_, i) => new Date(Date.parse('2026-12-07T19:00:00Z') + i * 60_000)),
        Values: list,
      }
    }),
  })
}

const consumer = (kind: Consumer['kind'], name: string): Consumer => ({
  findings: [],
  kind,
  name,
  shards: [],
  source: name,
})
const mapping = {
  FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:clicks-enricher:live',
  UUID: 'u-1',
}

function request(overrides: Partial<Parameters<typeof readConsumerMetrics>[1]> = {}) {
  return {
    deliveryStreams: [],
    efo: [consumer('efo', 'clicks-fanout')],
    lambda: [{consumer: consumer('lambda', 'clicks-enricher'), mapping}],
    openShardIds: ['shardId-000000000001', 'shardId-000000000002'],
    retentionHours: 24,
    shardLevelMetrics: ['IncomingBytes', 'IteratorAgeMilliseconds'],
    streamName: 'clicks',
    windowMs: 3_600_000,
    ...overrides,
  }
}

describe('consumer metrics', () => {
  beforeEach(() => cloudwatch.reset())

  it('names the function without its alias', () => {
    expect(functionNameOf(mapping)).toBe('clicks-enricher')
  })

  it('reads Lambda, enhanced fan-out and per-shard iterator age in one pass and turns them into findings', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(
      answer({
        Errors: [0, 3, 1],
        'GetRecords.IteratorAgeMilliseconds': [1000, 14 * 3_600_000],
        IteratorAge: [500, 40 * 60_000],
        'IteratorAgeMilliseconds@shardId-000000000002': [200, 13 * 3_600_000],
        'SubscribeToShard.RateExceeded': [0, 2],
        'SubscribeToShardEvent.MillisBehindLatest': [100, 120],
        Throttles: [0, 0],
      }),
    )
    const req = request()
    const out = await readConsumerMetrics(cloudwatch, req, ctx)
    const {input} = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0]
    expect(input.StartTime).toEqual(new Date('2026-12-07T19:00:00Z'))
    expect(input.EndTime).toEqual(new Date('2026-12-07T20:00:00Z'))
    const lambda = req.lambda[0]!.consumer
    expect(lambda.metrics).toEqual([
      {metric: 'AWS/Lambda IteratorAge', stat: 'Maximum', unit: 'ms', value: 2_400_000},
      {metric: 'AWS/Lambda Errors', stat: 'Sum', unit: 'count', value: 4},
      {metric: 'AWS/Lambda Throttles', stat: 'Sum', unit: 'count', value: 0},
    ])
    expect(lambda.findings.map((f) => `${f.kind} ${f.severity}`)).toEqual([
      'lambda-iterator-age warning',
      'lambda-errors warning',
    ])
    expect(req.efo[0]!.findings.map((f) => f.kind)).toEqual(['efo-rate-exceeded'])
    expect(out.iteratorAge).toMatchObject({
      perShard: [
        {maxMs: null, shardId: 'shardId-000000000001'},
        {maxMs: 13 * 3_600_000, shardId: 'shardId-000000000002'},
      ],
      streamMaxMs: 14 * 3_600_000,
    })
    expect(out.iteratorAge!.findings).toMatchObject([
      {kind: 'shard-iterator-age', severity: 'critical', shardId: 'shardId-000000000002'},
    ])
    expect(out.notChecked).toBeUndefined()
  })

  it('says per-shard iterator age is not checked (never 0) when shard-level metrics are off', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(answer({}))
    const out = await readConsumerMetrics(cloudwatch, request({shardLevelMetrics: []}), ctx)
    expect(out.iteratorAge).toMatchObject({perShard: null, streamMaxMs: null})
    expect(out.iteratorAge!.perShardNote).toMatch(/^not checked: shard-level IteratorAgeMilliseconds is not enabled/)
    const queried = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries!
    expect(queried.some((q) => q.MetricStat!.Metric!.MetricName === 'IteratorAgeMilliseconds')).toBe(false)
  })

  it('leaves every metric "not checked" with the reason when GetMetricData is denied', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), {
      name: 'AccessDeniedException',
    })
    cloudwatch.on(GetMetricDataCommand).rejects(denied)
    const warnings: string[] = []
    const req = request({
      deliveryStreams: [
        {
          DeliveryStreamName: 'clicks-archive',
          Destinations: [{DestinationId: 'd1', ExtendedS3DestinationDescription: {BucketARN: 'arn:aws:s3:::lake'}}],
        } as never,
      ],
    })
    const out = await readConsumerMetrics(
      cloudwatch,
      req,
      testRunContext({now: () => NOW, warn: (w) => warnings.push(w)}),
    )
    expect(out.notChecked).toMatch(/^AccessDeniedException: /)
    expect(out.iteratorAge).toBeNull()
    expect(req.lambda[0]!.consumer).toMatchObject({findings: [], metricsNotChecked: out.notChecked})
    expect(req.efo[0]!.metrics).toBeUndefined()
    expect(out.firehose[0]).toMatchObject({kind: 'firehose', metricsNotChecked: out.notChecked})
    expect(warnings).toHaveLength(1)
  })

  it('without a CloudWatch client says why and calls nothing', async () => {
    const out = await readConsumerMetrics(undefined, request(), ctx, 'no CloudWatch beside this Kinesis endpoint')
    expect(out.notChecked).toBe('no CloudWatch beside this Kinesis endpoint')
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0)
  })
})
