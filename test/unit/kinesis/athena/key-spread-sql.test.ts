import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {SqlEngine} from '../../../../src/lib/kinesis/athena/hot-shards-sql.js'

import {renderQuery} from '../../../../src/lib/athena/sql-model.js'
/**
 * The key-spread query, rendered for DuckDB and run over generated records, must give exactly the
 * local analysis of the same records (same shape, same numbers): one SQL model, two dialects. The
 * even-range placement is integer arithmetic on the hash's words; it is checked on the hash values
 * around every boundary, where a rounding error would show.
 */
import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {buildKeySpreadQuery} from '../../../../src/lib/kinesis/athena/key-spread-query.js'
import {analyseTableKeySpread, tableSpreadSql} from '../../../../src/lib/kinesis/athena/key-spread-sql.js'
import {hashKeyHex} from '../../../../src/lib/kinesis/athena/load-query.js'
import {bigIntToWords} from '../../../../src/lib/kinesis/fast-md5.js'
import {evenRanges, MAX_HASH_KEY} from '../../../../src/lib/kinesis/hash-key.js'
import {analyseKeySpread, type KeySpreadSettings} from '../../../../src/lib/kinesis/key-spread.js'
import {LoadTally} from '../../../../src/lib/kinesis/load-tally.js'
import {lcg} from '../../../helpers/seeded-random.js'

interface Rec {
  bytes: number
  key: string
  tsMs: number
}

function generate(count: number, seed: number): Rec[] {
  const rnd = lcg(seed)
  const start = Date.parse('2026-12-07T10:00:00.000Z')
  const keys = [
    'tenant-big',
    'zürich-ø',
    '🚚-fleet',
    "o'brien",
    'a b',
    ...Array.from({length: 150}, (_, i) => `dev-${i}`),
  ]
  return Array.from({length: count}, () => {
    const r = rnd()
    const key = r < 0.2 ? 'tenant-big' : keys[Math.floor(rnd() ** 2 * keys.length)]!
    return {bytes: 20 + Math.floor(rnd() * 3000), key, tsMs: start + Math.floor(rnd() * 300_000)}
  })
}

let instance: DuckDBInstance
let conn: DuckDBConnection

const duck: SqlEngine<undefined> = {
  dialect: 'duckdb',
  async run(sql) {
    const reader = await conn.runAndReadAll(sql)
    return {rows: reader.getRows().map((row) => row.map((v) => (v === null ? undefined : String(v)))), stats: undefined}
  },
}

async function loadTable(name: string, recs: Rec[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (pk VARCHAR, data_size BIGINT, ts TIMESTAMP)`)
  for (let i = 0; i < recs.length; i += 1000) {
    const values = recs
      .slice(i, i + 1000)
      .map((r) => `('${r.key.replaceAll("'", "''")}', ${r.bytes}, epoch_ms(${r.tsMs}))`)
    await conn.run(`INSERT INTO ${name} VALUES ${values.join(',')}`)
  }
}

const SETTINGS: KeySpreadSettings = {threshold: 0.02, topKeys: 5}

async function local(recs: Rec[], shardCounts: number[], extra: {maxDistinctKeys?: number} = {}) {
  const lines = recs.map((r) =>
    JSON.stringify({bytes: r.bytes, partitionKey: r.key, timestamp: new Date(r.tsMs).toISOString()}),
  )
  return analyseKeySpread({...SETTINGS, ...extra, lines, shardCounts, sourceName: 'recs.jsonl'}, testRunContext())
}

function model(table: string, shardCounts: number[], searchKeyLimit = 1_500_000) {
  return {bytesColumn: 'data_size', keyColumn: 'pk', searchKeyLimit, shardCounts, table, timeColumn: 'ts', topKeys: 5}
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  conn = await instance.connect()
  await loadTable('archived', generate(4000, 11))
})

afterAll(() => {
  conn.closeSync()
})

