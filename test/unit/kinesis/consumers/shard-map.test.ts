import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {parseShardList} from '../../../../src/lib/kinesis/consumers/shard-map.js'

describe('shard list files', () => {
  it('reads list-shards output with closed shards and lineage', () => {
    const list = parseShardList(
      readFileSync('test/fixtures/kinesis-consumers/after-split.list-shards.json', 'utf8'),
      'f',
    )
    expect(list.shards).toHaveLength(7)
    expect(list.shards.filter((s) => !s.open).map((s) => s.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000005',
    ])
    expect(list.shards[1]).toMatchObject({parentShardId: 'shardId-000000000000'})
    expect(list.retentionHours).toBeNull()
  })

  it('reads describe-stream output with its retention and name', () => {
    const text = JSON.stringify({
      StreamDescription: {
        RetentionPeriodHours: 48,
        Shards: [{SequenceNumberRange: {StartingSequenceNumber: '1'}, ShardId: 'shardId-000000000000'}],
        StreamName: 'orders',
      },
    })
    expect(parseShardList(text, 'f')).toMatchObject({retentionHours: 48, streamName: 'orders'})
  })

  it('rejects a file without shards', () => {
    expect(() => parseShardList('{"Items": []}', 'shards.json')).toThrow(/no "Shards" list/)
    expect(() => parseShardList('{"Shards": []}', 'shards.json')).toThrow(/lists no shards/)
  })
})
