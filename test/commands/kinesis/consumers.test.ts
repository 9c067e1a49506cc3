import {CloudWatchClient, GetMetricDataCommand} from '@aws-sdk/client-cloudwatch'
import {DynamoDBClient, ScanCommand} from '@aws-sdk/client-dynamodb'
import {DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand} from '@aws-sdk/client-firehose'
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
} from '@aws-sdk/client-kinesis'
import {LambdaClient, ListEventSourceMappingsCommand} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {ConsumersResult} from '../../../src/lib/kinesis/consumers/types.js'

import KinesisConsumers from '../../../src/commands/kinesis/consumers.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

const kinesis = mockClient(KinesisClient)
const dynamodb = mockClient(DynamoDBClient)
const lambda = mockClient(LambdaClient)
const cloudwatch = mockClient(CloudWatchClient)
const firehose = mockClient(FirehoseClient)
const notFound = (): Error =>
  Object.assign(new Error('Requested resource not found'), {
    $metadata: {httpStatusCode: 400},
    name: 'ResourceNotFoundException',
  })
const FIX = 'test/fixtures/kinesis-consumers'
const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders'
/** The offline review of the fixtures: a KCL 2.x table after a split, and the stream's shards. */
const OFFLINE = [
  'kinesis',
  'consumers',
  '--lease-table-json',
  `${FIX}/kcl2-after-split.scan.json`,
  '--shard-map',
  `${FIX}/after-split.list-shards.json`,
]
const SEQ = '49650000000000000000000000000000000000000000000000000010'

/** A KCL 3.x lease item (it carries throughputKBps). */
function kcl3Lease(n: string, owner: string) {
  return {
    checkpoint: {S: SEQ},
    leaseCounter: {N: '7'},
    leaseKey: {S: `shardId-00000000000${n}`},
    leaseOwner: {S: owner},
    throughputKBps: {N: '12.5'},
  }
}

function denied(what: string): Error {
  return Object.assign(new Error(`not authorized to perform ${what}`), {name: 'AccessDeniedException'})
}

function liveStream(): void {
  kinesis.on(DescribeStreamSummaryCommand).resolves({
    StreamDescriptionSummary: {
      EncryptionType: 'NONE',
      EnhancedMonitoring: [{ShardLevelMetrics: []}],
      OpenShardCount: 2,
      RetentionPeriodHours: 24,
      StreamARN: ARN,
      StreamCreationTimestamp: new Date('2026-01-01T00:00:00Z'),
      StreamModeDetails: {StreamMode: 'PROVISIONED'},
      StreamName: 'orders',
      StreamStatus: 'ACTIVE',
    },
  })
  kinesis.on(ListShardsCommand).resolves({
    Shards: ['0', '1'].map((n) => ({
      HashKeyRange: {
        EndingHashKey:
          n === '0' ? '170141183460469231731687303715884105727' : '340282366920938463463374607431768211455',
        StartingHashKey: n === '0' ? '0' : '170141183460469231731687303715884105728',
      },
      SequenceNumberRange: {StartingSequenceNumber: '49650000000000000000000000000000000000000000000000000000'},
      ShardId: `shardId-00000000000${n}`,
    })),
  })
  kinesis.on(ListStreamConsumersCommand).resolves({Consumers: []})
}

