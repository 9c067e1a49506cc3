/**
 * The load query, rendered for DuckDB and run over generated records, must give exactly the
 * local analysis of the same records (same shape, same numbers): one SQL model, two dialects.
 */
import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {analyseTableLoad, type SqlEngine, tableLoadSql} from '../../../../src/lib/kinesis/athena/hot-shards-sql.js'
import {hashKeyHex, KIND_MINUTE, KIND_SECOND} from '../../../../src/lib/kinesis/athena/load-query.js'
import {evenRanges, hashKeyOfPartitionKey, type ShardRange} from '../../../../src/lib/kinesis/hash-key.js'
import {analyseHotShards, type HotShardsOptions, type HotShardsResult} from '../../../../src/lib/kinesis/hot-shards.js'
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
    'whale',
    'café-ü',
    '🐳-emoji',
    'key with space',
    "it's",
    ...Array.from({length: 300}, (_, i) => `user-${i}`),
  ]
  const out: Rec[] = []
  for (let i = 0; i < count; i++) {
    const r = rnd()
    // A third of the records carry one key; the rest follow a skewed spread over 304 keys.
    const key = r < 0.33 ? 'whale' : keys[Math.floor(rnd() ** 2 * keys.length)]!
    const tsMs = start + Math.floor(rnd() * 240_000) + (i % 7 === 0 ? 0.4 : 0)
    const bytes = i === 17 ? 1_100_000 : 50 + Math.floor(rnd() * 4000)
    out.push({bytes, key, tsMs: Math.floor(tsMs)})
  }

  return out
}

const OPTIONS: HotShardsOptions = {endMs: 0, minMinutes: 1, source: 'auto', startMs: 0, threshold: 0.01, topKeys: 5}

async function localAnalysis(recs: Rec[], ranges: ShardRange[]) {
  const lines = recs.map((r) =>
    JSON.stringify({bytes: r.bytes, partitionKey: r.key, timestamp: new Date(r.tsMs).toISOString()}),
  )
  return analyseHotShards(
    {},
    {...OPTIONS, offline: {lines, ranges, rangesSource: 'test', sourceName: 'recs.jsonl'}},
    testRunContext({now: () => new Date(0)}),
  )
}

/** The recommended reshard command names the input (a file or the table): the rest must be equal. */
function sameArgs(r: HotShardsResult): HotShardsResult {
  return {
    ...r,
    recommendations: r.recommendations.map((x) =>
      x.replace(/ --(records|athena-table) .*? \(prints/, ' INPUT (prints'),
    ),
  }
}

function unrouted(warnings: string[]): string | undefined {
  return warnings.find((x) => x.includes("fell in no shard's range"))
}

/** The query with its dialect nodes (the MD5 of the key) replaced by one symbol. */
function normalise(sql: string): string {
  return sql
    .replaceAll(/to_hex\(md5\(to_utf8\(([^)]*\))\)\)\)/g, 'H($1)')
    .replaceAll(/upper\(md5\(([^)]*\))\)\)/g, 'H($1)')
}

let instance: DuckDBInstance
let conn: DuckDBConnection

const duck: SqlEngine<undefined> = {
  dialect: 'duckdb',
  async run(sql) {
    const reader = await conn.runAndReadAll(sql)
    return {
      rows: reader.getRows().map((row) => row.map((v) => (v === null ? undefined : String(v)))),
      stats: undefined,
    }
  },
}

async function loadTable(name: string, recs: Rec[]): Promise<void> {
  await conn.run(`CREATE OR REPLACE TABLE ${name} (pk VARCHAR, data_size BIGINT, ts TIMESTAMP, ts_ms BIGINT)`)
  for (let i = 0; i < recs.length; i += 1000) {
    const values = recs
      .slice(i, i + 1000)
      .map((r) => `('${r.key.replaceAll("'", "''")}', ${r.bytes}, epoch_ms(${r.tsMs}), ${r.tsMs})`)
    await conn.run(`INSERT INTO ${name} VALUES ${values.join(',')}`)
  }
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:')
  conn = await instance.connect()
})

afterAll(() => {
  conn.closeSync()
})

