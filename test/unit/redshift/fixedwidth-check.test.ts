import {describe, expect, it} from 'vitest'

import {CopyOptionsError, formatCopyOptions, parseCopyOptions} from '../../../src/lib/redshift/copy-options.js'
import {FixedWidthRecordChecker, fixedWidthWarnings} from '../../../src/lib/redshift/fixedwidth-check.js'
import {parseTableDdl} from '../../../src/lib/redshift/table-ddl.js'

// A parcel register: id (4), depot (8), weight (6), sent (10), fragile (1).
const PARCELS = parseTableDdl(`create table parcels (
  id smallint not null,
  depot varchar(8) not null,
  weight decimal(5,1),
  sent date,
  fragile boolean
)`).tables[0]!
const SPEC = "FIXEDWIDTH 'id:4,depot:8,kg:6,sent:10,frag:1'"

function checker(options = SPEC, table = PARCELS) {
  return new FixedWidthRecordChecker({copy: parseCopyOptions(options), maxErrors: 100, table})
}

function check(text: Buffer | string, options = SPEC, chunk?: number) {
  const c = checker(options)
  const data = Buffer.isBuffer(text) ? text : Buffer.from(text)
  if (chunk === undefined) c.feed(data)
  else for (let i = 0; i < data.length; i += chunk) c.feed(data.subarray(i, i + chunk))
  return {notes: c.notes, summary: c.finish()}
}

const found = (text: Buffer | string, options = SPEC) =>
  check(text, options).summary.errors.map((e) => [e.line, e.column, e.code])

/** One line of the register, each value padded to its width (numbers to the left, text to the right). */
function row(fields: {depot?: string; frag?: string; id?: string; kg?: string; sent?: string} = {}): string {
  const {depot = 'Leeds', frag = 't', id = '0042', kg = '12.5', sent = '2024-03-01'} = fields
  return id.padStart(4) + depot.padEnd(8) + kg.padStart(6) + sent.padEnd(10) + frag.padEnd(1)
}

const GOOD = row()

describe('FIXEDWIDTH spec', () => {
  it('reads label:width pairs, with white space around them as AWS writes it', () => {
    expect(parseCopyOptions("FIXEDWIDTH 'a:3, b :25,c: 2'").fixedWidths).toEqual([
      {label: 'a', width: 3},
      {label: 'b', width: 25},
      {label: 'c', width: 2},
    ])
    expect(parseCopyOptions("FIXEDWIDTH '0:3,1:25'").fixedWidths).toEqual([
      {label: '0', width: 3},
      {label: '1', width: 25},
    ])
  })

  it('refuses a pair without a label or a whole width, and DELIMITER or ESCAPE beside it', () => {
    for (const bad of [
      "FIXEDWIDTH 'a:3,b'",
      "FIXEDWIDTH 'a:x'",
      "FIXEDWIDTH ':3'",
      "FIXEDWIDTH 'a:0'",
      "FIXEDWIDTH 'a:2.5'",
    ])
      expect(() => parseCopyOptions(bad), bad).toThrow(CopyOptionsError)
    expect(() => parseCopyOptions("FIXEDWIDTH 'a:3' DELIMITER ','")).toThrow(/DELIMITER/)
    expect(() => parseCopyOptions("FIXEDWIDTH 'a:3' ESCAPE")).toThrow(/ESCAPE/)
    expect(() => parseCopyOptions("FIXEDWIDTH 'a:3' CSV")).toThrow(/give one data format/)
  })

  it('is kept, as written, in the COPY text printed for review', () => {
    const options = parseCopyOptions("FIXEDWIDTH 'a:3, b :25' MAXERROR 5")
    expect(formatCopyOptions(options)).toEqual(["FIXEDWIDTH 'a:3, b :25'", 'MAXERROR 5'])
  })

  it('needs one pair per target column (IDENTITY left out, the column list respected)', () => {
    expect(() => checker("FIXEDWIDTH 'a:1,b:2'")).toThrow(/2 field\(s\) for 5 target column\(s\)/)
    const listed = checker("COPY parcels (id, depot) FROM 's3://b/k' FIXEDWIDTH 'a:4,b:8'")
    listed.feed(Buffer.from('0001Hull    \n'))
    expect(listed.finish().badRecords).toBe(0)
  })
})