describe('kinesis consumers', () => {
  useTestAwsEnv()

  beforeEach(() => {
    kinesis.reset()
    dynamodb.reset()
    lambda.reset()
    cloudwatch.reset()
    firehose.reset()
    cloudwatch.on(GetMetricDataCommand).resolves({MetricDataResults: []})
    firehose.on(ListDeliveryStreamsCommand).resolves({DeliveryStreamNames: [], HasMoreDeliveryStreams: false})
  })

  it('reviews a saved lease table against a saved shard list (offline, no AWS call)', async () => {
    const run = await runJson<ConsumersResult>([...OFFLINE, '--retention-hours', '24'])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const r = resultOf(run)
    expect(r.retentionHours).toBe(24)
    const [c] = r.consumers
    expect(c!.findings.map((f) => `${f.kind} ${f.shardId}`).sort()).toEqual([
      'closed-shard-leased shardId-000000000000',
      'lease-without-owner shardId-000000000004',
      'open-shard-without-lease shardId-000000000001',
      'open-shard-without-lease shardId-000000000002',
      'open-shard-without-lease shardId-000000000006',
      'owner-switching shardId-000000000003',
    ])
    expect(c!.findings.find((f) => f.shardId === 'shardId-000000000006')).toMatchObject({
      parentShardId: 'shardId-000000000005',
      severity: 'critical',
    })
    // Offline, lag is unknown, never 0.
    expect(c!.shards.every((s) => s.lagMs === null)).toBe(true)
    expect(kinesis.calls()).toHaveLength(0)
  })

  it('refuses half an offline review and AWS flags with it', async () => {
    const half = await runJson(['kinesis', 'consumers', '--lease-table-json', `${FIX}/kcl2-after-split.scan.json`])
    expect(half.exitCode).toBe(2)
    expect(errorOf(half).message).toContain('--shard-map')
    const region = await runJson([...OFFLINE, '--region', 'eu-west-1'])
    expect(region.exitCode).toBe(2)
  })

  it('exits 6 naming a file that is not a scan output', async () => {
    const run = await runJson([
      'kinesis',
      'consumers',
      '--lease-table-json',
      `${FIX}/after-split.list-shards.json`,
      '--shard-map',
      `${FIX}/after-split.list-shards.json`,
    ])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toContain('no "Items" list')
  })

  it('live: scans the lease table (every page), reads one record after each checkpoint, lists Lambda mappings', async () => {
    liveStream()
    // KCL 1.x/2.x: the 3.x tables do not exist.
    dynamodb.on(ScanCommand, {TableName: 'orders-indexer-WorkerMetricStats'}).rejects(notFound())
    dynamodb.on(ScanCommand, {TableName: 'orders-indexer-CoordinatorState'}).rejects(notFound())
    dynamodb
      .on(ScanCommand, {TableName: 'orders-indexer'})
      .resolvesOnce({
        Count: 1,
        Items: [
          {
            checkpoint: {S: SEQ},
            checkpointSubSequenceNumber: {N: '0'},
            leaseCounter: {N: '40'},
            leaseKey: {S: 'shardId-000000000000'},
            leaseOwner: {S: 'w1'},
            ownerSwitchesSinceCheckpoint: {N: '0'},
          },
        ],
        LastEvaluatedKey: {leaseKey: {S: 'shardId-000000000000'}},
        ScannedCount: 1,
      })
      .resolvesOnce({
        Count: 1,
        Items: [
          {
            checkpoint: {S: 'LATEST'},
            checkpointSubSequenceNumber: {N: '0'},
            leaseCounter: {N: '41'},
            leaseKey: {S: 'shardId-000000000001'},
            leaseOwner: {S: 'w2'},
            ownerSwitchesSinceCheckpoint: {N: '0'},
          },
        ],
        ScannedCount: 1,
      })
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'it-0'})
    kinesis.on(GetRecordsCommand).resolves({
      MillisBehindLatest: 72_000_000,
      NextShardIterator: 'it-1',
      Records: [
        {
          ApproximateArrivalTimestamp: new Date(Date.now() - 20 * 3_600_000),
          Data: new Uint8Array([1]),
          PartitionKey: 'k',
          SequenceNumber: '49650000000000000000000000000000000000000000000000000011',
        },
      ],
    })
    lambda.on(ListEventSourceMappingsCommand).resolves({EventSourceMappings: []})
    const run = await runJson<ConsumersResult>([
      'kinesis',
      'consumers',
      '--stream',
      'orders',
      '--app',
      'orders-indexer',
    ])
    expect(run.exitCode).toBe(1)
    const c = resultOf(run).consumers[0]!
    expect(c.findings.map((f) => f.kind)).toEqual(['lag-near-retention'])
    expect(c.shards.find((s) => s.shardId === 'shardId-000000000001')).toMatchObject({lagMs: null, state: 'processing'})
    expect(dynamodb.commandCalls(ScanCommand).map((x) => x.args[0].input)).toEqual([
      {TableName: 'orders-indexer'},
      {ExclusiveStartKey: {leaseKey: {S: 'shardId-000000000000'}}, TableName: 'orders-indexer'},
      {TableName: 'orders-indexer-WorkerMetricStats'},
      {TableName: 'orders-indexer-CoordinatorState'},
    ])
    expect(c.workers).toBeUndefined()
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(1)
    expect(lambda.commandCalls(ListEventSourceMappingsCommand)[0]!.args[0].input).toEqual({EventSourceArn: ARN})
    // Shard-level metrics are off on this stream: per-shard iterator age is not checked, not 0.
    expect(resultOf(run).iteratorAge).toMatchObject({perShard: null, streamMaxMs: null})
    expectCallsDeclared(KinesisConsumers.iam, {cloudwatch, dynamodb, firehose, kinesis, lambda})
  })

  it('live: a lease table that does not exist is exit 4, naming it', async () => {
    liveStream()
    dynamodb.on(ScanCommand).rejects(
      Object.assign(new Error('Requested resource not found'), {
        $metadata: {httpStatusCode: 400},
        name: 'ResourceNotFoundException',
      }),
    )
    const run = await runJson(['kinesis', 'consumers', '--stream', 'orders', '--app', 'nope', '--no-lambda'])
    expect(run.exitCode).toBe(4)
    expect(errorOf(run).message).toContain('lease table nope')
  })

  it('live: healthy with no KCL app and a well-set Lambda mapping → exit 0', async () => {
    liveStream()
    lambda.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        {
          BisectBatchOnFunctionError: true,
          DestinationConfig: {OnFailure: {Destination: 'arn:aws:sqs:us-east-1:123456789012:dlq'}},
          EventSourceArn: ARN,
          FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
          LastProcessingResult: 'OK',
          MaximumRecordAgeInSeconds: 3600,
          MaximumRetryAttempts: 3,
          State: 'Enabled',
          UUID: 'u1',
        },
      ],
    })
    const run = await runJson<ConsumersResult>(['kinesis', 'consumers', '--stream', 'orders'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).consumers.map((c) => `${c.kind} ${c.name}`)).toEqual(['lambda f'])
  })

  it('live: a KCL 3.x application — worker metrics decide the balance; Firehose and metrics denied are "not checked"', async () => {
    liveStream()
    dynamodb
      .on(ScanCommand, {TableName: 'clicks-app'})
      .resolves({Items: [kcl3Lease('0', 'w-a'), kcl3Lease('1', 'w-a')]})
    dynamodb.on(ScanCommand, {TableName: 'clicks-app-WorkerMetricStats'}).resolves({
      Items: [
        {
          lut: {N: String(Math.floor(Date.now() / 1000))},
          opr: {M: {CPU: {L: [{N: '100'}]}}},
          sts: {M: {CPU: {L: [{N: '35'}]}}},
          wid: {S: 'w-a'},
        },
      ],
    })
    dynamodb.on(ScanCommand, {TableName: 'clicks-app-CoordinatorState'}).resolves({
      Items: [
        {key: {S: 'Leader'}, ownerName: {S: 'w-a'}},
        {cv: {S: 'CLIENT_VERSION_3X'}, key: {S: 'Migration3.0'}},
      ],
    })
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'it'})
    kinesis.on(GetRecordsCommand).resolves({MillisBehindLatest: 0, NextShardIterator: 'it-1', Records: []})
    firehose.on(ListDeliveryStreamsCommand).rejects(denied('firehose:ListDeliveryStreams'))
    cloudwatch.on(GetMetricDataCommand).rejects(denied('cloudwatch:GetMetricData'))
    const run = await runJson<ConsumersResult>([
      'kinesis',
      'consumers',
      '--stream',
      'orders',
      '--app',
      'clicks-app',
      '--no-lambda',
      '--window',
      '30m',
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(r.consumers[0]).toMatchObject({
      coordinator: {clientVersion: 'CLIENT_VERSION_3X', leader: 'w-a'},
      workers: [{activeLeases: 2, utilisation: 35, workerId: 'w-a'}],
    })
    expect(r.notChecked.map((n) => n.what)).toEqual([
      'Lambda event source mappings',
      'Firehose delivery streams',
      'CloudWatch metrics (iterator age, Lambda, enhanced fan-out, Firehose)',
    ])
    expect(r.iteratorAge).toBeNull()
    expect(r.metricsWindow!.end).toBeDefined()
    expect(firehose.commandCalls(DescribeDeliveryStreamCommand)).toHaveLength(0)
  })

  it('offline: reads saved Firehose and Lambda outputs, leaving out what does not read the stream', async () => {
    const run = await runJson<ConsumersResult>([
      'kinesis',
      'consumers',
      '--firehose-json',
      `${FIX}/firehose-to-s3.firehose.json`,
      '--event-source-mappings-json',
      `${FIX}/clicks-mappings.esm.json`,
      '--stream',
      'clicks',
    ])
    const r = resultOf(run)
    expect(r.consumers.map((c) => `${c.kind} ${c.name}`)).toEqual([
      'lambda clicks-enricher:live',
      'firehose clicks-archive',
    ])
    // A mapping still Creating is a note to wait, not a fault; the retry settings are.
    expect(r.consumers[0]!.findings.map((f) => `${f.kind} ${f.severity}`)).toContain('esm-not-enabled info')
    expect(r.consumers[1]).toMatchObject({findings: [], metricsNotChecked: 'offline review of saved files'})
    expect(run.envelope.warnings?.join(' ')).toMatch(/not a Kinesis stream/)
    expect(cloudwatch.calls()).toHaveLength(0)
  })

  it('refuses a window out of range, --interval without --watch, and --watch with --json', async () => {
    const wide = await runJson(['kinesis', 'consumers', '--stream', 'orders', '--window', '3d'])
    expect(wide.exitCode).toBe(2)
    expect(errorOf(wide).message).toContain('--window must be between 1m and 24h')
    const interval = await runJson(['kinesis', 'consumers', '--stream', 'orders', '--interval', '30s'])
    expect(errorOf(interval).message).toContain('--interval is the refresh of --watch')
    const watch = await runJson(['kinesis', 'consumers', '--stream', 'orders', '--watch'])
    expect(watch.exitCode).toBe(2)
  })
})
