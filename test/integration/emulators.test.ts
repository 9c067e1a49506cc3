import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis'
import {CreateBucketCommand, ListObjectsV2Command, PutObjectCommand} from '@aws-sdk/client-s3'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, expect, it} from 'vitest'

import {createClientFactory} from '../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../src/lib/aws/settings.js'
import {findRange, hashKeyOfPartitionKey, sortRanges} from '../../src/lib/kinesis/hash-key.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'

describe('client factory against the local emulators', () => {
  const emu = useEmulators({kinesis: true, s3: true})
  useTestAwsEnv({AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER'})

  async function factory(service: 'kinesis' | 's3') {
    const url = service === 'kinesis' ? emu.kinesis!.url : emu.s3!.url
    return createClientFactory(
      await resolveAwsSettings({endpointUrl: url, env: {}, region: 'us-east-1'}),
      'pipeops/test',
    )
  }

  it('talks to kinesis-local over HTTP/1.1: create, put, paginated ListShards, MD5 routing', async () => {
    const kinesis = await (await factory('kinesis')).create('kinesis')
    await kinesis.send(new CreateStreamCommand({ShardCount: 5, StreamName: 'factory-test'}))
    for (let i = 0; i < 50; i++) {
      const s = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: 'factory-test'}))
      if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break
      await delay(100)
    }

    const shards = []
    let token: string | undefined
    do {
      // Two per page to exercise NextToken paging (the API refuses StreamName with NextToken).
      const page = await kinesis.send(
        new ListShardsCommand(token ? {MaxResults: 2, NextToken: token} : {MaxResults: 2, StreamName: 'factory-test'}),
      )
      shards.push(...(page.Shards ?? []))
      token = page.NextToken
    } while (token)

    expect(shards).toHaveLength(5)
    const ranges = sortRanges(
      shards.map((s) => ({
        endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
        shardId: s.ShardId!,
        startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
      })),
    )
    for (const key of ['order#1', 'ключ', '🔥-hot', '12345']) {
      const put = await kinesis.send(
        new PutRecordCommand({Data: new TextEncoder().encode('x'), PartitionKey: key, StreamName: 'factory-test'}),
      )
      expect(put.ShardId).toBe(findRange(ranges, hashKeyOfPartitionKey(key))?.shardId)
    }
  })

  it('talks to s3rver path-style and pages past 1,000 keys', async () => {
    const s3 = await (await factory('s3')).create('s3')
    await s3.send(new CreateBucketCommand({Bucket: 'factory-test'}))
    const keys = Array.from({length: 1005}, (_, i) => `p/${String(i).padStart(5, '0')}.txt`)
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => s3.send(new PutObjectCommand({Body: 'x', Bucket: 'factory-test', Key}))),
      )
    }

    const seen: string[] = []
    let token: string | undefined
    let pages = 0
    do {
      const page = await s3.send(
        new ListObjectsV2Command({Bucket: 'factory-test', ContinuationToken: token, Prefix: 'p/'}),
      )
      seen.push(...(page.Contents ?? []).map((o) => o.Key!))
      token = page.NextContinuationToken
      pages++
    } while (token)

    expect(pages).toBe(2)
    expect(seen).toEqual(keys)
  })
})
