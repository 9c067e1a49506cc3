/**
 * The hot-shards analysis as one SQL query over a table of archived records (Firehose → S3 →
 * Glue/Athena): each record's partition key is hashed like Kinesis does (MD5 of its UTF-8 bytes,
 * compared as 32-digit uppercase hex against the shard ranges, which is 128-bit numeric order),
 * and one scan returns only aggregates, through GROUPING SETS:
 *
 *   kind 15 per shard:            bytes, records, first and last second (no shard = records in no range)
 *   kind 11 per shard and second: bytes, records, largest record (per-second rates, large records)
 *   kind 7  per shard and key:    bytes, records, the heaviest `topKeysPerShard` keys by load share
 *   kind 13 per shard and slice:  bytes, records per 1/256 of the shard's range (load-weighted split)
 *   kind 14 per shard and minute: bytes, records (the minute in `second`)
 *
 * (kind = grouping(partition_key, second, slice, minute): a bit is set for each column left out.)
 *
 * The records' span decides which of seconds and minutes come back, as the local analysis decides
 * which it uses (shard-stats.ts MAX_PER_SECOND_SPAN): up to 6 hours every second with records (and
 * no minute); beyond, every minute plus only the seconds that can be over the write limit (over
 * 1 MiB or 1000 records, or holding a record over 1 MiB). A 7-day window over 8 shards is then at
 * most 80,640 minute rows instead of 4.8 million second rows.
 * The same model is rendered for Athena and for DuckDB (sql-model.ts); the DuckDB rendering runs in
 * the tests and must reproduce the local analysis exactly.
 */
import {
  type Dialect,
  type Expr,
  type Query,
  quoteIdent,
  quoteTableName,
  renderQuery,
  type TimeFormat,
} from '../../athena/sql-model.js'
import {type ShardRange, sortRanges} from '../hash-key.js'
import {SHARD_WRITE_BYTES_PER_SEC, SHARD_WRITE_RECORDS_PER_SEC} from '../load-profile.js'
import {KEY_LOAD_HEAVY_KEYS, SLICES_PER_SHARD} from '../load-tally.js'
import {MAX_PER_SECOND_SPAN} from '../shard-stats.js'

/** Columns of the query's result, in order (load-aggregates.ts reads them by position). */
export const LOAD_COLUMNS = [
  'kind',
  'shard_index',
  'partition_key',
  'second',
  'slice',
  'bytes',
  'records',
  'max_record_bytes',
  'first_second',
  'last_second',
] as const

/** The result columns selected unchanged from the previous step. */
function passThrough(): Array<{as: string; expr: Expr}> {
  return LOAD_COLUMNS.map((c) => ({as: c, expr: {column: c}}))
}

export const KIND_SHARD = 15
export const KIND_SECOND = 11
export const KIND_KEY = 7
export const KIND_SLICE = 13
export const KIND_MINUTE = 14

export interface LoadQueryModel {
  /** Column of the record's data size in bytes; without it only the key's bytes are counted (as offline). */
  bytesColumn?: string | undefined
  keyColumn: string
  /** Extra predicates on partition columns (time push-down), already rendered-independent. */
  partitionFilters?: Expr[] | undefined
  ranges: readonly ShardRange[]
  /** `db.table` */
  table: string
  timeColumn?: string | undefined
  timeFormat?: TimeFormat | undefined
  /** Keys returned per shard (the local analysis keeps its 1000 heaviest for split points). */
  topKeysPerShard?: number | undefined
  window?: undefined | {endMs: number; startMs: number}
}

const TWO_32 = 4_294_967_296

/** A hash key as the 32-digit uppercase hex both engines produce. */
export function hashKeyHex(key: bigint): string {
  return key.toString(16).toUpperCase().padStart(32, '0')
}

const col = (column: string, from?: string): Expr => (from ? {column, from} : {column})

/** part / whole as a double (0 when whole is 0), as the local analysis computes a share. */
function share(part: string, whole: string): string {
  return `CASE WHEN "${whole}" > 0 THEN CAST("${part}" AS DOUBLE) / CAST("${whole}" AS DOUBLE) ELSE CAST(0 AS DOUBLE) END`
}

