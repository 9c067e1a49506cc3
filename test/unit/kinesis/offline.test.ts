import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {evenRanges, findRange, hashKeyOfPartitionKey, MAX_HASH_KEY} from '../../../src/lib/kinesis/hash-key.js'
import {analyseHotShards} from '../../../src/lib/kinesis/hot-shards.js'
import {analyseKeySpread} from '../../../src/lib/kinesis/key-spread.js'
import {parseShardMap, parseTimestamp, readRecordLines, splitCsvLine} from '../../../src/lib/kinesis/records-file.js'
import {splitPoint} from '../../../src/lib/kinesis/verdict.js'
import {whereIs} from '../../../src/lib/kinesis/where-is.js'
import {renderHotShards} from '../../../src/ui/kinesis-hot-shards.js'

const ctx = testRunContext({now: () => new Date('2026-11-22T10:15:00Z'), async sleep() {}})

async function collect(
  lines: string[],
): Promise<Array<[string, number | undefined, number | undefined, string | undefined]>> {
  const out: Array<[string, number | undefined, number | undefined, string | undefined]> = []
  await readRecordLines(lines, 'recs', (k, b, t, e) => out.push([k, b, t, e]))
  return out
}

describe('record files', () => {
  it('reads JSON Lines with optional fields and synonyms', async () => {
    expect(
      await collect([
        '{"partitionKey":"a","bytes":10,"timestamp":"2026-11-22T10:00:00Z"}',
        '',
        '{"PartitionKey":"b","explicitHashKey":"42","ts":1795000000}',
        '{"partition_key":"c","data":"héllo"}',
      ]),
    ).toEqual([
      ['a', 10, Date.parse('2026-11-22T10:00:00Z'), undefined],
      ['b', undefined, 1_795_000_000_000, '42'],
      ['c', 6, undefined, undefined],
    ])
  })

  it('reads CSV with a header, quotes and CRLF', async () => {
    expect(
      await collect(['timestamp,partitionKey,bytes\r', '1795000000123,"a,b",5\r', '1795000000,"say ""hi""",']),
    ).toEqual([
      ['a,b', 5, 1_795_000_000_123, undefined],
      ['say "hi"', undefined, 1_795_000_000_000, undefined],
    ])
    expect(splitCsvLine('x,"",y')).toEqual(['x', '', 'y'])
    expect(splitCsvLine('x,"open')).toBeUndefined()
  })

  it('names the line and the fix for bad input', async () => {
    await expect(collect(['{"partitionKey":"a"}', '{nope'])).rejects.toMatchObject({
      exitCode: 6,
      message: 'recs line 2: is not valid JSON',
    })
    await expect(collect(['{"bytes":1}'])).rejects.toMatchObject({message: 'recs line 1: no partitionKey'})
    await expect(collect(['{"partitionKey":"a","bytes":-1}'])).rejects.toThrow(
      /bytes "-1" is not a non-negative whole number/,
    )
    await expect(collect(['{"partitionKey":"a","timestamp":"yesterday"}'])).rejects.toThrow(/timestamp "yesterday"/)
    await expect(collect(['{"partitionKey":"a","explicitHashKey":"0123"}'])).rejects.toThrow(/explicitHashKey "0123"/)
    await expect(collect([`{"partitionKey":"${'k'.repeat(257)}"}`])).rejects.toThrow(/1 to 256 characters/)
    await expect(collect(['key,bytes', 'a,1'])).rejects.toThrow(/CSV header "key,bytes" has no partitionKey column/)
    await expect(collect(['', ''])).rejects.toThrow(/holds no records/)
    await expect(collect(['partitionKey,bytes', '"unclosed,12', 'x,1'])).rejects.toThrow(
      /recs line 2: has a quoted field that does not close on the line/,
    )
    await expect(collect(['partitionKey', 'a', '"b'])).rejects.toThrow(/line 3: has a quoted field/)
    expect(parseTimestamp('1795000000')).toBe(1_795_000_000_000)
  })

  it('loads a saved shard map, drops closed shards, rejects gaps', () => {
    const shards = evenRanges(2).map((r) => ({
      HashKeyRange: {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()},
      SequenceNumberRange: {StartingSequenceNumber: '1'},
      ShardId: r.shardId,
    }))
    const closed = {
      ...shards[0]!,
      SequenceNumberRange: {EndingSequenceNumber: '5', StartingSequenceNumber: '1'},
      ShardId: 'old',
    }
    expect(parseShardMap(JSON.stringify({Shards: [closed, ...shards]}), 'm.json').map((r) => r.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
    ])
    expect(parseShardMap(JSON.stringify({StreamDescription: {Shards: shards}}), 'm.json')).toHaveLength(2)
    expect(() => parseShardMap(JSON.stringify({Shards: [shards[0]]}), 'm.json')).toThrow(
      /1 problem covering the key space, first a gap from 170141183460469231731687303715884105728 to 340282366920938463463374607431768211455/,
    )
    expect(() => parseShardMap('nope', 'm.json')).toThrow(/m.json is not valid JSON/)
    expect(() => parseShardMap('{"x":1}', 'm.json')).toThrow(/no "Shards" list/)
  })
})

