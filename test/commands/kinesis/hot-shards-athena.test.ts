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

import type {HotShardsResult} from '../../../src/lib/kinesis/hot-shards.js'

import KinesisHotShards from '../../../src/commands/kinesis/hot-shards.js'
import {hashKeyOfPartitionKey} from '../../../src/lib/kinesis/hash-key.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const athena = mockClient(AthenaClient)
const s3 = mockClient(S3Client)
const ID = '11111111-2222-3333-4444-555555555555'
const BASE = Date.UTC(2026, 11, 7, 9, 0, 0) / 1000

useTestAwsEnv()

/** Aggregate rows as Athena returns them: strings, NULL absent (kind, shard, key, second, slice, bytes, records, max, first, last). */
function rows(): Array<Array<string | undefined>> {
  const out: Array<Array<string | undefined>> = []
  // Shard 0 (of 2 even shards) gets "whale" at 1200 records/s for 3 minutes; shard 1 a trickle.
  const whaleShard = hashKeyOfPartitionKey('whale') < 1n << 127n ? 0 : 1
  const other = 1 - whaleShard
  let whaleBytes = 0
  let whaleRecords = 0
  for (let s = 0; s < 180; s++) {
    out.push(['11', String(whaleShard), undefined, String(BASE + s), undefined, '120000', '1200', '100'])
    whaleBytes += 120_000
    whaleRecords += 1200
  }

  out.push(
    ['11', String(other), undefined, String(BASE), undefined, '500', '5', '100'],
    [
      '15',
      String(whaleShard),
      undefined,
      undefined,
      undefined,
      String(whaleBytes),
      String(whaleRecords),
      '100',
      String(BASE),
      String(BASE + 179),
    ],
    ['15', String(other), undefined, undefined, undefined, '500', '5', '100', String(BASE), String(BASE)],
    ['7', String(whaleShard), 'whale', undefined, undefined, String(whaleBytes), String(whaleRecords), '100'],
    ['7', String(other), 'minnow', undefined, undefined, '500', '5', '100'],
    ['13', String(whaleShard), undefined, undefined, '17', String(whaleBytes), String(whaleRecords), '100'],
    ['13', String(other), undefined, undefined, '3', '500', '5', '100'],
  )
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
      Statistics: {DataScannedInBytes: 52_428_800, EngineExecutionTimeInMillis: 2100, TotalExecutionTimeInMillis: 2400},
      Status: {State: 'SUCCEEDED'},
      WorkGroup: 'primary',
    },
  })
  const all = rows()
  const header = {
    Data: [
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
    ].map((v) => ({VarCharValue: v})),
  }
  const toRow = (r: Array<string | undefined>) => ({Data: r.map((v) => (v === undefined ? {} : {VarCharValue: v}))})
  athena
    .on(GetQueryResultsCommand, {NextToken: undefined})
    .resolves({NextToken: 't2', ResultSet: {Rows: [header, ...all.slice(0, 100).map((r) => toRow(r))]}})
    .on(GetQueryResultsCommand, {NextToken: 't2'})
    .resolves({ResultSet: {Rows: all.slice(100).map((r) => toRow(r))}})
})

const ARGS = [
  'kinesis',
  'hot-shards',
  '--athena-table',
  'streams.orders_archive',
  '--key-column',
  'partition_key',
  '--bytes-column',
  'size',
  '--time-column',
  'arrival',
  '--shards',
  '2',
  '--start',
  '2026-12-07T09:00:00Z',
  '--end',
  '2026-12-07T10:00:00Z',
]

describe('kinesis hot-shards --athena-table', () => {
  it('runs the load query in Athena and returns the local analysis shape, with what it scanned and cost', async () => {
    const run = await runJson<HotShardsResult & {athena: {partitions: string; stats: {costUsd: number}}}>(ARGS)
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    expect(result.verdict).toBe('hot-key')
    expect(result.hotKeys[0]).toMatchObject({exceedsShardLimit: true, partitionKey: 'whale', recordsPerSec: 1200})
    expect(result.shards).toHaveLength(2)
    expect(result.athena.partitions).toContain("datehour BETWEEN '2026/12/07/09' AND '2026/12/07/09'")
    expect(result.athena.stats.costUsd).toBe(0.000_238)
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`"datehour" BETWEEN '2026/12/07/09' AND '2026/12/07/09'`)
    expect(sql).toContain('to_hex(md5(to_utf8(CAST("partition_key" AS VARCHAR))))')
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryExecutionContext).toEqual({
      Database: 'streams',
    })
    expectCallsDeclared(KinesisHotShards.iam, {athena, s3})
  })

  it('--print-sql prints the query and the partitions it reads, and runs nothing', async () => {
    const run = await runText([...ARGS, '--print-sql'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('GROUPING SETS')
    expect(run.stdout).toContain("-- partitions: datehour BETWEEN '2026/12/07/09' AND '2026/12/07/09'")
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })

  it('--max-scan-gb refuses a query whose partitions hold more than that, before running it', async () => {
    s3.on(ListObjectsV2Command).resolves({Contents: [{Key: 'orders/2026/12/07/09/a.gz', Size: 3 * 1_073_741_824}]})
    const run = await runJson([...ARGS, '--max-scan-gb', '2'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/would read up to 3.00 GB \(1 objects; datehour BETWEEN/)
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({
      Bucket: 'archive-bucket',
      Prefix: 'orders/2026/12/07/09/',
    })
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
    expectCallsDeclared(KinesisHotShards.iam, {athena, s3})
  })

  it('names a missing --key-column and an unknown column', async () => {
    const noKey = await runJson(['kinesis', 'hot-shards', '--athena-table', 'streams.orders_archive', '--shards', '2'])
    expect(errorOf(noKey).message).toMatch(/--athena-table needs --key-column/)
    const bad = await runJson([...ARGS.slice(0, 5), 'pk', '--shards', '2'])
    expect(errorOf(bad).message).toBe('--key-column pk: the table has no such column')
  })
})
