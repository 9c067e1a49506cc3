import {DynamoDBClient, PutItemCommand, UpdateItemCommand} from '@aws-sdk/client-dynamodb'
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, expect, it} from 'vitest'

import type {ConsumersResult} from '../../src/lib/kinesis/consumers/types.js'

import {createClientFactory} from '../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../src/lib/aws/settings.js'
import {ensureLeaseTable, KCL_DEMO_APP, kinesisConsumersSeed} from '../../src/lib/sandbox/seeds/kinesis-consumers.js'
import {KINESIS_DEMO_STREAM, kinesisSeed} from '../../src/lib/sandbox/seeds/kinesis.js'
import {TOUR} from '../../src/lib/sandbox/tour.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {resultOf, runJson} from '../helpers/run.js'

const STREAM = 'consumers-demo'
const TABLE = 'consumers-demo-app'
const HALF = (1n << 127n).toString()

async function waitActive(kinesis: KinesisClient): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: STREAM}))
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return
    await delay(100)
  }

  throw new Error(`${STREAM} never became ACTIVE`)
}

/** A KCL 2.x lease item as the SDK writes it. */
function leaseItem(key: string, owner: string, checkpoint: string) {
  return {
    checkpoint: {S: checkpoint},
    checkpointSubSequenceNumber: {N: '0'},
    leaseCounter: {N: '1'},
    leaseKey: {S: key},
    leaseOwner: {S: owner},
    ownerSwitchesSinceCheckpoint: {N: '0'},
  }
}