describe('offline hot-shard analysis', () => {
  it('finds the shard of a skewed key, with per-second rates from timestamps and a load-weighted split', async () => {
    const ranges = evenRanges(4)
    const t0 = Date.parse('2026-11-22T10:00:00Z')
    const lines: string[] = []
    // 4 minutes: 'whale' 800 records/s of 1 KB, plus 1000 other keys at 300 records/s in total.
    for (let s = 0; s < 240; s++) {
      for (let i = 0; i < 800; i++)
        lines.push(JSON.stringify({bytes: 1000, partitionKey: 'whale', timestamp: t0 + s * 1000}))
      for (let i = 0; i < 300; i++)
        lines.push(JSON.stringify({bytes: 1000, partitionKey: `k-${(s * 300 + i) % 1000}`, timestamp: t0 + s * 1000}))
    }

    const {profiles, result} = await analyseHotShards(
      {},
      {
        endMs: 0,
        minMinutes: 3,
        offline: {lines, ranges, rangesSource: '4 even', sourceName: 'recs.jsonl'},
        source: 'auto',
        startMs: 0,
        threshold: 0.8,
      },
      ctx,
    )
    const whaleShard = findRange(ranges, hashKeyOfPartitionKey('whale'))!.shardId
    expect(result.window).toEqual({
      end: new Date(t0 + 240_000).toISOString(),
      seconds: 240,
      start: new Date(t0).toISOString(),
    })
    expect(result.shards[0]!.shardId).toBe(whaleShard)
    expect(result.shards[0]!.hot).toBe(true)
    expect(result.shards[0]!.topKeys[0]).toMatchObject({
      errorBound: {bytes: 0, records: 0},
      partitionKey: 'whale',
      recordsPerSec: 800,
    })
    expect(result.hotKeys[0]).toMatchObject({exceedsShardLimit: false, partitionKey: 'whale', shardId: whaleShard})
    expect(result.verdict).toBe('hot-shard')
    const split = result.shards[0]!.split!
    expect(split.basis).toBe('load-weighted median')
    // The whale dominates: the split isolates its hash at one edge of a child.
    const whaleHash = hashKeyOfPartitionKey('whale')
    expect([whaleHash, whaleHash + 1n]).toContain(BigInt(split.newStartingHashKey))
    expect(result.recommendations.join('\n')).toMatch(/--split-hot --threshold 0.8 --records recs.jsonl/)
    const p = profiles.find((x) => x.shardId === whaleShard)!
    expect(p.keyLoad.reduce((a, k) => a + k.bytes, 0) * p.keyLoadScale).toBeCloseTo(p.bytesPerSec, 3)
  })

  it('without timestamps assumes the window and says so', async () => {
    const {result, warnings} = await analyseHotShards(
      {},
      {
        endMs: 60_000,
        minMinutes: 3,
        offline: {
          lines: ['partitionKey', 'a', 'b'],
          ranges: evenRanges(2),
          rangesSource: '2 even',
          sourceName: 'k.csv',
        },
        source: 'auto',
        startMs: 0,
        threshold: 0.8,
      },
      ctx,
    )
    expect(warnings.join('\n')).toMatch(/rates assume the file covers 1m/)
    expect(warnings.join('\n')).toMatch(/byte counts include only the partition key/)
    expect(result.verdict).toBe('healthy')
    expect(result.shards.every((s) => s.throttledRecords === null)).toBe(true)
  })
})

