import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {countByte} from '../../../src/lib/redshift/count-byte.js'

describe('countByte', () => {
  it('counts like a byte-by-byte loop at every alignment and length', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({maxLength: 300}),
        fc.nat(7),
        fc.constantFrom(0, 10, 13, 0x80, 0xff),
        (bytes, offset, byte) => {
          // Bytes that differ from `byte` only in bit 7 or by a carry are the edge cases of the trick.
          const data = new Uint8Array(bytes.length + offset)
          for (let i = 0; i < bytes.length; i++) data[offset + i] = bytes[i]! % 3 === 0 ? byte : bytes[i]!
          const view = data.subarray(offset)
          const expected = view.reduce((n, b) => n + (b === byte ? 1 : 0), 0)
          expect(countByte(view, byte)).toBe(expected)
        },
      ),
      {numRuns: 500},
    )
  })

  it('counts the line feeds of a CSV block', () => {
    const text = Buffer.from('a,b\n'.repeat(1000) + 'x\n\n' + 'é,ü\r\n'.repeat(7))
    expect(countByte(text, 10)).toBe(1009)
    expect(countByte(new Uint8Array(0), 10)).toBe(0)
  })
})
