import {KinesisClient, ListShardsCommand} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'

import type {WhereIsResult} from '../../../src/lib/kinesis/where-is.js'

import KinesisWhereIs from '../../../src/commands/kinesis/where-is.js'
import {hashKeyOfPartitionKey, MAX_HASH_KEY} from '../../../src/lib/kinesis/hash-key.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

const kinesis = mockClient(KinesisClient)
const dir = mkdtempSync(join(tmpdir(), 'pipeops-where-is-'))
// Uneven ranges, as after a manual split: never assume even ranges.
const SPLIT = 1n << 120n
const shards = [
  {
    HashKeyRange: {EndingHashKey: (SPLIT - 1n).toString(), StartingHashKey: '0'},
    SequenceNumberRange: {StartingSequenceNumber: '1'},
    ShardId: 'shardId-000000000003',
  },
  {
    HashKeyRange: {EndingHashKey: MAX_HASH_KEY.toString(), StartingHashKey: SPLIT.toString()},
    SequenceNumberRange: {StartingSequenceNumber: '1'},
    ShardId: 'shardId-000000000004',
  },
]

describe('kinesis where-is', () => {
  useTestAwsEnv()

  beforeEach(() => kinesis.reset())
  afterAll(() => rmSync(dir, {force: true, recursive: true}))

  it("uses the stream's real (uneven) ranges", async () => {
    kinesis.on(ListShardsCommand).resolves({Shards: shards})
    const run = await runJson<WhereIsResult>([
      'kinesis',
      'where-is',
      'user-1',
      'ключ-🔥',
      '--stream',
      'orders',
      '--explicit-hash-key',
      String(SPLIT - 1n),
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(r.stream).toBe('orders')
    expect(r.keys.map((k) => k.shardId)).toEqual([
      hashKeyOfPartitionKey('user-1') < SPLIT ? 'shardId-000000000003' : 'shardId-000000000004',
      hashKeyOfPartitionKey('ключ-🔥') < SPLIT ? 'shardId-000000000003' : 'shardId-000000000004',
      'shardId-000000000003',
    ])
    expect(r.keys[1]!.hashKey).toBe(hashKeyOfPartitionKey('ключ-🔥').toString())
    expect(kinesis.commandCalls(ListShardsCommand)[0]!.args[0].input).toEqual({
      ShardFilter: {Type: 'AT_LATEST'},
      StreamName: 'orders',
    })
    expectCallsDeclared(KinesisWhereIs.iam, {kinesis})
  })

  it('works offline with --shards and --shard-map', async () => {
    const even = resultOf(await runJson<WhereIsResult>(['kinesis', 'where-is', 'a', '--shards', '1']))
    expect(even.keys[0]!.shardId).toBe('shardId-000000000000')
    const map = join(dir, 'shards.json')
    writeFileSync(map, JSON.stringify({Shards: shards}))
    const r = resultOf(
      await runJson<WhereIsResult>(['kinesis', 'where-is', '--explicit-hash-key', '0', '--shard-map', map]),
    )
    expect(r.keys[0]).toMatchObject({explicitHashKey: '0', positionInShard: 0, shardId: 'shardId-000000000003'})
    expect(kinesis.calls()).toHaveLength(0)
  })

  it('rejects missing keys, several range sources and bad explicit hash keys', async () => {
    expect((await runJson(['kinesis', 'where-is', '--shards', '2'])).exitCode).toBe(2)
    const both = await runJson(['kinesis', 'where-is', 'a', '--shards', '2', '--stream', 's'])
    expect(errorOf(both).message).toMatch(/exactly one of --stream, --shards or --shard-map/)
    const bad = await runJson(['kinesis', 'where-is', '--explicit-hash-key', '-5', '--shards', '2'])
    expect(bad.exitCode).toBe(6)
    expect(errorOf(bad).message).toMatch(/"-5"/)
  })
})
