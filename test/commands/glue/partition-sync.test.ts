/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {GetPartitionsCommand, GetTableCommand, GlueClient, type Table} from '@aws-sdk/client-glue'
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {PartitionSyncResult} from '../../../src/lib/glue/partition-sync.js'

import GluePartitionSync from '../../../src/commands/glue/partition-sync.js'
import {awsError, MemoryGlue} from '../../fixtures/glue/memory-glue.js'
import {MemoryS3} from '../../fixtures/glue/memory-s3.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const s3Mock = mockClient(S3Client)
const glueMock = mockClient(GlueClient)

const SD = {
  Columns: [{Name: 'amount', Type: 'double'}],
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: {
    Parameters: {'serialization.format': '1'},
    SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
}
const TABLE: Table = {
  DatabaseName: 'sales',
  Name: 'orders',
  PartitionKeys: [
    {Name: 'region', Type: 'string'},
    {Name: 'dt', Type: 'date'},
  ],
  StorageDescriptor: {...SD, Location: 's3://lake/orders/'},
}
const BASE = ['glue', 'partition-sync', '--database', 'sales', '--table', 'orders']

function useLake(keys: string[], table: Table = TABLE): MemoryGlue {
  const memory = new MemoryS3(keys.map((key) => ({key, size: key.endsWith('/') || key.endsWith('_SUCCESS') ? 0 : 100})))
  s3Mock.on(ListObjectsV2Command).callsFake((input) => memory.list(input))
  const glue = new MemoryGlue(structuredClone(table))
  glue.install(glueMock)
  return glue
}

const days = ['2024-06-01', '2024-06-02', '2024-06-03']
const dataKeys = ['eu', 'us'].flatMap((r) => days.map((d) => `orders/region=${r}/dt=${d}/part-0.parquet`))

describe('glue partition-sync', () => {
  useTestAwsEnv()
  let dir: string

  beforeEach(async () => {
    s3Mock.reset()
    glueMock.reset()
    dir = await mkdtemp(path.join(tmpdir(), 'pipeops-glue-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('exits 0 with status ok when the catalog matches S3', async () => {
    const glue = useLake(dataKeys)
    for (const r of ['eu', 'us']) for (const d of days) glue.put([r, d], `s3://lake/orders/region=${r}/dt=${d}/`)
    const run = await runJson<PartitionSyncResult>(BASE)
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(run.envelope.status).toBe('ok')
    expect(result).toMatchObject({
      catalog: {partitions: 6, stale: 0},
      database: 'sales',
      keys: ['region', 'dt'],
      location: 's3://lake/orders/',
      table: 'orders',
      template: 's3://lake/orders/region=${region}/dt=${dt}/',
    })
    expect(result.plan).toEqual({add: [], anomalies: [], drift: [], drop: [], relocate: []})
    expect(result.scanned).toMatchObject({mode: 'walk', partitions: 6, prefixes: 3, requests: 3})
    expectCallsDeclared(GluePartitionSync.iam, {glue: glueMock, s3: s3Mock})
  })

  it('exits 1 (findings) on a dry run with differences, and changes nothing', async () => {
    const glue = useLake(dataKeys)
    glue.put(['eu', '2024-06-01'], 's3://lake/orders/region=eu/dt=2024-06-01/')
    const run = await runJson<PartitionSyncResult>(BASE)
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    expect(resultOf(run).plan.add).toHaveLength(5)
    expect(resultOf(run).plan.add[0]).toEqual({
      location: 's3://lake/orders/region=eu/dt=2024-06-02/',
      values: ['eu', '2024-06-02'],
    })
    expect(glue.count('BatchCreatePartition')).toBe(0)
    expect(glue.partitions.size).toBe(1)
  })

  it('applies with --apply --yes: exit 0, the applied counts in the result', async () => {
    const glue = useLake(dataKeys)
    glue.put(['eu', '2024-06-01'], 's3://lake/staging/eu/2024-06-01/')
    glue.put(['us', '2023-01-01'], 's3://lake/orders/region=us/dt=2023-01-01/')
    const run = await runJson<PartitionSyncResult>([...BASE, '--prune', '--force', '--apply', '--yes'])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.applied).toEqual({created: 5, deleted: 1, failed: [], updated: 1})
    expect(glue.partitions.size).toBe(6)
    expect(glue.partitions.get(JSON.stringify(['eu', '2024-06-01']))!.StorageDescriptor!.Location).toBe(
      's3://lake/orders/region=eu/dt=2024-06-01/',
    )
    expectCallsDeclared(GluePartitionSync.iam, {glue: glueMock, s3: s3Mock})
  })

  it('needs --yes to apply outside a terminal (exit 2)', async () => {
    useLake(dataKeys)
    const run = await runJson([...BASE, '--apply'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).code).toBe('ConfirmationRequired')
  })

  it('exits 7 with the failed entries when some partitions could not be applied, and a re-run finishes', async () => {
    const glue = useLake(dataKeys)
    glue.intercept = (op, _input, call) =>
      op === 'BatchCreatePartition' && call === 1
        ? {entryErrors: [{code: 'ResourceNumberLimitExceededException', values: ['us', '2024-06-03']}]}
        : undefined
    const run = await runJson<PartitionSyncResult>([...BASE, '--apply', '--yes'])
    expect(run.exitCode).toBe(7)
    const result = resultOf(run)
    expect(result.applied!.created).toBe(5)
    expect(result.applied!.failed).toEqual([
      {
        code: 'ResourceNumberLimitExceededException',
        message: 'ResourceNumberLimitExceededException (test)',
        operation: 'BatchCreatePartition',
        values: ['us', '2024-06-03'],
      },
    ])
    expect(run.envelope.warnings.join(' ')).toMatch(/run again to resume/)
    glue.intercept = undefined
    const again = await runJson<PartitionSyncResult>([...BASE, '--apply', '--yes'])
    expect(again.exitCode).toBe(0)
    expect(resultOf(again).applied).toMatchObject({created: 1, failed: []})
    expect(glue.partitions.size).toBe(6)
  })

  it('exits 7, not 3, when access is denied half-way through a step (some partitions were created)', async () => {
    const glue = useLake(
      Array.from({length: 250}, (_, i) => `orders/region=r${String(i).padStart(3, '0')}/dt=2024-06-01/part-0.parquet`),
    )
    glue.intercept = (op, _input, call) =>
      op === 'BatchCreatePartition' && call === 2
        ? awsError('AccessDeniedException', 'User is not authorized to perform: glue:BatchCreatePartition')
        : undefined
    const run = await runJson<PartitionSyncResult>([...BASE, '--apply', '--yes', '--concurrency', '1'])
    expect(run.exitCode).toBe(7)
    const result = resultOf(run)
    expect(result.applied!.created).toBe(100)
    expect(result.applied!.failed).toEqual([
      {
        code: 'AccessDeniedException',
        message: expect.stringMatching(/apply stopped at step create-1: access denied: User is not authorized/),
        operation: 'step',
        values: [],
      },
    ])
    expect(glue.partitions.size).toBe(100)
  })

  it('pushes --where/--since down to GetPartitions and reads 10 segments of 1000 without columns', async () => {
    useLake(dataKeys)
    const run = await runJson<PartitionSyncResult>([...BASE, '--where', 'region=eu', '--since', '100000d'])
    expect(run.exitCode).toBe(1)
    const calls = glueMock.commandCalls(GetPartitionsCommand).map((c) => c.args[0].input)
    expect(calls).toHaveLength(10)
    expect(calls.map((c) => c.Segment?.SegmentNumber).sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(calls[0]).toMatchObject({ExcludeColumnSchema: true, MaxResults: 1000, Segment: {TotalSegments: 10}})
    expect(calls[0]!.Expression).toMatch(/^region = 'eu' AND dt >= '\d{4}-\d{2}-\d{2}'$/)
    expect(resultOf(run).plan.add.map((a) => a.values[0])).toEqual(['eu', 'eu', 'eu'])
    // Only region=eu/ was listed below the root.
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix)).toEqual([
      'orders/',
      'orders/region=eu/',
    ])
  })

  it('reads partition columns with --check-columns and reports column drift', async () => {
    const glue = useLake(dataKeys.slice(0, 1))
    glue.put(['eu', '2024-06-01'], 's3://lake/orders/region=eu/dt=2024-06-01/', {
      Columns: [{Name: 'amount', Type: 'float'}],
    })
    const plain = await runJson<PartitionSyncResult>(BASE)
    expect(plain.exitCode).toBe(0)
    const checked = await runJson<PartitionSyncResult>([...BASE, '--check-columns'])
    expect(checked.exitCode).toBe(1)
    expect(resultOf(checked).plan.drift).toEqual([
      {
        differences: ['column amount: float ≠ table double'],
        location: 's3://lake/orders/region=eu/dt=2024-06-01/',
        values: ['eu', '2024-06-01'],
      },
    ])
    expect(glueMock.commandCalls(GetPartitionsCommand).at(-1)!.args[0].input.ExcludeColumnSchema).toBe(false)
    const repaired = await runJson<PartitionSyncResult>([...BASE, '--repair-schema', '--apply', '--yes'])
    expect(resultOf(repaired).applied).toMatchObject({updated: 1})
    expect(glue.partitions.get(JSON.stringify(['eu', '2024-06-01']))!.StorageDescriptor!.Columns).toEqual([
      {Name: 'amount', Type: 'double'},
    ])
  })

  it('maps a missing table to exit 4', async () => {
    useLake(dataKeys)
    glueMock.on(GetTableCommand).rejects(awsError('EntityNotFoundException', 'Table orders not found.'))
    const run = await runJson(BASE)
    expect(run.exitCode).toBe(4)
    expect(errorOf(run).message).toMatch(/Table orders not found/)
  })

  it('refuses a projection-enabled table with exit 2 and the properties to use', async () => {
    useLake(dataKeys, {...TABLE, Parameters: {'projection.enabled': 'true'}})
    const run = await runJson(BASE)
    expect(run.exitCode).toBe(2)
    const error = errorOf(run)
    expect(error.code).toBe('ProjectionEnabled')
    expect(error.suggestions.join(' ')).toContain("'projection.dt.type'='date'")
  })

  it('refuses drops over --max-drop-pct on --apply (exit 2), and shows them on a dry run', async () => {
    const glue = useLake(dataKeys.slice(0, 1))
    for (const d of days) glue.put(['eu', d], `s3://lake/orders/region=eu/dt=${d}/`)
    const refused = await runJson([...BASE, '--prune', '--apply', '--yes'])
    expect(refused.exitCode).toBe(2)
    expect(errorOf(refused)).toMatchObject({code: 'DropGuard'})
    expect(errorOf(refused).message).toMatch(/would drop 2 of 3 catalog partition\(s\) \(66.7 % > --max-drop-pct 10\)/)
    expect(glue.count('BatchDeletePartition')).toBe(0)
    const dry = await runJson<PartitionSyncResult>([...BASE, '--prune'])
    expect(dry.exitCode).toBe(1)
    expect(resultOf(dry).plan.drop).toHaveLength(2)
    expect(resultOf(dry).refusals).toHaveLength(1)
  })

  it('works offline from aws glue get-table / get-partitions output', async () => {
    useLake(dataKeys)
    await writeFile(path.join(dir, 'table.json'), JSON.stringify({Table: TABLE}))
    await writeFile(
      path.join(dir, 'partitions.json'),
      JSON.stringify({
        Partitions: [
          {
            StorageDescriptor: {...SD, Location: 's3://lake/orders/region=eu/dt=2024-06-01/'},
            Values: ['eu', '2024-06-01'],
          },
        ],
      }),
    )
    const run = await runJson<PartitionSyncResult>([
      'glue',
      'partition-sync',
      '--table-json',
      path.join(dir, 'table.json'),
      '--partitions-json',
      path.join(dir, 'partitions.json'),
      '--where',
      'region=eu',
    ])
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    expect(result.plan.add.map((a) => a.values)).toEqual([
      ['eu', '2024-06-02'],
      ['eu', '2024-06-03'],
    ])
    expect(result.scope.where).toEqual({region: 'eu'})
    expect(glueMock.calls()).toHaveLength(0)
  })

  it('rejects bad input with the documented codes', async () => {
    useLake(dataKeys)
    await writeFile(path.join(dir, 'bad.json'), '{not json')
    const badFile = await runJson([
      'glue',
      'partition-sync',
      '--table-json',
      path.join(dir, 'bad.json'),
      '--partitions-json',
      path.join(dir, 'bad.json'),
    ])
    expect(badFile.exitCode).toBe(6)
    expect(errorOf(badFile).message).toMatch(/--table-json: .*bad.json is not valid JSON/)
    const missing = await runJson(['glue', 'partition-sync', '--database', 'sales'])
    expect(missing.exitCode).toBe(2)
    expect(errorOf(missing).message).toBe('missing --table')
    const half = await runJson(['glue', 'partition-sync', '--table-json', 'x.json'])
    expect(errorOf(half).message).toMatch(/needs both --table-json and --partitions-json/)
    const since = await runJson([...BASE, '--since', 'soon'])
    expect(since.exitCode).toBe(2)
    expect(errorOf(since).message).toMatch(/--since "soon" is not a duration/)
    const template = await runJson([...BASE, '--template', 's3://lake/orders/${region}/'])
    expect(errorOf(template).message).toMatch(/no placeholder for \$\{dt\}/)
    const where = await runJson([...BASE, '--where', 'country=de'])
    expect(errorOf(where).message).toMatch(/"country" is not a partition key/)
  })

  it('saves a plan with --plan-out and applies it later with --plan', async () => {
    const glue = useLake(dataKeys)
    const file = path.join(dir, 'plan.json')
    const dry = await runJson([...BASE, '--plan-out', file])
    expect(dry.exitCode).toBe(1)
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      kind: string
      steps: Array<{operation: string; params: {entries: unknown[]}}>
    }
    expect(saved.kind).toBe('glue partition-sync')
    expect(saved.steps.map((s) => [s.operation, s.params.entries.length])).toEqual([['BatchCreatePartition', 6]])
    const applied = await runJson<PartitionSyncResult>([...BASE, '--plan', file, '--yes'])
    expect(applied.exitCode).toBe(0)
    expect(resultOf(applied).applied).toMatchObject({created: 6})
    expect(resultOf(applied).plan.add).toHaveLength(6)
    expect(glue.partitions.size).toBe(6)
  })

  it('prints a readable report for people', async () => {
    const glue = useLake([...dataKeys, 'orders/region=eu/_SUCCESS', 'orders/junk/x'])
    glue.put(['us', '2024-06-01'], 's3://lake/orders/region=us/dt=2024-06-01/', {
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    })
    const run = await runText(BASE)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/Table\s+sales\.orders/)
    expect(run.stdout).toMatch(/Differences: 5 to add, 0 to drop, 0 to relocate, 1 with schema drift, 1 anomaly/)
    expect(run.stdout).toMatch(/eu \/ 2024-06-01\s+│ s3:\/\/lake\/orders\/region=eu\/dt=2024-06-01\//)
    expect(run.stdout).toMatch(/InputFormat org.apache.hadoop.mapred.TextInputFormat ≠ table/)
    expect(run.stdout).toMatch(/no-template-match/)
    expect(run.stderr).toMatch(/--repair-schema/)
  })
})
