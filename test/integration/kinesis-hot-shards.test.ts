import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis'
import {Config} from '@oclif/core'
import fc from 'fast-check'
import {spawnSync} from 'node:child_process'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, expect, it, vi} from 'vitest'

import type {HotShardsResult} from '../../src/lib/kinesis/hot-shards.js'
import type {WhereIsResult} from '../../src/lib/kinesis/where-is.js'

import KinesisWhereIs from '../../src/commands/kinesis/where-is.js'
import {createClientFactory} from '../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../src/lib/aws/settings.js'
import {hashKeyOfPartitionKey} from '../../src/lib/kinesis/hash-key.js'
import {aggregate} from '../../src/lib/kinesis/kpl.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {resultOf, runJson} from '../helpers/run.js'

async function putAll(kinesis: KinesisClient, stream: string, entries: PutRecordsRequestEntry[]): Promise<string[]> {
  const shardIds: string[] = []
  for (let i = 0; i < entries.length; i += 500) {
    const out = await kinesis.send(new PutRecordsCommand({Records: entries.slice(i, i + 500), StreamName: stream}))
    expect(out.FailedRecordCount ?? 0).toBe(0)
    shardIds.push(...out.Records!.map((r) => r.ShardId!))
  }

  return shardIds
}

async function createStream(kinesis: KinesisClient, name: string, shards: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ShardCount: shards, StreamName: name}))
  for (let i = 0; i < 100; i++) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: name}))
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return
    await delay(100)
  }

  throw new Error(`${name} never became ACTIVE`)
}

describe('kinesis hot-shards / where-is against kinesis-local', () => {
  const emu = useEmulators({kinesis: true})
  useTestAwsEnv()

  async function client(): Promise<KinesisClient> {
    const settings = await resolveAwsSettings({endpointUrl: emu.kinesis!.url, env: {}, region: 'us-east-1'})
    return createClientFactory(settings, 'pipeops/test').create('kinesis')
  }

  it('where-is agrees with the shard the emulator reports for 1,200 random keys (ASCII, numeric, Unicode, emoji)', async () => {
    const kinesis = await client()
    await createStream(kinesis, 'where-is-keys', 5)
    const gen = fc.oneof(
      fc.string({maxLength: 40, minLength: 1, unit: 'grapheme-ascii'}),
      fc.integer({max: 1e12, min: 0}).map(String),
      fc.string({maxLength: 30, minLength: 1, unit: 'grapheme'}),
      fc.string({maxLength: 20, minLength: 1, unit: fc.constantFrom('🔥', '😀', '🚀', 'ключ', '鍵', 'é', '👩‍👩‍👧')}),
    )
    const keys = [
      ...new Set(fc.sample(gen, {numRuns: 1300, seed: 42}).filter((k) => k.length > 0 && k.length <= 256)),
    ].slice(0, 1200)
    expect(keys.length).toBe(1200)
    const emulatorShards = await putAll(
      kinesis,
      'where-is-keys',
      keys.map((k) => ({Data: new TextEncoder().encode('x'), PartitionKey: k})),
    )
    // The command class is run with the argv array as a shell would pass it (runCommand re-splits
    // on spaces); "--" ends the flags, since random keys may start with "-".
    const config = await Config.load(process.cwd())
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    let r: WhereIsResult
    try {
      r = await KinesisWhereIs.run(
        ['--stream', 'where-is-keys', '--endpoint-url', emu.kinesis!.url, '--json', '--', ...keys],
        config,
      )
    } finally {
      quiet.mockRestore()
    }

    expect(r.keys.map((k) => k.partitionKey)).toEqual(keys)
    const mismatches = r.keys.filter((k, i) => k.shardId !== emulatorShards[i]).map((k) => k.partitionKey)
    expect(mismatches).toEqual([])
    expect(new Set(emulatorShards).size).toBe(5)
  })

  it('hot-shards --source records names the hot shard and the hot key of a skewed producer (KPL records included)', async () => {
    const kinesis = await client()
    await createStream(kinesis, 'skewed', 4)
    const entries: PutRecordsRequestEntry[] = []
    const payload = new Uint8Array(1000)
    for (let i = 0; i < 4000; i++) {
      entries.push({Data: payload, PartitionKey: i % 2 === 0 ? 'hot-tenant' : `user-${i}`})
    }

    // A KPL producer packs user records whose keys belong together; route it by its first key's hash.
    const kplUsers = Array.from({length: 20}, () => ({data: new Uint8Array(200), partitionKey: 'kpl-tenant'}))
    for (let i = 0; i < 20; i++) {
      entries.push({
        Data: aggregate(kplUsers),
        ExplicitHashKey: hashKeyOfPartitionKey('kpl-tenant').toString(),
        PartitionKey: 'kpl-batch',
      })
    }

    const shards = await putAll(kinesis, 'skewed', entries)
    const hotShard = shards[0]!
    const run = await runJson<HotShardsResult>([
      'kinesis',
      'hot-shards',
      '--stream',
      'skewed',
      '--source',
      'records',
      '--window',
      '2m',
      '--threshold',
      '0.02',
      '--min-minutes',
      '1',
      '--sample-seconds',
      '20',
      '--endpoint-url',
      emu.kinesis!.url,
    ])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.source).toBe('records')
    expect(r.sample).toMatchObject({type: 'AT_TIMESTAMP'})
    expect(r.hotShards[0]).toBe(hotShard)
    const hot = r.shards.find((s) => s.shardId === hotShard)!
    expect(hot.topKeys[0]!.partitionKey).toBe('hot-tenant')
    expect(hot.topKeys[0]!.records).toBe(2000)
    expect(hot.sample!.kinesisRecords).toBe(shards.filter((s) => s === hotShard).length)
    expect(r.hotKeys[0]).toMatchObject({partitionKey: 'hot-tenant', shardId: hotShard})
    // The KPL records were unpacked: their user key is counted, not the aggregate's key.
    const kplShard = r.shards.find((s) => s.shardId === shards[4000])!
    expect(kplShard.topKeys.some((k) => k.partitionKey === 'kpl-tenant')).toBe(true)
    expect(r.shards.some((s) => s.topKeys.some((k) => k.partitionKey === 'kpl-batch'))).toBe(false)
    expect(kplShard.sample!.aggregatedRecords).toBe(20)
    // Every shard was measured from the sample, and the split point lies inside the hot shard.
    expect(r.shards.every((s) => s.statsSource === 'sample')).toBe(true)
    expect(r.verdict).toBe('hot-shard')
    expect(BigInt(hot.split!.newStartingHashKey) > BigInt(hot.startingHashKey)).toBe(true)
    expect(BigInt(hot.split!.newStartingHashKey) <= BigInt(hot.endingHashKey)).toBe(true)
  })

  it('reads a record file from stdin with --records - (the built CLI path)', () => {
    const input = ['partitionKey,bytes', ...Array.from({length: 300}, (_, i) => `k-${i % 7},100`)].join('\n')
    const out = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/dev.js',
        'kinesis',
        'hot-shards',
        '--records',
        '-',
        '--shards',
        '2',
        '--window',
        '1m',
        '--json',
      ],
      {
        encoding: 'utf8',
        env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
        input,
        timeout: 60_000,
      },
    )
    expect(out.status).toBe(0)
    const envelope = JSON.parse(out.stdout) as {result: HotShardsResult; status: string}
    expect(envelope.status).toBe('ok')
    expect(envelope.result.shards.reduce((a, s) => a + s.recordsPerSec.avg * 60, 0)).toBeCloseTo(300, 0)
  })
})
