/**
 * The linter reuses the work for a bad name that repeats across tables (hits, clean name,
 * suggestion) and builds each table's view and SerDe definition in one pass. These tests pin that
 * the reuse never leaks one table's context into another's results.
 */
import {describe, expect, it} from 'vitest'

import {buildFixes, buildSerde, buildView} from '../../../src/lib/athena/fix.js'
import {lintSchema} from '../../../src/lib/athena/lint.js'
import {ALL, col, schema, table} from './helpers.js'

const suggestionOf = (
  findings: ReturnType<typeof lintSchema>['findings'],
  tableName: string,
  column: string,
): string | undefined =>
  findings.find((f) => f.table === tableName && f.column === column && f.path === null)?.suggestion

describe('a bad name repeated across tables', () => {
  it('gets the rename and suggestion of its own table, also after a table where its clean name was taken', () => {
    const input = schema(
      table([col('Order ID', 'string')], {table: 'a'}),
      table([col('Order ID', 'string'), col('order_id', 'string')], {table: 'b'}),
      table([col('Order ID', 'string')], {serde: 'org.openx.data.jsonserde.JsonSerDe', table: 'c'}),
      table([col('Order ID', 'string')], {table: 'd'}),
    )
    const {findings, renames} = lintSchema(input, ALL)
    expect(renames.filter((r) => r.from === 'Order ID').map((r) => [r.table, r.to, r.note ?? null])).toEqual([
      ['a', 'order_id', null],
      ['b', 'order_id_2', '"order_id" is already used in this table'],
      ['c', 'order_id', null],
      ['d', 'order_id', null],
    ])
    expect(suggestionOf(findings, 'a', 'Order ID')).toBe(
      'Rename to "order_id" or keep it and quote it: `Order ID` in DDL, "Order ID" in queries.',
    )
    expect(suggestionOf(findings, 'b', 'Order ID')).toBe(
      'Rename to "order_id_2" or keep it and quote it: `Order ID` in DDL, "Order ID" in queries.',
    )
    // OpenX JSON tables name the mapping property too.
    expect(suggestionOf(findings, 'c', 'Order ID')).toBe(
      'Rename to "order_id" (OpenX JSON: "mapping.order_id" = "Order ID") or keep it and quote it: `Order ID` in DDL, "Order ID" in queries.',
    )
    expect(suggestionOf(findings, 'd', 'Order ID')).toBe(suggestionOf(findings, 'a', 'Order ID'))
  })

  it('is a column in one table, a partition key in another and a nested field in a third, each with its own rules', () => {
    const input = schema(
      table([col('_id', 'string')], {table: 'a'}),
      table([col('x', 'string')], {partitionKeys: [col('_id', 'string')], table: 'b'}),
      table([col('s', 'struct<_id:int>')], {table: 'c'}),
    )
    const {findings} = lintSchema(input, ALL)
    const underscore = (t: string) => findings.find((f) => f.table === t && f.rule === 'leading-underscore')!
    expect(underscore('a').message).not.toMatch(/MSCK/)
    expect(underscore('b').message).toMatch(/MSCK REPAIR TABLE/)
    expect(underscore('c').path).toBe('s._id')
    expect(underscore('c').suggestion).toBe('Rename to "id".')
    expect(findings.map((f) => [f.table, f.rule])).toEqual([
      ['a', 'leading-underscore'],
      ['b', 'leading-underscore'],
      ['c', 'leading-underscore'],
    ])
  })

  it('keeps duplicate detection per table: the same names in two tables are not duplicates of each other', () => {
    const input = schema(
      table([col('URL', 'string'), col('id', 'string')], {table: 'a'}),
      table([col('url', 'string'), col('Url', 'string')], {table: 'b'}),
    )
    const {findings} = lintSchema(input, ALL)
    expect(findings.filter((f) => f.rule === 'duplicate-name').map((f) => [f.table, f.column])).toEqual([['b', 'Url']])
  })
})

describe('fix artefacts built in one pass', () => {
  it('match the per-table builders for every table', () => {
    const tables = [
      table([col('Order ID', 'string'), col('ok', 'bigint'), col('s', 'struct<`a.b`:int,ok:array<struct<_x:int>>>')], {
        partitionKeys: [col('DT', 'string')],
        serde: 'org.openx.data.jsonserde.JsonSerDe',
        table: 'a',
      }),
      table([col('date', 'date'), col('fine', 'int')], {database: null, table: 'b'}),
      table([], {partitionKeys: [col('Part Key', 'string')], serde: 'org.openx.data.jsonserde.JsonSerDe', table: 'c'}),
      table([col('clean', 'int')], {table: 'd'}),
    ]
    const input = schema(...tables)
    const {renames} = lintSchema(input, ALL)
    const fixes = buildFixes(input, renames, {duplicateTables: new Set()})
    expect(fixes.views.map((v) => v.table)).toEqual(['a', 'b', 'c'])
    expect(fixes.serdeProperties.map((s) => s.table)).toEqual(['a', 'c'])
    for (const v of fixes.views)
      expect(v).toEqual(
        buildView(
          tables.find((t) => t.table === v.table)!,
          renames,
          undefined,
        ),
      )
    for (const s of fixes.serdeProperties)
      expect(s).toEqual(
        buildSerde(
          tables.find((t) => t.table === s.table)!,
          renames,
          false,
        ),
      )
    // A table with only partition keys: the view lists them, the DDL keeps an empty column list.
    expect(fixes.views[2]!.sql).toBe(
      'CREATE OR REPLACE VIEW "db"."c_clean" AS\nSELECT\n  "Part Key" AS part_key\nFROM "db"."c"',
    )
    expect(fixes.serdeProperties[1]!.sql).toContain(
      'CREATE EXTERNAL TABLE `db`.`c` (\n\n)\nPARTITIONED BY (\n  `part_key` string\n)',
    )
    expect(fixes.serdeProperties[1]!.properties).toEqual({})
  })
})