describe('split points', () => {
  it('stay inside the range and predicted children add up to the parent (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({max: MAX_HASH_KEY - 10n, min: 0n}),
        fc.bigInt({max: 1n << 120n, min: 2n}),
        fc.array(
          fc.record({
            b: fc.integer({max: 10_000, min: 0}),
            pos: fc.double({max: 1, min: 0, noNaN: true}),
            r: fc.integer({max: 100, min: 0}),
          }),
          {maxLength: 50},
        ),
        (start, width, loads) => {
          const end = start + width > MAX_HASH_KEY ? MAX_HASH_KEY : start + width
          const keyLoad = loads.map((l) => ({
            bytes: l.b,
            hashKey: start + ((end - start) * BigInt(Math.floor(l.pos * 1e6))) / 1_000_000n,
            records: l.r,
          }))
          const bytes = {avg: 800_000, max: 900_000, p99: 850_000}
          const records = {avg: 500, max: 600, p99: 550}
          const sp = splitPoint({endingHashKey: end, startingHashKey: start}, keyLoad, bytes, records)!
          expect(sp.newStartingHashKey > start && sp.newStartingHashKey <= end).toBe(true)
          expect(sp.children[0].startingHashKey).toBe(start)
          expect(sp.children[0].endingHashKey + 1n).toBe(sp.newStartingHashKey)
          expect(sp.children[1].endingHashKey).toBe(end)
          // Utilisation of the children never exceeds the parent's.
          const parent = Math.max(bytes.avg / 1_048_576, records.avg / 1000)
          for (const c of sp.children) expect(c.utilisation.avg).toBeLessThanOrEqual(parent + 1e-9)
        },
      ),
    )
  })

  it('splits two equal keys between the children', () => {
    const keyLoad = [
      {bytes: 100, hashKey: 10n, records: 1},
      {bytes: 100, hashKey: 90n, records: 1},
    ]
    const sp = splitPoint(
      {endingHashKey: 100n, startingHashKey: 0n},
      keyLoad,
      {avg: 1_048_576, max: 1_048_576, p99: 1_048_576},
      {avg: 2, max: 2, p99: 2},
    )!
    expect(sp.newStartingHashKey > 10n && sp.newStartingHashKey <= 90n).toBe(true)
    expect(sp.children.map((c) => c.utilisation.avg)).toEqual([0.5, 0.5])
  })
})

