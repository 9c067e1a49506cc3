import {describe, expect, it} from 'vitest'

import type {LocatedFinding} from '../../../src/lib/athena/model.js'

import {buildFixes} from '../../../src/lib/athena/fix.js'
import {parseDdl} from '../../../src/lib/athena/inputs/ddl.js'
import {lintSchema} from '../../../src/lib/athena/lint.js'
import {RESERVED_VERDICTS, reservedVerdict} from '../../../src/lib/athena/reserved-verdicts.js'
import {ATHENA_DDL_RESERVED, ATHENA_DML_RESERVED, TRINO_RESERVED} from '../../../src/lib/athena/reserved-words.js'
import {ALL, col, lintTable, table} from './helpers.js'

/** Lint one DDL text: [rule, name, severity] of every finding. */
function lintDdl(sql: string): Array<[string, string, string]> {
  const {findings} = lintSchema(parseDdl(sql, 'fixture.sql'), ALL)
  return findings.map((f: LocatedFinding) => [f.rule, f.path ?? f.column ?? f.table ?? f.database ?? '', f.severity])
}

describe('reserved words: the severity follows what Athena does with the name as written', () => {
  it('Hive DDL: a rejected word in backticks is a warning (later DDL must quote it), unquoted an error', () => {
    // The escaping example of the reserved-words page, in our own table.
    expect(lintDdl('CREATE EXTERNAL TABLE `partition` (`date` INT, id STRING) LOCATION "s3://b/p/"')).toEqual([
      ['reserved-ddl', 'partition', 'warning'],
      ['reserved-ddl', 'date', 'warning'],
    ])
    expect(lintDdl('CREATE EXTERNAL TABLE readings (date INT, id STRING)')).toEqual([['reserved-ddl', 'date', 'error']])
  })

  it('Hive DDL: a word AWS publishes unquoted (time, timestamp, start, dayofweek) is only a warning, and nothing quoted', () => {
    expect(lintDdl('CREATE EXTERNAL TABLE flows (start BIGINT, time STRING, dayofweek INT, timestamp STRING)')).toEqual(
      [
        ['reserved-ddl', 'start', 'warning'],
        ['reserved-ddl', 'time', 'warning'],
        ['reserved-ddl', 'dayofweek', 'warning'],
        ['reserved-ddl', 'timestamp', 'warning'],
      ],
    )
    expect(lintDdl('CREATE EXTERNAL TABLE flows (`start` BIGINT, `time` STRING)')).toEqual([])
  })

  it('Hive DDL: a word reserved in queries (end) is a warning once the DDL quotes it: every query must write "end"', () => {
    const found = lintDdl('CREATE EXTERNAL TABLE flows (`end` BIGINT)')
    expect(found).toEqual([
      ['reserved-ddl', 'end', 'warning'],
      ['reserved-dml', 'end', 'warning'],
    ])
    const {findings} = lintSchema(parseDdl('CREATE EXTERNAL TABLE flows (`end` BIGINT)', 'f.sql'), ALL)
    expect(findings[1]!.message).toMatch(/every query and view must write "end"/)
  })

  it('Hive DDL: struct fields follow the same rules (backticked field names are quoted)', () => {
    expect(lintDdl('CREATE EXTERNAL TABLE e (payload struct<`end`:int, `user`:string>)')).toEqual([
      ['reserved-ddl', 'payload.end', 'warning'],
      ['reserved-dml', 'payload.end', 'warning'],
      ['reserved-ddl', 'payload.user', 'warning'],
    ])
    expect(lintDdl('CREATE EXTERNAL TABLE e (payload struct<user:string>)')).toEqual([
      ['reserved-ddl', 'payload.user', 'error'],
    ])
  })

  it('views and CTAS (Trino): double quotes quote, a plain reserved word is an error', () => {
    expect(lintDdl('CREATE OR REPLACE VIEW "123view" AS SELECT "123first", "order" FROM src')).toEqual([
      ['leading-digit', '123view', 'warning'],
      ['leading-digit', '123first', 'warning'],
      ['reserved-ddl', 'order', 'warning'],
      ['reserved-dml', 'order', 'warning'],
    ])
    expect(lintDdl('CREATE TABLE totals AS SELECT amount AS end FROM src')).toEqual([
      ['reserved-ddl', 'end', 'warning'],
      ['reserved-dml', 'end', 'error'],
    ])
  })

  it('a name starting with "_" in backticks is a warning; unquoted in Hive DDL an error', () => {
    expect(lintDdl('CREATE EXTERNAL TABLE `_raw` (`_id` string)')).toEqual([
      ['leading-underscore', '_raw', 'warning'],
      ['leading-underscore', '_id', 'warning'],
    ])
    expect(lintDdl('CREATE EXTERNAL TABLE raw (_id string)')).toEqual([['leading-underscore', '_id', 'error']])
  })

  it('names from catalogs and files are not written in any statement yet: the documented severities stay', () => {
    const findings = lintTable(table([col('end'), col('time')]))
    expect(findings.map((f) => [f.rule, f.column, f.severity])).toEqual([
      ['reserved-ddl', 'end', 'error'],
      ['reserved-dml', 'end', 'error'],
      ['reserved-ddl', 'time', 'warning'],
    ])
  })

  it('every word of both reference lists has a verdict with at least one source', () => {
    for (const word of [...ATHENA_DDL_RESERVED, ...ATHENA_DML_RESERVED, ...TRINO_RESERVED]) {
      const verdict = RESERVED_VERDICTS[word]
      expect(verdict, word).toBeDefined()
      expect(verdict!.sources.length, word).toBeGreaterThan(0)
    }

    expect(reservedVerdict('end')).toMatchObject({ddl: 'rejected', dml: 'rejected'})
    expect(reservedVerdict('first')).toMatchObject({ddl: 'unlisted', dml: 'accepted'})
    expect(reservedVerdict('customer')).toEqual({ddl: 'unlisted', dml: 'unlisted', sources: []})
  })
})

