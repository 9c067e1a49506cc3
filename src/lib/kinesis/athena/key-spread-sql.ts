/**
 * `kinesis key-spread --athena-table`: the what-if spread with the heavy part (hashing and
 * counting every archived record, placing every distinct key on each shard count's even ranges)
 * done by a SQL engine next to the data (./key-spread-query.ts). Its rows are finished by the same
 * code as a record file (key-spread.ts `finishKeySpread`): same shape, and for the same records the
 * same values.
 */
import type {Dialect} from '../../athena/sql-model.js'
import type {SqlEngine} from './hot-shards-sql.js'

import {InputError} from '../../core/errors.js'
import {evenRanges, type ShardRange} from '../hash-key.js'
import {
  finishKeySpread,
  type KeySpreadResult,
  type KeySpreadSettings,
  type SearchKeys,
  spreadShardCounts,
  type SpreadTally,
} from '../key-spread.js'
import {KEY_SPREAD_COLUMNS, type KeySpreadQueryModel, renderKeySpreadQuery} from './key-spread-query.js'

export interface TableSpreadRequest {
  model: KeySpreadQueryModel
  options: KeySpreadSettings
}

export interface TableSpreadAnalysis<S> {
  result: KeySpreadResult
  sql: string
  stats: S | undefined
}

/** The SQL the engine will run (for --print-sql, runnable by hand). */
export function tableSpreadSql(request: TableSpreadRequest, dialect: Dialect): string {
  return renderKeySpreadQuery({...request.model, shardCounts: spreadShardCounts(request.model.shardCounts)}, dialect)
}

type Row = ReadonlyArray<string | undefined>
const at = (name: (typeof KEY_SPREAD_COLUMNS)[number]): number => KEY_SPREAD_COLUMNS.indexOf(name)

function num(row: Row, name: (typeof KEY_SPREAD_COLUMNS)[number]): number {
  const v = row[at(name)]
  if (v === undefined || v === '') return 0
  const n = Number(v)
  if (!Number.isFinite(n)) throw new InputError(`the key-spread query returned "${v}" in column ${name}, not a number`)
  return n
}

/** One shard count's even-range shards, filled from its 'shard-key' rows. */
class QueriedSpread implements SpreadTally {
  readonly shards: ShardRange[]
  private readonly keys: Array<Array<{bytes: number; partitionKey: string; records: number}>>
  private readonly totals: Array<{bytes: number; records: number}>

  constructor(n: number) {
    this.shards = evenRanges(n)
    this.totals = this.shards.map(() => ({bytes: 0, records: 0}))
    this.keys = this.shards.map(() => [])
  }

  add(row: Row): void {
    const index = num(row, 'shard_index')
    const shard = this.totals[index]
    if (!shard || !Number.isInteger(index))
      throw new InputError(`the key-spread query returned shard ${index}, outside the ${this.shards.length} shards`)
    shard.bytes = num(row, 'shard_bytes')
    shard.records = num(row, 'shard_records')
    this.keys[index]!.push({
      bytes: num(row, 'bytes'),
      partitionKey: row[at('partition_key')] ?? '',
      records: num(row, 'records'),
    })
  }

  shard(index: number): {bytes: number; records: number} {
    return this.totals[index]!
  }

  /** The rows come in any order: sort as the query ranked them (load share, bytes, key). */
  shardTopKeys(index: number, limit: number): Array<{bytes: number; partitionKey: string; records: number}> {
    const s = this.totals[index]!
    const load = (k: {bytes: number; records: number}): number =>
      Math.max(s.bytes > 0 ? k.bytes / s.bytes : 0, s.records > 0 ? k.records / s.records : 0)
    return [...this.keys[index]!]
      .sort((a, b) => load(b) - load(a) || b.bytes - a.bytes || (a.partitionKey < b.partitionKey ? -1 : 1))
      .slice(0, limit)
  }
}

export async function analyseTableKeySpread<S>(
  engine: SqlEngine<S>,
  request: TableSpreadRequest,
): Promise<TableSpreadAnalysis<S>> {
  const counts = spreadShardCounts(request.model.shardCounts)
  const sql = tableSpreadSql(request, engine.dialect)
  const {rows, stats} = await engine.run(sql)
  const spreads = new Map(counts.map((n) => [n, new QueriedSpread(n)]))
  const keyRows: Row[] = []
  let total: Row | undefined
  for (const row of rows) {
    const kind = row[at('kind')]
    switch (kind) {
      case 'key': {
        keyRows.push(row)
        break
      }

      case 'shard-key': {
        const spread = spreads.get(num(row, 'shard_count'))
        if (!spread)
          throw new InputError(`the key-spread query returned shard count ${row[at('shard_count')]}, not asked for`)
        spread.add(row)

        break
      }

      case 'total': {
        total = row
        break
      }

      default: {
        throw new InputError(`the key-spread query returned an unknown row kind "${kind}"`)
      }
    }
  }

  if (!total) throw new InputError('the key-spread query returned no total row')
  const distinctKeys = num(total, 'distinct_keys')
  const first = total[at('first_second')]
  const last = total[at('last_second')]
  const result = finishKeySpread(
    {
      bytes: num(total, 'bytes'),
      distinctKeys,
      keys:
        distinctKeys <= request.model.searchKeyLimit
          ? searchKeys(keyRows)
          : {
              note: `more than ${request.model.searchKeyLimit} distinct keys: the smallest shard count is not searched (raise --max-distinct-keys: each key is one result row)`,
            },
      maxTimestampMs: last === undefined ? Number.NEGATIVE_INFINITY : num(total, 'last_second') * 1000,
      minTimestampMs: first === undefined ? Number.POSITIVE_INFINITY : num(total, 'first_second') * 1000,
      records: num(total, 'records'),
      tallies: counts.map((n) => ({n, tally: spreads.get(n)!})),
    },
    request.options,
  )
  return {result, sql, stats}
}

function searchKeys(rows: readonly Row[]): SearchKeys {
  const count = rows.length
  const words = new Uint32Array(count * 4)
  const bytes = new Float64Array(count)
  const records = new Float64Array(count)
  for (const [i, row] of rows.entries()) {
    const hex = row[at('hash_hex')] ?? ''
    if (!/^[\dA-F]{32}$/.test(hex))
      throw new InputError(`the key-spread query returned "${hex}" as a hash key, not 32 uppercase hex digits`)
    for (let w = 0; w < 4; w++) words[i * 4 + w] = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16)
    bytes[i] = num(row, 'bytes')
    records[i] = num(row, 'records')
  }

  return {bytes, count, records, words}
}