describe('where-is and key-spread', () => {
  it('places keys and explicit hash keys in uneven real ranges', () => {
    const ranges = [
      {endingHashKey: 99n, shardId: 'a', startingHashKey: 0n},
      {endingHashKey: MAX_HASH_KEY, shardId: 'b', startingHashKey: 100n},
    ]
    const [k, e0, e1] = whereIs(['user-1'], ['99', '100'], ranges)
    expect(k).toMatchObject({hashKey: hashKeyOfPartitionKey('user-1').toString(), partitionKey: 'user-1', shardId: 'b'})
    expect(k!.md5).toHaveLength(32)
    expect(e0).toMatchObject({positionInShard: 1, shardId: 'a'})
    expect(e1).toMatchObject({positionInShard: 0, shardId: 'b'})
    const gap = whereIs([], ['50'], [{endingHashKey: MAX_HASH_KEY, shardId: 'b', startingHashKey: 100n}])
    expect(gap[0]!.shardId).toBeNull()
  })

  it('spreads records over several shard counts and finds the smallest that fits', async () => {
    const lines = ['partitionKey,bytes,timestamp']
    for (let i = 0; i < 60_000; i++) lines.push(`key-${i % 3000},1000,${1_795_000_000 + Math.floor(i / 1000)}`)
    const r = await analyseKeySpread(
      {lines, shardCounts: [8, 1, 2], sourceName: 'k.csv', threshold: 0.8, topKeys: 3},
      testRunContext(),
    )
    expect(r.counts.map((c) => c.shardCount)).toEqual([1, 2, 8])
    expect(r.records).toBe(60_000)
    expect(r.distinctKeys).toBe(3000)
    expect(r.span).toEqual({seconds: 60, source: 'timestamps'})
    for (const c of r.counts) {
      expect(c.shards.reduce((a, s) => a + s.records, 0)).toBe(60_000)
      expect(c.imbalance.records).toBeGreaterThanOrEqual(1)
    }

    // 1000 records/s of ~1 KB: a single shard is at 100 %, so at least 2 are needed.
    expect(r.counts[0]!.shards[0]!.utilisation).toBe(1)
    expect(r.smallestShardCount!.shardCount).toBeGreaterThanOrEqual(2)
    expect(r.smallestShardCount!.maxUtilisation).toBeLessThan(0.8)
  })

  it('stops a long read on Ctrl-C with AbortedError (exit 8), between chunks', async () => {
    const controller = new AbortController()
    let served = 0
    // An endless record file: only the abort can end the run.
    async function* endless(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode('partitionKey,bytes\n')
      for (;;) {
        served++
        if (served === 3) controller.abort()
        yield new TextEncoder().encode(`key-${served},100\n`.repeat(100))
      }
    }

    await expect(
      analyseKeySpread(
        {chunks: endless(), shardCounts: [2], sourceName: 'endless.csv', threshold: 0.8, topKeys: 3},
        testRunContext({signal: controller.signal}),
      ),
    ).rejects.toMatchObject({exitCode: 8, name: 'AbortedError'})
    expect(served).toBe(3)
  })

  it('says no shard count helps when one key alone is over the threshold', async () => {
    const lines = ['partitionKey,timestamp']
    for (let i = 0; i < 900; i++) lines.push(`hot,${1_795_000_000}`)
    const r = await analyseKeySpread(
      {lines, shardCounts: [4], sourceName: 'k.csv', threshold: 0.8, topKeys: 3},
      testRunContext(),
    )
    expect(r.smallestShardCount).toBeNull()
    expect(r.smallestShardCountNote).toMatch(/one key alone uses 90 %/)
  })
})

describe('LoadTally with a bounded key table', () => {
  it('counts kept keys exactly and overflow keys in the heavy hitters; totals agree either way', async () => {
    const {HashCache} = await import('../../../src/lib/kinesis/hash-cache.js')
    const {LoadTally} = await import('../../../src/lib/kinesis/load-tally.js')
    const ranges = evenRanges(4)
    const exactTally = new LoadTally(ranges)
    const boundedTally = new LoadTally(ranges, 8)
    const big = new HashCache(100_000)
    const small = new HashCache(5)
    const keys: string[] = []
    for (let i = 0; i < 20_000; i++) keys.push(i % 5 === 0 ? 'heavy' : `k-${(i * 31) % 3000}`)
    for (const [cache, tally] of [
      [big, exactTally],
      [small, boundedTally],
    ] as const) {
      for (const [i, k] of keys.entries()) {
        const offset = cache.lookup(k)
        const rec = {bytes: 100 + (i % 7), partitionKey: k, records: 1, timestampMs: 1_795_000_000_000 + i}
        if (cache.lastSlot >= 0) {
          cache.addTotals(cache.lastSlot, rec.bytes, 1)
          tally.addSlotted(cache, cache.lastSlot, rec.timestampMs, rec.bytes, 1)
        } else tally.addHashed(rec, cache.lastWords, offset)
      }

      tally.fold(cache)
    }

    const heavyShard = exactTally.shards.indexOf(findRange(exactTally.shards, hashKeyOfPartitionKey('heavy'))!)
    for (let i = 0; i < 4; i++) {
      expect(boundedTally.shard(i).bytes).toBe(exactTally.shard(i).bytes)
      expect(boundedTally.shard(i).records).toBe(exactTally.shard(i).records)
      expect([...boundedTally.shard(i).perSecondRecords.values()].reduce((a, b) => a + b, 0)).toBe(
        exactTally.shard(i).records,
      )
    }

    expect(exactTally.shardTopKeys(heavyShard, 1)[0]).toMatchObject({
      bytesErrorBound: 0,
      partitionKey: 'heavy',
      records: 4000,
    })
    const top = boundedTally.shardTopKeys(heavyShard, 1)[0]!
    expect(top.partitionKey).toBe('heavy')
    expect(top.records).toBeLessThanOrEqual(4000)
    expect(top.records + top.recordsErrorBound).toBeGreaterThanOrEqual(4000)
    // Key load sums to the shard's totals in both modes.
    for (const t of [exactTally, boundedTally]) {
      expect(t.shardKeyLoad(heavyShard).reduce((a, k) => a + k.records, 0)).toBeCloseTo(t.shard(heavyShard).records, 6)
    }
  })
})

