import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis'
import {NodeHttpHandler} from '@smithy/node-http-handler'
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {ReshardResult, SplitShardParams} from '../../src/lib/kinesis/reshard/types.js'

import {coverageProblems, hashKeyOfPartitionKey} from '../../src/lib/kinesis/hash-key.js'
import {type EmulatorHandle, startKinesisLocal} from '../../src/lib/sandbox/emulators.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {resultOf, runJson} from '../helpers/run.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

let emulator: EmulatorHandle
let client: KinesisClient
let dir: string

async function waitActive(name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const s = await client.send(new DescribeStreamSummaryCommand({StreamName: name}))
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return
    await delay(50)
  }

  throw new Error(`${name} never became ACTIVE`)
}

async function createStream(name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ShardCount: shards, StreamName: name}))
  await waitActive(name)
}

async function allShards(name: string): Promise<Shard[]> {
  const shards: Shard[] = []
  let token: string | undefined
  do {
    const page = await client.send(new ListShardsCommand(token ? {NextToken: token} : {StreamName: name}))
    shards.push(...(page.Shards ?? []))
    token = page.NextToken
  } while (token)

  return shards
}

async function openRanges(name: string) {
  return (await allShards(name))
    .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
    .map((s) => ({
      endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
      shardId: s.ShardId!,
      startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
    }))
    .sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1))
}

async function expectFullCoverage(name: string): Promise<void> {
  expect(coverageProblems(await openRanges(name))).toEqual([])
}

/** Keys whose hash falls in [start, end]. */
function keysIn(range: {endingHashKey: bigint; startingHashKey: bigint}, count: number, prefix: string): string[] {
  const keys: string[] = []
  for (let i = 0; keys.length < count; i++) {
    const k = `${prefix}-${i}`
    const h = hashKeyOfPartitionKey(k)
    if (h >= range.startingHashKey && h <= range.endingHashKey) keys.push(k)
  }

  return keys
}

async function put(name: string, records: Array<{key: string; size: number}>): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500)
    const out = await client.send(
      new PutRecordsCommand({
        Records: batch.map((r) => ({Data: Buffer.alloc(r.size, 120), PartitionKey: r.key})),
        StreamName: name,
      }),
    )
    expect(out.FailedRecordCount ?? 0).toBe(0)
  }
}

