import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {RecordChecker} from '../../../src/lib/redshift/copy-check.js'
import {parseCopyOptions} from '../../../src/lib/redshift/copy-options.js'
import {parseTableDdl} from '../../../src/lib/redshift/table-ddl.js'

const TABLE = parseTableDdl(`create table t (
  id integer not null,
  small smallint,
  big bigint,
  price decimal(5,2),
  ratio real,
  ok boolean,
  day date,
  at timestamp,
  name varchar(6),
  code char(2)
)`).tables[0]!

/** Check `text` (records) with COPY options; returns the summary. */
function check(text: Buffer | string, options = 'CSV', chunk?: number): ReturnType<RecordChecker['finish']> {
  const checker = new RecordChecker({copy: parseCopyOptions(options), maxErrors: 100, table: TABLE})
  const data = Buffer.isBuffer(text) ? text : Buffer.from(text)
  if (chunk === undefined) checker.feed(data)
  else for (let i = 0; i < data.length; i += chunk) checker.feed(data.subarray(i, i + chunk))
  return checker.finish()
}

const GOOD = '1,2,3,123.45,1.5,t,2024-02-29,2024-01-01 10:00:00,abcdef,AB'
/** The first error's code, column and line for one record built from GOOD with one field replaced. */
function withField(index: number, value: string, options = 'CSV'): {code?: number; column?: null | string} {
  const fields = GOOD.split(',')
  fields[index] = value
  const s = check(fields.join(',') + '\n', options)
  return s.errors[0] ? {code: s.errors[0].code, column: s.errors[0].column} : {}
}

describe('RecordChecker: each code and its near miss', () => {
  it('a valid record loads', () => {
    expect(check(GOOD + '\n').badRecords).toBe(0)
  })

  it.each([
    // [field, bad value, code, near miss that loads]
    [0, '1.5', 1207, ' 15 '],
    [0, '', 1213, '0'],
    [1, '32768', 1204, '-32768'],
    [2, '9223372036854775808', 1204, '-9223372036854775808'],
    [3, '1234.5', 1204, '999.999'],
    [3, '12,5', 1202, '12.5'],
    [3, '1e3', 1207, '-0.5'],
    [4, 'abc', 1208, '1.5e-3'],
    [4, '1e39', 1204, 'NaN'],
    [5, 'maybe', 1210, 'YES'],
    [6, '2023-02-29', 1205, '2024-02-29 10:00'],
    [6, '02/01/2024', 1205, '2024-12-31'],
    [7, '2024-01-01T10:00:00', 1206, '2024-01-01 10:00:00.123456'],
    [8, 'abcdefg', 1204, 'abcdef   '],
    [8, 'ééé é', 1204, 'ééé'],
    [9, 'é', 1220, 'ab'],
  ] as const)('field %i = %j gives %i; %j loads', (index, bad, code, nearMiss) => {
    expect(withField(index, bad).code).toBe(code)
    expect(withField(index, nearMiss)).toEqual({})
  })

  it('reports 1214 for a short line and 1202 for a long one; FILLRECORD fills nullable columns', () => {
    expect(check('1,2\n').errors[0]).toMatchObject({code: 1214, column: 'big', line: 1})
    expect(check(GOOD + ',extra\n').errors[0]).toMatchObject({code: 1202, column: null})
    expect(check('1,2\n', 'CSV FILLRECORD').badRecords).toBe(0)
    expect(check(',2\n', 'CSV FILLRECORD').errors[0]?.code).toBe(1213)
  })

  it('reports invalid UTF-8 in VARCHAR as 1220 unless ACCEPTINVCHARS', () => {
    const bad = Buffer.concat([
      Buffer.from('1,2,3,1,1,t,2024-01-01,2024-01-01 00:00:00,a'),
      Buffer.from([0xe9]),
      Buffer.from('b,AB\n'),
    ])
    expect(check(bad).errors[0]).toMatchObject({code: 1220, column: 'name'})
    expect(check(bad, 'CSV ACCEPTINVCHARS').badRecords).toBe(0)
  })

  it('TRUNCATECOLUMNS lets long strings load', () => {
    expect(withField(8, 'abcdefghij', 'CSV TRUNCATECOLUMNS')).toEqual({})
  })
})