async function viaBoth(text: string, chunkSize: number): Promise<{bytes: unknown[]; lines: unknown[]}> {
  const {HashCache} = await import('../../../src/lib/kinesis/hash-cache.js')
  const {readRecordsInto} = await import('../../../src/lib/kinesis/records-file.js')
  const raw = new TextEncoder().encode(text)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < raw.length; i += chunkSize) chunks.push(raw.slice(i, i + chunkSize))
  async function* gen(): AsyncGenerator<Uint8Array> {
    yield* chunks
  }

  const run = async (input: Parameters<typeof readRecordsInto>[0]): Promise<unknown[]> => {
    const cache = new HashCache(3)
    const out: unknown[] = []
    const summary = await readRecordsInto(input, 'f.csv', cache, (slot, offset, keyBytes, pk, bytes, ts, ehk) => {
      const words = [...cache.lastWords.subarray(offset, offset + 4)]
      out.push([slot >= 0 ? cache.keyOf(slot) : pk, keyBytes, bytes, ts, ehk, words])
    })
    out.push(summary)
    return out
  }

  return {bytes: await run({chunks: gen()}), lines: await run({lines: text.split('\n')})}
}

describe('the byte fast path (readRecordsInto with raw chunks)', () => {
  it('gives the same records as the text path: key lists, CRLF, quotes, Unicode split across chunks, overflow', async () => {
    const keyList = [
      'partitionKey',
      'a',
      'ключ-🔥',
      '',
      '  spaced',
      '"quo,ted"',
      'a',
      'b',
      'c',
      'd',
      'ключ-🔥\r',
      'last-no-newline',
    ].join('\n')
    for (const size of [1, 3, 7, 64, 4096]) {
      const {bytes, lines} = await viaBoth(keyList, size)
      expect(bytes).toEqual(lines)
    }

    // Keys of every length mod 4 with and without CRLF, around the 32 bytes kept inline in the
    // table and at AWS's 256-byte limit, a comma inside a key, and a last line without a newline
    // (read like the others).
    const edgeKeys = ['partitionKey']
    for (let n = 1; n <= 9; n++) edgeKeys.push('k'.repeat(n), `${'c'.repeat(n)}\r`)
    edgeKeys.push('x'.repeat(32), 'x'.repeat(33), 'y'.repeat(256), 'é'.repeat(128), 'a,b', 'x'.repeat(33), 'a,b')
    for (const size of [1, 5, 4096]) {
      const {bytes, lines} = await viaBoth(edgeKeys.join('\n'), size)
      expect(bytes).toEqual(lines)
      expect((bytes.at(-1) as {records: number}).records).toBe(25)
    }

    const multi = [
      'ts,partitionKey,bytes,explicitHashKey',
      '1795000000,k1,10,',
      '2026-11-22T10:00:00Z,ключ,5,',
      '1795000000123,"x,y",,',
      '1795000001,k1,,42',
      ',k2,7,',
    ].join('\r\n')
    for (const size of [2, 5, 4096]) {
      const {bytes, lines} = await viaBoth(multi, size)
      expect(bytes).toEqual(lines)
      expect((bytes.at(-1) as {hasTimestamps: boolean; records: number}).records).toBe(5)
    }
  })

  it('reports bad lines with their number on the fast path too', async () => {
    await expect(viaBoth(['partitionKey,bytes', 'a,1', 'b,x'].join('\n'), 4)).rejects.toThrow(
      /f.csv line 3: bytes "x" is not a non-negative whole number/,
    )
    await expect(viaBoth(['partitionKey', 'a', 'k'.repeat(300)].join('\n'), 16)).rejects.toThrow(
      /f.csv line 3: partitionKey must be 1 to 256 characters, not 300/,
    )
  })
})

