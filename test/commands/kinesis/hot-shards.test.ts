import {CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput} from '@aws-sdk/client-cloudwatch'
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  type MetricsName,
} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeEach, describe, expect, it, vi} from 'vitest'

import type {HotShardsResult} from '../../../src/lib/kinesis/hot-shards.js'

import KinesisHotShards from '../../../src/commands/kinesis/hot-shards.js'
import {evenRanges, findRange, hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const kinesis = mockClient(KinesisClient)
const cloudwatch = mockClient(CloudWatchClient)
const dir = mkdtempSync(join(tmpdir(), 'pipeops-hot-shards-'))
const ranges = evenRanges(3)
const ROOT = fileURLToPath(new URL('../../..', import.meta.url))

function streamFixture(metrics: MetricsName[]): void {
  kinesis.on(DescribeStreamSummaryCommand).resolves({
    StreamDescriptionSummary: {
      EnhancedMonitoring: [{ShardLevelMetrics: metrics}],
      OpenShardCount: 3,
      RetentionPeriodHours: 24,
      StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
      StreamCreationTimestamp: new Date(0),
      StreamModeDetails: {StreamMode: 'PROVISIONED'},
      StreamName: 'clicks',
      StreamStatus: 'ACTIVE',
    },
  })
  kinesis.on(ListShardsCommand).resolves({
    Shards: ranges.map((r) => ({
      HashKeyRange: {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()},
      SequenceNumberRange: {StartingSequenceNumber: '1'},
      ShardId: r.shardId,
    })),
  })
}

/** Shard 1 at 90 % of the byte limit every minute; the others at 10 %. */
function metricsFixture(): void {
  cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const start = input.StartTime!.getTime()
    const minutes = (input.EndTime!.getTime() - start) / 60_000
    const ts = Array.from({length: minutes}, (_, i) => new Date(start + i * 60_000))
    return {
      MetricDataResults: input.MetricDataQueries!.map((q) => {
        const shard = q.MetricStat!.Metric!.Dimensions!.find((d) => d.Name === 'ShardId')?.Value
        const name = q.MetricStat!.Metric!.MetricName
        const hot = shard === 'shardId-000000000001'
        if (name === 'IncomingBytes')
          return {Id: q.Id, Timestamps: ts, Values: ts.map(() => (hot ? 0.9 : 0.1) * 1_048_576 * 60)}
        if (name === 'IncomingRecords') return {Id: q.Id, Timestamps: ts, Values: ts.map(() => 100 * 60)}
        return {Id: q.Id, Timestamps: [], Values: []}
      }),
    }
  })
}

