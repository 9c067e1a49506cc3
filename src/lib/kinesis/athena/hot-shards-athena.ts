/**
 * `kinesis hot-shards --athena-table DB.TABLE` (and `reshard --split-hot --athena-table`): read the
 * table's metadata, push the window down to its time partitions, guard the scan, run the load
 * query in Athena and finish it as the local analysis (./hot-shards-sql.ts).
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import type {RunContext} from '../../core/run-context.js'
import type {ShardRange} from '../hash-key.js'
import type {HotShardsAnalysis, HotShardsOptions} from '../hot-shards.js'

import {type AthenaQueryStats, runAthenaQuery} from '../../athena/query-runner.js'
import {type AthenaRunInfo, guardScan} from '../../athena/scan-guard.js'
import {type TimeFormat} from '../../athena/sql-model.js'
import {checkColumns, describeTable, parseTableRef} from '../../athena/table-scan.js'
import {timePartitionPlan} from '../../athena/time-partitions.js'
import {UsageError} from '../../core/errors.js'
import {analyseTableLoad, type TableLoadRequest, tableLoadSql} from './hot-shards-sql.js'

export interface AthenaTableRequest {
  bytesColumn?: string | undefined
  catalog?: string | undefined
  keyColumn: string
  maxScanGb?: number | undefined
  options: HotShardsOptions
  outputLocation?: string | undefined
  /** Only build and return the SQL (`--print-sql`); nothing runs. */
  printSqlOnly?: boolean | undefined
  ranges: readonly ShardRange[]
  rangesSource: string
  /** `db.table` */
  table: string
  timeColumn?: string | undefined
  timeFormat?: TimeFormat | undefined
  /** Push the window down (false when the user gave no window: the whole table is read). */
  window?: undefined | {endMs: number; startMs: number}
  workGroup?: string | undefined
}

export type {AthenaRunInfo} from '../../athena/scan-guard.js'

export interface AthenaTableAnalysis {
  /** Undefined with --print-sql (nothing ran). */
  analysis?: HotShardsAnalysis | undefined
  athena: AthenaRunInfo
}

export async function analyseHotShardsInAthena(
  clients: {athena: AthenaClient; s3?: S3Client | undefined},
  request: AthenaTableRequest,
  ctx: RunContext,
): Promise<AthenaTableAnalysis> {
  const ref = parseTableRef(request.table)
  ctx.progress({detail: request.table, label: 'Reading table metadata'})
  const table = await describeTable(clients.athena, {catalog: request.catalog, ...ref}, ctx.signal)
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
  const loadRequest: TableLoadRequest = {
    model: {
      bytesColumn: request.bytesColumn,
      keyColumn: request.keyColumn,
      partitionFilters: pushed.plan?.filters,
      table: request.table,
      timeColumn: request.timeColumn,
      timeFormat: request.timeFormat,
      window: request.timeColumn ? request.window : undefined,
    },
    options: request.options,
    ranges: request.ranges,
    rangesSource: request.rangesSource,
  }
  const partitions = pushed.plan ? pushed.plan.summary : pushed.reason
  const sql = tableLoadSql(loadRequest, 'trino')
  if (request.printSqlOnly) return {athena: {partitions, sql}}

  const estimate = await guardScan(
    clients.s3,
    table,
    {maxScanGb: request.maxScanGb, partitions, plan: pushed.plan},
    ctx,
  )

  const result = await analyseTableLoad<AthenaQueryStats>(
    {
      dialect: 'trino',
      async run(text) {
        const r = await runAthenaQuery(
          clients.athena,
          {
            catalog: request.catalog,
            database: ref.database,
            outputLocation: request.outputLocation,
            sql: text,
            workGroup: request.workGroup,
          },
          ctx,
        )
        return {rows: r.rows, stats: r.stats}
      },
    },
    loadRequest,
  )
  const {sql: ran, stats, ...analysis} = result
  return {analysis, athena: {estimate, partitions, sql: ran, stats}}
}

/**
 * The table analysis as `reshard --split-hot` wants it (reshard/load-source.ts `tableAnalysis`):
 * run over the stream's open ranges when the plan needs the load; what it read and cost is told
 * through `ctx.warn`.
 */
export function tableLoadSource(
  clients: {athena: AthenaClient; s3?: S3Client | undefined},
  request: Omit<AthenaTableRequest, 'options' | 'ranges' | 'rangesSource'>,
  ctx: RunContext,
): (ranges: ShardRange[], options: HotShardsOptions) => Promise<HotShardsAnalysis> {
  return async (ranges, options) => {
    const out = await analyseHotShardsInAthena(
      clients,
      {...request, options, printSqlOnly: false, ranges, rangesSource: 'the open shards of the stream'},
      ctx,
    )
    const s = out.athena.stats
    if (s)
      ctx.warn(
        `Athena query ${s.queryExecutionId}: ${s.dataScannedBytes} bytes scanned ($${s.costUsd} at $5/TB); partitions: ${out.athena.partitions}`,
      )
    return out.analysis!
  }
}
