/**
 * CloudTrail beyond event history: the look-up of ./lookup.ts run in Athena over a trail's log
 * files (`trail lookup --athena-table`, and `--trail-table` of the flows that search CloudTrail).
 * A trail keeps what event history does not: data events (S3 PutObject, Lambda Invoke) when the
 * trail records them, events older than 90 days, every Region the trail covers.
 *
 * The window is pushed down to the table's time partitions: region/year/month/day (AWS's
 * standard table, `--create-table-ddl` without --projection) or the projected `timestamp`
 * (yyyy/MM/dd). CloudTrail files an event under the day its log file is delivered, minutes after
 * the call, so the partitions read reach one hour past the window's end.
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import type {Dialect} from '../athena/sql-model.js'
import type {RunContext} from '../core/run-context.js'
import type {TrailLookupResult, TrailQuery} from './lookup.js'

import {runAthenaQuery} from '../athena/query-runner.js'
import {type AthenaRunInfo, guardScan} from '../athena/scan-guard.js'
import {describeTable, parseTableRef, type TableDescription} from '../athena/table-scan.js'
import {type TimePartitionPlan, timePartitionPlan} from '../athena/time-partitions.js'
import {UsageError} from '../core/errors.js'
import {renderTrailQuery, trailEventFromRow} from './athena-query.js'

/** Where and how the trail's table is queried. */
export interface TrailTableSettings {
  catalog?: string | undefined
  maxScanGb?: number | undefined
  outputLocation?: string | undefined
  /** db.table */
  table: string
  /** The flag that named the table, for messages (--athena-table, --trail-table). */
  tableFlag?: string | undefined
  workGroup?: string | undefined
}

export interface AthenaTrailLookupResult extends TrailLookupResult {
  athena: AthenaRunInfo
}

/** How long after an event its log file may be delivered (and so which day's folder holds it). */
const DELIVERY_LAG_MS = 3_600_000

const REQUIRED = ['eventid', 'eventtime', 'eventname', 'eventsource', 'useridentity', 'resources'] as const

/** A table whose useridentity type names sessioncontext.sessionissuer with an arn (every DDL since 2017 does). */
function hasSessionIssuer(table: TableDescription): boolean {
  const type = table.columns.find((c) => c.name.toLowerCase() === 'useridentity')?.type ?? ''
  return /sessionissuer\s*:\s*struct<[^>]*\barn\s*:/i.test(type)
}

/** A table without CloudTrail's columns is not a trail's table: refuse it before a query is billed. */
function checkTrailColumns(table: TableDescription, name: string): void {
  const have = new Set(table.columns.map((c) => c.name.toLowerCase()))
  const missing = REQUIRED.filter((c) => !have.has(c))
  if (missing.length > 0)
    throw new UsageError(`${name} does not look like a CloudTrail table: it has no column ${missing.join(', ')}`, {
      suggestions: [
        "Create the table over the trail's S3 folder with `pipeops trail lookup --create-table-ddl --trail-bucket s3://BUCKET --account-id ID`, or name the right table.",
      ],
    })
}

export interface TrailTablePlan {
  partitions: string
  plan: TimePartitionPlan | undefined
  sql: string
}

/** The query for one look-up, and the partitions it reads. */
export function planTrailQuery(
  table: TableDescription,
  settings: Pick<TrailTableSettings, 'table'>,
  query: TrailQuery,
  dialect: Dialect = 'trino',
): TrailTablePlan {
  const pushed = timePartitionPlan(table.partitionKeys, table.parameters, {
    endMs: query.end.getTime() + DELIVERY_LAG_MS,
    startMs: query.start.getTime(),
  })
  const sql = renderTrailQuery(
    {partitionFilters: pushed.plan?.filters, query, sessionIssuer: hasSessionIssuer(table), table: settings.table},
    dialect,
  )
  return {
    partitions: pushed.plan
      ? `${pushed.plan.summary}; to one hour past the window, as log files are filed by delivery time`
      : pushed.reason,
    plan: pushed.plan,
    sql,
  }
}

/** Look-ups over one trail table (what `athenaTrailSearch` returns; the flows take it as a client). */
export interface TrailSearcher {
  lookup(query: TrailQuery, options?: {printSqlOnly?: boolean}): Promise<AthenaTrailLookupResult>
  /** The table, for messages. */
  readonly table: string
}

/**
 * A reusable searcher over one trail table: the table is described once, each look-up is one
 * query (each billed: 10 MB minimum). `printSqlOnly` returns the SQL and runs nothing.
 */
export function athenaTrailSearch(
  clients: {athena: AthenaClient; s3?: S3Client | undefined},
  settings: TrailTableSettings,
  ctx: RunContext,
): TrailSearcher {
  const ref = parseTableRef(settings.table, settings.tableFlag, 'security.cloudtrail_logs')
  let described: Promise<TableDescription> | undefined
  const tableOnce = async (): Promise<TableDescription> => {
    described ??= describeTable(clients.athena, {catalog: settings.catalog, ...ref}, ctx.signal).then((t) => {
      checkTrailColumns(t, settings.table)
      return t
    })
    return described
  }

  return {
    async lookup(query, options = {}) {
      ctx.progress({detail: settings.table, label: 'Reading table metadata'})
      const table = await tableOnce()
      const planned = planTrailQuery(table, settings, query)
      if (options.printSqlOnly)
        return {athena: {partitions: planned.partitions, sql: planned.sql}, events: [], pages: 0, truncated: false}
      const estimate = await guardScan(
        clients.s3,
        table,
        {maxScanGb: settings.maxScanGb, partitions: planned.partitions, plan: planned.plan},
        ctx,
      )
      const result = await runAthenaQuery(
        clients.athena,
        {
          catalog: settings.catalog,
          database: ref.database,
          outputLocation: settings.outputLocation,
          sql: planned.sql,
          workGroup: settings.workGroup,
        },
        ctx,
      )
      const events = result.rows.map((row) => trailEventFromRow(row))
      const truncated = query.limit !== undefined && events.length > query.limit
      return {
        athena: {estimate, partitions: planned.partitions, sql: planned.sql, stats: result.stats},
        events: truncated ? events.slice(0, query.limit) : events,
        pages: 0,
        truncated,
      }
    },
    table: settings.table,
  }
}
