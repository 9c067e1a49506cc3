import {GetRecordsCommand, GetShardIteratorCommand, KinesisClient} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {lagOfPage, lagWithoutCall, readShardLags} from '../../../../src/lib/kinesis/consumers/shard-lag.js'

const kinesis = mockClient(KinesisClient)
const NOW = new Date('2026-12-07T12:00:00Z')
const SEQ = '49650000000000000000000000000000000000000000000000000010'

describe('shard lag', () => {
  beforeEach(() => kinesis.reset())

  it('needs no call for sentinels, and keeps them unknown', () => {
    expect(lagWithoutCall('SHARD_END')).toMatchObject({lagMs: null})
    expect(lagWithoutCall('LATEST')!.source).toContain('not checkpointed yet')
    expect(lagWithoutCall('AT_TIMESTAMP')).toMatchObject({lagMs: null})
    expect(lagWithoutCall('TRIM_HORIZON')).toBeUndefined()
    expect(lagWithoutCall(SEQ)).toBeUndefined()
    expect(lagWithoutCall('garbage')!.source).toContain('not a sequence number')
  })

  it('reads the arrival time of the first record after the checkpoint: one iterator and one GetRecords per shard', async () => {
    kinesis.on(GetShardIteratorCommand).resolves({ShardIterator: 'AAAA'})
    kinesis.on(GetRecordsCommand).resolves({
      MillisBehindLatest: 3_600_000,
      NextShardIterator: 'BBBB',
      Records: [
        {
          ApproximateArrivalTimestamp: new Date(NOW.getTime() - 3_600_000),
          Data: new Uint8Array([123, 125]),
          PartitionKey: 'user-1',
          SequenceNumber: '49650000000000000000000000000000000000000000000000000011',
        },
      ],
    })
    const lags = await readShardLags(
      kinesis,
      {
        ref: {streamName: 'orders'},
        shards: [
          {checkpoint: SEQ, shardId: 'shardId-000000000000'},
          {checkpoint: 'TRIM_HORIZON', shardId: 'shardId-000000000001'},
          {checkpoint: 'SHARD_END', shardId: 'shardId-000000000002'},
        ],
      },
      testRunContext({now: () => NOW}),
    )
    expect(lags.get('shardId-000000000000')).toMatchObject({
      lagMs: 3_600_000,
      record: {sequenceNumber: '49650000000000000000000000000000000000000000000000000011'},
    })
    expect(kinesis.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input)).toEqual([
      {
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: SEQ,
        StreamName: 'orders',
      },
      {ShardId: 'shardId-000000000001', ShardIteratorType: 'TRIM_HORIZON', StreamName: 'orders'},
    ])
    expect(kinesis.commandCalls(GetRecordsCommand).map((c) => c.args[0].input.Limit)).toEqual([1, 1])
  })

  it('keeps a failed read unknown, with the error as the reason', async () => {
    kinesis
      .on(GetShardIteratorCommand)
      .rejects(Object.assign(new Error('Rate exceeded for shard'), {name: 'ProvisionedThroughputExceededException'}))
    const lags = await readShardLags(
      kinesis,
      {ref: {streamName: 'orders'}, shards: [{checkpoint: SEQ, shardId: 's'}]},
      testRunContext(),
    )
    expect(lags.get('s')).toMatchObject({
      lagMs: null,
      source: expect.stringContaining('ProvisionedThroughputExceededException'),
    })
  })

  it('an empty page: caught up when MillisBehindLatest is 0, else MillisBehindLatest', () => {
    expect(lagOfPage({MillisBehindLatest: 0, Records: []}, 0)).toMatchObject({lagMs: 0})
    expect(lagOfPage({MillisBehindLatest: 5000, Records: []}, 0)).toMatchObject({
      lagMs: 5000,
      source: expect.stringContaining('MillisBehindLatest'),
    })
    expect(lagOfPage({Records: []}, 0)).toMatchObject({lagMs: null})
  })
})
