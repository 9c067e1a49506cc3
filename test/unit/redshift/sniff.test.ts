import {describe, expect, it} from 'vitest'

import {detectHeader, sniff} from '../../../src/lib/redshift/sniff.js'

const csv = {delimiter: ',', format: 'csv' as const, quote: '"'}

describe('sniff', () => {
  it('detects a header when a column below it holds numbers or dates', () => {
    expect(sniff(Buffer.from('id,name,day\n1,a,2026-01-01\n2,b,2026-01-02\n'), true, csv).headerDetected).toBe(true)
    expect(
      detectHeader([
        ['a', 'b'],
        ['c', 'd'],
      ]).headerReason,
    ).toMatch(/cannot be told/)
    expect(
      detectHeader([
        ['1', 'b'],
        ['2', 'd'],
      ]).headerDetected,
    ).toBe(false)
    expect(
      detectHeader([
        ['x', 'x'],
        ['1', '2'],
      ]).headerDetected,
    ).toBe(false)
  })

  it('sees through a UTF-8 byte-order mark and says so', () => {
    const r = sniff(Buffer.from('\uFEFFid,amount\n1,2.5\n2,3\n'), true, csv)
    expect(r.headerDetected).toBe(true)
    expect(r.warnings.join(' ')).toMatch(/byte-order mark/)
  })

  it('warns about ragged records and a likely wrong delimiter', () => {
    expect(sniff(Buffer.from('a,b\n1,2\n3\n4,5\n'), true, csv).warnings.join(' ')).toMatch(/record 3 has 1/)
    expect(sniff(Buffer.from('a\tb\n1\t2\n3\t4\n'), true, csv).warnings.join(' ')).toMatch(
      /did you mean --delimiter "\\t"/,
    )
  })

  it('rejects input that is not the declared format (exit 6)', () => {
    expect(() => sniff(Buffer.from([0xff, 0xfe, 0x41, 0x0a]), true, csv)).toThrow(/not valid UTF-8/)
    expect(() => sniff(Buffer.from('{"a":1}\n'), true, csv)).toThrow(/JSON objects/)
    expect(() => sniff(Buffer.from('{"a":1}\n[1]\n'), true, {...csv, format: 'json'})).toThrow(
      /line 2 is not a JSON object/,
    )
    // A sample cut inside a multi-byte character is not an error.
    const cut = Buffer.from('a,é')
    expect(() => sniff(cut.subarray(0, -1), false, csv)).not.toThrow()
  })
})