describe('kinesis consumers against kinesis-local + dynalite', () => {
  const emu = useEmulators({dynamodb: true, kinesis: true})
  useTestAwsEnv()

  it('finds the lagging, stuck and dead shards and the child without a lease after a split', async () => {
    const kinesisSettings = await resolveAwsSettings({endpointUrl: emu.kinesis!.url, env: {}, region: 'us-east-1'})
    const dynamoSettings = await resolveAwsSettings({endpointUrl: emu.dynamodb!.url, env: {}, region: 'us-east-1'})
    const kinesis = await createClientFactory(kinesisSettings, 'pipeops/test').create('kinesis')
    const dynamodb = (await createClientFactory(dynamoSettings, 'pipeops/test').create('dynamodb')) as DynamoDBClient

    await kinesis.send(new CreateStreamCommand({ShardCount: 2, StreamName: STREAM}))
    await waitActive(kinesis)
    const put = await kinesis.send(
      new PutRecordsCommand({
        Records: [0, 1, 2].flatMap((i) => [
          {Data: new TextEncoder().encode(`low-${i}`), ExplicitHashKey: '1', PartitionKey: `low-${i}`},
          {Data: new TextEncoder().encode(`high-${i}`), ExplicitHashKey: HALF, PartitionKey: `high-${i}`},
        ]),
        StreamName: STREAM,
      }),
    )
    const seqs = (shard: string) => put.Records!.filter((r) => r.ShardId === shard).map((r) => r.SequenceNumber!)
    const [low, high] = ['shardId-000000000000', 'shardId-000000000001']
    expect(seqs(low)).toHaveLength(3)

    await ensureLeaseTable(dynamodb, TABLE)

    // Low shard: worker-a alive (its counter moves) but its checkpoint stays before two records.
    // High shard: worker-b dead (counter still), checkpointed at its last record.
    await dynamodb.send(new PutItemCommand({Item: leaseItem(low, 'worker-a', seqs(low)[0]!), TableName: TABLE}))
    await dynamodb.send(new PutItemCommand({Item: leaseItem(high, 'worker-b', seqs(high)[2]!), TableName: TABLE}))

    // A reshard: the high shard splits; its children get no lease while it is not at SHARD_END.
    const split = (BigInt(HALF) + (1n << 126n)).toString()
    await kinesis.send(new SplitShardCommand({NewStartingHashKey: split, ShardToSplit: high, StreamName: STREAM}))
    await waitActive(kinesis)
    const shards = await kinesis.send(new ListShardsCommand({StreamName: STREAM}))
    expect(shards.Shards!.length).toBe(4)

    // Records must be older than the sample before they count as waiting on a stuck checkpoint.
    await delay(1200)
    const renew = setInterval(() => {
      dynamodb
        .send(
          new UpdateItemCommand({
            ExpressionAttributeValues: {':one': {N: '1'}},
            Key: {leaseKey: {S: low}},
            TableName: TABLE,
            UpdateExpression: 'ADD leaseCounter :one',
          }),
        )
        .catch(() => {})
    }, 200)
    process.env.AWS_ENDPOINT_URL_KINESIS = emu.kinesis!.url
    process.env.AWS_ENDPOINT_URL_DYNAMODB = emu.dynamodb!.url
    let run
    try {
      run = await runJson<ConsumersResult>([
        'kinesis',
        'consumers',
        '--stream',
        STREAM,
        '--app',
        TABLE,
        '--sample',
        '1s',
        '--no-lambda',
      ])
    } finally {
      clearInterval(renew)
    }

    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.retentionHours).toBe(24)
    const kcl = r.consumers.find((c) => c.kind === 'kcl')!
    const byShard = new Map(kcl.shards.map((s) => [s.shardId, s]))
    expect(byShard.get(low)).toMatchObject({owner: 'worker-a', state: 'stuck'})
    expect(byShard.get(low)!.lagMs).toBeGreaterThan(1000)
    expect(byShard.get(high)).toMatchObject({open: false, owner: 'worker-b', state: 'dead'})
    const kinds = kcl.findings.map((f) => `${f.kind} ${f.shardId}`)
    expect(kinds).toContain(`checkpoint-not-advancing ${low}`)
    expect(kinds).toContain(`dead-worker ${high}`)
    expect(kinds).toContain(`closed-shard-leased ${high}`)
    const children = kcl.findings.filter((f) => f.kind === 'open-shard-without-lease')
    expect(children.map((f) => f.parentShardId)).toEqual([high, high])
    const stuck = kcl.findings.find((f) => f.kind === 'checkpoint-not-advancing')!
    expect(stuck.message).toContain(seqs(low)[1]!)
  })

  it('sandbox: the seeded lease table lags on the hot shard; after a split the tour step names the parent holding the children back', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'pipeops-consumers-tour-'))
    try {
      const kinesisSettings = await resolveAwsSettings({endpointUrl: emu.kinesis!.url, env: {}, region: 'us-east-1'})
      const dynamoSettings = await resolveAwsSettings({endpointUrl: emu.dynamodb!.url, env: {}, region: 'us-east-1'})
      const kinesis = await createClientFactory(kinesisSettings, 'pipeops/test').create('kinesis')
      const dynamodb = await createClientFactory(dynamoSettings, 'pipeops/test').create('dynamodb')
      const context = {dynamodb, kinesis, log() {}, s3: undefined as never, workDir}
      await kinesisSeed.run(context)
      const seeded = await kinesisConsumersSeed.run(context)
      expect(seeded[0]).toMatchObject({kind: 'DynamoDB table', name: KCL_DEMO_APP})
      const lagging = /(shardId-\d+) checkpointed at its first record/.exec(seeded[0]!.note!)![1]!
      const shards = await kinesis.send(new ListShardsCommand({StreamName: KINESIS_DEMO_STREAM}))
      const hot = shards.Shards!.find((s) => s.ShardId === lagging)!
      const middle = (BigInt(hot.HashKeyRange!.StartingHashKey!) + BigInt(hot.HashKeyRange!.EndingHashKey!)) / 2n
      await kinesis.send(
        new SplitShardCommand({
          NewStartingHashKey: middle.toString(),
          ShardToSplit: lagging,
          StreamName: KINESIS_DEMO_STREAM,
        }),
      )
      for (let i = 0; i < 100; i++) {
        const d = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: KINESIS_DEMO_STREAM}))
        if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break
        await delay(100)
      }

      process.env.AWS_ENDPOINT_URL_KINESIS = emu.kinesis!.url
      process.env.AWS_ENDPOINT_URL_DYNAMODB = emu.dynamodb!.url
      const step = TOUR.find((t) => t.argv[0] === 'kinesis' && t.argv[1] === 'consumers')!
      const run = await runJson<ConsumersResult>(step.argv)
      expect(run.exitCode).toBe(step.expectExit![0])
      const kcl = resultOf(run).consumers[0]!
      const waiting = kcl.findings.filter((f) => f.kind === 'open-shard-without-lease')
      expect(waiting.map((f) => f.parentShardId)).toEqual([lagging, lagging])
      const laggingRow = kcl.shards.find((s) => s.shardId === lagging)!
      const others = kcl.shards.filter((s) => s.state === 'processing' && s.shardId !== lagging)
      expect(laggingRow.lagMs).toBeGreaterThan(0)
      for (const o of others) expect(o.lagMs).toBe(0)
    } finally {
      rmSync(workDir, {force: true, recursive: true})
    }
  }, 120_000)
})