/** What the records step reads: the table, its key, size and time columns, and the filters. */
export type RecordsSource = Pick<
  LoadQueryModel,
  'bytesColumn' | 'keyColumn' | 'partitionFilters' | 'table' | 'timeColumn' | 'timeFormat' | 'window'
>

/**
 * The first step of every query over archived records: per record, the MD5 hash key of its
 * partition key as 32 uppercase hex digits, the key, the bytes Kinesis counts (data + key's UTF-8
 * bytes) and the epoch second; the window and the partition filters applied.
 */
export function recordsCte(m: RecordsSource): Query['ctes'][number] {
  const key: Expr = {as: 'varchar', cast: col(m.keyColumn)}
  const keyBytes: Expr = {utf8Length: key}
  const recordBytes: Expr = m.bytesColumn
    ? {left: {args: [{as: 'bigint', cast: col(m.bytesColumn)}, {int: 0}], call: 'coalesce'}, op: '+', right: keyBytes}
    : keyBytes
  const format = m.timeFormat ?? 'timestamp'
  const second: Expr = m.timeColumn ? {epochSecond: col(m.timeColumn), format} : {as: 'bigint', cast: {sql: 'NULL'}}
  const where: Expr[] = [{sql: `${quoteIdent(m.keyColumn)} IS NOT NULL`}]
  if (m.window && m.timeColumn) {
    where.push(
      {epochMs: m.window.startMs, format, timeAtOrAfter: col(m.timeColumn)},
      {epochMs: m.window.endMs, format, timeBefore: col(m.timeColumn)},
    )
  }

  where.push(...(m.partitionFilters ?? []))
  return {
    body: {
      from: quoteTableName(m.table),
      items: [
        {as: 'hash_hex', expr: {md5Hex: key}},
        {as: 'partition_key', expr: key},
        {as: 'record_bytes', expr: recordBytes},
        {as: 'second', expr: second},
      ],
      where,
    },
    name: 'records',
  }
}

