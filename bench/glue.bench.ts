/**
 * Glue partition sync: 50,000 new partitions across 3 keys, with S3 and Glue clients that add
 * 30 ms of latency to every call (the same mock for both sides), pipeops vs the way awswrangler
 * does it (full recursive listing, single-segment GetPartitions, one BatchCreatePartition of 100
 * at a time). Checks that both end with the same catalog and that pipeops sends no more S3 list
 * requests than the walk needs: Σ over walked prefixes of ⌈children / 1000⌉.
 *
 * Then the end-to-end row: the built CLI (`glue partition-sync --apply --yes --json`, a whole
 * process under /usr/bin/time) against the same in-memory S3 and Glue served on loopback (S3's
 * ListObjectsV2 as REST XML, bench/s3-list-fake.ts; Glue's JSON protocol, the issue-23 fake), with
 * the same 30 ms per call, alternated with the library row (the same plan/apply in this process,
 * aws-sdk-client-mock, no HTTP) for three rounds; each run starts from an empty catalog.
 */
import {
  BatchCreatePartitionCommand,
  GetPartitionsCommand,
  GlueClient,
  type Partition,
  type PartitionInput,
  type Table,
} from '@aws-sdk/client-glue'
import {ListObjectsV2Command, type ListObjectsV2CommandOutput, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {loadavg} from 'node:os'
import {setTimeout as sleep} from 'node:timers/promises'

import {applyPlan} from '../src/lib/core/plan.js'
import {testRunContext} from '../src/lib/core/run-context.js'
import {PartitionSyncExecutor, planPartitionSync} from '../src/lib/glue/partition-sync.js'
import {type GlueOp, MemoryGlue} from '../test/fixtures/glue/memory-glue.js'
import {MemoryS3} from '../test/fixtures/glue/memory-s3.js'
import {startJsonServiceFake} from '../test/helpers/json-service-fake.js'
import {CLI, e2eHeader, e2eRow, ensureBuilt, machineLine, type ProcessRun, summarise, timeProcessAsync} from './e2e.js'
import {startS3ListFake} from './s3-list-fake.js'

const LATENCY_MS = 30
const REGIONS = Array.from({length: 10}, (_, i) => `r${i}`)
const DAYS = Array.from({length: 50}, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10))
const SOURCES = Array.from({length: 100}, (_, i) => `s${String(i).padStart(3, '0')}`)
const ROOT = 'lake/events/'

const TABLE: Table = {
  DatabaseName: 'bench',
  Name: 'events',
  PartitionKeys: [
    {Name: 'region', Type: 'string'},
    {Name: 'dt', Type: 'date'},
    {Name: 'source', Type: 'string'},
  ],
  StorageDescriptor: {
    Columns: [{Name: 'payload', Type: 'string'}],
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    Location: `s3://bench-lake/${ROOT}`,
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: {
      Parameters: {'serialization.format': '1'},
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    },
  },
}

function objects(): Array<{key: string; size: number}> {
  const out: Array<{key: string; size: number}> = []
  for (const r of REGIONS)
    for (const d of DAYS)
      for (const s of SOURCES) {
        const dir = `${ROOT}region=${r}/dt=${d}/source=${s}/`
        out.push({key: `${dir}part-00000.snappy.parquet`, size: 1024}, {key: `${dir}_SUCCESS`, size: 0})
      }

  return out
}

interface Side {
  glue: GlueClient
  listRequests: () => number
  memory: MemoryGlue
  s3: S3Client
}

function side(memoryS3: MemoryS3): Side {
  const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
  let requests = 0
  mockClient(s3)
    .on(ListObjectsV2Command)
    .callsFake(async (input) => {
      requests++
      await sleep(LATENCY_MS)
      return memoryS3.list(input)
    })
  const glue = new GlueClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
  const memory = new MemoryGlue(structuredClone(TABLE))
  memory.latencyMs = LATENCY_MS
  memory.install(mockClient(glue))
  return {glue, listRequests: () => requests, memory, s3}
}