describe('kinesis hot-shards', () => {
  useTestAwsEnv()

  beforeEach(() => {
    kinesis.reset()
    cloudwatch.reset()
  })
  afterAll(() => rmSync(dir, {force: true, recursive: true}))

  it('metrics stage: JSON result shape, hot shard first, exit 1, IAM declared', async () => {
    streamFixture(['ALL'])
    metricsFixture()
    const run = await runJson<HotShardsResult>([
      'kinesis',
      'hot-shards',
      '--stream',
      'clicks',
      '--source',
      'metrics',
      '--window',
      '10m',
    ])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const r = resultOf(run)
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining([
        'stream',
        'mode',
        'window',
        'source',
        'shards',
        'hotShards',
        'hotKeys',
        'verdict',
        'recommendations',
      ]),
    )
    expect(r).toMatchObject({
      hotShards: ['shardId-000000000001'],
      mode: 'PROVISIONED',
      source: 'metrics',
      stream: 'clicks',
      verdict: 'hot-shard',
    })
    expect(r.window.seconds).toBe(600)
    const s = r.shards[0]!
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining([
        'shardId',
        'startingHashKey',
        'endingHashKey',
        'bytesPerSec',
        'recordsPerSec',
        'utilisation',
        'throttledRecords',
        'hot',
        'topKeys',
      ]),
    )
    expect(s).toMatchObject({
      hot: true,
      shardId: 'shardId-000000000001',
      startingHashKey: ranges[1]!.startingHashKey.toString(),
      throttledRecords: 0,
    })
    expect(s.utilisation).toEqual({avg: 0.9, max: 0.9, p99: 0.9})
    expect(typeof s.endingHashKey).toBe('string')
    expectCallsDeclared(KinesisHotShards.iam, {cloudwatch, kinesis})
  })

  it('healthy stream: exit 0 and a table for people', async () => {
    streamFixture(['ALL'])
    cloudwatch.on(GetMetricDataCommand).resolves({MetricDataResults: []})
    const run = await runText(['kinesis', 'hot-shards', '--stream', 'clicks', '--source', 'metrics', '--no-color'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Shards by utilisation \(3 open\)/)
    expect(run.stdout).toMatch(/Verdict: healthy/)
    expect(run.stderr).toMatch(/no shard-level data points/)
  })

  it('records source samples every shard when there are no metrics to rank them (no CloudWatch calls)', async () => {
    streamFixture([])
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'it'})
    kinesis.on(GetRecordsCommand).resolves({MillisBehindLatest: 0, NextShardIterator: 'it', Records: []})
    const run = await runJson<HotShardsResult>([
      'kinesis',
      'hot-shards',
      '--stream',
      'arn:aws:kinesis:us-east-1:123456789012:stream/clicks',
      '--source',
      'records',
      '--window',
      '2m',
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(r.source).toBe('records')
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0)
    expect(kinesis.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input.StreamARN)).toEqual(
      Array.from({length: 3}, () => 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks'),
    )
    expectCallsDeclared(KinesisHotShards.iam, {cloudwatch, kinesis})
  })

  it('against a local Kinesis (the sandbox) falls back to a record sample by itself and says so', async () => {
    process.env.AWS_ENDPOINT_URL_KINESIS = 'http://127.0.0.1:4567'
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4570'
    streamFixture([])
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('not emulated'), {name: 'NotEmulatedInSandbox'}))
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'it'})
    kinesis.on(GetRecordsCommand).resolves({MillisBehindLatest: 0, NextShardIterator: 'it', Records: []})
    const run = await runJson<HotShardsResult>(['kinesis', 'hot-shards', '--stream', 'clicks', '--window', '2m'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).source).toBe('records')
    expect(run.envelope.warnings.join('\n')).toMatch(/no CloudWatch beside this Kinesis endpoint.*record sample/)
    expect(cloudwatch.calls()).toHaveLength(0)
  })

  it('offline: --records with --shards finds the hot key of a CSV file', async () => {
    const file = join(dir, 'recs.csv')
    const rows = ['partitionKey,bytes,timestamp']
    for (let s = 0; s < 10; s++) {
      for (let i = 0; i < 960; i++) rows.push(`big-tenant,1000,${1_795_000_000 + s}`)
      for (let i = 0; i < 50; i++) rows.push(`user-${i},100,${1_795_000_000 + s}`)
    }

    writeFileSync(file, rows.join('\n'))
    const run = await runJson<HotShardsResult>(['kinesis', 'hot-shards', '--records', file, '--shards', '3'])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r).toMatchObject({mode: 'offline', source: 'offline', stream: null, verdict: 'hot-key'})
    expect(r.hotKeys[0]).toMatchObject({
      exceedsShardLimit: true,
      partitionKey: 'big-tenant',
      shardId: findRange(ranges, hashKeyOfPartitionKey('big-tenant'))!.shardId,
    })
    expect(r.recommendations[0]).toMatch(/splitting cannot help; salt or re-key/)
    expect(kinesis.calls()).toHaveLength(0)
  })

  it('bad input: usage errors exit 2, bad files exit 6, with the value named', async () => {
    let run = await runJson(['kinesis', 'hot-shards'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/give --stream NAME or --records FILE/)
    run = await runJson(['kinesis', 'hot-shards', '--stream', 'clicks', '--threshold', '1.5'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/"1.5"/)
    run = await runJson(['kinesis', 'hot-shards', '--records', join(dir, 'missing.jsonl'), '--shards', '2'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toMatch(/missing.jsonl/)
    run = await runJson(['kinesis', 'hot-shards', '--records', join(dir, 'x'), '--stream', 'a'])
    expect(run.exitCode).toBe(2)
    const bad = join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"partitionKey":"a"}\n{"partitionKey":\n')
    run = await runJson(['kinesis', 'hot-shards', '--records', bad, '--shards', '2'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toBe(`${bad} line 2: is not valid JSON`)
    run = await runJson(['kinesis', 'hot-shards', '--records', bad])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/--shards N or --shard-map FILE/)
  })

  it('maps a missing stream to exit 4', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejects(
      Object.assign(new Error('Stream nope under account 123456789012 not found.'), {
        $metadata: {},
        name: 'ResourceNotFoundException',
      }),
    )
    const run = await runJson(['kinesis', 'hot-shards', '--stream', 'nope'])
    expect(run.exitCode).toBe(4)
  })

  it('--watch stopped (Ctrl-C) before its first analysis returns no result, not an invented "healthy"', async () => {
    kinesis.on(DescribeStreamSummaryCommand).callsFake(() => {
      // Ctrl-C arrives while the first describe is in flight; the request then fails as aborted.
      process.emit('SIGINT')
      throw Object.assign(new Error('Request aborted'), {name: 'AbortError'})
    })
    // Run directly, not through @oclif/test's capture: ink's unmount waits on a write callback the
    // capture never calls. Warnings go to stderr, watched here.
    const stderr: string[] = []
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk))
      return true
    })
    const result = await KinesisHotShards.run(['--stream', 'clicks', '--watch'], ROOT).finally(() =>
      write.mockRestore(),
    )
    expect(result).toBeUndefined()
    expect(stderr.join('')).toMatch(/stopped before the first analysis finished: no result/)
  })
})
