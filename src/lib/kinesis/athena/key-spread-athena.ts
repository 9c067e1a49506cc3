/**
 * `kinesis key-spread --athena-table DB.TABLE`: the table read as hot-shards reads it
 * (./archived-table.ts), the spread query run in Athena and finished as the local analysis
 * (./key-spread-sql.ts).
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import type {AthenaRunInfo} from '../../athena/scan-guard.js'
import type {RunContext} from '../../core/run-context.js'
import type {KeySpreadResult, KeySpreadSettings} from '../key-spread.js'

import {type ArchivedTableRequest, describeArchivedTable, runArchivedTableQuery} from './archived-table.js'
import {analyseTableKeySpread, type TableSpreadRequest, tableSpreadSql} from './key-spread-sql.js'

export interface AthenaSpreadRequest extends ArchivedTableRequest {
  options: KeySpreadSettings
  /** Distinct keys returned for the smallest-shard-count search (each is one result row). */
  searchKeyLimit: number
  shardCounts: number[]
}

export interface AthenaSpreadAnalysis {
  athena: AthenaRunInfo
  /** Undefined with --print-sql (nothing ran). */
  result?: KeySpreadResult | undefined
}

export async function analyseKeySpreadInAthena(
  clients: {athena: AthenaClient; s3?: S3Client | undefined},
  request: AthenaSpreadRequest,
  ctx: RunContext,
): Promise<AthenaSpreadAnalysis> {
  const described = await describeArchivedTable(clients.athena, request, ctx)
  const spread: TableSpreadRequest = {
    model: {
      ...described.source,
      searchKeyLimit: request.searchKeyLimit,
      shardCounts: request.shardCounts,
      topKeys: request.options.topKeys,
    },
    options: request.options,
  }
  const {partitions} = described
  if (request.printSqlOnly) return {athena: {partitions, sql: tableSpreadSql(spread, 'trino')}}
  const {estimate, result} = await runArchivedTableQuery(
    clients,
    request,
    described,
    async (engine) => analyseTableKeySpread(engine, spread),
    ctx,
  )
  return {athena: {estimate, partitions, sql: result.sql, stats: result.stats}, result: result.result}
}