describe('RecordChecker: the value shown is the value COPY loads', () => {
  it('undoes a doubled quote (CSV) and an escape backslash (text with ESCAPE) in the value and its byte count', () => {
    // `say "hi"` is 8 bytes in the table; the file holds 10 (the quotes doubled).
    const csv = check(GOOD.replace('abcdef', '"say ""hi"""') + '\n').errors[0]!
    expect(csv).toMatchObject({code: 1204, column: 'name', value: 'say "hi"'})
    expect(csv.fix).toContain('The value is 8 byte(s) in UTF-8')
    const text = check(GOOD.replaceAll(',', '|').replace('abcdef', String.raw`ab\|cd\|ef`) + '\n', 'ESCAPE').errors[0]!
    expect(text).toMatchObject({code: 1204, column: 'name', value: 'ab|cd|ef'})
    expect(text.fix).toContain('The value is 8 byte(s) in UTF-8')
  })
})

describe('RecordChecker: COPY options', () => {
  it('IGNOREHEADER skips lines and keeps line numbers of the file', () => {
    const s = check(`id,small\n${GOOD}\n1.5,2,3,1,1,t,2024-01-01,2024-01-01 00:00:00,a,AB\n`, 'CSV IGNOREHEADER 1')
    expect(s.records).toBe(2)
    expect(s.errors[0]).toMatchObject({code: 1207, line: 3})
  })

  it('NULL AS, EMPTYASNULL and BLANKSASNULL decide what is NULL', () => {
    expect(withField(0, String.raw`\N`).code).toBe(1213)
    expect(withField(0, 'NULL', "CSV NULL AS 'NULL'").code).toBe(1213)
    const nameNotNull = parseTableDdl('create table n (a varchar(3) not null, b int)').tables[0]!
    const run = (text: string, options: string): number => {
      const c = new RecordChecker({copy: parseCopyOptions(options), maxErrors: 10, table: nameNotNull})
      c.feed(Buffer.from(text))
      return c.finish().badRecords
    }

    expect(run(',1\n', 'CSV')).toBe(0)
    expect(run(',1\n', 'CSV EMPTYASNULL')).toBe(1)
    expect(run('  ,1\n', 'CSV')).toBe(0)
    expect(run('  ,1\n', 'CSV BLANKSASNULL')).toBe(1)
    expect(run('a,  \n', 'CSV')).toBe(0)
  })

  it('default text format: pipe-delimited; ESCAPE keeps escaped delimiters and newlines in the field', () => {
    const text = GOOD.replaceAll(',', '|')
    expect(check(text + '\n', '').badRecords).toBe(0)
    expect(check(text.replace('abcdef', String.raw`ab\|cd`) + '\n', 'ESCAPE').badRecords).toBe(0)
    expect(check(text.replace('abcdef', String.raw`ab\|cd`) + '\n', '').errors[0]?.code).toBe(1202)
    const multi = check(text.replace('abcdef', 'ab\\\ncd') + '\n' + text + '\n', 'ESCAPE')
    expect(multi.records).toBe(2)
    expect(multi.badRecords).toBe(0)
  })

  it('REMOVEQUOTES strips quotes and keeps delimiters inside; an unmatched quote fails the row', () => {
    const text = GOOD.replaceAll(',', '|').replace('abcdef', '"a|b"')
    expect(check(text + '\n', 'REMOVEQUOTES').badRecords).toBe(0)
    expect(check(GOOD.replaceAll(',', '|').replace('abcdef', '"ab') + '\n', 'REMOVEQUOTES').errors[0]?.code).toBe(1216)
  })

  it('CSV quoting: quoted delimiters and newlines, doubled quotes counted once for the length', () => {
    expect(withField(8, '"a,""b"').code).toBeUndefined()
    const s = check(GOOD.replace('abcdef', '"ab\ncd"') + '\n' + GOOD.replace('1,', 'x,') + '\n')
    expect(s.records).toBe(2)
    expect(s.errors[0]).toMatchObject({code: 1207, line: 3})
    expect(withField(8, '"ab""cd"').code).toBeUndefined()
  })

  it("DATEFORMAT and TIMEFORMAT: explicit patterns and 'auto'", () => {
    expect(withField(6, '02/29/2024', "CSV DATEFORMAT 'MM/DD/YYYY'")).toEqual({})
    expect(withField(6, '"Feb 29, 2024"', "CSV DATEFORMAT 'auto'")).toEqual({})
    expect(withField(6, '2024.060', "CSV DATEFORMAT 'auto'")).toEqual({})
    expect(withField(6, 'J2451187', "CSV DATEFORMAT 'auto'")).toEqual({})
    expect(withField(6, 'someday', "CSV DATEFORMAT 'auto'").code).toBe(1205)
    expect(withField(7, '2019-02-11T05:09:12.195Z', "CSV TIMEFORMAT 'auto'")).toEqual({})
    expect(withField(7, '06/20/2017 01:02:03 PM', "CSV TIMEFORMAT 'MM/DD/YYYY HH:MI:SS AM'")).toEqual({})
    // A time format needs the time: a date alone does not match it.
    expect(withField(7, '6/20/2017', "CSV TIMEFORMAT 'MM/DD/YYYY HH:MI:SS AM'").code).toBe(1206)
    expect(withField(7, '1700000000', "CSV TIMEFORMAT 'epochsecs'")).toEqual({})
    expect(withField(6, 'garbage', "CSV ACCEPTANYDATE DATEFORMAT 'YYYY-MM-DD'")).toEqual({})
  })

  it('counts every bad record but lists at most maxErrors', () => {
    const checker = new RecordChecker({copy: parseCopyOptions('CSV'), maxErrors: 2, table: TABLE})
    checker.feed(Buffer.from('x\n'.repeat(5)))
    const s = checker.finish()
    expect(s.badRecords).toBe(5)
    expect(s.errors).toHaveLength(2)
    expect(s.errorsTruncated).toBe(true)
  })
})