describe('kinesis reshard against kinesis-local', () => {
  useTestAwsEnv()
  beforeAll(async () => {
    emulator = await startKinesisLocal({env: {PATH: process.env.PATH}, operationDelayMs: 400})
    client = new KinesisClient({
      credentials: {accessKeyId: 'local', secretAccessKey: 'local'},
      endpoint: emulator.url,
      region: 'us-east-1',
      requestHandler: new NodeHttpHandler(),
    })
    dir = await mkdtemp(path.join(tmpdir(), 'pipeops-reshard-it-'))
  })
  afterAll(async () => {
    client?.destroy()
    await emulator?.stop()
    await rm(dir, {force: true, recursive: true})
  })

  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL_KINESIS = emulator.url
  })

  it('--split-hot splits a skewed shard at the load-weighted median the plan predicted', async () => {
    await createStream('skewed', 2)
    const [hot, cold] = await openRanges('skewed')
    // Shard 0: 600 records over 60 keys, the low-hash keys much heavier (the median is far below the midpoint).
    // Over the 2-minute window that is 5 records/s = 0.5 % of a shard; each half stays under 0.3 %.
    const keys = keysIn(hot!, 60, 'user').sort((a, b) => (hashKeyOfPartitionKey(a) < hashKeyOfPartitionKey(b) ? -1 : 1))
    const records: Array<{key: string; size: number}> = []
    for (const [i, key] of keys.entries()) for (let c = 0; c < (i < 10 ? 40 : 4); c++) records.push({key, size: 400})
    for (const key of keysIn(cold!, 5, 'quiet')) records.push({key, size: 100})
    await put('skewed', records)
    const file = path.join(dir, 'split.json')
    const planned = resultOf(
      await runJson<ReshardResult>([
        'kinesis',
        'reshard',
        '--stream',
        'skewed',
        '--split-hot',
        '--threshold',
        '0.3%',
        '--window',
        '2m',
        '--plan-out',
        file,
      ]),
    )
    expect(planned.steps.length).toBeGreaterThan(0)
    const first = planned.steps[0]!
    expect(first.op).toBe('SplitShard')
    const params = first.params as SplitShardParams
    expect(params.ShardToSplit).toBe(hot!.shardId)
    const at = BigInt(params.NewStartingHashKey)
    const midpoint = hot!.startingHashKey + (hot!.endingHashKey - hot!.startingHashKey + 1n) / 2n
    expect(at).not.toBe(midpoint)
    // The split leaves as much load below as above: the 10 heavy keys (400 records) vs the 50 light ones (200) → boundary inside the heavy keys.
    const below = records.filter(
      (r) => hashKeyOfPartitionKey(r.key) < at && hashKeyOfPartitionKey(r.key) >= hot!.startingHashKey,
    ).length
    expect(below).toBeGreaterThan(200)
    expect(below).toBeLessThan(400)
    const applied = resultOf(
      await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'skewed', '--plan', file, '--yes']),
    )
    expect(applied.applied).toBe(true)
    expect(applied.steps.every((s) => s.status === 'applied')).toBe(true)
    const open = await openRanges('skewed')
    expect(open.some((r) => r.startingHashKey === at)).toBe(true)
    expect(open.some((r) => r.endingHashKey === at - 1n)).toBe(true)
    await expectFullCoverage('skewed')
  })

  it("--isolate-key leaves the key's hash alone in one shard, and records with that key land there", async () => {
    await createStream('isolate', 3)
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'isolate',
      '--isolate-key',
      'tenant-42',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const hk = hashKeyOfPartitionKey('tenant-42')
    const own = (await openRanges('isolate')).filter((r) => r.startingHashKey === hk && r.endingHashKey === hk)
    expect(own).toHaveLength(1)
    const putOut = await client.send(
      new PutRecordCommand({Data: Buffer.from('x'), PartitionKey: 'tenant-42', StreamName: 'isolate'}),
    )
    expect(putOut.ShardId).toBe(own[0]!.shardId)
    await expectFullCoverage('isolate')
  })

  it('--merge-cold merges adjacent cold shards, lower shard first', async () => {
    await createStream('cold', 4)
    const ranges = await openRanges('cold')
    const records: Array<{key: string; size: number}> = []
    for (const key of keysIn(ranges[3]!, 30, 'busy')) for (let c = 0; c < 30; c++) records.push({key, size: 500})
    for (const [i, r] of ranges.slice(0, 3).entries())
      for (const key of keysIn(r, 3, `idle${i}`)) records.push({key, size: 50})
    await put('cold', records)
    // Over 2 minutes the busy shard runs at 0.75 % of a shard, the idle ones near 0: only idle neighbours merge under 0.5 %.
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'cold',
      '--merge-cold',
      '--below',
      '0.5%',
      '--window',
      '2m',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.steps.length).toBeGreaterThan(0)
    expect(result.steps.every((s) => s.op === 'MergeShards' && s.status === 'applied')).toBe(true)
    const open = await openRanges('cold')
    expect(open.length).toBe(4 - result.steps.length)
    // The busy shard is untouched.
    expect(open.some((r) => r.shardId === ranges[3]!.shardId)).toBe(true)
    const merged = (await allShards('cold')).filter((s) => s.AdjacentParentShardId)
    expect(merged.length).toBe(result.steps.length)
    expect(merged[0]!.ParentShardId).toBe(ranges[0]!.shardId)
    await expectFullCoverage('cold')
  })

  it('--target-shards 4 → 16 takes two UpdateShardCount calls', async () => {
    await createStream('scale', 4)
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'scale',
      '--target-shards',
      '16',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.steps.map((s) => [s.op, s.status])).toEqual([
      ['UpdateShardCount', 'applied'],
      ['UpdateShardCount', 'applied'],
    ])
    expect(result.after).toHaveLength(16)
    expect(await openRanges('scale')).toHaveLength(16)
    await expectFullCoverage('scale')
  })

  it('a run killed mid-apply, run again with its saved plan, ends at the target', async () => {
    await createStream('killed', 2)
    const file = path.join(dir, 'killed.json')
    const env = {...process.env, AWS_ENDPOINT_URL_KINESIS: emulator.url}
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'bin/dev.js'),
        'kinesis',
        'reshard',
        '--stream',
        'killed',
        '--target-shards',
        '8',
        '--plan-out',
        file,
        '--apply',
        '--yes',
        '--json',
      ],
      {
        cwd: ROOT,
        env,
        stdio: 'ignore',
      },
    )
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
    })
    // Kill it as soon as the first UpdateShardCount has been accepted (the stream goes UPDATING).
    let sawUpdating = false
    for (let i = 0; i < 1200 && !sawUpdating; i++) {
      const s = await client.send(new DescribeStreamSummaryCommand({StreamName: 'killed'}))
      sawUpdating = s.StreamDescriptionSummary?.StreamStatus === 'UPDATING'
      if (!sawUpdating) await delay(25)
    }

    child.kill('SIGKILL')
    await exited
    expect(sawUpdating).toBe(true)
    const saved = JSON.parse(await readFile(file, 'utf8')) as {steps: unknown[]}
    expect(saved.steps).toHaveLength(2)
    const run = await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'killed', '--plan', file, '--yes'])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    // Killed during step 1 (or, on a slow machine, step 2): whatever the kill left is recognised as done.
    expect(result.steps[0]!.status).toBe('already-done')
    expect(['already-done', 'applied']).toContain(result.steps[1]!.status)
    expect(await openRanges('killed')).toHaveLength(8)
    await expectFullCoverage('killed')
  }, 120_000)

  it('Ctrl-C during an apply finishes the current call, exits 8 with the resume command, and the resume reaches the target', async () => {
    await createStream('interrupted', 2)
    const env = {...process.env, AWS_ENDPOINT_URL_KINESIS: emulator.url}
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'bin/dev.js'),
        'kinesis',
        'reshard',
        '--stream',
        'interrupted',
        '--target-shards',
        '8',
        '--apply',
        '--yes',
      ],
      {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8')
    })
    child.stdout!.resume()
    const exited = new Promise<null | number>((resolve) => {
      child.once('exit', (code) => resolve(code))
    })
    let sawUpdating = false
    for (let i = 0; i < 1200 && !sawUpdating; i++) {
      const s = await client.send(new DescribeStreamSummaryCommand({StreamName: 'interrupted'}))
      sawUpdating = s.StreamDescriptionSummary?.StreamStatus === 'UPDATING'
      if (!sawUpdating) await delay(25)
    }

    child.kill('SIGINT')
    const code = await exited
    expect(sawUpdating).toBe(true)
    expect(code).toBe(8)
    expect(stderr).toContain(
      'Run again to resume: pipeops kinesis reshard --stream interrupted --target-shards 8 --apply',
    )
    // The interrupted call itself completed: the stream is consistent and part-way.
    await waitActive('interrupted')
    const left = (await openRanges('interrupted')).length
    // Normally stopped after step 1 (2 → 4); on a slow machine the poll may only catch step 2.
    expect([4, 8]).toContain(left)
    await expectFullCoverage('interrupted')
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'interrupted',
      '--target-shards',
      '8',
      '--apply',
      '--yes',
    ])
    expect(resultOf(run).steps.map((s) => [s.op, s.status])).toEqual(
      left === 4 ? [['UpdateShardCount', 'applied']] : [],
    )
    expect(await openRanges('interrupted')).toHaveLength(8)
    await expectFullCoverage('interrupted')
  }, 120_000)

  it('--even-out restores equal ranges after a manual split', async () => {
    await createStream('uneven', 3)
    const [first] = await openRanges('uneven')
    // A manual split and merge leave 3 shards with uneven ranges.
    const {MergeShardsCommand, SplitShardCommand} = await import('@aws-sdk/client-kinesis')
    await client.send(
      new SplitShardCommand({
        NewStartingHashKey: (first!.startingHashKey + 1000n).toString(),
        ShardToSplit: first!.shardId,
        StreamName: 'uneven',
      }),
    )
    await waitActive('uneven')
    const split = await openRanges('uneven')
    await client.send(
      new MergeShardsCommand({
        AdjacentShardToMerge: split[3]!.shardId,
        ShardToMerge: split[2]!.shardId,
        StreamName: 'uneven',
      }),
    )
    await waitActive('uneven')
    expect(await openRanges('uneven')).toHaveLength(3)
    const run = await runJson<ReshardResult>([
      'kinesis',
      'reshard',
      '--stream',
      'uneven',
      '--even-out',
      '--apply',
      '--yes',
    ])
    expect(run.exitCode).toBe(0)
    const open = await openRanges('uneven')
    expect(open).toHaveLength(3)
    const third = (1n << 128n) / 3n
    for (const r of open) {
      const width = r.endingHashKey - r.startingHashKey + 1n
      expect(width > third ? width - third : third - width).toBeLessThan(third / 500n)
    }

    await expectFullCoverage('uneven')
    expect(
      resultOf(await runJson<ReshardResult>(['kinesis', 'reshard', '--stream', 'uneven', '--even-out'])).steps,
    ).toEqual([])
  })
})
