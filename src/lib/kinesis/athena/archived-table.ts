/**
 * What every analysis over a table of archived records (`hot-shards`, `key-spread`, `reshard
 * --split-hot` with `--athena-table`) does around its query: read the table's metadata, check the
 * named columns, push the window down to its time partitions, and run the rendered query in Athena
 * behind the `--max-scan-gb` guard.
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import type {RunContext} from '../../core/run-context.js'
import type {SqlEngine} from './hot-shards-sql.js'
import type {RecordsSource} from './load-query.js'

import {type AthenaQueryStats, runAthenaQuery} from '../../athena/query-runner.js'
import {guardScan} from '../../athena/scan-guard.js'
import {type TimeFormat} from '../../athena/sql-model.js'
import {
  checkColumns,
  describeTable,
  parseTableRef,
  type ScanEstimate,
  type TableDescription,
} from '../../athena/table-scan.js'
import {timePartitionPlan, type TimePartitionPlan} from '../../athena/time-partitions.js'
import {UsageError} from '../../core/errors.js'

/** The table, its columns and where the query runs: the flags of `--athena-table`. */
export interface ArchivedTableRequest {
  bytesColumn?: string | undefined
  catalog?: string | undefined
  keyColumn: string
  maxScanGb?: number | undefined
  outputLocation?: string | undefined
  /** Only build and return the SQL (`--print-sql`); nothing runs. */
  printSqlOnly?: boolean | undefined
  /** `db.table` */
  table: string
  timeColumn?: string | undefined
  timeFormat?: TimeFormat | undefined
  /** Push the window down (none given: the whole table is read). */
  window?: undefined | {endMs: number; startMs: number}
  workGroup?: string | undefined
}

export interface ArchivedTable {
  /** Which partitions the query reads (or why all of them). */
  partitions: string
  plan: TimePartitionPlan | undefined
  /** The records step's source (./load-query.ts `recordsCte`), partition filters included. */
  source: RecordsSource
  table: TableDescription
}

export async function describeArchivedTable(
  athena: AthenaClient,
  request: ArchivedTableRequest,
  ctx: RunContext,
): Promise<ArchivedTable> {
  const ref = parseTableRef(request.table)
  ctx.progress({detail: request.table, label: 'Reading table metadata'})
  const table = await describeTable(athena, {catalog: request.catalog, ...ref}, ctx.signal)
  checkColumns(table, {
    '--bytes-column': request.bytesColumn,
    '--key-column': request.keyColumn,
    '--time-column': request.timeColumn,
  })
  const pushed = request.window
    ? timePartitionPlan(table.partitionKeys, table.parameters, request.window)
    : {reason: 'no window given: the query reads every partition'}
  if (request.window && !request.timeColumn && !pushed.plan)
    throw new UsageError('a window needs --time-column (or a table partitioned by time)', {
      suggestions: [
        "Name the column holding each record's arrival time with --time-column, or drop --window/--start/--end.",
      ],
    })
  return {
    partitions: pushed.plan ? pushed.plan.summary : pushed.reason,
    plan: pushed.plan,
    source: {
      bytesColumn: request.bytesColumn,
      keyColumn: request.keyColumn,
      partitionFilters: pushed.plan?.filters,
      table: request.table,
      timeColumn: request.timeColumn,
      timeFormat: request.timeFormat,
      window: request.timeColumn ? request.window : undefined,
    },
    table,
  }
}

/**
 * Run a query over the table in Athena: first the scan guard (refuses above --max-scan-gb), then
 * `analyse` with an engine that runs its SQL in Athena. The guard's estimate comes back beside.
 */
export async function runArchivedTableQuery<T>(
  clients: {athena: AthenaClient; s3?: S3Client | undefined},
  request: ArchivedTableRequest,
  described: ArchivedTable,
  analyse: (engine: SqlEngine<AthenaQueryStats>) => Promise<T>,
  ctx: RunContext,
): Promise<{estimate: ScanEstimate | undefined; result: T}> {
  const estimate = await guardScan(
    clients.s3,
    described.table,
    {maxScanGb: request.maxScanGb, partitions: described.partitions, plan: described.plan},
    ctx,
  )
  const {database} = parseTableRef(request.table)
  const result = await analyse({
    dialect: 'trino',
    async run(text) {
      const r = await runAthenaQuery(
        clients.athena,
        {
          catalog: request.catalog,
          database,
          outputLocation: request.outputLocation,
          sql: text,
          workGroup: request.workGroup,
        },
        ctx,
      )
      return {rows: r.rows, stats: r.stats}
    },
  })
  return {estimate, result}
}
