/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {describe, expect, it} from 'vitest'

import {
  formatDate,
  parseDateFormat,
  parseDateValue,
  periodEnd,
  sortsLexically,
} from '../../../src/lib/glue/date-format.js'
import {
  hiveLayout,
  keysCompleteAfter,
  matchLevel,
  type PartitionKey,
  templateLayout,
} from '../../../src/lib/glue/layout.js'
import {makeScope, prefixInScope, scopeExpression, valuesInScope} from '../../../src/lib/glue/scope.js'

const key = (name: string, type = 'string', format?: string): PartitionKey => ({
  format: format ? {text: format, tokens: parseDateFormat(format)} : undefined,
  name,
  type,
})

describe('date formats', () => {
  it('parses the Firehose format and reads values strictly', () => {
    const tokens = parseDateFormat('yyyy/MM/dd/HH')
    expect(parseDateValue('2024/02/29/23', tokens)).toEqual({day: 29, hour: 23, month: 2, year: 2024})
    expect(parseDateValue('2023/02/29/23', tokens)).toBeUndefined()
    expect(parseDateValue('2024/2/29/23', tokens)).toBeUndefined()
    expect(parseDateValue('2024/02/29/24', tokens)).toBeUndefined()
  })

  it('rejects unsupported letters and unclosed quotes with a usage error', () => {
    expect(() => parseDateFormat('yyyy-ww')).toThrow(/"ww" is not supported/)
    expect(() => parseDateFormat("yyyy'T")).toThrow(/unclosed quote/)
    expect(() => parseDateFormat('---')).toThrow(/no date fields/)
  })

  it('computes the end of the period a prefix covers', () => {
    expect(new Date(periodEnd({year: 2024})!).toISOString()).toBe('2025-01-01T00:00:00.000Z')
    expect(new Date(periodEnd({month: 12, year: 2024})!).toISOString()).toBe('2025-01-01T00:00:00.000Z')
    expect(new Date(periodEnd({day: 31, month: 1, year: 2024})!).toISOString()).toBe('2024-02-01T00:00:00.000Z')
    expect(new Date(periodEnd({day: 1, hour: 23, month: 3, year: 2024})!).toISOString()).toBe(
      '2024-03-02T00:00:00.000Z',
    )
    expect(periodEnd({month: 3})).toBeUndefined()
  })

  it('formats instants and knows which formats sort as text', () => {
    const tokens = parseDateFormat('yyyy/MM/dd/HH')
    expect(formatDate(Date.UTC(2024, 0, 5, 7), tokens)).toBe('2024/01/05/07')
    expect(sortsLexically(tokens)).toBe(true)
    expect(sortsLexically(parseDateFormat('dd-MM-yyyy'))).toBe(false)
    expect(sortsLexically(parseDateFormat('yyyy/M/d'))).toBe(false)
  })
})

