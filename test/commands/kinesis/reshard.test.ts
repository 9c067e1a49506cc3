import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {CloudWatchClient, GetMetricDataCommand, type MetricDataQuery} from '@aws-sdk/client-cloudwatch'
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  MergeShardsCommand,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {ReshardResult} from '../../../src/lib/kinesis/reshard/types.js'

import KinesisReshard from '../../../src/commands/kinesis/reshard.js'
import {coverageProblems, evenRanges, hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'
import {FakeStream} from '../../unit/kinesis/reshard/fake-kinesis.js'

const kinesis = mockClient(KinesisClient)
const direct = new KinesisClient({credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, region: 'us-east-1'})
const cloudtrail = mockClient(CloudTrailClient)
const cloudwatch = mockClient(CloudWatchClient)

function trailEvent(stream: string, at: Date, errorCode?: string) {
  return {
    CloudTrailEvent: JSON.stringify({
      awsRegion: 'us-east-1',
      ...(errorCode ? {errorCode} : {}),
      requestParameters: {scalingType: 'UNIFORM_SCALING', streamName: stream, targetShardCount: 8},
    }),
    EventId: `e-${Math.random()}`,
    EventName: 'UpdateShardCount',
    EventSource: 'kinesis.amazonaws.com',
    EventTime: at,
  }
}

function openRanges(fake: FakeStream) {
  return fake.open.map((s) => ({
    endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
    startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
  }))
}

describe('kinesis reshard', () => {
  useTestAwsEnv()
  let dir: string

  beforeEach(async () => {
    kinesis.reset()
    cloudtrail.reset()
    cloudwatch.reset()
    cloudtrail.on(LookupEventsCommand).resolves({Events: []})
    dir = await mkdtemp(path.join(tmpdir(), 'pipeops-reshard-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('plans 4 → 16 as two UpdateShardCount calls, counts the quota from CloudTrail and changes nothing', async () => {
    const fake = new FakeStream('orders', 4)
    fake.install(kinesis)
    const now = Date.now()
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        trailEvent('orders', new Date(now - 3_600_000)),
        trailEvent('orders', new Date(now - 7_200_000)),
        trailEvent('orders', new Date(now - 60_000), 'LimitExceededException'),
        trailEvent('other', new Date(now - 60_000)),
      ],
    })
    const run = await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '16'])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(Object.keys(result).sort()).toEqual(['after', 'applied', 'before', 'quota', 'steps', 'strategy', 'stream'])
    expect(result).toMatchObject({
      applied: false,
      quota: {limit: 10, updateShardCountUsed24h: 2},
      strategy: 'target-shards',
      stream: 'orders',
    })
    expect(
      result.steps.map((s) => [s.op, (s.params as {TargetShardCount: number}).TargetShardCount, s.status]),
    ).toEqual([
      ['UpdateShardCount', 8, 'planned'],
      ['UpdateShardCount', 16, 'planned'],
    ])
    expect(result.before).toHaveLength(4)
    expect(result.before[0]).toEqual({
      endingHashKey: evenRanges(4)[0]!.endingHashKey.toString(),
      shardId: 'shardId-000000000000',
      startingHashKey: '0',
    })
    expect(result.after).toHaveLength(16)
    expect(kinesis.commandCalls(UpdateShardCountCommand)).toHaveLength(0)
    const lookup = cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input
    expect(lookup.LookupAttributes).toEqual([{AttributeKey: 'EventName', AttributeValue: 'UpdateShardCount'}])
    expect(lookup.EndTime!.getTime() - lookup.StartTime!.getTime()).toBe(24 * 3_600_000)
    expectCallsDeclared(KinesisReshard.iam, {cloudtrail, kinesis})
  })

  it('refuses with exit 5 when the UpdateShardCount quota is used up, naming when a slot frees', async () => {
    const fake = new FakeStream('orders', 4)
    fake.install(kinesis)
    const now = Date.now()
    cloudtrail
      .on(LookupEventsCommand)
      .resolves({Events: Array.from({length: 9}, (_, i) => trailEvent('orders', new Date(now - (i + 1) * 600_000)))})
    const run = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '16'])
    expect(run.exitCode).toBe(5)
    const error = errorOf(run)
    expect(error.code).toBe('UpdateShardCountQuota')
    expect(error.message).toMatch(/needs 2 UpdateShardCount call\(s\) but only 1 of 10/)
    expect(error.suggestions.join(' ')).toMatch(/leaves the 24-h window at \d{4}-/)
  })

  it('says the quota is unknown (with a warning) when CloudTrail cannot be read', async () => {
    new FakeStream('orders', 2).install(kinesis)
    cloudtrail.on(LookupEventsCommand).rejects(
      Object.assign(new Error('not authorized to perform cloudtrail:LookupEvents'), {
        $metadata: {httpStatusCode: 400},
        name: 'AccessDeniedException',
      }),
    )
    const run = await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '3'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).quota).toEqual({limit: 10, updateShardCountUsed24h: 'unknown'})
    expect(run.envelope.warnings.join('\n')).toMatch(
      /UpdateShardCount quota: calls in the last 24 h unknown \(CloudTrail LookupEvents failed: access denied/,
    )
  })

  it('refuses an on-demand stream with exit 6 and explains UpdateStreamMode', async () => {
    const fake = new FakeStream('od', 4)
    fake.mode = 'ON_DEMAND'
    fake.install(kinesis)
    const run = await runJson(['kinesis', 'reshard', '--stream', 'od', '--even-out'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run)).toMatchObject({code: 'OnDemandStream'})
    expect(errorOf(run).suggestions.join(' ')).toMatch(/update-stream-mode.*2 mode switches per rolling 24 h/)
  })

  it('refuses a plan that would exceed the account shard limit (short-lived shards included)', async () => {
    new FakeStream('orders', 4).install(kinesis, {OpenShardCount: 16, ShardLimit: 20})
    const run = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '7'])
    expect(run.exitCode).toBe(5)
    // 4 → 7 is not an exact doubling: 7 + 3 short-lived; 16 − 4 + 10 = 22 > 20.
    expect(errorOf(run)).toMatchObject({code: 'ShardLimitExceeded'})
    expect(errorOf(run).message).toMatch(/about 22 open shards.*limit of 20/)
  })

  it('applies --isolate-key, then a second run finds nothing to do', async () => {
    const fake = new FakeStream('orders', 2)
    fake.install(kinesis)
    const hk = hashKeyOfPartitionKey('tenant-42')
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--isolate-key',
      'tenant-42',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.applied).toBe(true)
    expect(result.steps.map((s) => [s.op, s.status])).toEqual([
      ['SplitShard', 'applied'],
      ['SplitShard', 'applied'],
    ])
    const splits = kinesis.commandCalls(SplitShardCommand).map((c) => c.args[0].input)
    expect(splits.map((s) => s.NewStartingHashKey)).toEqual([hk.toString(), (hk + 1n).toString()])
    expect(
      result.after.filter((r) => r.startingHashKey === hk.toString() && r.endingHashKey === hk.toString()),
    ).toHaveLength(1)
    expect(result.after.every((r) => r.shardId !== null)).toBe(true)
    expect(coverageProblems(openRanges(fake))).toEqual([])
    const again = resultOf(
      await runJson<ReshardResult>([
        'kinesis',
        'reshard',
        '--stream',
        'orders',
        '--isolate-key',
        'tenant-42',
        '--apply',
        '--yes',
      ]),
    )
    expect(again.steps).toEqual([])
    expect(kinesis.commandCalls(SplitShardCommand)).toHaveLength(2)
    expectCallsDeclared(KinesisReshard.iam, {cloudtrail, kinesis})
  })

  it('resumes a saved plan part-way: steps already done (by lineage) are skipped', async () => {
    const fake = new FakeStream('orders', 2)
    fake.install(kinesis)
    const file = path.join(dir, 'plan.json')
    const planned = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--isolate-key',
      'tenant-42',
      '--plan-out',
      file,
    ])
    expect(planned.exitCode).toBe(0)
    const saved = JSON.parse(await readFile(file, 'utf8')) as {kind: string; steps: unknown[]}
    expect(saved.kind).toBe('kinesis reshard')
    expect(saved.steps).toHaveLength(2)
    // Someone (a killed earlier run) already made the first split.
    const hk = hashKeyOfPartitionKey('tenant-42')
    const home = fake.open.find(
      (s) => BigInt(s.HashKeyRange!.StartingHashKey!) <= hk && hk <= BigInt(s.HashKeyRange!.EndingHashKey!),
    )!
    fake.split(home.ShardId!, hk)
    const run = await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'orders', '--plan', file, '--yes'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).steps.map((s) => s.status)).toEqual(['already-done', 'applied'])
    expect(kinesis.commandCalls(SplitShardCommand)).toHaveLength(1)
    expect(coverageProblems(openRanges(fake))).toEqual([])
  })

  it('refuses a saved plan when the stream has moved elsewhere (exit 6, PlanStale)', async () => {
    const fake = new FakeStream('orders', 2)
    fake.install(kinesis)
    const file = path.join(dir, 'plan.json')
    await runJson(['kinesis', 'reshard', '--stream', 'orders', '--isolate-key', 'tenant-42', '--plan-out', file])
    fake.split('shardId-000000000000', 12_345n)
    const run = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--plan', file, '--yes'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run)).toMatchObject({code: 'PlanStale'})
    expect(kinesis.commandCalls(SplitShardCommand)).toHaveLength(0)
  })

  it('checks the quota again before applying a saved plan, counting only the steps still to do', async () => {
    const fake = new FakeStream('orders', 4)
    fake.install(kinesis)
    const file = path.join(dir, 'scale.json')
    expect(
      (await runJson(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '16', '--plan-out', file]))
        .exitCode,
    ).toBe(0)
    // Meanwhile someone used 9 of the 10 calls: the saved plan's two calls no longer fit.
    const now = Date.now()
    cloudtrail
      .on(LookupEventsCommand)
      .resolves({Events: Array.from({length: 9}, (_, i) => trailEvent('orders', new Date(now - (i + 1) * 60_000)))})
    const refused = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--plan', file, '--yes'])
    expect(refused.exitCode).toBe(5)
    expect(errorOf(refused).code).toBe('UpdateShardCountQuota')
    expect(kinesis.commandCalls(UpdateShardCountCommand)).toHaveLength(0)
    // Once the first step is done (by someone else), the one remaining call fits.
    await direct.send(
      new UpdateShardCountCommand({ScalingType: 'UNIFORM_SCALING', StreamName: 'orders', TargetShardCount: 8}),
    )
    const run = await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'orders', '--plan', file, '--yes'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).steps.map((s) => s.status)).toEqual(['already-done', 'applied'])
    expect(resultOf(run).quota).toEqual({limit: 10, updateShardCountUsed24h: 10})
    expect(fake.open).toHaveLength(16)
  })

  it('retries LimitExceededException and ResourceInUseException with jitter, then succeeds', async () => {
    const fake = new FakeStream('orders', 2)
    fake.install(kinesis)
    fake.pendingFailures = ['LimitExceededException', 'ResourceInUseException']
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--target-shards',
      '4',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    expect(kinesis.commandCalls(UpdateShardCountCommand)).toHaveLength(3)
    expect(fake.open).toHaveLength(4)
  })

  it('reports a partial apply with exit 7 and the resume command', async () => {
    const fake = new FakeStream('orders', 2)
    fake.install(kinesis)
    // Step 1 works; step 2 fails with an error that is not retried.
    kinesis
      .on(SplitShardCommand)
      .callsFakeOnce((input: {NewStartingHashKey: string; ShardToSplit: string}) => {
        fake.split(input.ShardToSplit, BigInt(input.NewStartingHashKey))
        return {}
      })
      .rejects(
        Object.assign(new Error('Shard has already been merged or split'), {
          $fault: 'client',
          $metadata: {httpStatusCode: 400},
          name: 'InvalidArgumentException',
        }),
      )
    // callsFakeOnce then rejects: the first call splits, the second is rejected.
    const run = await runJson([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--isolate-key',
      'tenant-42',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(7)
    const error = errorOf(run)
    expect(error.code).toBe('PartialApply')
    expect(error.suggestions[0]).toBe(
      'Run again to resume: pipeops kinesis reshard --stream orders --isolate-key tenant-42 --apply',
    )
    expect(error.details).toMatchObject({applied: ['1'], failed: {code: 'InvalidArgumentException', stepId: '2'}})
  })

  it('merges cold neighbours from a --records file, always lower shard first', async () => {
    const fake = new FakeStream('orders', 4)
    fake.install(kinesis)
    const ranges = evenRanges(4)
    // Shards 0 and 1 are nearly idle, shard 2 is busy, shard 3 idle: only 0 + 1 merge.
    const lines: string[] = []
    for (let i = 0; lines.length < 4000; i++) {
      const key = `k-${i}`
      const hk = hashKeyOfPartitionKey(key)
      const shard = ranges.findIndex((r) => hk >= r.startingHashKey && hk <= r.endingHashKey)
      const copies = shard === 2 ? 20 : 1
      for (let c = 0; c < copies; c++)
        lines.push(JSON.stringify({bytes: 1000, partitionKey: key, timestamp: 1_700_000_000 + (lines.length % 10)}))
    }

    const file = path.join(dir, 'records.jsonl')
    await writeFile(file, `${lines.join('\n')}\n`)
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--merge-cold',
      '--below',
      '25%',
      '--records',
      file,
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const merges = kinesis.commandCalls(MergeShardsCommand).map((c) => c.args[0].input)
    expect(merges.length).toBeGreaterThan(0)
    expect(merges[0]).toMatchObject({
      AdjacentShardToMerge: 'shardId-000000000001',
      ShardToMerge: 'shardId-000000000000',
    })
    expect(coverageProblems(openRanges(fake))).toEqual([])
  })

  it('--split-hot from shard-level metrics: splits the hot shard into children under the threshold and shows their predicted load', async () => {
    const fake = new FakeStream('orders', 2)
    fake.enhancedMetrics = ['ALL']
    fake.install(kinesis)
    // shard 0 writes 1.5 MiB/s every minute of the window; shard 1 is idle.
    cloudwatch
      .on(GetMetricDataCommand)
      .callsFake((input: {EndTime: Date; MetricDataQueries: MetricDataQuery[]; StartTime: Date}) => {
        const minutes = Math.round((input.EndTime.getTime() - input.StartTime.getTime()) / 60_000)
        const timestamps = Array.from({length: minutes}, (_, i) => new Date(input.StartTime.getTime() + i * 60_000))
        return {
          MetricDataResults: input.MetricDataQueries.map((q) => {
            const dims = q.MetricStat!.Metric!.Dimensions!
            const hot =
              dims.some((d) => d.Name === 'ShardId' && d.Value === 'shardId-000000000000') &&
              q.MetricStat!.Metric!.MetricName === 'IncomingBytes'
            return {Id: q.Id, Timestamps: timestamps, Values: timestamps.map(() => (hot ? 1.5 * 1_048_576 * 60 : 0))}
          }),
        }
      })
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'it-1'})
    kinesis.on(GetRecordsCommand).resolves({MillisBehindLatest: 0, NextShardIterator: 'it-2', Records: []})
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--split-hot',
      '--threshold',
      '0.8',
      '--window',
      '10m',
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    // 1.5 → two children of 0.75 each (no record sample: split at the midpoint of the range).
    expect(result.steps).toHaveLength(1)
    const hot = evenRanges(2)[0]!
    expect((result.steps[0]!.params as {NewStartingHashKey: string}).NewStartingHashKey).toBe(
      ((hot.endingHashKey + 1n) / 2n).toString(),
    )
    expect(result.steps[0]!.reason).toMatch(
      /shardId-000000000000 is at 150 % \(threshold 80 %\).*midpoint.*75 % \+ 75 %/,
    )
    expect(result.after.map((r) => r.predictedUtilisation)).toEqual([0.75, 0.75, 0])
    expect(result.before.map((r) => r.predictedUtilisation)).toEqual([1.5, 0])
    expectCallsDeclared(KinesisReshard.iam, {cloudtrail, cloudwatch, kinesis})
  })

  it('--split-hot from a --records file splits at the load-weighted median of the sample', async () => {
    new FakeStream('orders', 1).install(kinesis)
    // 20 keys; the first five (by hash) carry most of the load.
    const keys = Array.from({length: 20}, (_, i) => `key-${i}`).sort((a, b) =>
      hashKeyOfPartitionKey(a) < hashKeyOfPartitionKey(b) ? -1 : 1,
    )
    const lines: string[] = []
    for (const [i, key] of keys.entries())
      for (let c = 0; c < (i < 5 ? 300 : 20); c++)
        lines.push(JSON.stringify({bytes: 100, partitionKey: key, timestamp: 1_700_000_000 + (lines.length % 60)}))
    const file = path.join(dir, 'sample.jsonl')
    await writeFile(file, `${lines.join('\n')}\n`)
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--split-hot',
      '--threshold',
      '2%',
      '--records',
      file,
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    const at = BigInt((result.steps[0]!.params as {NewStartingHashKey: string}).NewStartingHashKey)
    // 1800 records: the balanced boundary has ~900 on each side: between key 2 and key 3 of the heavy five.
    expect(at > hashKeyOfPartitionKey(keys[2]!) && at <= hashKeyOfPartitionKey(keys[3]!)).toBe(true)
    expect(kinesis.commandCalls(SplitShardCommand)).toHaveLength(0)
  })

  it('writes the open shards as ListShards JSON with --shard-map-out', async () => {
    new FakeStream('orders', 2).install(kinesis)
    const file = path.join(dir, 'after.json')
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'orders',
      '--isolate-key',
      'tenant-42',
      '--shard-map-out',
      file,
    ])
    expect(run.exitCode).toBe(0)
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      Shards: Array<{HashKeyRange: {EndingHashKey: string; StartingHashKey: string}; ShardId: string}>
    }
    expect(doc.Shards.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'planned-1', 'planned-2', 'planned-3'])
    expect(
      coverageProblems(
        doc.Shards.map((s) => ({
          endingHashKey: BigInt(s.HashKeyRange.EndingHashKey),
          startingHashKey: BigInt(s.HashKeyRange.StartingHashKey),
        })),
      ),
    ).toEqual([])
  })

  it('usage errors exit 2: two strategies, none, a bad --threshold, --apply without --yes in a script', async () => {
    new FakeStream('orders', 2).install(kinesis)
    const two = await runJson<unknown>(['kinesis', 'reshard', '--stream', 'orders', '--even-out', '--merge-cold'])
    expect(two.exitCode).toBe(2)
    expect(errorOf(two).message).toMatch(/--(even-out|merge-cold) cannot be combined with --(merge-cold|even-out)/)
    expect((await runJson(['kinesis', 'reshard', '--stream', 'orders'])).exitCode).toBe(2)
    const bad = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--split-hot', '--threshold', 'hot'])
    expect(bad.exitCode).toBe(2)
    expect(errorOf(bad).message).toMatch(/--threshold "hot" is not a utilisation level/)
    const noYes = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--isolate-key', 'k', '--apply'])
    expect(noYes.exitCode).toBe(2)
    expect(errorOf(noYes).code).toBe('ConfirmationRequired')
    expect((await runJson(['kinesis', 'reshard', '--stream', 'not a name', '--even-out'])).exitCode).toBe(2)
  })

  it('prints the reviewed plan for people: checks, steps with exact keys, ranges before and after', async () => {
    new FakeStream('orders', 2).install(kinesis)
    const run = await runText(['kinesis', 'reshard', '--stream', 'orders', '--isolate-key', 'tenant-42'])
    expect(run.exitCode).toBe(0)
    const hk = hashKeyOfPartitionKey('tenant-42').toString()
    expect(run.stdout).toMatch(/Strategy\s+isolate-key/)
    expect(run.stdout).toMatch(/✔ capacity mode/)
    expect(run.stdout).toContain(`NewStartingHashKey=${hk}`)
    expect(run.stdout).toMatch(/Open shards after \(predicted\)/)
    expect(run.stderr).toMatch(/Dry run: nothing was changed/)
  })
})

describe('output paths that cannot be written', () => {
  useTestAwsEnv()

  it('exit 6 naming the path and why, before any AWS call and without "Dry run"', async () => {
    kinesis.reset()
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-out-'))
    const aFile = path.join(dir, 'a-file')
    await writeFile(aFile, 'x')
    for (const [flag, target, why] of [
      ['--shard-map-out', dir, 'it is a directory'],
      ['--shard-map-out', path.join(aFile, 'map.json'), 'a parent in the path is a file, not a folder'],
      ['--plan-out', path.join(dir, 'missing', 'plan.json'), 'no such folder'],
    ] as const) {
      const json = await runJson(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '4', flag, target])
      expect(json.exitCode).toBe(6)
      expect(errorOf(json)).toMatchObject({
        code: 'OutputNotWritable',
        message: `${flag} ${target}: cannot write here (${why})`,
      })
      const text = await runText(['kinesis', 'reshard', '--stream', 'orders', '--target-shards', '4', flag, target])
      expect(text.exitCode).toBe(6)
      expect(text.stderr).not.toMatch(/Dry run/)
    }

    expect(kinesis.calls()).toHaveLength(0)
    await rm(dir, {force: true, recursive: true})
  })
})
