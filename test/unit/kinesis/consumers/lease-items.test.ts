import {describe, expect, it} from 'vitest'

import {InputError} from '../../../../src/lib/core/errors.js'
import {
  isSentinel,
  itemsOfScanOutput,
  leaseFromItem,
  parseLeaseItems,
  splitJsonDocuments,
} from '../../../../src/lib/kinesis/consumers/lease-items.js'

describe('lease items', () => {
  it('reads a KCL 2.x single-stream lease', () => {
    const lease = leaseFromItem({
      checkpoint: {S: '49650000000000000000000000000000000000000000000000000010'},
      checkpointSubSequenceNumber: {N: '2'},
      leaseCounter: {N: '91812'},
      leaseKey: {S: 'shardId-000000000007'},
      leaseOwner: {S: 'worker-a'},
      ownerSwitchesSinceCheckpoint: {N: '1'},
      parentShardId: {SS: ['shardId-000000000001', 'shardId-000000000002']},
    })
    expect(lease).toMatchObject({
      checkpoint: '49650000000000000000000000000000000000000000000000000010',
      leaseCounter: 91_812,
      owner: 'worker-a',
      ownerSwitchesSinceCheckpoint: 1,
      parentShardIds: ['shardId-000000000001', 'shardId-000000000002'],
      shardId: 'shardId-000000000007',
      streamName: null,
    })
  })

  it('reads multi-stream leases (streamName = account:name:epoch, shardId attribute) and the old childShardId name', () => {
    const lease = leaseFromItem({
      checkpoint: {S: 'TRIM_HORIZON'},
      childShardId: {SS: ['shardId-000000000009']},
      leaseCounter: {N: '4'},
      leaseKey: {S: '123456789012:orders:1700000000:shardId-000000000003'},
      shardId: {S: 'shardId-000000000003'},
      streamName: {S: '123456789012:orders:1700000000'},
    })
    expect(lease).toMatchObject({
      childShardIds: ['shardId-000000000009'],
      owner: null,
      shardId: 'shardId-000000000003',
      streamName: 'orders',
    })
  })

  it('reads a streamName:shardId key without the multi-stream attributes', () => {
    expect(leaseFromItem({leaseKey: {S: 'clicks:shardId-000000000001'}})).toMatchObject({
      shardId: 'shardId-000000000001',
      streamName: 'clicks',
    })
  })

  it('reads KCL 3.x attributes (throughputKBps, checkpointOwner)', () => {
    expect(
      leaseFromItem({
        checkpointOwner: {S: 'w1'},
        leaseKey: {S: 'shardId-000000000000'},
        leaseOwner: {S: 'w2'},
        throughputKBps: {N: '812.5'},
      }),
    ).toMatchObject({checkpointOwner: 'w1', owner: 'w2', throughputKBps: 812.5})
  })

  it('skips items that are not shard leases, saying why', () => {
    const parsed = parseLeaseItems([
      {leaseKey: {S: 'shardId-000000000000'}},
      {leaseKey: {S: 'migration-state'}},
      {key: {S: 'x'}},
    ])
    expect(parsed.leases).toHaveLength(1)
    expect(parsed.skipped).toEqual([
      'item 2 (leaseKey migration-state): not a shard lease',
      'item 3: no leaseKey attribute (S)',
    ])
  })

  it('knows the sentinels', () => {
    for (const s of ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP', 'SHARD_END']) expect(isSentinel(s)).toBe(true)
    expect(isSentinel('4965')).toBe(false)
    expect(isSentinel(null)).toBe(false)
  })
})

describe('scan output files', () => {
  it('splits pages appended to one file, braces inside strings included', () => {
    const text = '{"Items":[{"leaseKey":{"S":"shardId-1}"}}]}\n{"Items":[]}  [{"Items":[]}]'
    expect(splitJsonDocuments(text, 'f')).toHaveLength(3)
  })

  it('names a cut-short file and stray text', () => {
    expect(() => splitJsonDocuments('{"Items":[', 'leases.json')).toThrow(/ends inside a JSON document/)
    expect(() => splitJsonDocuments('Items: []', 'leases.json')).toThrow(InputError)
  })

  it('takes Items of pages, bare items and get-item output', () => {
    const docs = [
      {Items: [{leaseKey: {S: 'shardId-1'}}]},
      {leaseKey: {S: 'shardId-2'}},
      {Item: {leaseKey: {S: 'shardId-3'}}},
    ]
    expect(itemsOfScanOutput(docs, 'f')).toHaveLength(3)
    expect(() => itemsOfScanOutput([{Shards: []}], 'f')).toThrow(/no "Items" list/)
  })
})