/** awswrangler's way (aws-sdk-pandas catalog/_add.py, _get.py, s3/_list.py): everything sequential. */
async function awswranglerWay(s: Side): Promise<void> {
  // Full recursive listing (paginator, PageSize 1000, no delimiter); only path segments with "=" count.
  const dirs = new Map<string, string[]>()
  let token: string | undefined
  do {
    const page: ListObjectsV2CommandOutput = await s.s3.send(
      new ListObjectsV2Command({Bucket: 'bench-lake', ContinuationToken: token, MaxKeys: 1000, Prefix: ROOT}),
    )
    for (const o of page.Contents ?? []) {
      const key = o.Key ?? ''
      if (key.endsWith('/_SUCCESS')) continue
      const dir = key.slice(0, key.lastIndexOf('/') + 1)
      if (!dirs.has(dir))
        dirs.set(
          dir,
          dir
            .slice(ROOT.length)
            .split('/')
            .filter((seg) => seg.includes('='))
            .map((seg) => seg.split('=', 2)[1]!),
        )
    }

    token = page.NextContinuationToken
  } while (token)

  // Existing partitions: GetPartitions, one segment, MaxResults 1000, ExcludeColumnSchema.
  const existing = new Set<string>()
  let next: string | undefined
  do {
    const page = await s.glue.send(
      new GetPartitionsCommand({
        DatabaseName: 'bench',
        ExcludeColumnSchema: true,
        MaxResults: 1000,
        NextToken: next,
        Segment: {SegmentNumber: 0, TotalSegments: 1},
        TableName: 'events',
      }),
    )
    for (const p of page.Partitions ?? []) existing.add(JSON.stringify(p.Values))
    next = page.NextToken
  } while (next)

  // add_parquet_partitions: chunks of 100, one BatchCreatePartition after the other.
  const inputs: PartitionInput[] = [...dirs.entries()]
    .filter(([, values]) => !existing.has(JSON.stringify(values)))
    .map(([dir, values]) => ({
      StorageDescriptor: {
        Compressed: false,
        InputFormat: TABLE.StorageDescriptor!.InputFormat,
        Location: `s3://bench-lake/${dir}`,
        NumberOfBuckets: -1,
        OutputFormat: TABLE.StorageDescriptor!.OutputFormat,
        SerdeInfo: TABLE.StorageDescriptor!.SerdeInfo,
        StoredAsSubDirectories: false,
      },
      Values: values,
    }))
  for (let i = 0; i < inputs.length; i += 100) {
    await s.glue.send(
      new BatchCreatePartitionCommand({
        DatabaseName: 'bench',
        PartitionInputList: inputs.slice(i, i + 100),
        TableName: 'events',
      }),
    )
  }
}

async function pipeopsWay(s: Side): Promise<void> {
  const {plan} = await planPartitionSync(
    {glue: s.glue, s3: s.s3},
    {
      applyRequested: true,
      checkColumns: false,
      checkEmpty: false,
      concurrency: 16,
      database: 'bench',
      force: false,
      fullListing: false,
      keyFormats: {},
      maxDropPct: 10,
      prune: false,
      repairSchema: false,
      segments: 10,
      table: 'events',
      where: {},
    },
    testRunContext(),
  )
  await applyPlan(plan, new PartitionSyncExecutor({glue: s.glue}, {concurrency: 16}, testRunContext()), {
    resumeCommand: 'bench',
  })
}

function catalogOf(memory: MemoryGlue): Map<string, string> {
  return new Map(
    [...memory.partitions.values()].map((p: Partition) => [
      JSON.stringify(p.Values),
      p.StorageDescriptor?.Location ?? '',
    ]),
  )
}

export default async function bench(): Promise<void> {
  const memoryS3 = new MemoryS3(objects())
  const wranglerSide = side(memoryS3)
  let t = performance.now()
  await awswranglerWay(wranglerSide)
  const wranglerMs = performance.now() - t

  const pipeopsSide = side(memoryS3)
  t = performance.now()
  await pipeopsWay(pipeopsSide)
  const pipeopsMs = performance.now() - t

  const a = catalogOf(wranglerSide.memory)
  const b = catalogOf(pipeopsSide.memory)
  const same = a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)
  const expectedWalk =
    Math.ceil(REGIONS.length / 1000) +
    REGIONS.length * Math.ceil(DAYS.length / 1000) +
    REGIONS.length * DAYS.length * Math.ceil(SOURCES.length / 1000)
  console.log(
    `50,000 new partitions (region × dt × source = ${REGIONS.length} × ${DAYS.length} × ${SOURCES.length}), 100,000 objects; ${LATENCY_MS} ms per S3 and Glue call on both sides.\n`,
  )
  console.log('| way | wall time | S3 list requests | Glue calls (BatchCreatePartition) | partitions in catalog |')
  console.log('|---|---:|---:|---:|---:|')
  console.log(
    `| awswrangler way (full listing, 1 segment, sequential batches of 100) | ${(wranglerMs / 1000).toFixed(2)} s | ${wranglerSide.listRequests()} | ${wranglerSide.memory.calls.length} (${wranglerSide.memory.count('BatchCreatePartition')}) | ${a.size} |`,
  )
  console.log(
    `| pipeops glue partition-sync (walk, 10 segments, --concurrency 16) | ${(pipeopsMs / 1000).toFixed(2)} s | ${pipeopsSide.listRequests()} | ${pipeopsSide.memory.calls.length} (${pipeopsSide.memory.count('BatchCreatePartition')}) | ${b.size} |`,
  )
  console.log(
    `\nSpeed-up: ${(wranglerMs / pipeopsMs).toFixed(1)}× (target ≥ 6×). Same resulting catalog (values and locations): ${same ? 'yes' : 'NO'}.`,
  )
  console.log(
    `pipeops S3 list requests: ${pipeopsSide.listRequests()}; the walk needs Σ⌈children/1000⌉ = ${expectedWalk}: ${pipeopsSide.listRequests() <= expectedWalk ? 'ok' : 'TOO MANY'}.`,
  )
  if (!same) process.exitCode = 1
  console.log(`\n${await endToEnd(memoryS3, a)}`)
}

