import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {KEY_LINE_BATCH, KEY_LINE_PADDING, KeyLineBatch} from '../../../src/lib/kinesis/key-lines.js'
import {
  bytesToKeyWords,
  finishKeyHash,
  KEY_HASH_SEED,
  keyWordsHash,
  keyWordsToBytes,
  LITTLE_ENDIAN,
  MAX_KEY_BYTES,
  mixKeyWord,
} from '../../../src/lib/kinesis/key-words.js'

describe('key words', () => {
  it('pack and unpack any bytes, and hash the same word by word (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 300}), fc.integer({max: 5, min: 0}), (bytes, at) => {
        const words = new Int32Array(at + (bytes.length >> 2) + 1).fill(-1)
        const n = bytesToKeyWords(bytes, 0, bytes.length, words, at)
        expect(n).toBe((bytes.length + 3) >> 2)
        const back = new Uint8Array(bytes.length)
        keyWordsToBytes(words, at, bytes.length, back)
        expect(back).toEqual(bytes)
        // The last word is zero-padded.
        if ((bytes.length & 3) !== 0) expect(words[at + n - 1]! >>> ((bytes.length & 3) * 8)).toBe(0)
        let h = KEY_HASH_SEED
        for (let i = 0; i < n; i++) h = mixKeyWord(h, words[at + i]!)
        expect(finishKeyHash(h, bytes.length)).toBe(keyWordsHash(words, at, bytes.length))
      }),
      {numRuns: 500},
    )
  })
})

/** Bytes that stress the scanner: line ends, "\r", bytes one bit away from "\n", zeros, UTF-8. */
const byteArb = fc.oneof(
  {arbitrary: fc.constantFrom(10, 10, 13, 0x0b, 0x08, 0x8a, 0x0a + 0x80, 0, 0xff, 0x2c, 0x22), weight: 1},
  {arbitrary: fc.integer({max: 0x7a, min: 0x61}), weight: 6},
  {arbitrary: fc.integer({max: 255, min: 0}), weight: 1},
)
const lineArb = fc.oneof(
  fc.array(byteArb, {maxLength: 40}),
  fc.array(fc.integer({max: 0x7a, min: 0x61}), {maxLength: 300, minLength: 250}),
)

/** The reference: lines split at "\n" from `pos`, complete ones only, as many as fit a batch. */
function referenceLines(bytes: Uint8Array, pos: number, end: number): Array<{len: number; start: number}> {
  const out: Array<{len: number; start: number}> = []
  let p = pos
  while (out.length < KEY_LINE_BATCH) {
    const nl = bytes.indexOf(10, p)
    if (nl === -1 || nl >= end) break
    out.push({len: nl - p, start: p})
    p = nl + 1
  }

  return out
}

describe.runIf(LITTLE_ENDIAN)('KeyLineBatch (the key-list scanner)', () => {
  it('finds the same lines, key words and hashes as a byte-by-byte split, at any alignment (property)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, {maxLength: 80}), fc.integer({max: 7, min: 0}), (lines, pos) => {
        const content = lines.flatMap((l) => [...l, 10])
        // Sometimes leave the last line unfinished.
        if (content.length > 0 && lines.length % 2 === 1) content.pop()
        const end = pos + content.length
        const bytes = new Uint8Array((end + KEY_LINE_PADDING + 3) & ~3).fill(0x61)
        bytes.set(content, pos)
        bytes[end] = 10
        const ints = new Int32Array(bytes.buffer)
        const batch = new KeyLineBatch()
        let at = pos
        let taken = 0
        for (;;) {
          const expected = referenceLines(bytes, at, end)
          const next = batch.fill(ints, bytes, at, end)
          expect(batch.count).toBe(expected.length)
          for (const [k, line] of expected.entries()) {
            expect(batch.start[k]).toBe(line.start)
            const crlf = line.len > 0 && bytes[line.start + line.len - 1] === 13
            const wordAt = batch.wordAt[k]!
            if (line.len <= MAX_KEY_BYTES) expect(wordAt).toBeGreaterThanOrEqual(0)
            if (line.len >= MAX_KEY_BYTES + 4) expect(wordAt).toBe(-1)
            if (wordAt < 0) {
              expect(batch.length[k]).toBe(line.len)
              continue
            }

            const len = crlf ? line.len - 1 : line.len
            expect(batch.length[k]).toBe(len)
            const words = new Int32Array((len + 3) >> 2)
            bytesToKeyWords(bytes, line.start, len, words, 0)
            expect(batch.words.subarray(wordAt, wordAt + words.length)).toEqual(words)
            expect(batch.hash[k]).toBe(keyWordsHash(words, 0, len))
          }

          taken += batch.count
          const last = expected.at(-1)
          expect(next).toBe(last ? last.start + last.len + 1 : at)
          if (batch.count < KEY_LINE_BATCH) break
          at = next
        }

        expect(taken).toBe(content.filter((b) => b === 10).length)
      }),
      {numRuns: 400},
    )
  })

  it('takes a full batch, then the rest on the next call', () => {
    const text = `${Array.from({length: KEY_LINE_BATCH + 3}, (_, i) => `key-${i}`).join('\n')}\n`
    const bytes = new Uint8Array((text.length + KEY_LINE_PADDING + 3) & ~3)
    new TextEncoder().encodeInto(text, bytes)
    bytes[text.length] = 10
    const ints = new Int32Array(bytes.buffer)
    const batch = new KeyLineBatch()
    const next = batch.fill(ints, bytes, 0, text.length)
    expect(batch.count).toBe(KEY_LINE_BATCH)
    expect(batch.fill(ints, bytes, next, text.length)).toBe(text.length)
    expect(batch.count).toBe(3)
    expect(batch.length[2]).toBe(`key-${KEY_LINE_BATCH + 2}`.length)
  })
})
