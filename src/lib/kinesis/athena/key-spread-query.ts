/**
 * `kinesis key-spread` as one SQL query over a table of archived records: each record's key hashed
 * as Kinesis does (./load-query.ts `recordsCte`), summed per distinct key, then each key placed on
 * AWS's initial even ranges of every shard count asked for, with integer arithmetic only, so the
 * placement is exact without 128-bit numbers (which neither Athena nor DuckDB's DECIMAL(38) hold):
 *
 *   even ranges of N shards start at i·step, step = ⌊2^128 / N⌋, the last one ends at 2^128 − 1.
 *   j = ⌊h·N / 2^128⌋ is computed word by word (h as four 32-bit words, carries < 2^47, exact in
 *   BIGINT and in doubles); the shard is j, or j + 1 when h ≥ (j+1)·step, which holds exactly when
 *   the low 128 bits of h·N are ≥ 2^128 − (j+1)·r, r = 2^128 mod N (a handful of hash values below
 *   each boundary), capped at N − 1.
 *
 * Rows returned (kind):
 *   'total'      one row: bytes, records, distinct keys, first and last epoch second
 *   'shard-key'  per shard count and shard: its heaviest keys (exact counts, the local order:
 *                load share, bytes, key) with the shard's totals; every shard with records has one
 *   'key'        every distinct key's hash and totals, only when there are at most `searchKeyLimit`
 *                keys: the smallest-shard-count search runs on them (as the local analysis does)
 *
 * With `approximate`, the 'shard-key' rows come from `approx_most_frequent` in Athena (counts of
 * records, estimated; ./approximate.ts) instead of an exact ranking.
 */
import {type Dialect, type Expr, type Query, renderQuery, type Select} from '../../athena/sql-model.js'
import {HASH_KEY_SPACE} from '../hash-key.js'
import {recordsCte, type RecordsSource} from './load-query.js'

/** Columns of the query's result, in order, and the type of each (NULL is cast to it). */
const COLUMNS = [
  ['kind', 'varchar'],
  ['shard_count', 'bigint'],
  ['shard_index', 'bigint'],
  ['partition_key', 'varchar'],
  ['hash_hex', 'varchar'],
  ['bytes', 'bigint'],
  ['records', 'bigint'],
  ['shard_bytes', 'bigint'],
  ['shard_records', 'bigint'],
  ['distinct_keys', 'bigint'],
  ['first_second', 'bigint'],
  ['last_second', 'bigint'],
] as const

export type KeySpreadColumn = (typeof COLUMNS)[number][0]
export const KEY_SPREAD_COLUMNS: KeySpreadColumn[] = COLUMNS.map(([name]) => name)

export interface KeySpreadQueryModel extends RecordsSource {
  /** Distinct keys returned one by one for the smallest-shard-count search; beyond it, none. */
  searchKeyLimit: number
  shardCounts: readonly number[]
  /** Heaviest keys returned per shard (of every count: the hottest shard is chosen afterwards). */
  topKeys: number
}

const TWO_32 = 4_294_967_296
const MAX_WORD = TWO_32 - 1

type Op = '*' | '+' | '-' | '/' | '=' | '>=' | 'AND'
const col = (column: string): Expr => ({column})
const int = (n: number): Expr => ({int: n})
const op = (left: Expr, o: Op, right: Expr): Expr => ({left, op: o, right})

/** ⌊x / 2^32⌋ of a non-negative BIGINT below 2^53 (exact in a double: the divisor is a power of two). */
function high(x: Expr): Expr {
  return {as: 'bigint', cast: {args: [op(x, '/', {double: TWO_32})], call: 'floor'}}
}

/** x mod 2^32 of a non-negative BIGINT below 2^53. */
function low(x: Expr): Expr {
  return op(x, '-', op(high(x), '*', int(TWO_32)))
}

/** The i-th 32-bit word (0 = most significant) of the 32-digit hex hash, as a BIGINT. */
function word(i: number): Expr {
  return {as: 'bigint', cast: {hexToDouble: {args: [col('hash_hex'), int(i * 8 + 1), int(8)], call: 'substr'}}}
}

function share(part: string, whole: string): string {
  return `CASE WHEN "${whole}" > 0 THEN CAST("${part}" AS DOUBLE) / CAST("${whole}" AS DOUBLE) ELSE CAST(0 AS DOUBLE) END`
}

function passing(names: readonly string[]): Select['items'] {
  return names.map((n) => ({as: n, expr: col(n)}))
}

/** One output block: the given columns, NULL (typed) for the rest, in KEY_SPREAD_COLUMNS order. */
function outputRow(
  kind: string,
  from: string,
  values: ReadonlyArray<readonly [KeySpreadColumn, Expr]>,
  where?: Expr[],
): Select {
  const given = new Map(values)
  return {
    from,
    items: COLUMNS.map(([name, type]) => ({
      as: name,
      expr: name === 'kind' ? {str: kind} : (given.get(name) ?? {as: type, cast: {sql: 'NULL'}}),
    })),
    where,
  }
}

const KEY_COLUMNS = ['hash_hex', 'partition_key', 'bytes', 'records', 'shard_count', 'remainder']

/** Step k of the word-by-word product h·N: word k times N plus the carry out of the step below. */
function productStep(w: string, below: string): Expr {
  return op(op(col(w), '*', col('shard_count')), '+', high(col(below)))
}

