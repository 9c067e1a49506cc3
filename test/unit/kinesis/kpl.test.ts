import fc from 'fast-check'
import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {HashCache} from '../../../src/lib/kinesis/hash-cache.js'
import {evenRanges, hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {aggregate, deaggregate, KPL_MAGIC, looksAggregated} from '../../../src/lib/kinesis/kpl.js'
import {LoadTally} from '../../../src/lib/kinesis/load-tally.js'
import {countKinesisRecord} from '../../../src/lib/kinesis/sampling.js'

const enc = new TextEncoder()

const field = (n: number, bytes: number[]): number[] => [(n << 3) | 2, bytes.length, ...bytes]
const str = (s: string): number[] => [...enc.encode(s)]

/** A KPL record built by hand (independently of `aggregate`), with a Tag field the reader must skip. */
function handBuilt(): Uint8Array {
  const tag = field(4, [...field(1, str('env')), ...field(2, str('prod'))])
  const rec1 = field(3, [0x08, 0x00, ...field(3, str('hello')), ...tag])
  const rec2 = field(3, [0x08, 0x01, 0x10, 0x00, ...field(3, str('world!'))])
  const body = Uint8Array.from([
    ...field(1, str('user-1')),
    ...field(1, str('user-2')),
    ...field(2, str('12345')),
    ...rec1,
    ...rec2,
  ])
  const digest = createHash('md5').update(body).digest()
  return Uint8Array.from([...KPL_MAGIC, ...body, ...digest])
}

describe('KPL de-aggregation', () => {
  it('reads a hand-built aggregated record (partition key table, explicit hash key, tags)', () => {
    const users = deaggregate(handBuilt())
    expect(users).toHaveLength(2)
    expect(users![0]).toMatchObject({explicitHashKey: undefined, partitionKey: 'user-1'})
    expect(new TextDecoder().decode(users![0]!.data)).toBe('hello')
    expect(users![1]).toMatchObject({explicitHashKey: '12345', partitionKey: 'user-2'})
    expect(new TextDecoder().decode(users![1]!.data)).toBe('world!')
  })

  it('round-trips any user records through aggregate → deaggregate (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            data: fc.uint8Array({maxLength: 300}),
            explicitHashKey: fc.option(fc.bigInt({max: (1n << 128n) - 1n, min: 0n}).map(String), {nil: undefined}),
            partitionKey: fc.string({maxLength: 64, minLength: 1, unit: 'grapheme'}),
          }),
          {maxLength: 30, minLength: 1},
        ),
        (records) => {
          const back = deaggregate(aggregate(records))
          expect(
            back?.map((r) => ({data: [...r.data], explicitHashKey: r.explicitHashKey, partitionKey: r.partitionKey})),
          ).toEqual(
            records.map((r) => ({data: [...r.data], explicitHashKey: r.explicitHashKey, partitionKey: r.partitionKey})),
          )
        },
      ),
      {numRuns: 200},
    )
  })

  it('treats plain data, a bad checksum or a corrupt body as not aggregated', () => {
    expect(deaggregate(enc.encode('{"plain":"json"}'))).toBeUndefined()
    const good = handBuilt()
    const badDigest = Uint8Array.from(good)
    badDigest[badDigest.length - 1] = badDigest.at(-1)! ^ 0xff
    expect(looksAggregated(badDigest)).toBe(true)
    expect(deaggregate(badDigest)).toBeUndefined()
    // Valid checksum over a truncated protobuf (cut inside the first string).
    const body = good.subarray(4, 10)
    const truncated = Uint8Array.from([...KPL_MAGIC, ...body, ...createHash('md5').update(body).digest()])
    expect(deaggregate(truncated)).toBeUndefined()
    // Index past the partition key table.
    const r = [0x1a, 5, 0x08, 0x07, 0x1a, 0x01, 0x41]
    const b2 = Uint8Array.from([0x0a, 1, 0x61, ...r])
    expect(
      deaggregate(Uint8Array.from([...KPL_MAGIC, ...b2, ...createHash('md5').update(b2).digest()])),
    ).toBeUndefined()
    // Well-formed but without user records.
    const b3 = Uint8Array.from([0x0a, 1, 0x61])
    expect(
      deaggregate(Uint8Array.from([...KPL_MAGIC, ...b3, ...createHash('md5').update(b3).digest()])),
    ).toBeUndefined()
  })

  it("counts the user keys of an aggregated record, sharing the real record's bytes and its one record", () => {
    const ranges = evenRanges(1)
    const tally = new LoadTally(ranges)
    const cache = new HashCache()
    const users = [
      {data: enc.encode('x'.repeat(300)), partitionKey: 'hot-key'},
      {data: enc.encode('x'.repeat(300)), partitionKey: 'hot-key'},
      {data: enc.encode('x'.repeat(93)), partitionKey: 'cold'},
    ]
    const data = aggregate(users)
    const outerBytes = data.length + 'kpl-pk'.length
    const r = countKinesisRecord({cache, tally}, 0, {data, partitionKey: 'kpl-pk', timestampMs: 1_000_000})
    expect(r).toEqual({aggregated: true, userRecords: 3})
    const shard = tally.shard(0)
    expect(shard.bytes).toBeCloseTo(outerBytes, 6)
    expect(shard.records).toBeCloseTo(1, 9)
    const top = tally.shardTopKeys(0, 5)
    expect(top.map((k) => k.partitionKey)).toEqual(['hot-key', 'cold'])
    expect(top[0]!.hashKey).toBe(hashKeyOfPartitionKey('hot-key'))
    expect(top[0]!.records).toBeCloseTo(2 / 3, 9)
    expect(top[0]!.bytes + top[1]!.bytes).toBeCloseTo(outerBytes, 6)
    // The KPL's own partition key is not a user key.
    expect(top.some((k) => k.partitionKey === 'kpl-pk')).toBe(false)
  })
})
