/**
 * `kinesis hot-shards --athena-table DB.TABLE` (and `reshard --split-hot --athena-table`): read the
 * table's metadata, push the window down to its time partitions, guard the scan, run the load
 * query in Athena and finish it as the local analysis (./hot-shards-sql.ts).
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import type {AthenaRunInfo} from '../../athena/scan-guard.js'
import type {RunContext} from '../../core/run-context.js'
import type {ShardRange} from '../hash-key.js'
import type {HotShardsAnalysis, HotShardsOptions} from '../hot-shards.js'

import {type ArchivedTableRequest, describeArchivedTable, runArchivedTableQuery} from './archived-table.js'
import {analyseTableLoad, type TableLoadRequest, tableLoadSql} from './hot-shards-sql.js'

export interface AthenaTableRequest extends ArchivedTableRequest {
  options: HotShardsOptions
  ranges: readonly ShardRange[]
  rangesSource: string
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
  const described = await describeArchivedTable(clients.athena, request, ctx)
  const loadRequest: TableLoadRequest = {
    model: described.source,
    options: request.options,
    ranges: request.ranges,
    rangesSource: request.rangesSource,
  }
  const {partitions} = described
  if (request.printSqlOnly) return {athena: {partitions, sql: tableLoadSql(loadRequest, 'trino')}}
  const {estimate, result} = await runArchivedTableQuery(
    clients,
    request,
    described,
    async (engine) => analyseTableLoad(engine, loadRequest),
    ctx,
  )
  const {sql, stats, ...analysis} = result
  return {analysis, athena: {estimate, partitions, sql, stats}}
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