export function buildLoadQuery(m: LoadQueryModel): Query {
  const ranges = sortRanges(m.ranges)
  const hashHi: Expr = {
    left: {
      left: {hexToDouble: {args: [col('hash_hex', 'rec'), {int: 1}, {int: 8}], call: 'substr'}},
      op: '*',
      right: {double: TWO_32},
    },
    op: '+',
    right: {hexToDouble: {args: [col('hash_hex', 'rec'), {int: 9}, {int: 8}], call: 'substr'}},
  }
  // The slice of the shard's range, with the same double arithmetic as LoadTally.sliceOf.
  const slice: Expr = {
    args: [
      {int: SLICES_PER_SHARD - 1},
      {
        args: [
          {int: 0},
          {
            as: 'bigint',
            cast: {
              args: [
                {
                  left: {
                    left: {left: hashHi, op: '-', right: col('start_hi', 'r')},
                    op: '/',
                    right: col('width_hi', 'r'),
                  },
                  op: '*',
                  right: {double: SLICES_PER_SHARD},
                },
              ],
              call: 'floor',
            },
          },
        ],
        call: 'greatest',
      },
    ],
    call: 'least',
  }
  return {
    ctes: [
      {
        body: {
          values: ranges.map((r, i) => [
            {int: i},
            {str: hashKeyHex(r.startingHashKey)},
            {str: hashKeyHex(r.endingHashKey)},
            {double: Number(r.startingHashKey >> 64n)},
            {double: Math.max(Number((r.endingHashKey - r.startingHashKey + 1n) >> 64n), 1)},
          ]),
        },
        columns: ['shard_index', 'lo', 'hi', 'start_hi', 'width_hi'],
        name: 'ranges',
      },
      recordsCte(m),
      {
        body: {
          from: '"records" rec',
          items: [
            {as: 'shard_index', expr: col('shard_index', 'r')},
            {as: 'partition_key', expr: col('partition_key', 'rec')},
            {as: 'record_bytes', expr: col('record_bytes', 'rec')},
            {as: 'second', expr: col('second', 'rec')},
            {
              as: 'minute',
              expr: {
                as: 'bigint',
                cast: {args: [{left: col('second', 'rec'), op: '/', right: {double: 60}}], call: 'floor'},
              },
            },
            {as: 'slice', expr: slice},
          ],
          joins: [
            {
              on: {
                left: {left: col('hash_hex', 'rec'), op: '>=', right: col('lo', 'r')},
                op: 'AND',
                right: {left: col('hash_hex', 'rec'), op: '<=', right: col('hi', 'r')},
              },
              table: '"ranges" r',
              type: 'LEFT',
            },
          ],
        },
        name: 'routed',
      },
      {
        body: {
          from: '"routed"',
          groupBy:
            'GROUPING SETS (("shard_index"), ("shard_index", "second"), ("shard_index", "partition_key"), ("shard_index", "slice"), ("shard_index", "minute"))',
          items: [
            {as: 'kind', expr: {sql: 'grouping("partition_key", "second", "slice", "minute")'}},
            {as: 'shard_index', expr: col('shard_index')},
            {as: 'partition_key', expr: col('partition_key')},
            // A minute row carries its minute here (the kind tells which).
            {as: 'second', expr: {sql: 'coalesce("second", "minute")'}},
            {as: 'slice', expr: col('slice')},
            {as: 'bytes', expr: {sql: 'sum("record_bytes")'}},
            {as: 'records', expr: {sql: 'count(*)'}},
            {as: 'max_record_bytes', expr: {sql: 'max("record_bytes")'}},
            {as: 'first_second', expr: {sql: 'min("second")'}},
            {as: 'last_second', expr: {sql: 'max("second")'}},
          ],
        },
        name: 'grouped',
      },
      {
        body: {
          from: '"grouped"',
          items: [
            ...passThrough(),
            {
              as: 'shard_bytes',
              expr: {sql: `max(CASE WHEN "kind" = ${KIND_SHARD} THEN "bytes" END) OVER (PARTITION BY "shard_index")`},
            },
            {
              as: 'shard_records',
              expr: {
                sql: `max(CASE WHEN "kind" = ${KIND_SHARD} THEN "records" END) OVER (PARTITION BY "shard_index")`,
              },
            },
            {
              // The records' span in seconds over every routed record, as the local analysis takes it.
              as: 'span_seconds',
              expr: {
                sql: `max(CASE WHEN "kind" = ${KIND_SHARD} AND "shard_index" IS NOT NULL THEN "last_second" END) OVER () - min(CASE WHEN "kind" = ${KIND_SHARD} AND "shard_index" IS NOT NULL THEN "first_second" END) OVER () + 1`,
              },
            },
          ],
        },
        name: 'totals',
      },
      {
        body: {
          from: '"totals"',
          items: [
            ...passThrough(),
            {as: 'span_seconds', expr: col('span_seconds')},
            {
              as: 'key_rank',
              // The local analysis's order: load share (the larger of bytes and records share), bytes, key.
              expr: {
                sql: `row_number() OVER (PARTITION BY "kind", "shard_index" ORDER BY greatest(${share('bytes', 'shard_bytes')}, ${share('records', 'shard_records')}) DESC, "bytes" DESC, "partition_key")`,
              },
            },
          ],
        },
        name: 'ranked',
      },
    ],
    select: {
      from: '"ranked"',
      items: passThrough(),
      orderBy: ['"kind"', '"shard_index"', '"second"', '"slice"', '"key_rank"'],
      where: [
        {sql: `("kind" <> ${KIND_KEY} OR "key_rank" <= ${m.topKeysPerShard ?? KEY_LOAD_HEAVY_KEYS})`},
        // Beyond 6 hours: minutes, and only the seconds that may be over the write limit.
        {
          sql: `("kind" <> ${KIND_SECOND} OR coalesce("span_seconds", 0) <= ${MAX_PER_SECOND_SPAN} OR "bytes" > ${SHARD_WRITE_BYTES_PER_SEC} OR "records" > ${SHARD_WRITE_RECORDS_PER_SEC} OR "max_record_bytes" > ${SHARD_WRITE_BYTES_PER_SEC})`,
        },
        {sql: `("kind" <> ${KIND_MINUTE} OR coalesce("span_seconds", 0) > ${MAX_PER_SECOND_SPAN})`},
      ],
    },
  }
}

export function renderLoadQuery(m: LoadQueryModel, dialect: Dialect): string {
  return renderQuery(buildLoadQuery(m), dialect)
}