describe('hot-shards over a table (DuckDB rendering of the Athena query)', () => {
  it('hashes keys as Kinesis does: DuckDB md5 hex = the TypeScript hash key', async () => {
    for (const key of ['whale', 'café-ü', '🐳-emoji', '']) {
      const {rows} = await duck.run(`SELECT upper(md5('${key}'))`)
      expect(rows[0]![0]).toBe(hashKeyHex(hashKeyOfPartitionKey(key)))
    }
  })

  it.each([
    ['4 even shards', evenRanges(4)],
    [
      'an uneven shard map with a narrow shard around the whale',
      (() => {
        const h = hashKeyOfPartitionKey('whale')
        const max = (1n << 128n) - 1n
        return [
          {endingHashKey: h - 1n, shardId: 'shardId-000000000010', startingHashKey: 0n},
          {endingHashKey: h + 1000n, shardId: 'shardId-000000000011', startingHashKey: h},
          {endingHashKey: max, shardId: 'shardId-000000000012', startingHashKey: h + 1001n},
        ]
      })(),
    ],
  ])('equals the local analysis exactly: %s', async (_name, ranges) => {
    const recs = generate(6000, 7)
    await loadTable('archived', recs)
    const local = await localAnalysis(recs, ranges)
    for (const timeFormat of ['timestamp', 'epoch-ms'] as const) {
      const sql = await analyseTableLoad(duck, {
        model: {
          bytesColumn: 'data_size',
          keyColumn: 'pk',
          table: 'archived',
          timeColumn: timeFormat === 'timestamp' ? 'ts' : 'ts_ms',
          timeFormat,
        },
        options: OPTIONS,
        ranges,
        rangesSource: 'test',
      })
      expect(sameArgs(sql.result)).toEqual(sameArgs(local.result))
      expect(sql.result.recommendations.join('\n')).toContain(
        `--athena-table archived --key-column pk --bytes-column data_size --time-column ${timeFormat === 'timestamp' ? 'ts' : 'ts_ms'}`,
      )
      expect(sql.profiles).toEqual(local.profiles)
      expect(sql.result.hotShards.length).toBeGreaterThan(0)
      expect(sql.result.shards.some((s) => s.split?.basis === 'load-weighted median')).toBe(true)
    }
  })

  it('counts records whose hash falls in no range, as the local analysis does', async () => {
    const recs = generate(500, 3)
    await loadTable('gappy', recs)
    const ranges = evenRanges(4).filter((_, i) => i !== 2)
    const local = await localAnalysis(recs, ranges)
    const sql = await analyseTableLoad(duck, {
      model: {bytesColumn: 'data_size', keyColumn: 'pk', table: 'gappy', timeColumn: 'ts'},
      options: OPTIONS,
      ranges,
      rangesSource: 'test',
    })
    expect(sql.result.shards).toEqual(local.result.shards)
    expect(unrouted(sql.warnings)).toBe(unrouted(local.warnings))
    expect(unrouted(sql.warnings)).toMatch(/^\d+ record\(s\)/)
  })

  it('beyond 6 hours returns minutes and only the seconds that may be over the limit, and still equals the local analysis', async () => {
    // 7 hours of a trickle over 300 keys, plus one second where 'whale' sends 1,300 records (over 1000/s).
    const start = Date.parse('2026-12-07T00:00:00.000Z')
    const rnd = lcg(5)
    const recs: Rec[] = Array.from({length: 2500}, (_, i) => ({
      bytes: 40 + Math.floor(rnd() * 900),
      key: `user-${Math.floor(rnd() * 300)}`,
      tsMs: start + Math.floor((i / 2500) * 7 * 3_600_000) + Math.floor(rnd() * 1000),
    }))
    for (let i = 0; i < 1300; i++) recs.push({bytes: 60, key: 'whale', tsMs: start + 3 * 3_600_000 + 500})
    recs.push({bytes: 1_200_000, key: 'user-1', tsMs: start + 5 * 3_600_000})
    await loadTable('week', recs)
    const ranges = evenRanges(3)
    const local = await localAnalysis(recs, ranges)
    const request = {
      model: {bytesColumn: 'data_size', keyColumn: 'pk', table: 'week', timeColumn: 'ts'},
      options: OPTIONS,
      ranges,
      rangesSource: 'test',
    }
    const sql = await analyseTableLoad(duck, request)
    expect(sameArgs(sql.result)).toEqual(sameArgs(local.result))
    expect(sql.profiles).toEqual(local.profiles)
    expect(local.result.shards.some((s) => (s.secondsOverLimit ?? 0) > 0)).toBe(true)
    // Bounded: one row per shard and minute (7 h = 421 minutes at most) and a handful of seconds.
    const {rows} = await duck.run(tableLoadSql(request, 'duckdb'))
    const kinds = (k: number) => rows.filter((r) => r[0] === String(k)).length
    expect(kinds(KIND_SECOND)).toBeLessThanOrEqual(3)
    expect(kinds(KIND_MINUTE)).toBeGreaterThan(400)
    expect(kinds(KIND_MINUTE)).toBeLessThanOrEqual(3 * 421)
  })

  it('renders one model for both dialects: only the dialect nodes differ', () => {
    const request = {
      model: {
        bytesColumn: 'size',
        keyColumn: 'partition_key',
        table: 'streams.orders_archive',
        timeColumn: 'arrival',
        window: {endMs: Date.parse('2026-12-07T11:00:00Z'), startMs: Date.parse('2026-12-07T10:00:00Z')},
      },
      options: OPTIONS,
      ranges: evenRanges(2),
      rangesSource: '2 even',
    }
    const trino = tableLoadSql(request, 'trino')
    const duckSql = tableLoadSql(request, 'duckdb')
    expect(trino).toContain('to_hex(md5(to_utf8(CAST("partition_key" AS VARCHAR))))')
    expect(trino).toContain(`"arrival" >= TIMESTAMP '2026-12-07 10:00:00.000'`)
    expect(trino).toContain('FROM "streams"."orders_archive"')
    expect(trino).toContain("'7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'")
    expect(duckSql).toContain('upper(md5(CAST("partition_key" AS VARCHAR)))')
    expect(normalise(trino).split('\n').length).toBe(normalise(duckSql).split('\n').length)
  })
})