describe('the hard limit', () => {
  it('calls a shard hot when one second goes above its write limit, whatever --min-minutes says', async () => {
    const ranges = evenRanges(4)
    const t0 = Date.parse('2026-11-22T10:00:00Z')
    const lines: string[] = []
    // 10 quiet minutes (20 keys, one record each every 10 s), then one key writes 3,000 records of
    // 1,000 bytes in the same second: 2.9 MiB/s into one shard.
    for (let s = 0; s < 600; s += 10)
      for (let i = 0; i < 20; i++)
        lines.push(JSON.stringify({bytes: 100, partitionKey: `quiet-${i}`, timestamp: t0 + s * 1000}))
    for (let i = 0; i < 3000; i++)
      lines.push(JSON.stringify({bytes: 1000, partitionKey: 'burst', timestamp: t0 + 300_000}))
    const {result} = await analyseHotShards(
      {},
      {
        endMs: 0,
        minMinutes: 5,
        offline: {lines, ranges, rangesSource: '4 even', sourceName: 'burst.jsonl'},
        source: 'auto',
        startMs: 0,
        threshold: 0.8,
      },
      ctx,
    )
    const burstShard = findRange(ranges, hashKeyOfPartitionKey('burst'))!.shardId
    const shard = result.shards.find((x) => x.shardId === burstShard)!
    expect(shard.utilisation.max).toBeGreaterThan(3)
    expect(shard.secondsOverLimit).toBe(1)
    expect(shard.hot).toBe(true)
    expect(shard.hotReasons[0]).toMatch(/above 100 % of the write limit in 1 second\(s\) \(peak 3\d\d %\)/)
    expect(result.verdict).not.toBe('healthy')
    expect(result.hotShards).toEqual([burstShard])
    expect(result.hotKeys[0]).toMatchObject({partitionKey: 'burst', shardId: burstShard})
    expect(result.recommendations.join('\n')).not.toMatch(/no records were throttled/)
    // The key's average is under a shard's limit, but it carried the shard over it: never "no".
    const text = renderHotShards(result)
    expect(text).toContain('in bursts (the shard was over its limit 1 s)')
    expect(text).not.toMatch(/burst\s+│.*│\s+no\b/)
  })

  it('never says "no records were throttled" when the source cannot count throttling', async () => {
    const t0 = Date.parse('2026-11-22T10:00:00Z')
    const lines = Array.from({length: 100}, (_, i) =>
      JSON.stringify({bytes: 100, partitionKey: `k-${i % 10}`, timestamp: t0 + i * 1000}),
    )
    const {result} = await analyseHotShards(
      {},
      {
        endMs: 0,
        minMinutes: 3,
        offline: {lines, ranges: evenRanges(2), rangesSource: '2 even', sourceName: 'calm.jsonl'},
        source: 'auto',
        startMs: 0,
        threshold: 0.8,
      },
      ctx,
    )
    expect(result.verdict).toBe('healthy')
    expect(result.recommendations.join('\n')).toMatch(/whether records were throttled is unknown/)
    expect(result.recommendations.join('\n')).not.toMatch(/no records were throttled/)
  })
})
