import {describe, expect, it} from 'vitest'

import {HashCache} from '../../../src/lib/kinesis/hash-cache.js'
import {evenRanges, findRange, hashKeyOfPartitionKey, MAX_HASH_KEY} from '../../../src/lib/kinesis/hash-key.js'
import {LoadTally} from '../../../src/lib/kinesis/load-tally.js'
import {tallyRecords} from '../../../src/lib/kinesis/tally-records.js'

const T0 = Date.parse('2026-12-01T08:00:00Z')

/** A CSV record file: "hot" 6 times, "a".."d" once each, over three seconds; one record without a size. */
const CSV = [
  'partitionKey,bytes,timestamp',
  ...Array.from({length: 6}, (_, i) => `hot,100,${new Date(T0 + (i % 3) * 1000).toISOString()}`),
  ...['a', 'b', 'c', 'd'].map((k, i) => `${k},50,${new Date(T0 + i * 500).toISOString()}`),
  'e,,',
].join('\n')

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size)
}

function shardTotals(tally: LoadTally): Array<{bytes: number; records: number}> {
  return tally.shards.map((_, i) => ({bytes: tally.shard(i).bytes, records: tally.shard(i).records}))
}

describe('tallyRecords (the record-file hot path of hot-shards and key-spread)', () => {
  it('counts the same load whether the cache keeps every key or none, from bytes or from lines', async () => {
    const runs = []
    for (const [capacity, input] of [
      [1000, {chunks: chunksOf(CSV, 7)}],
      [0, {chunks: chunksOf(CSV, 7)}],
      [1000, {lines: CSV.split('\n')}],
    ] as const) {
      const tally = new LoadTally(evenRanges(4), 100)
      const read = await tallyRecords({
        cache: new HashCache(capacity),
        input,
        perSecond: true,
        sourceName: 'r.csv',
        tallies: [tally],
      })
      runs.push({read, totals: shardTotals(tally)})
    }

    for (const {read, totals} of runs) {
      // Data bytes + the key's UTF-8 bytes, as AWS counts them; the record without a size counts its key only.
      expect(read.bytes).toBe(6 * (100 + 3) + 4 * (50 + 1) + 1)
      expect(read.records).toBe(11)
      expect(read.keyBytesOnly).toBe(true)
      expect(read.minTimestampMs).toBe(T0)
      expect(read.maxTimestampMs).toBe(T0 + 2000)
      expect(read.summary).toMatchObject({format: 'csv', records: 11})
      expect(totals).toEqual(runs[0]!.totals)
    }

    const ranges = evenRanges(4)
    const hotShard = ranges.indexOf(findRange(ranges, hashKeyOfPartitionKey('hot'))!)
    expect(runs[0]!.totals[hotShard]!.records).toBeGreaterThanOrEqual(6)
    // A key the cache could not keep and that has no explicit hash key has no exact total.
    expect(runs[0]!.read.everyKeyExact).toBe(true)
    expect(runs[1]!.read.everyKeyExact).toBe(false)
  })

  it('fills several tallies in one pass, with per-second buckets only when asked', async () => {
    const fine = new LoadTally(evenRanges(8), 100)
    const coarse = new LoadTally(evenRanges(2), 100)
    await tallyRecords({
      cache: new HashCache(),
      input: {lines: CSV.split('\n')},
      perSecond: false,
      sourceName: 'r.csv',
      tallies: [fine, coarse],
    })
    for (const t of [fine, coarse]) {
      expect(shardTotals(t).reduce((a, s) => a + s.records, 0)).toBe(11)
      expect(t.hasTimestamps).toBe(false)
    }

    const timed = new LoadTally(evenRanges(2), 100)
    await tallyRecords({
      cache: new HashCache(),
      input: {lines: CSV.split('\n')},
      perSecond: true,
      sourceName: 'r.csv',
      tallies: [timed],
    })
    expect(timed.hasTimestamps).toBe(true)
    expect(shardTotals(timed)).toEqual(shardTotals(coarse))
  })

  it('keeps the load of explicit hash keys only when asked', async () => {
    const lines = ['partitionKey,bytes,explicitHashKey', `x,10,${MAX_HASH_KEY}`, `y,10,${MAX_HASH_KEY}`, 'z,10,0']
    const asked = await tallyRecords({
      cache: new HashCache(),
      explicitKeyLoads: true,
      input: {lines},
      perSecond: false,
      sourceName: 'e.csv',
      tallies: [new LoadTally(evenRanges(2), 10)],
    })
    expect(asked.explicitKeyLoads.get(MAX_HASH_KEY.toString())).toEqual({bytes: 22, records: 2})
    expect(asked.explicitKeyLoads.get('0')).toEqual({bytes: 11, records: 1})
    expect(asked.everyKeyExact).toBe(true)

    const notAsked = await tallyRecords({
      cache: new HashCache(),
      input: {lines},
      perSecond: false,
      sourceName: 'e.csv',
      tallies: [new LoadTally(evenRanges(2), 10)],
    })
    expect(notAsked.explicitKeyLoads.size).toBe(0)
  })
})
