import {describe, expect, it} from 'vitest'

import {
  CopyOptionsError,
  decodeCopyString,
  formatCopyOptions,
  parseCopyOptions,
} from '../../../src/lib/redshift/copy-options.js'

/** The error a text is refused with (fails the test when it is accepted). */
function refused(text: string): CopyOptionsError {
  try {
    parseCopyOptions(text)
  } catch (error) {
    return error as CopyOptionsError
  }

  throw new Error(`accepted: ${text}`)
}

describe('parseCopyOptions', () => {
  it(String.raw`defaults to COPY's: pipe-delimited text, NULL AS '\N', no header`, () => {
    const o = parseCopyOptions('')
    expect(o).toMatchObject({delimiter: '|', format: 'text', ignoreHeader: 0, nullAs: String.raw`\N`, quote: '"'})
  })

  it("CSV makes ',' the delimiter unless DELIMITER is given; QUOTE AS sets the quote", () => {
    expect(parseCopyOptions('csv').delimiter).toBe(',')
    expect(parseCopyOptions("FORMAT AS CSV QUOTE AS '''' DELIMITER ';'")).toMatchObject({
      delimiter: ';',
      format: 'csv',
      quote: "'",
    })
  })

  it('reads a whole COPY statement: table, column list, source, authorization and options', () => {
    const o = parseCopyOptions(`COPY public.sales (id, "Amount") FROM 's3://b/p/' IAM_ROLE default
      FORMAT AS CSV DELIMITER ',' IGNOREHEADER AS 1 DATEFORMAT 'auto' TIMEFORMAT AS 'epochsecs'
      EMPTYASNULL BLANKSASNULL ACCEPTINVCHARS AS '^' TRUNCATECOLUMNS GZIP REGION 'eu-west-1' MAXERROR 10;`)
    expect(o).toMatchObject({
      acceptInvChars: '^',
      blanksAsNull: true,
      columns: ['id', 'Amount'],
      compression: 'gzip',
      dateFormat: 'auto',
      emptyAsNull: true,
      ignoreHeader: 1,
      maxError: 10,
      source: 's3://b/p/',
      table: 'public.sales',
      timeFormat: 'epochsecs',
      truncateColumns: true,
    })
  })

  it('accepts the older credential forms, WITH, commas between options and JSON arguments', () => {
    expect(() =>
      parseCopyOptions(
        "copy t from 's3://b/k' with credentials as 'aws_access_key_id=x;aws_secret_access_key=y' json 's3://b/paths.json' gzip",
      ),
    ).not.toThrow()
    expect(parseCopyOptions(String.raw`delimiter '\t', escape, removequotes`).escape).toBe(true)
    expect(parseCopyOptions("FORMAT JSON 'auto ignorecase'").formatArgument).toBe('auto ignorecase')
  })

  it('decodes COPY string escapes: tab, octal', () => {
    expect(parseCopyOptions(String.raw`DELIMITER '\t'`).delimiter).toBe('\t')
    expect(parseCopyOptions(String.raw`DELIMITER '\001'`).delimiter).toBe('\u0001')
    expect(decodeCopyString(String.raw`\N`)).toBe(String.raw`\N`)
  })

  it('refuses an unknown option, a bad argument and invalid combinations, naming the option', () => {
    expect(refused('CSV FOO').option).toBe('FOO')
    expect(refused('COMPUPDATE EMPTYASNULL ON').option).toBe('ON')
    expect(refused('IGNOREHEADER x').option).toBe('IGNOREHEADER')
    expect(refused('CSV ESCAPE').option).toBe('ESCAPE')
    expect(refused('CSV REMOVEQUOTES').option).toBe('REMOVEQUOTES')
    expect(refused("DELIMITER '||'").option).toBe('DELIMITER')
    expect(refused('MAXERROR 100001').option).toBe('MAXERROR')
    expect(refused("DATEFORMAT 'AUTO'").option).toBe('DATEFORMAT')
    expect(refused("QUOTE '\"'").option).toBe('QUOTE')
  })

  it('formats options back to COPY text', () => {
    const lines = formatCopyOptions(parseCopyOptions("CSV IGNOREHEADER 1 DATEFORMAT 'auto' ACCEPTINVCHARS"))
    expect(lines).toEqual(['CSV', 'IGNOREHEADER 1', "DATEFORMAT 'auto'", 'ACCEPTINVCHARS'])
  })
})