describe('`db.table` in one pair of backticks', () => {
  const sql = 'CREATE EXTERNAL TABLE `sales.orders_flat` (order_id BIGINT, `Order Date` STRING) LOCATION "s3://b/o/"'

  it('is read as database + table, as the Hive DDL parser reads it', () => {
    const {tables} = parseDdl(sql, 'f.sql')
    expect(tables[0]).toMatchObject({database: 'sales', table: 'orders_flat', tablePosition: {column: 30, line: 1}})
    expect(lintDdl(sql).filter(([rule]) => rule === 'dot-or-colon')).toEqual([])
  })

  it('--fix writes a view on "sales"."orders_flat", never on one dotted identifier', () => {
    const input = parseDdl(sql, 'f.sql')
    const outcome = lintSchema(input, ALL)
    const fixes = buildFixes(input, outcome.renames, {duplicateTables: new Set(), plainNames: outcome.plainNames})
    expect(fixes.views[0]!.sql).toContain('FROM "sales"."orders_flat"')
    expect(fixes.views[0]!.sql).not.toContain('"sales.orders_flat"')
  })

  it('a dotted name in double quotes stays one identifier (Trino reads it so): renamed, but no view on it', () => {
    const input = parseDdl('CREATE VIEW "sales.v" AS SELECT "Amount" FROM t', 'f.sql')
    expect(input.tables[0]).toMatchObject({database: null, table: 'sales.v'})
    const outcome = lintSchema(input, ALL)
    expect(outcome.findings.map((f) => f.rule)).toContain('dot-or-colon')
    const fixes = buildFixes(input, outcome.renames, {duplicateTables: new Set(), plainNames: outcome.plainNames})
    expect(fixes.renames.map((r) => r.to)).toContain('sales_v')
    expect(fixes.views).toEqual([])
  })
})
