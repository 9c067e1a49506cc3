import fc from 'fast-check'
import {constants, deflateRawSync, inflateRawSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {CompressPool, findLibdeflate} from '../../../src/lib/redshift/compress-pool.js'
import {createJoinTables, joinableDeflate} from '../../../src/lib/redshift/deflate-join.js'

interface Libdeflate {
  _free(ptr: number): void
  _libdeflate_alloc_compressor(level: number): number
  _libdeflate_deflate_compress(c: number, inPtr: number, inLen: number, outPtr: number, outCap: number): number
  _libdeflate_deflate_compress_bound(c: number, inLen: number): number
  _libdeflate_free_compressor(c: number): void
  _malloc(size: number): number
  HEAPU8: Uint8Array
}

const url = findLibdeflate()
const wasm = url ? ((await import(url)) as {default: () => Libdeflate}).default() : undefined

function libdeflate(data: Uint8Array, level: number): Uint8Array {
  const m = wasm!
  const comp = m._libdeflate_alloc_compressor(level)
  const bound = m._libdeflate_deflate_compress_bound(comp, data.length)
  const inPtr = m._malloc(Math.max(1, data.length))
  const outPtr = m._malloc(bound)
  m.HEAPU8.set(data, inPtr)
  const n = m._libdeflate_deflate_compress(comp, inPtr, data.length, outPtr, bound)
  const out = m.HEAPU8.slice(outPtr, outPtr + n)
  m._free(inPtr)
  m._free(outPtr)
  m._libdeflate_free_compressor(comp)
  return out
}

/** Compress each chunk alone, make each joinable, close the stream: it must inflate to the whole. */
function roundTrip(chunks: Uint8Array[], compress: (c: Uint8Array) => Uint8Array): void {
  const t = createJoinTables()
  const joined = chunks.map((c) => {
    const stream = compress(c)
    // Surrounded by other bytes, as in the WebAssembly heap: only [start, end) is the stream.
    const heap = new Uint8Array(stream.length + 13).fill(0xa5)
    heap.set(stream, 7)
    return joinableDeflate(t, heap, 7, 7 + stream.length)
  })
  const whole = Buffer.concat([...joined, Buffer.from([0x03, 0x00])])
  expect(inflateRawSync(whole).equals(Buffer.concat(chunks))).toBe(true)
}

/** Data deflate treats differently: incompressible, highly repetitive, text-like, empty. */
const chunk = fc.oneof(
  fc.uint8Array({maxLength: 3000}),
  fc
    .tuple(fc.string({maxLength: 40, minLength: 1}), fc.integer({max: 2000, min: 1}))
    .map(([s, n]) => new TextEncoder().encode(s.repeat(n))),
  fc
    .array(
      fc
        .tuple(fc.nat(1_000_000), fc.constantFrom('alice', 'bob', 'carol'), fc.nat(99_999))
        .map(([a, b, c]) => `${a},${b},${c / 100}\n`),
      {maxLength: 3000},
    )
    .map((lines) => new TextEncoder().encode(lines.join(''))),
)

describe('joinableDeflate', () => {
  it.skipIf(!wasm)('joins libdeflate streams of any content at every level into one valid stream', () => {
    fc.assert(
      fc.property(fc.array(chunk, {maxLength: 5, minLength: 1}), fc.integer({max: 12, min: 1}), (chunks, level) => {
        roundTrip(chunks, (c) => libdeflate(c, level))
      }),
      {numRuns: 150},
    )
  })

  it('joins zlib streams too: stored, fixed-Huffman, Huffman-only, RLE and dynamic blocks', () => {
    const strategies = [
      constants.Z_DEFAULT_STRATEGY,
      constants.Z_FIXED,
      constants.Z_HUFFMAN_ONLY,
      constants.Z_RLE,
      constants.Z_FILTERED,
    ]
    fc.assert(
      fc.property(
        fc.array(chunk, {maxLength: 4, minLength: 1}),
        fc.constantFrom(...strategies),
        fc.integer({max: 9, min: 0}),
        (chunks, strategy, level) => {
          roundTrip(chunks, (c) => deflateRawSync(c, {level, strategy}))
        },
      ),
      {numRuns: 150},
    )
  })

  it.skipIf(!wasm)('joins a 2 MiB CSV-like block compressed by libdeflate (many blocks, long codes)', () => {
    const lines: string[] = []
    let seed = 7
    for (let i = 0; i < 40_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      lines.push(
        `${i},${seed % 1_000_000},name_${seed % 977},2026-${1 + (seed % 12)}-${1 + (seed % 28)},${seed % 10_000}`,
      )
    }

    const data = new TextEncoder().encode(lines.join('\n') + '\n')
    roundTrip([data.subarray(0, 1_000_000), data.subarray(1_000_000)], (c) => libdeflate(c, 6))
  })

  it('refuses streams that are corrupt, truncated or followed by other bytes', () => {
    const t = createJoinTables()
    const stream = deflateRawSync(
      Buffer.from('hello hello hello, a stream long enough to have a dynamic block '.repeat(50)),
    )
    expect(() => joinableDeflate(t, stream, 0, stream.length - 3)).toThrow()
    const padded = Buffer.concat([stream, Buffer.from([0, 0])])
    expect(() => joinableDeflate(t, padded, 0, padded.length)).toThrow(/ends before the end/)
    const reserved = Buffer.from([0x07, 0x00]) // BFINAL 1, BTYPE 11 (reserved)
    expect(() => joinableDeflate(t, reserved, 0, reserved.length)).toThrow(/invalid block type/)
    const badStored = Buffer.from([0x01, 0x05, 0x00, 0x00, 0x00]) // LEN 5, NLEN not its complement
    expect(() => joinableDeflate(t, badStored, 0, badStored.length)).toThrow(/length check/)
    // Flip bits through the stream: each result either still walks to the exact end or throws.
    for (let i = 0; i < stream.length * 8; i += 7) {
      const broken = Buffer.from(stream)
      broken[i >> 3]! ^= 1 << (i & 7)
      try {
        const out = joinableDeflate(t, broken, 0, broken.length)
        expect(out.at(-1)).toBe(0xff)
      } catch (error) {
        expect(error).toBeInstanceOf(Error)
      }
    }
  })
})

describe('CompressPool engines', () => {
  const blocks = [0, 1, 2].map((b) =>
    Buffer.from(Array.from({length: 5000}, (_, i) => `${b * 5000 + i},row ${i % 97},x\n`).join('')),
  )

  async function compressAll(level: number, useLibdeflate: boolean) {
    const pool = new CompressPool({codec: 'gzip', format: 'csv', level, quote: 0x22, useLibdeflate, workers: 2})
    try {
      const plain = Buffer.concat(blocks)
      const outs = await Promise.all(
        blocks.map((b) => {
          const block = pool.blockBuffer(b.length)
          b.copy(block)
          return pool.submit(block, {part: 0})
        }),
      )
      const stream = Buffer.concat([...outs.map((o) => o.out), Buffer.from([0x03, 0x00])])
      expect(inflateRawSync(stream).equals(plain)).toBe(true)
      expect(outs.reduce((n, o) => n + o.records, 0)).toBe(15_000)
      return {engines: pool.engines(), usesDictionary: pool.usesDictionary}
    } finally {
      await pool.close()
    }
  }

  it.skipIf(!url)('uses libdeflate at every level, with no dictionary', async () => {
    for (const level of [1, 6, 9]) {
      expect(await compressAll(level, true)).toEqual({engines: {libdeflate: 3, zlib: 0}, usesDictionary: false})
    }
  })

  it('uses zlib (with the part’s last 32 KiB as dictionary) when told to', async () => {
    expect(await compressAll(1, false)).toEqual({engines: {libdeflate: 0, zlib: 3}, usesDictionary: true})
    expect(await compressAll(6, false)).toEqual({engines: {libdeflate: 0, zlib: 3}, usesDictionary: true})
  })
})