describe('key-spread over a table (DuckDB rendering of the Athena query)', () => {
  it('equals the local analysis exactly, smallest shard count included', async () => {
    const shardCounts = [1, 3, 4, 7, 64]
    const expected = await local(generate(4000, 11), shardCounts)
    const sql = await analyseTableKeySpread(duck, {model: model('archived', shardCounts), options: SETTINGS})
    expect(sql.result).toEqual(expected)
    expect(expected.smallestShardCount).not.toBeNull()
    expect(expected.counts[0]!.hottest.topKeys[0]!.partitionKey).toBe('tenant-big')
  })

  it('a key over the threshold alone, and a table without a time column (rates need --window)', async () => {
    const strict = {...SETTINGS, threshold: 0.005}
    const recs = generate(4000, 11)
    const lines = recs.map((r) =>
      JSON.stringify({bytes: r.bytes, partitionKey: r.key, timestamp: new Date(r.tsMs).toISOString()}),
    )
    const expected = await analyseKeySpread({...strict, lines, shardCounts: [2], sourceName: 'x'}, testRunContext())
    const sql = await analyseTableKeySpread(duck, {model: model('archived', [2]), options: strict})
    expect(sql.result).toEqual(expected)
    expect(expected.smallestShardCountNote).toMatch(/one key alone uses/)

    const untimed = {...model('archived', [2, 5]), timeColumn: undefined}
    const noTimes = recs.map((r) => JSON.stringify({bytes: r.bytes, partitionKey: r.key}))
    for (const windowSeconds of [undefined, 600]) {
      const options = {...SETTINGS, windowSeconds}
      const want = await analyseKeySpread(
        {...options, lines: noTimes, shardCounts: [2, 5], sourceName: 'x'},
        testRunContext(),
      )
      const got = await analyseTableKeySpread(duck, {model: untimed, options})
      expect(got.result).toEqual(want)
    }
  })

  it('more distinct keys than --max-distinct-keys: the rest of the result is the same, the search is not run', async () => {
    const expected = await local(generate(4000, 11), [4])
    const sql = await analyseTableKeySpread(duck, {model: model('archived', [4], 20), options: SETTINGS})
    expect(sql.result.smallestShardCount).toBeNull()
    expect(sql.result.smallestShardCountNote).toBe(
      'more than 20 distinct keys: the smallest shard count is not searched (raise --max-distinct-keys: each key is one result row)',
    )
    expect({...sql.result, smallestShardCountNote: undefined}).toEqual({
      ...expected,
      smallestShardCount: null,
      smallestShardCountNote: undefined,
    })
  })

  it('places hash keys on the even ranges exactly, at every boundary', async () => {
    const counts = [3, 7, 10, 9973]
    const hashes = new Set<bigint>([0n, 1n, MAX_HASH_KEY, MAX_HASH_KEY - 1n])
    for (const n of counts)
      for (const r of evenRanges(n).slice(0, 40))
        for (const d of [-2n, -1n, 0n, 1n]) if (r.startingHashKey + d >= 0n) hashes.add(r.startingHashKey + d)
    const query = buildKeySpreadQuery({...model('unused', counts), topKeys: 1_000_000})
    // The records and their per-key sums are replaced by the hash keys under test.
    query.ctes.splice(0, 2, {
      body: {
        values: [...hashes].map((h, i) => [
          {str: hashKeyHex(h)},
          {str: `k${i}`},
          {int: 1},
          {int: 1},
          {int: 0},
          {int: 0},
        ]),
      },
      columns: ['hash_hex', 'partition_key', 'bytes', 'records', 'first_second', 'last_second'],
      name: 'keys',
    })
    const {rows} = await duck.run(renderQuery(query, 'duckdb'))
    const byKey = new Map([...hashes].map((h, i) => [`k${i}`, h]))
    let checked = 0
    for (const n of counts) {
      const tally = new LoadTally(evenRanges(n), 1)
      for (const row of rows.filter((r) => r[0] === 'shard-key' && r[1] === String(n))) {
        const h = byKey.get(row[3]!)!
        expect([n, h, Number(row[2])]).toEqual([n, h, tally.locate(bigIntToWords(h), 0)])
        checked++
      }
    }

    expect(checked).toBe(hashes.size * counts.length)
  })

  it('renders one model for both dialects: only the dialect nodes differ', () => {
    const request = {model: {...model('streams.orders_archive', [4, 8])}, options: SETTINGS}
    const trino = tableSpreadSql(request, 'trino')
    const duckSql = tableSpreadSql(request, 'duckdb')
    expect(trino).toContain('to_hex(md5(to_utf8(CAST("pk" AS VARCHAR))))')
    expect(trino).toContain('CAST(from_base(substr("hash_hex", 1, 8), 16) AS DOUBLE)')
    expect(trino).toContain('FROM "streams"."orders_archive"')
    expect(duckSql).toContain('upper(md5(CAST("pk" AS VARCHAR)))')
    expect(trino.split('\n').length).toBe(duckSql.split('\n').length)
  })
})