/** The even-range shard of the hash for N = shard_count, from the product's words (see the file comment). */
function evenShardIndex(): Expr {
  const j = high(col('p0'))
  let pastBoundary = op(low(col('p0')), '=', int(MAX_WORD))
  for (const next of [
    op(col('f1'), '=', int(MAX_WORD)),
    op(col('f2'), '=', int(MAX_WORD)),
    op(col('f3'), '>=', op(int(TWO_32), '-', op(op(j, '+', int(1)), '*', col('remainder')))),
  ])
    pastBoundary = op(pastBoundary, 'AND', next)
  return {
    args: [
      op(col('shard_count'), '-', int(1)),
      op(j, '+', {caseWhen: pastBoundary, elseValue: int(0), thenValue: int(1)}),
    ],
    call: 'least',
  }
}

export function buildKeySpreadQuery(m: KeySpreadQueryModel): Query {
  const counts = [...new Set(m.shardCounts)].sort((a, b) => a - b)
  const step = (name: string, from: string, keep: string[], items: Select['items']) => ({
    body: {from, items: [...passing(keep), ...items]},
    name,
  })
  return {
    ctes: [
      recordsCte(m),
      {
        body: {
          from: '"records"',
          groupBy: '"hash_hex", "partition_key"',
          items: [
            ...passing(['hash_hex', 'partition_key']),
            {as: 'bytes', expr: {sql: 'sum("record_bytes")'}},
            {as: 'records', expr: {sql: 'count(*)'}},
            {as: 'first_second', expr: {sql: 'min("second")'}},
            {as: 'last_second', expr: {sql: 'max("second")'}},
          ],
        },
        name: 'keys',
      },
      {
        body: {values: counts.map((n) => [int(n), {int: HASH_KEY_SPACE % BigInt(n)}])},
        columns: ['shard_count', 'remainder'],
        name: 'counts',
      },
      step('step3', '"keys" CROSS JOIN "counts"', KEY_COLUMNS, [
        {as: 'w0', expr: word(0)},
        {as: 'w1', expr: word(1)},
        {as: 'w2', expr: word(2)},
        {as: 'p3', expr: op(word(3), '*', col('shard_count'))},
      ]),
      step(
        'step2',
        '"step3"',
        [...KEY_COLUMNS, 'w0', 'w1'],
        [
          {as: 'f3', expr: low(col('p3'))},
          {as: 'p2', expr: productStep('w2', 'p3')},
        ],
      ),
      step(
        'step1',
        '"step2"',
        [...KEY_COLUMNS, 'w0', 'f3'],
        [
          {as: 'f2', expr: low(col('p2'))},
          {as: 'p1', expr: productStep('w1', 'p2')},
        ],
      ),
      step(
        'step0',
        '"step1"',
        [...KEY_COLUMNS, 'f3', 'f2'],
        [
          {as: 'f1', expr: low(col('p1'))},
          {as: 'p0', expr: productStep('w0', 'p1')},
        ],
      ),
      step(
        'placed',
        '"step0"',
        ['partition_key', 'bytes', 'records', 'shard_count'],
        [{as: 'shard_index', expr: evenShardIndex()}],
      ),
      step(
        'shard_totals',
        '"placed"',
        ['partition_key', 'bytes', 'records', 'shard_count', 'shard_index'],
        [
          {as: 'shard_bytes', expr: {sql: 'sum("bytes") OVER (PARTITION BY "shard_count", "shard_index")'}},
          {as: 'shard_records', expr: {sql: 'sum("records") OVER (PARTITION BY "shard_count", "shard_index")'}},
        ],
      ),
      step(
        'ranked',
        '"shard_totals"',
        ['partition_key', 'bytes', 'records', 'shard_count', 'shard_index', 'shard_bytes', 'shard_records'],
        [
          {
            as: 'key_rank',
            // The local analysis's order: load share (the larger of bytes and records share), bytes, key.
            expr: {
              sql: `row_number() OVER (PARTITION BY "shard_count", "shard_index" ORDER BY greatest(${share('bytes', 'shard_bytes')}, ${share('records', 'shard_records')}) DESC, "bytes" DESC, "partition_key")`,
            },
          },
        ],
      ),
    ],
    select: outputRow('total', '"keys"', [
      ['bytes', {sql: 'sum("bytes")'}],
      ['records', {sql: 'sum("records")'}],
      ['distinct_keys', {sql: 'count(*)'}],
      ['first_second', {sql: 'min("first_second")'}],
      ['last_second', {sql: 'max("last_second")'}],
    ]),
    unionAll: [
      outputRow(
        'shard-key',
        '"ranked"',
        (
          ['shard_count', 'shard_index', 'partition_key', 'bytes', 'records', 'shard_bytes', 'shard_records'] as const
        ).map((c) => [c, col(c)] as const),
        [{sql: `"key_rank" <= ${m.topKeys}`}],
      ),
      outputRow(
        'key',
        '"keys"',
        (['hash_hex', 'bytes', 'records'] as const).map((c) => [c, col(c)] as const),
        [{sql: `(SELECT count(*) FROM "keys") <= ${m.searchKeyLimit}`}],
      ),
    ],
  }
}

export function renderKeySpreadQuery(m: KeySpreadQueryModel, dialect: Dialect): string {
  return renderQuery(buildKeySpreadQuery(m), dialect)
}
