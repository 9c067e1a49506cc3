/**
 * A KCL 2.x application reading the demo stream: its lease table in dynalite, two workers, every
 * shard checkpointed at a marker record written last (caught up) except the hot tenant's shard,
 * checkpointed at its first record (lagging). After the tour's split of that shard, its children
 * have no lease (KCL waits for the parent's SHARD_END): `kinesis consumers` names the parent.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb'
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis'
import {setTimeout as delay} from 'node:timers/promises'

import type {Seed} from '../types.js'

import {hashKeyOfPartitionKey} from '../../kinesis/hash-key.js'
import {KINESIS_DEMO_HOT_KEY, KINESIS_DEMO_STREAM} from './kinesis.js'

/** The demo application; KCL names its lease table after it. */
export const KCL_DEMO_APP = 'pipeops-demo-clicks-app'

/** A lease table as KCL creates it (key leaseKey, on demand), ACTIVE; an existing one is kept. */
export async function ensureLeaseTable(dynamodb: DynamoDBClient, table: string): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        AttributeDefinitions: [{AttributeName: 'leaseKey', AttributeType: 'S'}],
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{AttributeName: 'leaseKey', KeyType: 'HASH'}],
        TableName: table,
      }),
    )
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error
  }

  for (let i = 0; i < 100; i++) {
    const t = await dynamodb.send(new DescribeTableCommand({TableName: table}))
    if (t.Table?.TableStatus === 'ACTIVE') return
    await delay(50)
  }
}

async function firstSequenceNumber(kinesis: KinesisClient, shardId: string): Promise<string | undefined> {
  const it = await kinesis.send(
    new GetShardIteratorCommand({ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON', StreamName: KINESIS_DEMO_STREAM}),
  )
  const page = await kinesis.send(new GetRecordsCommand({Limit: 1, ShardIterator: it.ShardIterator}))
  return page.Records?.[0]?.SequenceNumber
}

export const kinesisConsumersSeed: Seed = {
  name: 'kinesis-consumers',
  async run({dynamodb, kinesis, log}) {
    if (!dynamodb) return []
    await ensureLeaseTable(dynamodb, KCL_DEMO_APP)
    const open =
      (await kinesis.send(new ListShardsCommand({ShardFilter: {Type: 'AT_LATEST'}, StreamName: KINESIS_DEMO_STREAM})))
        .Shards ?? []
    // One marker record per shard, written last: a checkpoint at it is "caught up".
    const markers = await kinesis.send(
      new PutRecordsCommand({
        Records: open.map((s) => ({
          Data: new TextEncoder().encode('{"marker":true}'),
          ExplicitHashKey: s.HashKeyRange!.StartingHashKey!,
          PartitionKey: 'checkpoint-marker',
        })),
        StreamName: KINESIS_DEMO_STREAM,
      }),
    )
    const hot = hashKeyOfPartitionKey(KINESIS_DEMO_HOT_KEY)
    let lagging = ''
    for (const [i, s] of open.entries()) {
      const isHot = BigInt(s.HashKeyRange!.StartingHashKey!) <= hot && hot <= BigInt(s.HashKeyRange!.EndingHashKey!)
      const checkpoint = isHot ? await firstSequenceNumber(kinesis, s.ShardId!) : markers.Records?.[i]?.SequenceNumber
      if (isHot) lagging = s.ShardId!
      await dynamodb.send(
        new PutItemCommand({
          Item: {
            checkpoint: {S: checkpoint ?? 'TRIM_HORIZON'},
            checkpointSubSequenceNumber: {N: '0'},
            endingHashKey: {S: s.HashKeyRange!.EndingHashKey!},
            leaseCounter: {N: String(100 + i)},
            leaseKey: {S: s.ShardId!},
            leaseOwner: {S: i < open.length / 2 ? 'worker-1' : 'worker-2'},
            ownerSwitchesSinceCheckpoint: {N: '0'},
            startingHashKey: {S: s.HashKeyRange!.StartingHashKey!},
          },
          TableName: KCL_DEMO_APP,
        }),
      )
    }

    log(`Lease table ${KCL_DEMO_APP}: ${open.length} leases, ${lagging} behind`)
    return [
      {
        kind: 'DynamoDB table',
        name: KCL_DEMO_APP,
        note: `KCL 2.x lease table of ${KINESIS_DEMO_STREAM}: two workers, ${lagging} checkpointed at its first record (lagging)`,
      },
    ]
  },
}
