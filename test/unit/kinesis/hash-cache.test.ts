import fc from 'fast-check'
import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {wordsToBigInt} from '../../../src/lib/kinesis/fast-md5.js'
import {HashCache} from '../../../src/lib/kinesis/hash-cache.js'
import {bytesToKeyWords} from '../../../src/lib/kinesis/key-words.js'

const enc = new TextEncoder()
const md5 = (key: string): bigint => BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`)

/** Look a key up through `lookupWords` with a chosen table hash (a constant one makes every key collide). */
function lookupWithHash(cache: HashCache, key: string, hash: number): number {
  const bytes = enc.encode(key)
  const words = new Int32Array((bytes.length >> 2) + 2)
  // Words at an offset, as the scanner hands them over.
  bytesToKeyWords(bytes, 0, bytes.length, words, 1)
  return cache.lookupWords(words, 1, bytes.length, hash)
}

// Short keys, keys around the 32-byte inline limit, long keys (overflow words), Unicode.
const keyArb = fc.oneof(
  fc.string({maxLength: 6, minLength: 1}),
  fc.string({maxLength: 40, minLength: 28}),
  fc.string({maxLength: 120, minLength: 33, unit: 'binary'}),
  fc.constantFrom('k', 'k\u0000', 'ключ', '🔥', 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(256)),
)

type Lookup = (cache: HashCache, key: string) => number

/** Count `keys` (weight = position) and check the table against a Map. */
function checkAgainstMap(keys: string[], capacity: number, look: Lookup): void {
  const cache = new HashCache(capacity)
  const expected = new Map<string, {bytes: number; records: number; slot: number}>()
  for (const [i, key] of keys.entries()) {
    const offset = look(cache, key)
    expect(wordsToBigInt(cache.lastWords, offset)).toBe(md5(key))
    const known = expected.get(key)
    if (cache.lastSlot < 0) {
      // Only when the table is full, and only for keys it does not hold.
      expect(known).toBeUndefined()
      expect(cache.size).toBe(capacity)
      continue
    }

    if (known) expect(cache.lastSlot).toBe(known.slot)
    else expect(cache.lastSlot).toBe(expected.size)
    const e = known ?? {bytes: 0, records: 0, slot: cache.lastSlot}
    e.bytes += i
    e.records += 1
    expected.set(key, e)
    cache.addLastTotals(i, 1)
  }

  expect(cache.size).toBe(expected.size)
  const totals = cache.totalsBySlot()
  for (const [key, e] of expected) {
    expect(cache.keyOf(e.slot)).toBe(key)
    expect(cache.keyUtf8Length(e.slot)).toBe(enc.encode(key).length)
    expect(cache.bytesOf(e.slot)).toBe(e.bytes)
    expect(cache.recordsOf(e.slot)).toBe(e.records)
    expect(totals.bytes[e.slot]).toBe(e.bytes)
    expect(totals.records[e.slot]).toBe(e.records)
    expect(wordsToBigInt(cache.allWords, e.slot * 4)).toBe(md5(key))
  }

  expect([...cache.keys()]).toEqual([...expected.keys()])
}

describe('HashCache (the distinct-key table)', () => {
  it('counts like a Map for any keys, through every look-up path (property)', () => {
    const paths: Lookup[] = [
      (c, k) => c.lookup(k),
      (c, k) => {
        const b = enc.encode(`##${k}`)
        return c.lookupBytes(b, 2, b.length - 2)
      },
    ]
    fc.assert(
      fc.property(fc.array(keyArb, {maxLength: 300}), fc.integer({max: 1, min: 0}), (keys, path) => {
        // Repeats, as in real streams.
        checkAgainstMap([...keys, ...keys.slice(0, keys.length >> 1)], 1_000_000, paths[path]!)
      }),
      {numRuns: 200},
    )
  })

  it('keeps keys apart when their table hashes collide, also across growth and in long keys', () => {
    const keys: string[] = []
    for (let i = 0; i < 3000; i++) keys.push(i % 3 === 0 ? `k${i % 997}` : `${'p'.repeat(i % 70)}${i % 1499}`)
    // Every key gets the same hash: one long probe run, and keys of equal length told apart by their words.
    checkAgainstMap(keys, 1_000_000, (c, k) => lookupWithHash(c, k, 0x12_34_56_78))
    // A few distinct hashes: runs that wrap around the end of the table.
    checkAgainstMap(keys, 1_000_000, (c, k) => lookupWithHash(c, k, -1 - (k.length % 3)))
  })

  it('grows through many doublings with exact totals', () => {
    const keys: string[] = []
    for (let i = 0; i < 12_000; i++) keys.push(`tenant-${i % 4001}/device-${(i * 31) % 6007}`)
    checkAgainstMap(keys, 1_000_000, (c, k) => c.lookup(k))
  })

  it('stops remembering keys at its capacity but still hashes them', () => {
    fc.assert(
      fc.property(fc.array(keyArb, {maxLength: 60, minLength: 1}), fc.integer({max: 12, min: 1}), (keys, capacity) => {
        checkAgainstMap([...keys, ...keys], capacity, (c, k) => c.lookup(k))
      }),
      {numRuns: 200},
    )
  })

  it('routes explicit hash keys without caching them, and rebuilds the totals snapshot after new counts', () => {
    const cache = new HashCache()
    const offset = cache.lookup('ignored', '340282366920938463463374607431768211455')
    expect(cache.lastSlot).toBe(-1)
    expect(wordsToBigInt(cache.lastWords, offset)).toBe(2n ** 128n - 1n)
    expect(cache.size).toBe(0)
    cache.lookup('a')
    cache.addLastTotals(5, 1)
    const first = cache.totalsBySlot()
    expect(cache.totalsBySlot()).toBe(first)
    cache.addTotals(0, 2, 1)
    const second = cache.totalsBySlot()
    expect([first.bytes[0], second.bytes[0], second.records[0]]).toEqual([5, 7, 2])
  })
})