describe('RecordChecker: properties', () => {
  const row = fc.record({
    at: fc.date({max: new Date('9999-12-31'), min: new Date('1000-01-01'), noInvalidDate: true}),
    big: fc.bigInt({max: 2n ** 63n - 1n, min: -(2n ** 63n)}),
    code: fc.string({maxLength: 2, unit: fc.constantFrom('A', 'b', '1', ' ')}),
    id: fc.integer({max: 2_147_483_647, min: -2_147_483_648}),
    name: fc.string({maxLength: 3, unit: fc.constantFrom('a', 'é', ',', '"', '\n', 'z')}),
    ok: fc.constantFrom('t', 'f', 'true', 'NO', '1'),
    price: fc.integer({max: 99_999, min: -99_999}),
    ratio: fc.double({max: 1e30, min: -1e30, noNaN: true}),
    small: fc.integer({max: 32_767, min: -32_768}),
  })
  const csv = (r: typeof row extends fc.Arbitrary<infer T> ? T : never): string => {
    const iso = r.at.toISOString()
    const name = `"${r.name.replaceAll('"', '""')}"`
    return [
      r.id,
      r.small,
      r.big,
      (r.price / 100).toFixed(2),
      r.ratio,
      r.ok,
      iso.slice(0, 10),
      `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
      name,
      r.code,
    ].join(',')
  }

  it('records built from valid typed values always pass, in any chunking', () => {
    fc.assert(
      fc.property(fc.array(row, {maxLength: 20, minLength: 1}), fc.integer({max: 64, min: 1}), (rows, chunk) => {
        const s = check(rows.map((r) => csv(r)).join('\n') + '\n', 'CSV', chunk)
        expect(s.badRecords).toBe(0)
        expect(s.records).toBe(rows.length)
      }),
      {numRuns: 150},
    )
  })

  it('a single corrupted field is reported at its line and column', () => {
    const columns = TABLE.columns.map((c) => c.name)
    fc.assert(
      fc.property(
        fc.array(row, {maxLength: 10, minLength: 2}),
        fc.nat(),
        fc.integer({max: 7, min: 0}),
        (rows, at, column) => {
          const lines = rows.map((r) => csv(r))
          const target = at % lines.length
          // Corrupt one non-string field with a letter no numeric, boolean or date value accepts.
          const fields = lines[target]!.split(',')
          const index = column === 5 ? 0 : column
          fields[index] = 'x' + fields[index]
          lines[target] = fields.join(',')
          const text = lines.join('\n') + '\n'
          const s = check(text)
          expect(s.badRecords).toBe(1)
          const physical = lines.slice(0, target).reduce((n, l) => n + l.split('\n').length, 0) + 1
          expect(s.errors[0]).toMatchObject({column: columns[index], line: physical})
        },
      ),
      {numRuns: 150},
    )
  })
})
