import {describe, expect, it} from 'vitest'

import {renderExpr} from '../../../src/lib/athena/sql-model.js'
import {formatJavaDate, timePartitionPlan} from '../../../src/lib/athena/time-partitions.js'

const window = {endMs: Date.parse('2026-12-07T12:00:00Z'), startMs: Date.parse('2026-12-07T09:30:00Z')}
const sql = (r: ReturnType<typeof timePartitionPlan>) =>
  r.plan!.filters.map((f) => renderExpr(f, 'trino')).join(' AND ')

describe('timePartitionPlan', () => {
  it('uses the projection pattern of a Firehose-style yyyy/MM/dd/HH column: BETWEEN the first and last hour', () => {
    const r = timePartitionPlan(
      [{name: 'datehour', type: 'string'}],
      {'projection.datehour.format': 'yyyy/MM/dd/HH', 'projection.enabled': 'true'},
      window,
    )
    expect(sql(r)).toBe(`"datehour" BETWEEN '2026/12/07/09' AND '2026/12/07/11'`)
    expect(r.plan!.partitions).toEqual({count: 3, first: '2026/12/07/09', last: '2026/12/07/11', unit: 'hour'})
    expect(r.plan!.summary).toContain("from the table's partition projection")
  })

  it('assumes yyyy-MM-dd for a dt column without projection, and says so', () => {
    const r = timePartitionPlan(
      [{name: 'dt', type: 'string'}],
      {},
      {...window, endMs: Date.parse('2026-12-09T00:00:01Z')},
    )
    expect(sql(r)).toBe(`"dt" BETWEEN '2026-12-07' AND '2026-12-09'`)
    expect(r.plan!.values).toEqual([{dt: '2026-12-07'}, {dt: '2026-12-08'}, {dt: '2026-12-09'}])
    expect(r.plan!.summary).toContain('assumed from the column name')
  })

  it('lists year/month/day/hour partitions (strings quoted, integers not)', () => {
    const str = timePartitionPlan(
      ['year', 'month', 'day', 'hour'].map((name) => ({name, type: 'string'})),
      {},
      window,
    )
    expect(sql(str)).toBe(
      `(("year" = '2026' AND "month" = '12' AND "day" = '07' AND "hour" = '09')\n    OR ("year" = '2026' AND "month" = '12' AND "day" = '07' AND "hour" = '10')\n    OR ("year" = '2026' AND "month" = '12' AND "day" = '07' AND "hour" = '11'))`,
    )
    const ints = timePartitionPlan(
      ['year', 'month', 'day'].map((name) => ({name, type: 'int'})),
      {},
      window,
    )
    expect(sql(ints)).toBe(`(("year" = 2026 AND "month" = 12 AND "day" = 7))`)
    // Projected as integers without digits (seen in public DDL): the values are not zero-padded.
    const projected = timePartitionPlan(
      ['year', 'month', 'day'].map((name) => ({name, type: 'string'})),
      {'projection.day.type': 'integer', 'projection.month.digits': '2', 'projection.month.type': 'integer'},
      window,
    )
    expect(sql(projected)).toBe(`(("year" = '2026' AND "month" = '12' AND "day" = '7'))`)
  })

  it('compares a DATE partition column as dates (seen in public DDL)', () => {
    const r = timePartitionPlan(
      [
        {name: 'create_day', type: 'date'},
        {name: 'run', type: 'varchar(255)'},
      ],
      {},
      window,
    )
    expect(sql(r)).toBe(`"create_day" BETWEEN DATE '2026-12-07' AND DATE '2026-12-07'`)
  })

  it('says why nothing is pushed down', () => {
    expect(timePartitionPlan([], {}, window).reason).toMatch(/not partitioned/)
    expect(
      timePartitionPlan([{name: 'dt', type: 'string'}], {'projection.dt.format': 'dd-MM-yyyy'}, window).reason,
    ).toMatch(/does not sort like time/)
    expect(timePartitionPlan([{name: 'region', type: 'string'}], {}, window).reason).toMatch(
      /no time partition recognised among region/,
    )
  })

  it('formats the pattern letters projection uses', () => {
    expect(formatJavaDate(Date.parse('2026-01-02T03:04:00Z'), 'yyyy-MM-dd HH:mm')).toBe('2026-01-02 03:04')
  })
})
