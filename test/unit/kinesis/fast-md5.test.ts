import fc from 'fast-check'
import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {bigIntToWords, md5Words, wordsToBigInt} from '../../../src/lib/kinesis/fast-md5.js'
import {hashKeyOfPartitionKey, hashKeysOfPartitionKeys, MAX_HASH_KEY} from '../../../src/lib/kinesis/hash-key.js'

const reference = (key: string): bigint => BigInt(`0x${createHash('md5').update(key, 'utf8').digest('hex')}`)

describe('fast MD5 for partition keys', () => {
  it('matches node:crypto on the RFC 1321 test suite', () => {
    const out = new Uint32Array(4)
    const cases: Array<[string, string]> = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      [
        '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
        '57edf4a22be3c955ac49da2e2107b67a',
      ],
    ]
    for (const [text, hex] of cases) {
      md5Words(text, out)
      expect(wordsToBigInt(out).toString(16).padStart(32, '0')).toBe(hex)
    }
  })

  it('matches node:crypto at every length around the 64-byte block and padding boundaries', () => {
    for (let n = 0; n <= 300; n++) {
      const key = 'k'.repeat(n)
      expect(hashKeyOfPartitionKey(key)).toBe(reference(key))
    }
  })

  it('matches node:crypto for any Unicode string (property)', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 256, unit: 'binary'}), (key) => hashKeyOfPartitionKey(key) === reference(key)),
      {numRuns: 3000},
    )
  })

  it('encodes lone surrogates as U+FFFD, as Buffer does', () => {
    for (const key of ['\uD800', 'a\uDC00b', '\uD83D', '🔥\uD83D'])
      expect(hashKeyOfPartitionKey(key)).toBe(reference(key))
  })

  it('writes at an offset and converts words ↔ BigInt both ways', () => {
    const out = new Uint32Array(12)
    md5Words('user-42', out, 4)
    expect(wordsToBigInt(out, 4)).toBe(reference('user-42'))
    fc.assert(fc.property(fc.bigInt({max: MAX_HASH_KEY, min: 0n}), (v) => wordsToBigInt(bigIntToWords(v)) === v))
  })

  it('batch hashing equals one-by-one hashing', () => {
    const keys = ['a', 'ключ-🔥', '12345', 'order#7919']
    expect(hashKeysOfPartitionKeys(keys)).toEqual(keys.map((k) => reference(k)))
  })
})
