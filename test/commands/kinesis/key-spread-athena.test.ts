/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  GetWorkGroupCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {KeySpreadResult} from '../../../src/lib/kinesis/key-spread.js'

import KinesisKeySpread from '../../../src/commands/kinesis/key-spread.js'
import {hashKeyHex} from '../../../src/lib/kinesis/athena/load-query.js'
import {bigIntToWords} from '../../../src/lib/kinesis/fast-md5.js'
import {evenRanges, hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {LoadTally} from '../../../src/lib/kinesis/load-tally.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const athena = mockClient(AthenaClient)
const s3 = mockClient(S3Client)
const ID = '22222222-3333-4444-5555-666666666666'
const BASE = Date.UTC(2026, 11, 1, 0, 0, 0) / 1000
const COLUMNS = [
  'kind',
  'shard_count',
  'shard_index',
  'partition_key',
  'hash_hex',
  'bytes',
  'records',
  'shard_bytes',
  'shard_records',
  'distinct_keys',
  'first_second',
  'last_second',
]

useTestAwsEnv()

const KEYS = [
  {bytes: 100_000, key: 'fleet-7', records: 1000},
  {bytes: 900, key: 'fleet-8', records: 10},
  {bytes: 700, key: 'fleet-9', records: 10},
]

function row(v: Partial<Record<string, number | string>>): Array<string | undefined> {
  return COLUMNS.map((c) => (v[c] === undefined ? undefined : String(v[c])))
}

function toRow(r: Array<string | undefined>) {
  return {Data: r.map((v) => (v === undefined ? {} : {VarCharValue: v}))}
}

/** The query's rows as Athena returns them (strings; NULL absent), for 2 and 4 even shards. */
function rows(): Array<Array<string | undefined>> {
  const out = [
    row({
      bytes: 101_600,
      distinct_keys: 3,
      first_second: BASE,
      kind: 'total',
      last_second: BASE + 59,
      records: 1020,
    }),
  ]
  for (const n of [2, 4]) {
    const tally = new LoadTally(evenRanges(n), 1)
    const placed = KEYS.map((k) => ({...k, shard: tally.locate(bigIntToWords(hashKeyOfPartitionKey(k.key)), 0)}))
    for (const k of placed) {
      const same = placed.filter((p) => p.shard === k.shard)
      out.push(
        row({
          bytes: k.bytes,
          kind: 'shard-key',
          partition_key: k.key,
          records: k.records,
          shard_bytes: same.reduce((a, p) => a + p.bytes, 0),
          shard_count: n,
          shard_index: k.shard,
          shard_records: same.reduce((a, p) => a + p.records, 0),
        }),
      )
    }
  }

  for (const k of KEYS)
    out.push(row({bytes: k.bytes, hash_hex: hashKeyHex(hashKeyOfPartitionKey(k.key)), kind: 'key', records: k.records}))
  return out
}

beforeEach(() => {
  athena.reset()
  s3.reset()
  athena.on(GetTableMetadataCommand).resolves({
    TableMetadata: {
      Columns: [
        {Name: 'partition_key', Type: 'string'},
        {Name: 'size', Type: 'bigint'},
        {Name: 'arrival', Type: 'timestamp'},
      ],
      Name: 'orders_archive',
      Parameters: {
        location: 's3://archive-bucket/orders/',
        'projection.datehour.format': 'yyyy/MM/dd/HH',
        'projection.enabled': 'true',
        'storage.location.template': 's3://archive-bucket/orders/${datehour}/',
      },
      PartitionKeys: [{Name: 'datehour', Type: 'string'}],
      TableType: 'EXTERNAL_TABLE',
    },
  })
  athena.on(GetWorkGroupCommand).resolves({
    WorkGroup: {Configuration: {ResultConfiguration: {OutputLocation: 's3://results/'}}, Name: 'primary'},
  })
  athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: ID})
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      QueryExecutionId: ID,
      ResultConfiguration: {OutputLocation: `s3://results/${ID}.csv`},
      Statistics: {
        DataScannedInBytes: 7_340_032_000,
        EngineExecutionTimeInMillis: 9100,
        TotalExecutionTimeInMillis: 9400,
      },
      Status: {State: 'SUCCEEDED'},
      WorkGroup: 'primary',
    },
  })
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {Rows: [{Data: COLUMNS.map((v) => ({VarCharValue: v}))}, ...rows().map((r) => toRow(r))]},
  })
})

const ARGS = [
  'kinesis',
  'key-spread',
  '--athena-table',
  'streams.orders_archive',
  '--key-column',
  'partition_key',
  '--bytes-column',
  'size',
  '--time-column',
  'arrival',
  '--shards',
  '2,4',
  '--start',
  '2026-12-01T00:00:00Z',
  '--end',
  '2026-12-01T02:00:00Z',
]

describe('kinesis key-spread --athena-table', () => {
  it('runs the spread query in Athena and returns the local result shape, with what it scanned and cost', async () => {
    const run = await runJson<KeySpreadResult & {athena: {partitions: string; stats: {costUsd: number}}}>(ARGS)
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result).toMatchObject({bytes: 101_600, distinctKeys: 3, records: 1020, span: {seconds: 60}})
    expect(result.counts.map((c) => c.shardCount)).toEqual([2, 4])
    expect(result.counts[0]!.hottest.topKeys[0]).toMatchObject({partitionKey: 'fleet-7', records: 1000})
    expect(result.counts[0]!.shards.reduce((a, s) => a + s.records, 0)).toBe(1020)
    expect(result.smallestShardCount).toEqual({maxUtilisation: expect.any(Number), shardCount: 1})
    expect(result.athena.partitions).toContain("datehour BETWEEN '2026/12/01/00' AND '2026/12/01/01'")
    expect(result.athena.stats.costUsd).toBe(0.033_379)
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain('to_hex(md5(to_utf8(CAST("partition_key" AS VARCHAR))))')
    expect(sql).toContain(`"datehour" BETWEEN '2026/12/01/00' AND '2026/12/01/01'`)
    expect(sql).toContain('(SELECT count(*) FROM "keys") <= 100000')
    expectCallsDeclared(KinesisKeySpread.iam, {athena, s3})
  })

  it('--print-sql prints the query and the partitions it reads, and runs nothing', async () => {
    const run = await runText([...ARGS, '--print-sql'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('CROSS JOIN "counts"')
    expect(run.stdout).toContain("-- partitions: datehour BETWEEN '2026/12/01/00' AND '2026/12/01/01'")
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })

  it('--max-scan-gb refuses, through the shared guard, before anything runs', async () => {
    s3.on(ListObjectsV2Command).resolves({Contents: [{Key: 'orders/2026/12/01/00/a.gz', Size: 5 * 1_073_741_824}]})
    const run = await runJson([...ARGS, '--max-scan-gb', '1'])
    expect(run.exitCode).toBe(2)
    // Two hour partitions (00 and 01), each listed: 2 × 5 GB.
    expect(errorOf(run).message).toMatch(/would read up to 10.00 GB \(2 objects; datehour BETWEEN/)
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })

  it('takes exactly one input: --records or --athena-table', async () => {
    const both = await runJson([...ARGS, '--records', 'x.jsonl'])
    expect(both.exitCode).toBe(2)
    const none = await runJson(['kinesis', 'key-spread', '--shards', '2'])
    expect(none.exitCode).toBe(2)
  })
})
