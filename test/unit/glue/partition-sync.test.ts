/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {GlueClient, type Table} from '@aws-sdk/client-glue'
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {PartialApplyError} from '../../../src/lib/core/errors.js'
import {applyPlan} from '../../../src/lib/core/plan.js'
import {testRunContext} from '../../../src/lib/core/run-context.js'
import {callFailureKind} from '../../../src/lib/glue/batch.js'
import {loadPartitionsJson} from '../../../src/lib/glue/catalog.js'
import {
  diffPartitions,
  PartitionSyncExecutor,
  type PartitionSyncOptions,
  planPartitionSync,
} from '../../../src/lib/glue/partition-sync.js'
import {preflight} from '../../../src/lib/glue/validate.js'
import {awsError, MemoryGlue} from '../../fixtures/glue/memory-glue.js'
import {MemoryS3} from '../../fixtures/glue/memory-s3.js'

const PARQUET = {
  Columns: [{Name: 'id', Type: 'bigint'}],
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: {
    Parameters: {'serialization.format': '1'},
    SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
}

function table(extra: Partial<Table> = {}): Table {
  return {
    DatabaseName: 'db',
    Name: 't',
    PartitionKeys: [
      {Name: 'region', Type: 'string'},
      {Name: 'n', Type: 'int'},
    ],
    StorageDescriptor: {...PARQUET, Location: 's3://lake/t/'},
    ...extra,
  }
}

function makeEnv(objects: string[], t: Table = table()) {
  const memory = new MemoryS3(objects.map((k) => ({key: k, size: k.endsWith('/') || k.endsWith('_SUCCESS') ? 0 : 10})))
  const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
  mockClient(s3)
    .on(ListObjectsV2Command)
    .callsFake((input) => memory.list(input))
  const glue = new GlueClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
  const catalog = new MemoryGlue(t)
  catalog.install(mockClient(glue))
  return {catalog, glue, memory, s3}
}

function options(extra: Partial<PartitionSyncOptions> = {}): PartitionSyncOptions {
  return {
    applyRequested: false,
    checkColumns: false,
    checkEmpty: false,
    concurrency: 4,
    database: 'db',
    force: false,
    fullListing: false,
    keyFormats: {},
    maxDropPct: 10,
    prune: false,
    repairSchema: false,
    segments: 10,
    table: 't',
    where: {},
    ...extra,
  }
}

const fast = {baseDelayMs: 1, concurrency: 4}
const noWait = testRunContext({async sleep() {}})

function partitionObjects(regions: string[], n: number): string[] {
  return regions.flatMap((r) => Array.from({length: n}, (_, i) => `t/region=${r}/n=${i}/part-0.parquet`))
}

async function syncAndApply(env: ReturnType<typeof makeEnv>, extra: Partial<PartitionSyncOptions> = {}) {
  const {plan, result} = await planPartitionSync(
    {glue: env.glue, s3: env.s3},
    options({applyRequested: true, ...extra}),
    testRunContext(),
  )
  const executor = new PartitionSyncExecutor({glue: env.glue}, fast, noWait)
  const report = await applyPlan(plan, executor, {resumeCommand: 'x'})
  return {executor, plan, report, result}
}

describe('diff', () => {
  it('classifies add, relocate, drift, drop (with --prune) and stale (without)', () => {
    const tableSd = {...PARQUET, Location: 's3://lake/t/'}
    const input = {
      catalog: [
        {location: 's3://lake/t/region=eu/n=1', sd: tableSd, values: ['eu', '1']},
        {location: 's3://lake/old/region=eu/n=2/', sd: tableSd, values: ['eu', '2']},
        {
          location: 's3://lake/t/region=eu/n=3/',
          sd: {...tableSd, SerdeInfo: {SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'}},
          values: ['eu', '3'],
        },
        {location: 's3://lake/t/region=eu/n=9/', sd: tableSd, values: ['eu', '9']},
      ],
      discovery: {
        anomalies: [],
        partitions: [
          {location: 's3://lake/t/region=eu/n=0/', values: ['eu', '0']},
          {location: 's3://lake/t/region=eu/n=1/', values: ['eu', '1']},
          {location: 's3://lake/t/region=eu/n=2/', values: ['eu', '2']},
          {location: 's3://lake/t/region=eu/n=3/', values: ['eu', '3']},
          {hasData: false, location: 's3://lake/t/region=eu/n=4/', values: ['eu', '4']},
          {location: 's3://lake/t/region=eu/n=x/', values: ['eu', 'x']},
        ],
      },
      keys: [
        {name: 'region', type: 'string'},
        {name: 'n', type: 'int'},
      ],
      repairSchema: false,
      root: 's3://lake/t/',
      tableSd,
    }
    const pruned = diffPartitions({...input, prune: true})
    expect(pruned.lists.add).toEqual([{location: 's3://lake/t/region=eu/n=0/', values: ['eu', '0']}])
    expect(pruned.lists.relocate).toEqual([
      {from: 's3://lake/old/region=eu/n=2/', to: 's3://lake/t/region=eu/n=2/', values: ['eu', '2']},
    ])
    expect(pruned.lists.drift).toHaveLength(1)
    expect(pruned.lists.drift[0]!.differences.join(' ')).toMatch(/SerDe org.openx.data.jsonserde.JsonSerDe ≠ table/)
    expect(pruned.lists.drop).toEqual([{location: 's3://lake/t/region=eu/n=9/', values: ['eu', '9']}])
    // The partition relocated from outside the root is synced by the relocation: not an anomaly.
    expect(pruned.lists.anomalies.map((a) => a.kind).sort()).toEqual(['invalid-value'])
    const notPruned = diffPartitions({...input, prune: false})
    expect(notPruned.lists.drop).toEqual([])
    expect(notPruned.stale).toHaveLength(1)
  })

  it('pre-flights every value: count, length, type, location length', () => {
    const keys = [
      {name: 'n', type: 'int'},
      {name: 'd', type: 'date'},
      {name: 's', type: 'varchar(3)'},
    ]
    expect(preflight(keys, ['1', '2024-02-29', 'abc'], 's3://b/x/')).toEqual([])
    expect(preflight(keys, ['1', '__HIVE_DEFAULT_PARTITION__', 'abc'], 's3://b/x/')).toEqual([])
    expect(preflight(keys, ['2147483648', '2023-02-29', 'abcd'], 's3://b/x/')).toEqual([
      '2147483648 is out of range for int (n)',
      '"2023-02-29" is not a date (yyyy-MM-dd) (d)',
      '"abcd" is longer than varchar(3) allows (s)',
    ])
    expect(preflight(keys, ['1', '2024-01-01'], 's3://b/x/')).toEqual(['2 value(s) for 3 partition key(s)'])
    expect(preflight([{name: 's', type: 'string'}], ['x'.repeat(1025)], `s3://b/${'y'.repeat(2050)}/`)).toEqual([
      's is 1025 characters long (Glue allows 1024)',
      'location is 2058 characters long (Glue allows 2056)',
    ])
  })
})

describe('plan and apply', () => {
  it('creates in batches of 100 with the table storage descriptor and the partition location', async () => {
    const env = makeEnv(partitionObjects(['eu', 'us'], 130))
    const {executor, plan} = await syncAndApply(env)
    expect(plan.steps.map((s) => s.operation)).toEqual(['BatchCreatePartition'])
    expect(env.catalog.partitions.size).toBe(260)
    const sizes = env.catalog.calls.filter((c) => c.op === 'BatchCreatePartition').map((c) => c.size)
    expect(sizes.every((n) => n <= 100)).toBe(true)
    expect(sizes.length).toBe(3)
    expect(executor.tally).toEqual({created: 260, deleted: 0, updated: 0})
    const p = env.catalog.partitions.get(JSON.stringify(['us', '7']))!
    expect(p.StorageDescriptor).toEqual({...PARQUET, Location: 's3://lake/t/region=us/n=7/'})
  })

  it('reads the catalog in 10 segments of at most 1000, without column schemas', async () => {
    const env = makeEnv(partitionObjects(['eu'], 5))
    for (let i = 0; i < 5; i++) env.catalog.put(['eu', String(i)], `s3://lake/t/region=eu/n=${i}/`)
    const {result} = await planPartitionSync({glue: env.glue, s3: env.s3}, options(), testRunContext())
    expect(env.catalog.count('GetPartitions')).toBe(10)
    expect(result.plan.add).toEqual([])
    expect(result.catalog.partitions).toBe(5)
  })

  it('drops in batches of 25 with --prune, and relocates and repairs in batches of 100', async () => {
    const env = makeEnv(partitionObjects(['eu'], 120))
    for (let i = 0; i < 120; i++)
      env.catalog.put(
        ['eu', String(i)],
        i < 110 ? `s3://lake/old/region=eu/n=${i}/` : `s3://lake/t/region=eu/n=${i}/`,
        i >= 110 ? {InputFormat: 'x'} : {},
      )
    for (let i = 0; i < 30; i++) env.catalog.put(['gone', String(i)], `s3://lake/t/region=gone/n=${i}/`)
    const {executor, plan} = await syncAndApply(env, {force: true, prune: true, repairSchema: true})
    expect(plan.steps.map((s) => s.operation)).toEqual(['BatchUpdatePartition', 'BatchDeletePartition'])
    expect(env.catalog.calls.filter((c) => c.op === 'BatchDeletePartition').map((c) => c.size)).toEqual([25, 5])
    expect(
      env.catalog.calls
        .filter((c) => c.op === 'BatchUpdatePartition')
        .map((c) => c.size)
        .sort((a, b) => b - a),
    ).toEqual([100, 20])
    expect(executor.tally).toMatchObject({created: 0, deleted: 30, updated: 120})
    expect(env.catalog.partitions.get(JSON.stringify(['eu', '5']))!.StorageDescriptor!.Location).toBe(
      's3://lake/t/region=eu/n=5/',
    )
    expect(env.catalog.partitions.get(JSON.stringify(['eu', '115']))!.StorageDescriptor!.InputFormat).toBe(
      PARQUET.InputFormat,
    )
  })

  it('refuses to drop more than --max-drop-pct, or prefixes that still hold data, unless --force', async () => {
    const env = makeEnv([...partitionObjects(['eu'], 5), 't/elsewhere/region=x/part'])
    for (let i = 0; i < 5; i++) env.catalog.put(['eu', String(i)], `s3://lake/t/region=eu/n=${i}/`)
    env.catalog.put(['x', '1'], 's3://lake/t/elsewhere/region=x/')
    const attempt = planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({applyRequested: true, prune: true}),
      testRunContext(),
    )
    await expect(attempt).rejects.toThrow(
      /refusing to apply: would drop 1 of 6 catalog partition\(s\) \(16.7 % > --max-drop-pct 10\); 1 partition\(s\) to drop still hold data/,
    )
    const dry = await planPartitionSync({glue: env.glue, s3: env.s3}, options({prune: true}), testRunContext())
    expect(dry.result.refusals).toHaveLength(2)
    expect(dry.result.plan.drop).toEqual([
      {hasData: true, location: 's3://lake/t/elsewhere/region=x/', values: ['x', '1']},
    ])
  })

  it('stops on projection-enabled tables unless --force, printing the properties to use', async () => {
    const env = makeEnv(partitionObjects(['eu', 'us'], 3), table({Parameters: {'projection.enabled': 'true'}}))
    const error = (await planPartitionSync({glue: env.glue, s3: env.s3}, options(), testRunContext()).then(
      () => ({}),
      (error_: unknown) => error_,
    )) as {code: string; exitCode: number; message: string; suggestions: string[]}
    expect(error).toMatchObject({code: 'ProjectionEnabled', exitCode: 2})
    expect(error.message).toMatch(/Athena ignores the partitions registered in the catalog/)
    expect(error.suggestions[0]).toContain("'projection.n.type'='integer', 'projection.n.range'='0,2'")
    expect(error.suggestions[0]).toContain("'storage.location.template'='s3://lake/t/region=${region}/n=${n}/'")
    const forced = await planPartitionSync({glue: env.glue, s3: env.s3}, options({force: true}), testRunContext())
    expect(forced.result.plan.add).toHaveLength(6)
  })

  it('with --check-empty looks inside new partitions only, and leaves marker-only ones out', async () => {
    const env = makeEnv([
      't/region=eu/n=0/part-0.parquet',
      't/region=eu/n=1/part-0.parquet',
      't/region=eu/n=2/_SUCCESS',
      't/region=eu/n=2/_temporary/0/x',
    ])
    env.catalog.put(['eu', '0'], 's3://lake/t/region=eu/n=0/')
    const {result} = await planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({checkEmpty: true}),
      testRunContext(),
    )
    expect(result.plan.add).toEqual([{location: 's3://lake/t/region=eu/n=1/', values: ['eu', '1']}])
    expect(result.scanned).toMatchObject({empty: 1, partitions: 2, requests: 2 + 2})
    expect(env.memory.calls.filter((c) => c.delimiter === undefined).map((c) => c.prefix)).toEqual([
      't/region=eu/n=1/',
      't/region=eu/n=2/',
    ])
    expect(result.scanned.ignored).toMatchObject({successFiles: 1, temporary: 1})
  })

  it('guards against another table nested under this one (never walked, reported)', async () => {
    const env = makeEnv([...partitionObjects(['eu'], 2), 't/returns/part-0.parquet', 't/returns/region=eu/n=0/x'])
    env.catalog.otherTables = [
      {DatabaseName: 'db', Name: 'returns', StorageDescriptor: {Location: 's3://lake/t/returns'}},
    ]
    const {result, warnings} = await planPartitionSync({glue: env.glue, s3: env.s3}, options(), testRunContext())
    expect(result.plan.add).toHaveLength(2)
    expect(result.plan.anomalies).toEqual([
      expect.objectContaining({kind: 'nested-table', location: 's3://lake/t/returns/'}),
    ])
    expect(warnings.join(' ')).toMatch(/table db.returns .* lies inside this table's location/)
  })
})

describe('apply: errors, retries, resume', () => {
  it('surfaces non-retryable per-entry errors and retries retryable ones', async () => {
    const env = makeEnv(partitionObjects(['eu'], 10))
    env.catalog.intercept = (op, _input, call) => {
      if (op !== 'BatchCreatePartition') return
      if (call === 1)
        return {
          entryErrors: [
            {code: 'ThrottlingException', values: ['eu', '3']},
            {code: 'InvalidInputException', values: ['eu', '4']},
          ],
        }
    }

    const {executor, report} = await syncAndApply(env)
    expect(executor.tally.created).toBe(9)
    expect(report.entryFailures).toEqual([
      {
        code: 'InvalidInputException',
        message: 'InvalidInputException (test)',
        operation: 'BatchCreatePartition',
        values: ['eu', '4'],
      },
    ])
    expect(env.catalog.partitions.has(JSON.stringify(['eu', '3']))).toBe(true)
    expect(env.catalog.count('BatchCreatePartition')).toBe(2)
  })

  it('reports AlreadyExists with another location as a conflict, and AlreadyExists at the same location as done', async () => {
    const env = makeEnv(partitionObjects(['eu'], 3))
    env.catalog.intercept = (op, _input, call) => {
      if (op === 'BatchCreatePartition' && call === 1) {
        // Someone else registers two of them between our observe and our create.
        env.catalog.put(['eu', '0'], 's3://lake/elsewhere/eu0/')
        env.catalog.put(['eu', '1'], 's3://lake/t/region=eu/n=1/')
      }
    }

    const {executor, report} = await syncAndApply(env)
    expect(executor.tally.created).toBe(2)
    expect(report.entryFailures).toEqual([
      {
        code: 'AlreadyExistsException',
        message:
          'already exists at s3://lake/elsewhere/eu0/, not s3://lake/t/region=eu/n=0/; re-run to plan a relocation',
        operation: 'BatchCreatePartition',
        values: ['eu', '0'],
      },
    ])
  })

  it('backs off on throttling and finishes', async () => {
    const env = makeEnv(partitionObjects(['eu'], 250))
    let throttles = 0
    env.catalog.intercept = (op) => {
      if (op === 'BatchCreatePartition' && throttles < 3) {
        throttles++
        return awsError('ThrottlingException', 'Rate exceeded')
      }
    }

    const {plan} = await planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({applyRequested: true}),
      testRunContext(),
    )
    const delays: number[] = []
    const executor = new PartitionSyncExecutor(
      {glue: env.glue},
      {baseDelayMs: 100, concurrency: 1},
      testRunContext({
        async sleep(ms) {
          delays.push(ms)
        },
      }),
    )
    const report = await applyPlan(plan, executor, {resumeCommand: 'x'})
    expect(executor.tally).toMatchObject({created: 250})
    expect(report.entryFailures).toBeUndefined()
    expect(env.catalog.partitions.size).toBe(250)
    // One shared delay: it grows while Glue throttles (100 → 200 → 400 ms, with jitter) and shrinks after.
    expect(delays.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(200)
    expect(Math.max(...delays)).toBeLessThanOrEqual(400)
  })

  it('re-checks after an ambiguous timeout instead of repeating, and shrinks the batch', async () => {
    const env = makeEnv(partitionObjects(['eu'], 100))
    env.catalog.intercept = (op, _input, call) =>
      op === 'BatchCreatePartition' && call === 1
        ? {applyThenThrow: awsError('OperationTimeoutException', 'timed out', 400)}
        : undefined
    const {executor, report} = await syncAndApply(env)
    expect(executor.tally).toMatchObject({created: 100})
    expect(report.entryFailures).toBeUndefined()
    // The timed-out call had in fact created everything: the re-check found it; nothing was sent twice.
    expect(env.catalog.count('BatchCreatePartition')).toBe(1)
    expect(env.catalog.count('BatchGetPartition')).toBeGreaterThanOrEqual(2)
  })

  it('retries the part a timed-out call did not apply, in smaller batches', async () => {
    const env = makeEnv(partitionObjects(['eu'], 100))
    env.catalog.intercept = (op, _input, call) =>
      op === 'BatchCreatePartition' && call === 1 ? awsError('OperationTimeoutException', 'timed out', 400) : undefined
    await syncAndApply(env)
    expect(env.catalog.partitions.size).toBe(100)
    expect(env.catalog.calls.filter((c) => c.op === 'BatchCreatePartition').map((c) => c.size)).toEqual([100, 50, 50])
  })

  it('resumes: a run stopped by a fatal error is finished by running again, skipping what is done', async () => {
    const env = makeEnv(partitionObjects(['eu', 'us', 'ap'], 4000))
    const {plan} = await planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({applyRequested: true}),
      testRunContext(),
    )
    expect(plan.steps.map((st) => st.params.entries.length)).toEqual([5200, 5200, 1600])
    // Steps hold 52 batches (a whole number of rounds of 4): call 55 is the 3rd batch of step 2, so step 1 is done and step 2 stops after 200 partitions.
    env.catalog.intercept = (op, _input, call) =>
      op === 'BatchCreatePartition' && call === 55 ? awsError('AccessDeniedException', 'not allowed', 400) : undefined
    const first = new PartitionSyncExecutor({glue: env.glue}, {...fast, concurrency: 1}, noWait)
    const error = await applyPlan(plan, first, {resumeCommand: 'again'}).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(PartialApplyError)
    expect((error as PartialApplyError).details).toMatchObject({
      applied: ['create-1'],
      failed: {code: 'AccessDeniedException', stepId: 'create-2'},
      notRun: ['create-3'],
    })
    expect(first.tally.created).toBe(5400)
    expect(env.catalog.partitions.size).toBe(5400)
    env.catalog.intercept = undefined
    const creates = env.catalog.count('BatchCreatePartition')
    const again = new PartitionSyncExecutor({glue: env.glue}, fast, noWait)
    const report = await applyPlan(plan, again, {resumeCommand: 'again'})
    expect(report.skipped).toEqual(['create-1'])
    expect(report.applied).toEqual(['create-2', 'create-3'])
    expect(env.catalog.partitions.size).toBe(12_000)
    expect(again.tally.created).toBe(6600)
    // Only what was missing is sent again: 5,000 + 1,600 partitions in batches of 100.
    expect(env.catalog.count('BatchCreatePartition') - creates).toBe(66)
  })

  it('refuses a saved plan when the catalog changed under it', async () => {
    const env = makeEnv(partitionObjects(['eu'], 3))
    const {plan} = await planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({applyRequested: true}),
      testRunContext(),
    )
    env.catalog.put(['eu', '2'], 's3://lake/other/')
    await expect(
      applyPlan(plan, new PartitionSyncExecutor({glue: env.glue}, fast, noWait), {resumeCommand: 'x'}),
    ).rejects.toThrow(
      /live state no longer matches the plan: 1 planned partition\(s\) changed meanwhile: partition \["eu","2"\] now exists at s3:\/\/lake\/other\//,
    )
    env.catalog.partitions.clear()
    env.catalog.table = table({StorageDescriptor: {...PARQUET, InputFormat: 'changed', Location: 's3://lake/t/'}})
    await expect(
      applyPlan(plan, new PartitionSyncExecutor({glue: env.glue}, fast, noWait), {resumeCommand: 'x'}),
    ).rejects.toThrow(/storage descriptor .* changed/)
  })
})