describe('layouts', () => {
  it('builds the Hive layout from the table location', () => {
    const layout = hiveLayout('s3://lake/sales/orders', [key('region'), key('dt', 'date')])
    expect(layout.root).toEqual({bucket: 'lake', key: 'sales/orders/'})
    expect(layout.template).toBe('s3://lake/sales/orders/region=${region}/dt=${dt}/')
    expect(layout.levels).toHaveLength(2)
  })

  it('matches Hive segments: decoding, case-insensitive keys, wrong order, empty values', () => {
    const layout = hiveLayout('s3://lake/t/', [key('region'), key('ts', 'timestamp')])
    expect(matchLevel(layout, 1, 'ts=2024-01-01 10%3A00%3A00')).toMatchObject({
      ok: true,
      parts: [{key: 1, text: '2024-01-01 10:00:00'}],
    })
    expect(matchLevel(layout, 0, 'Region=eu')).toMatchObject({
      caseMismatch: {expected: 'region', found: 'Region'},
      ok: true,
    })
    expect(matchLevel(layout, 0, 'ts=2024-01-01')).toMatchObject({kind: 'wrong-key-order', ok: false})
    expect(matchLevel(layout, 0, 'region=')).toMatchObject({kind: 'empty-value', ok: false})
    expect(matchLevel(layout, 0, 'misc')).toMatchObject({kind: 'no-template-match', ok: false})
    expect(matchLevel(layout, 0, 'country=de')).toMatchObject({kind: 'no-template-match', ok: false})
  })

  it('spreads a date key over several segments (Firehose yyyy/MM/dd/HH)', () => {
    const layout = templateLayout('s3://logs/firehose/clicks/${dt}/', [key('dt', 'string', 'yyyy/MM/dd/HH')])
    expect(layout.root).toEqual({bucket: 'logs', key: 'firehose/clicks/'})
    expect(layout.levels).toHaveLength(4)
    const parts = ['2024', '03', '09', '17'].map((seg, i) => matchLevel(layout, i, seg))
    expect(parts.every((p) => p.ok)).toBe(true)
    expect(parts.map((p) => (p.ok ? p.components : {}))).toEqual([{year: 2024}, {month: 3}, {day: 9}, {hour: 17}])
    expect(matchLevel(layout, 1, '3')).toMatchObject({kind: 'no-template-match', ok: false})
    expect([...keysCompleteAfter(layout, 2)]).toEqual([])
    expect([...keysCompleteAfter(layout, 3)]).toEqual([0])
  })

  it('handles separate year/month/day keys, static segments and mixed segments', () => {
    const keys = [key('year', 'int'), key('month'), key('day'), key('src')]
    const layout = templateLayout('s3://bkt/p/${year}/${month}/${day}/static/src-${src}/', keys)
    expect(layout.levels).toHaveLength(5)
    expect(matchLevel(layout, 0, '2024')).toMatchObject({components: {year: 2024}, ok: true})
    expect(matchLevel(layout, 3, 'static')).toMatchObject({ok: true, parts: []})
    expect(matchLevel(layout, 3, 'other')).toMatchObject({ok: false})
    expect(matchLevel(layout, 4, 'src-web')).toMatchObject({ok: true, parts: [{key: 3, text: 'web'}]})
  })

  it('refuses templates Athena would refuse', () => {
    const keys = [key('year'), key('month')]
    expect(() => templateLayout('s3://bkt/p/${year}/${month}', keys)).toThrow(/must end with "\/"/)
    expect(() => templateLayout('s3://bkt/p/${year}/', keys)).toThrow(/no placeholder for \$\{month\}/)
    expect(() => templateLayout('s3://bkt/p/${year}/${month}/${day}/', keys)).toThrow(
      /\$\{day\} is not a partition key/,
    )
    expect(() => templateLayout('b/p/${year}/${month}/', keys)).toThrow(/not an S3 URI/)
  })
})

describe('scope', () => {
  const keys = [key('region'), key('dt', 'date')]
  const layout = hiveLayout('s3://bkt/t/', keys)
  const since = Date.UTC(2024, 5, 10, 12)

  it('prunes prefixes by --where and --since', () => {
    const scope = makeScope(keys, {region: 'eu'}, since)
    expect(prefixInScope(scope, new Map([[0, 'us']]), {})).toBe(false)
    expect(prefixInScope(scope, new Map([[0, 'eu']]), {})).toBe(true)
    expect(valuesInScope(scope, keys, ['eu', '2024-06-09'])).toBe(false)
    expect(valuesInScope(scope, keys, ['eu', '2024-06-10'])).toBe(true)
    expect(valuesInScope(scope, keys, ['eu', 'not-a-date'])).toBe(true)
  })

  it('pushes a superset of the scope down to GetPartitions', () => {
    expect(scopeExpression(makeScope(keys, {region: "o'brien"}, since), layout)).toBe(
      "region = 'o''brien' AND dt >= '2024-06-10'",
    )
    const fh = [key('dt', 'string', 'yyyy/MM/dd/HH')]
    expect(scopeExpression(makeScope(fh, {}, since), templateLayout('s3://bkt/t/${dt}/', fh))).toBe(
      "dt >= '2024/06/10/12'",
    )
    const ymd = [key('year', 'int'), key('month', 'int')]
    expect(scopeExpression(makeScope(ymd, {}, since), templateLayout('s3://bkt/t/${year}/${month}/', ymd))).toBe(
      'year >= 2024',
    )
    expect(scopeExpression(makeScope(keys, {}), layout)).toBeUndefined()
  })

  it('refuses --since without a date key and --where on an unknown key', () => {
    expect(() => makeScope([key('region')], {}, since)).toThrow(/--since needs a date partition key/)
    expect(() => makeScope(keys, {country: 'de'})).toThrow(/"country" is not a partition key/)
  })
})
