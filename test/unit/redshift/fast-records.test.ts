import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {conversionSettings, RecordChecker, targetColumns} from '../../../src/lib/redshift/copy-check.js'
import {parseCopyOptions} from '../../../src/lib/redshift/copy-options.js'
import {FastRecordPath} from '../../../src/lib/redshift/fast-records.js'
import {parseTableDdl} from '../../../src/lib/redshift/table-ddl.js'
import {compileColumn} from '../../../src/lib/redshift/value-check.js'

const TYPES = [
  'integer',
  'smallint',
  'bigint',
  'decimal(5,2)',
  'double precision',
  'real',
  'boolean',
  'date',
  'timestamp',
  'varchar(4)',
  'char(3)',
]

/** Field values near the edges of what the fast path takes: valid, just invalid, NULL-ish, quoted, blank. */
const FIELD = fc.oneof(
  fc.constantFrom('', '0', '-7', '+12', '9999', '32767', '123456789012345678', '1.5', '.5', '-', '.', '12.345', '1e5'),
  fc.constantFrom('t', 'F', 'yes', 'no', 'x', '2024-02-29', '2023-02-29', '2024-04-31', '2024-01-31 23:59:59'),
  fc.constantFrom(
    '2024-01-01 10:00',
    String.raw`\N`,
    'NULL',
    ' ',
    ' 1',
    'é',
    'ab"c',
    '"q"',
    '""',
    '" "',
    '"a,b"',
    '"a""b"',
  ),
  fc.constantFrom(String.raw`a\|b`, 'abcd', 'abcde', 'abc ', '\r', 'a\rb'),
  fc.string({maxLength: 5, unit: fc.constantFrom('1', 'a', '-', '.', ' ', '"', "'", ',', '|', '\\', 'é')}),
)

const OPTIONS = fc.record({
  blanks: fc.boolean(),
  crlf: fc.boolean(),
  csv: fc.boolean(),
  empty: fc.boolean(),
  escape: fc.boolean(),
  ignoreBlank: fc.boolean(),
  nullAs: fc.constantFrom(undefined, 'NULL', '', '0'),
  removeQuotes: fc.boolean(),
  truncate: fc.boolean(),
})

type Options = typeof OPTIONS extends fc.Arbitrary<infer T> ? T : never

function copyText(o: Options): string {
  const parts = [o.csv ? 'CSV' : "DELIMITER '|'"]
  if (o.empty) parts.push('EMPTYASNULL')
  if (o.blanks) parts.push('BLANKSASNULL')
  if (o.nullAs !== undefined) parts.push(`NULL AS '${o.nullAs}'`)
  if (o.truncate) parts.push('TRUNCATECOLUMNS')
  if (o.ignoreBlank) parts.push('IGNOREBLANKLINES')
  if (!o.csv && o.escape) parts.push('ESCAPE')
  if (!o.csv && o.removeQuotes) parts.push('REMOVEQUOTES')
  return parts.join(' ')
}

describe('FastRecordPath', () => {
  it('gives the same summary as the reference path on random tables, options, records and chunkings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({notNull: fc.boolean(), type: fc.constantFrom(...TYPES)}), {maxLength: 4, minLength: 1}),
        OPTIONS,
        fc.array(fc.array(FIELD, {maxLength: 5, minLength: 0}), {maxLength: 8, minLength: 1}),
        fc.integer({max: 40, min: 1}),
        (columns, options, rows, chunk) => {
          const ddl = `create table t (${columns.map((c, i) => `c${i} ${c.type}${c.notNull ? ' not null' : ''}`).join(', ')})`
          const table = parseTableDdl(ddl).tables[0]!
          const copy = parseCopyOptions(copyText(options))
          const text = Buffer.from(
            rows.map((fields) => fields.join(options.csv ? ',' : '|') + (options.crlf ? '\r\n' : '\n')).join(''),
          )
          const run = (referenceOnly: boolean, size: number): ReturnType<RecordChecker['finish']> => {
            const checker = new RecordChecker({copy, maxErrors: 100, referenceOnly, table})
            for (let i = 0; i < text.length; i += size) checker.feed(text.subarray(i, i + size))
            return checker.finish()
          }

          const reference = run(true, text.length)
          expect(run(false, text.length)).toEqual(reference)
          expect(run(false, chunk)).toEqual(reference)
        },
      ),
      {numRuns: 300},
    )
  })

  it('takes plain clean records, and leaves the rest to the reference path', () => {
    const table = parseTableDdl('create table t (id integer not null, name varchar(3), day date)').tables[0]!
    const copy = parseCopyOptions('CSV')
    const settings = conversionSettings(copy)
    const fast = FastRecordPath.for(
      targetColumns(table, copy).map((c) => compileColumn(c, settings)),
      copy,
      settings,
    )!
    const text = Buffer.from('1,abc,2024-01-31\n-2,"a,b",\n3,abcd,2024-01-01\n')
    // Two records taken; the third has 4 bytes for VARCHAR(3): the reference path reports it.
    expect(fast.run(text, 0, text.length)).toBe(text.indexOf('3,abcd'))
    expect(fast.records).toBe(2)
    // A NOT NULL column's empty field, a CR inside a field, a doubled quote: not taken.
    for (const record of [',a,\n', '1,a\rb,\n', '1,"a""b",\n', '1, a,\n']) {
      expect(fast.run(Buffer.from(record), 0, record.length)).toBe(0)
    }
  })

  it('is not used for separators a value scan would read as data', () => {
    const table = parseTableDdl('create table t (a integer, b decimal(5,2))').tables[0]!
    for (const options of ["DELIMITER '.'", "DELIMITER '-'", "DELIMITER '1'", "DELIMITER ' '", 'FILLRECORD']) {
      const copy = parseCopyOptions(options)
      const settings = conversionSettings(copy)
      expect(
        FastRecordPath.for(
          table.columns.map((c) => compileColumn(c, settings)),
          copy,
          settings,
        ),
      ).toBeUndefined()
    }
  })
})
