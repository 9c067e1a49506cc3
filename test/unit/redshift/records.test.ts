import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {firstRecordEnd, RecordScanner, splitFields, splitRecords} from '../../../src/lib/redshift/records.js'

/** Feed a buffer to a fresh scanner in the given chunk sizes and return the record end offsets. */
function endsInChunks(
  buf: Buffer,
  sizes: number[],
  format: 'csv' | 'json' | 'text',
): {ends: number[]; scanner: RecordScanner} {
  const scanner = new RecordScanner({format})
  const ends: number[] = []
  let pos = 0
  let i = 0
  while (pos < buf.length) {
    const size = Math.max(1, sizes[i++ % sizes.length] ?? 1)
    let chunk = buf.subarray(pos, pos + size)
    let base = pos
    // Use scanFirst repeatedly to collect every end (exercises both entry points).
    for (;;) {
      const e = scanner.scanFirst(chunk)
      if (e === -1) break
      ends.push(base + e)
      base += e
      chunk = chunk.subarray(e)
    }

    pos += size
  }

  return {ends, scanner}
}

describe('RecordScanner', () => {
  it('ends CSV records only outside quotes (quoted newlines, doubled quotes, CRLF)', () => {
    const csv = Buffer.from('a,"x\ny",1\r\nb,"he said ""hi""\n",2\nc,,3\n')
    const s = new RecordScanner({format: 'csv'})
    const r = s.scan(csv)
    expect(r.records).toBe(3)
    expect(r.lastEnd).toBe(csv.length)
    expect(s.clean).toBe(true)
    expect(s.lines).toBe(5)
    expect(splitRecords(csv, {format: 'csv'}).map(String)).toEqual(['a,"x\ny",1\r', 'b,"he said ""hi""\n",2', 'c,,3'])
  })

  it('reports the line where an unclosed quoted record started', () => {
    const s = new RecordScanner({format: 'csv'})
    s.scan(Buffer.from('h1,h2\n1,2\n3,"never\ncloses\n'))
    expect(s.clean).toBe(false)
    expect(s.inQuote).toBe(true)
    expect(s.recordStartLine).toBe(3)
  })

  it('honours a custom quote character', () => {
    const s = new RecordScanner({format: 'csv', quote: 0x27})
    expect(s.scan(Buffer.from("a,'x\ny'\nb,\"c\n")).records).toBe(2)
  })

  it('text: a backslash escapes the newline (ESCAPE), across chunk boundaries', () => {
    const text = Buffer.from('a|b\\\nc|d\ne|f\\\\\ng|h\n')
    expect(splitRecords(text, {format: 'text'}).map(String)).toEqual(['a|b\\\nc|d', 'e|f\\\\', 'g|h'])
    const {ends, scanner} = endsInChunks(text, [1], 'text')
    expect(ends).toEqual([9, 15, 19])
    expect(scanner.clean).toBe(true)
  })

  it('json: every newline ends a record', () => {
    const s = new RecordScanner({format: 'json'})
    expect(s.scan(Buffer.from('{"a":"x,\\"y"}\n{"b":2}\n{"c"')).records).toBe(2)
  })

  it('finds the same record ends whatever the chunk sizes (property)', () => {
    const field = fc.oneof(
      fc.string({maxLength: 6, unit: fc.constantFrom('a', ',', '"', '\n', '\r', 'é', '😀', ' ')}),
      fc.constant(''),
    )
    const csvField = field.map((f) => (/[",\n\r]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
    const record = fc.array(csvField, {maxLength: 4, minLength: 1}).map((fs) => fs.join(','))
    fc.assert(
      fc.property(
        fc.array(record, {maxLength: 20, minLength: 1}),
        fc.array(fc.integer({max: 9, min: 1}), {minLength: 1}),
        fc.boolean(),
        (records, sizes, crlf) => {
          const buf = Buffer.from(records.map((r) => r + (crlf ? '\r\n' : '\n')).join(''))
          const whole = new RecordScanner({format: 'csv'})
          expect(whole.scan(buf).records).toBe(records.length)
          const {ends, scanner} = endsInChunks(buf, sizes, 'csv')
          expect(ends.length).toBe(records.length)
          expect(ends.at(-1)).toBe(buf.length)
          expect(scanner.clean).toBe(true)
          // Each piece between ends is one original record.
          const pieces = ends.map((e, i) => buf.subarray(i === 0 ? 0 : ends[i - 1], e).toString())
          expect(pieces).toEqual(records.map((r) => r + (crlf ? '\r\n' : '\n')))
        },
      ),
      {numRuns: 300},
    )
  })

  it('counts a chunk without quotes or escapes in one pass, leaving the state the record-by-record scan leaves', () => {
    const state = (s: RecordScanner) => [s.records, s.lines, s.recordStartLine, s.clean]
    for (const format of ['csv', 'text', 'json'] as const) {
      const buf = Buffer.from('a,1\nb,2\r\nc,3\npartial')
      const fast = new RecordScanner({format})
      expect(fast.scan(buf), format).toEqual({lastEnd: 13, records: 3})
      const slow = new RecordScanner({format})
      for (let end = 0, pos = 0; end !== -1; pos += end) end = slow.scanFirst(buf.subarray(pos))
      expect(state(fast), format).toEqual(state(slow))
      expect(fast.scan(Buffer.from('\n')), format).toEqual({lastEnd: 1, records: 1})
      expect(fast.scan(Buffer.from('no end')), format).toEqual({lastEnd: -1, records: 0})
      expect(fast.recordStartLine, format).toBe(5)
    }

    // Inside a quoted field the chunk is scanned in full: its line feeds are data.
    const quoted = new RecordScanner({format: 'csv'})
    quoted.scan(Buffer.from('"open\n'))
    expect(quoted.scan(Buffer.from('still\ninside\n'))).toEqual({lastEnd: -1, records: 0})
    expect(quoted.lines).toBe(3)
  })

  it('firstRecordEnd and splitFields agree with RFC 4180', () => {
    expect(firstRecordEnd(Buffer.from('"a\nb",c\nd'), {format: 'csv'})).toBe(8)
    expect(firstRecordEnd(Buffer.from('abc'), {format: 'csv'})).toBe(-1)
    expect(splitFields('"a,b","c""d",,e\r', {delimiter: ',', format: 'csv'})).toEqual(['a,b', 'c"d', '', 'e'])
    expect(splitFields(String.raw`a\|b|c`, {delimiter: '|', format: 'text'})).toEqual(['a|b', 'c'])
  })
})