const E2E_ROUNDS = 3

/** The library row and the built CLI over loopback fakes, alternating; both must end with the awswrangler way's catalog. */
async function endToEnd(memoryS3: MemoryS3, expected: Map<string, string>): Promise<string> {
  ensureBuilt()
  let catalog = new MemoryGlue(structuredClone(TABLE))
  const glueFake = await startJsonServiceFake({
    answer: (op, input) => catalog.answer(op as GlueOp, input),
    contentType: 'application/x-amz-json-1.1',
    mutations: [],
    targetPrefix: 'AWSGlue',
  })
  const s3Fake = await startS3ListFake(memoryS3, {latencyMs: LATENCY_MS})
  const env = {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_CONFIG_FILE: '/nonexistent/pipeops-bench-config',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_GLUE: glueFake.url,
    AWS_ENDPOINT_URL_S3: s3Fake.url,
    AWS_REGION: 'us-east-1',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/pipeops-bench-credentials',
  }
  const sameAsExpected = (memory: MemoryGlue): boolean => {
    const got = catalogOf(memory)
    return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v)
  }

  const runs: {cli: ProcessRun[]; library: ProcessRun[]} = {cli: [], library: []}
  let s3Requests = 0
  try {
    for (let round = 0; round < E2E_ROUNDS; round++) {
      const s = side(memoryS3)
      const load = loadavg()[0]!
      const cpu = process.cpuUsage()
      const started = performance.now()
      await pipeopsWay(s)
      const used = process.cpuUsage(cpu)
      if (!sameAsExpected(s.memory)) throw new Error('the library run did not end with the expected catalog')
      runs.library.push({
        cpuS: (used.user + used.system) / 1e6,
        exit: 0,
        load,
        rssMB: process.memoryUsage.rss() / 2 ** 20,
        wallS: (performance.now() - started) / 1000,
      })
      catalog = new MemoryGlue(structuredClone(TABLE))
      catalog.latencyMs = LATENCY_MS
      const before = s3Fake.requests()
      runs.cli.push(
        await timeProcessAsync(
          `node '${CLI}' glue partition-sync --database bench --table events --apply --yes --json`,
          {env},
        ),
      )
      s3Requests = s3Fake.requests() - before
      if (!sameAsExpected(catalog)) throw new Error('the CLI run did not end with the expected catalog')
    }
  } finally {
    await glueFake.stop()
    await s3Fake.stop()
  }

  const library = summarise(runs.library)
  return [
    `End to end; ${E2E_ROUNDS} alternating rounds, each from an empty catalog, ${LATENCY_MS} ms per S3 and Glue call on both rows; the CLI sent ${s3Requests} S3 list requests and ${catalog.calls.length} Glue calls (${catalog.count('BatchCreatePartition')} BatchCreatePartition) in its last run. ${machineLine()}`,
    '',
    e2eHeader(),
    e2eRow(
      'library: `planPartitionSync` + apply in process (aws-sdk-client-mock, no HTTP; CPU of this process, RSS of the whole bench process)',
      library,
    ),
    e2eRow(
      '`pipeops glue partition-sync --apply --yes --json` (built CLI over loopback S3 and Glue fakes), vs the library row',
      summarise(runs.cli),
      library,
    ),
  ].join('\n')
}
