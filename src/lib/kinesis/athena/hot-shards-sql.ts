/**
 * `kinesis hot-shards --athena-table`: the offline analysis, with the heavy part (hashing and
 * counting every archived record) done by a SQL engine next to the data. The engine returns only
 * aggregates (./load-query.ts); they are finished by the same code as a record file
 * (hot-shards.ts `finishTallied`), so the result has the same shape and, for the same records,
 * the same values, and `reshard --split-hot` takes it as it takes the local analysis.
 */
import type {Dialect} from '../../athena/sql-model.js'
import type {ShardRange} from '../hash-key.js'

import {finishTallied, type HotShardsAnalysis, type HotShardsOptions} from '../hot-shards.js'
import {AggregatedTally, loadRowFromStrings} from './load-aggregates.js'
import {type LoadQueryModel, renderLoadQuery} from './load-query.js'

/** A SQL engine that runs one query and returns its rows as strings (NULL = undefined), in select order. */
export interface SqlEngine<S = unknown> {
  dialect: Dialect
  run(sql: string): Promise<{rows: Array<Array<string | undefined>>; stats?: S | undefined}>
}

export interface TableLoadRequest {
  model: Omit<LoadQueryModel, 'ranges'>
  options: HotShardsOptions
  ranges: readonly ShardRange[]
  /** How the ranges were obtained, for messages ("8 even shards", "shards.json", "stream orders"). */
  rangesSource: string
}

export interface TableLoadAnalysis<S> extends HotShardsAnalysis {
  sql: string
  stats: S | undefined
}

/** The SQL the engine will run (for --print-sql, runnable by hand). */
export function tableLoadSql(request: TableLoadRequest, dialect: Dialect): string {
  return renderLoadQuery({...request.model, ranges: request.ranges}, dialect)
}

export async function analyseTableLoad<S>(
  engine: SqlEngine<S>,
  request: TableLoadRequest,
): Promise<TableLoadAnalysis<S>> {
  const sql = tableLoadSql(request, engine.dialect)
  const {rows, stats} = await engine.run(sql)
  const tally = new AggregatedTally(
    request.ranges,
    rows.map((r) => loadRowFromStrings(r)),
  )
  const warnings: string[] = []
  if (!request.model.bytesColumn)
    warnings.push(
      "no --bytes-column: byte counts include only the partition key; name the column holding each record's data size for byte rates",
    )
  const sourceArgs = `--athena-table ${request.model.table} --key-column ${request.model.keyColumn}${request.model.bytesColumn ? ` --bytes-column ${request.model.bytesColumn}` : ''}${request.model.timeColumn ? ` --time-column ${request.model.timeColumn}` : ''}`
  const analysis = finishTallied(tally, sourceArgs, request.options, warnings)
  return {...analysis, sql, stats}
}
