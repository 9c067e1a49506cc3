import {describe, expect, it} from 'vitest'

import {lintColumnsRequest} from '../../../src/flags/athena-lint-columns.js'

const base = {context: 'both', fix: false}

describe('athena lint-columns flags → request', () => {
  it('reads a Glue database without --catalog, an Athena catalog with it', () => {
    expect(lintColumnsRequest({...base, database: 'analytics', table: ['a,b', 'c']}).inputs).toMatchObject({
      athena: undefined,
      glue: {database: 'analytics', tables: ['a', 'b', 'c']},
    })
    expect(lintColumnsRequest({...base, catalog: 'hive', database: 'analytics', workgroup: 'wg'}).inputs).toMatchObject(
      {athena: {catalog: 'hive', database: 'analytics', tables: [], workgroup: 'wg'}, glue: undefined},
    )
  })

  it(String.raw`turns a typed \t into a tab, and --compat into a fix report`, () => {
    const request = lintColumnsRequest({
      ...base,
      compat: 'awswrangler',
      csv: ['x.csv'],
      'csv-delimiter': String.raw`\t`,
    })
    expect(request.inputs.csvDelimiter).toBe('\t')
    expect(request).toMatchObject({compat: 'awswrangler', fix: true})
    expect(lintColumnsRequest(base)).toMatchObject({compat: undefined, fix: false})
  })

  it('splits rule lists given comma-separated or repeated', () => {
    expect(lintColumnsRequest({...base, context: 'dml', ignore: ['a,b'], rules: ['c', 'd']}).selection).toEqual({
      context: 'dml',
      ignore: ['a', 'b'],
      only: ['c', 'd'],
    })
  })
})