describe('callFailureKind', () => {
  it.each([
    ['ThrottlingException', 400, 'throttled'],
    ['TooManyRequestsException', 429, 'throttled'],
    ['OperationTimeoutException', 400, 'timeout'],
    ['TimeoutError', 0, 'timeout'],
    ['InternalServiceException', 500, 'ambiguous'],
    ['ECONNRESET', 0, 'ambiguous'],
    ['ResourceNumberLimitExceededException', 400, 'fatal'],
    ['AccessDeniedException', 400, 'fatal'],
    ['InvalidInputException', 400, 'fatal'],
  ])('%s (HTTP %d) is %s', (name, status, kind) => {
    expect(
      callFailureKind(Object.assign(new Error(name), {$metadata: status ? {httpStatusCode: status} : {}, name})),
    ).toBe(kind)
  })
})

describe('a partition whose data is under the table layout is never dropped', () => {
  const keys = {
    PartitionKeys: [
      {Name: 'year', Type: 'string'},
      {Name: 'month', Type: 'string'},
    ],
    StorageDescriptor: {...PARQUET, Location: 's3://lake/sales/'},
  }
  const DATA = 'sales/year=2025/month=01/part-0.parquet'

  function sales(objects: string[], listingGap = false) {
    const env = makeEnv(objects, table(keys))
    if (listingGap) {
      // A listing that shows no sub-prefixes (as s3rver does for objects two levels down): only
      // listings without a delimiter see the objects.
      const memory = new MemoryS3(objects.map((k) => ({key: k, size: k.endsWith('/') ? 0 : 10})))
      mockClient(env.s3)
        .on(ListObjectsV2Command)
        .callsFake((input) => (input.Delimiter ? {...memory.list(input), CommonPrefixes: []} : memory.list(input)))
    }

    return env
  }

  for (const [name, objects, gap] of [
    ['old location empty, outside the root', [DATA, 'old-sales/year=2025/month=01/'], false],
    ['old location holding other data', [DATA, 'old-sales/year=2025/month=01/part-9.parquet'], false],
    ['the listing missed the prefix', [DATA, 'old-sales/year=2025/month=01/'], true],
  ] as const) {
    it(`relocates (never drops) and converges in one --apply: ${name}`, async () => {
      const env = sales([...objects], gap)
      env.catalog.put(['2025', '01'], 's3://lake/old-sales/year=2025/month=01/')
      const {executor, result} = await syncAndApply(env, {force: true, prune: true})
      expect(result.plan.drop).toEqual([])
      expect(result.plan.relocate).toEqual([
        {
          from: 's3://lake/old-sales/year=2025/month=01/',
          to: 's3://lake/sales/year=2025/month=01/',
          values: ['2025', '01'],
        },
      ])
      expect(result.plan.anomalies).toEqual([])
      expect(executor.tally).toMatchObject({created: 0, deleted: 0, updated: 1})
      const again = await planPartitionSync({glue: env.glue, s3: env.s3}, options({prune: true}), testRunContext())
      expect(again.result.plan).toEqual({add: [], anomalies: [], drift: [], drop: [], relocate: []})
      expect(again.plan.steps).toEqual([])
    })
  }

  it('keeps a partition the listing missed when the catalog already points at its data', async () => {
    const env = sales([DATA], true)
    env.catalog.put(['2025', '01'], 's3://lake/sales/year=2025/month=01/')
    env.catalog.put(['2025', '02'], 's3://lake/old-sales/year=2025/month=02/')
    const {result, warnings} = await planPartitionSync(
      {glue: env.glue, s3: env.s3},
      options({maxDropPct: 100, prune: true}),
      testRunContext(),
    )
    expect(result.plan.drop.map((d) => d.values)).toEqual([['2025', '02']])
    expect(result.plan.relocate).toEqual([])
    expect(warnings.join('\n')).toMatch(/1 partition\(s\) were not in the S3 listing but hold data/)
  })
})

describe('offline catalog files', () => {
  it('a broken --partitions-json suggests the command that exports partitions, not the table', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'pipeops-parts-')), 'partitions.json')
    await writeFile(file, '{"Partitions": [')
    await expect(loadPartitionsJson(file)).rejects.toMatchObject({
      exitCode: 6,
      suggestions: [expect.stringMatching(/^Save it again with the AWS CLI: aws glue get-partitions /)],
    })
  })
})