describe('FixedWidthRecordChecker', () => {
  it('a padded record loads; fields are cut by bytes', () => {
    expect(GOOD).toHaveLength(29)
    const {summary} = check(`${GOOD}\n${row({depot: 'York', frag: 'f', id: '7', kg: '0', sent: '2024-12-31'})}\n`)
    expect(summary).toMatchObject({badRecords: 0, records: 2})
  })

  it.each([
    // [field, bad value, column, code, near miss that loads]
    ['id', '00x2', 'id', 1207, '  42'],
    ['id', '', 'id', 1213, '0000'],
    ['kg', '12345.', 'weight', 1204, '1234.5'],
    ['kg', '12,5', 'weight', 1207, '-12.5'],
    ['sent', '03/01/2024', 'sent', 1205, '2024-02-29'],
    ['frag', 'x', 'fragile', 1210, ' '],
    ['depot', '', 'depot', 0, '        '],
  ] as const)('%s %j → %s %s; near miss %j loads', (field, bad, column, code, near) => {
    expect(found(row({[field]: bad}) + '\n')).toEqual(code === 0 ? [] : [[1, column, code]])
    expect(found(row({[field]: near}) + '\n')).toEqual([])
  })

  it('a value error says where the field sits, so a spec that does not line up shows', () => {
    const [error] = check(row({kg: '1x.5'}) + '\n').summary.errors
    expect(error?.message).toMatch(
      /value does not convert to DECIMAL\(5,1\) \(bytes 13–18 of the line, FIXEDWIDTH "kg"\)/,
    )
  })

  it('a VARCHAR is measured in bytes: a multi-byte character can push it over; padding spaces never do', () => {
    const table = parseTableDdl('create table t (code varchar(3), n integer)').tables[0]!
    const c = new FixedWidthRecordChecker({copy: parseCopyOptions("FIXEDWIDTH 'c:5,n:2'"), maxErrors: 10, table})
    c.feed(Buffer.from('ab   07\nab\u00E9 07\nabcd 07\n'))
    expect(c.finish().errors.map((e) => [e.line, e.code])).toEqual([
      [2, 1204],
      [3, 1204],
    ])
    expect(c.notes.multiByteLines).toBe(1)
    expect(fixedWidthWarnings(c.notes)[0]).toMatch(/1 line\(s\) hold bytes above 0x7F.*widths were read in bytes/)
  })

  it('TRUNCATECOLUMNS lets a long VARCHAR through', () => {
    const table = parseTableDdl('create table t (code varchar(3), n integer)').tables[0]!
    const c = new FixedWidthRecordChecker({
      copy: parseCopyOptions("FIXEDWIDTH 'c:5,n:2' TRUNCATECOLUMNS"),
      maxErrors: 10,
      table,
    })
    c.feed(Buffer.from('abcd 07\n'))
    expect(c.finish().badRecords).toBe(0)
  })

  it("a line may end inside its last field (as the guide's own file does); one that ends earlier is short", () => {
    expect(found(GOOD.slice(0, 28) + '\n')).toEqual([])
    expect(found(GOOD.slice(0, 24) + '\n')).toEqual([[1, 'sent', 1214]])
    expect(found('0042Leeds\n')).toEqual([[1, 'depot', 1214]])
    expect(found('0042Leeds   \n')).toEqual([[1, 'weight', 1214]])
  })

  it('FILLRECORD loads the missing trailing columns as NULL, and NOT NULL ones fail', () => {
    expect(found('0042Leeds   \n', `${SPEC} FILLRECORD`)).toEqual([])
    expect(found('0042Leeds   1\n', `${SPEC} FILLRECORD`)).toEqual([])
    expect(found('0042\n', `${SPEC} FILLRECORD`)).toEqual([[1, 'depot', 1213]])
  })

  it('blank fields: NULL for other types, kept for character columns unless BLANKSASNULL; NULL AS with padding', () => {
    expect(found(row({frag: '', kg: '', sent: ''}) + '\n')).toEqual([])
    expect(found(row({depot: ''}) + '\n')).toEqual([])
    expect(found(row({depot: ''}) + '\n', `${SPEC} BLANKSASNULL`)).toEqual([[1, 'depot', 1213]])
    expect(found(row({kg: '?'}) + '\n', `${SPEC} NULL AS '?'`)).toEqual([])
    expect(found(row({depot: '?'}) + '\n', `${SPEC} NULL AS '?'`)).toEqual([[1, 'depot', 1213]])
    expect(found(row({kg: String.raw`\N`}) + '\n')).toEqual([])
    // Near miss: without NULL AS '?', a '?' is a value, and not a number.
    expect(found(row({kg: '?'}) + '\n')).toEqual([[1, 'weight', 1207]])
  })

  it('EMPTYASNULL: a character field cut to nothing is NULL with it, empty without it', () => {
    const table = parseTableDdl('create table t (n integer, note varchar(4) not null)').tables[0]!
    const run = (options: string) => {
      const c = new FixedWidthRecordChecker({copy: parseCopyOptions(options), maxErrors: 10, table})
      c.feed(Buffer.from('07\n'))
      return c.finish().errors.map((e) => e.code)
    }

    expect(run("FIXEDWIDTH 'n:2,note:4'")).toEqual([])
    expect(run("FIXEDWIDTH 'n:2,note:4' EMPTYASNULL")).toEqual([1213])
  })

  it('IGNOREHEADER, IGNOREBLANKLINES, an empty line, CR LF; line numbers count the header', () => {
    const text = `id  depot   kg    sent      f\n${GOOD}\r\n\n${row({id: '00x1'})}`
    expect(found(text, `${SPEC} IGNOREHEADER 1`)).toEqual([
      [3, null, 1211],
      [4, 'id', 1207],
    ])
    const {summary} = check(text, `${SPEC} IGNOREHEADER 1 IGNOREBLANKLINES`)
    expect(summary.errors.map((e) => [e.line, e.code])).toEqual([[4, 1207]])
    expect(summary.crlfRecords).toBe(1)
  })

  it('longer lines are counted and warned about, not reported', () => {
    const {notes, summary} = check(`${GOOD}EXTRA\n`)
    expect(summary.badRecords).toBe(0)
    expect(notes.longLines).toBe(1)
    expect(fixedWidthWarnings(notes)).toEqual([
      expect.stringMatching(/1 line\(s\) are longer than the FIXEDWIDTH spec's 29 bytes/),
    ])
  })

  it('gives the same findings whatever the chunk size', () => {
    const text = `${GOOD}\n${row({id: '00x2'})}\n0042Leeds\n${GOOD}`
    const whole = check(text).summary
    for (const chunk of [1, 3, 7, 30]) expect(check(text, SPEC, chunk).summary).toEqual(whole)
    expect(whole).toMatchObject({badRecords: 2, records: 4})
  })

  it('REMOVEQUOTES with FIXEDWIDTH is not modelled: refused, not guessed', () => {
    expect(() => checker(`${SPEC} REMOVEQUOTES`)).toThrow(/does not model REMOVEQUOTES with FIXEDWIDTH/)
  })
})
