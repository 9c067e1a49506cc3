/**
 * Fuzzing of every parser that reads a user's file (issue "prove nothing is lost under faults"):
 * random text, random JSON, and real-shaped seeds (our own fixtures) mutated by deletion,
 * insertion, duplication, truncation and punctuation swaps. The property, for each parser and
 * each case: it returns, or it refuses with a pipeops error that maps to a documented exit code
 * (never 70, the "bug" code), names the file, and finishes within a bound (no hang).
 * PIPEOPS_FUZZ_RUNS raises the number of cases per parser (default 150 in CI).
 */
import {GetObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import fc from 'fast-check'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'

import {type LintInputs, readInputs} from '../../src/lib/athena/lint-columns.js'
import {classifyError, ExitCode} from '../../src/lib/core/errors.js'
import {PLAN_FORMAT_VERSION, readPlanFile} from '../../src/lib/core/plan.js'
import {testRunContext} from '../../src/lib/core/run-context.js'
import {testEventPattern} from '../../src/lib/events/test-pattern.js'
import {loadPartitionsJson, loadTableJson} from '../../src/lib/glue/catalog.js'
import {inventoryObjects, parseInventoryManifest} from '../../src/lib/glue/inventory.js'
import {reviewSavedConsumers} from '../../src/lib/kinesis/consumers/consumers.js'
import {HashCache} from '../../src/lib/kinesis/hash-cache.js'
import {openRecords} from '../../src/lib/kinesis/offline-input.js'
import {parseShardMap, readRecordsInto} from '../../src/lib/kinesis/records-file.js'
import {detectFormat, parseConsoleCopy, parseEventsFile} from '../../src/lib/mwaa/input.js'
import {pickTable, readTableDdl} from '../../src/lib/redshift/check-inputs.js'
import {sniff} from '../../src/lib/redshift/sniff.js'
import {parseConfigurationText} from '../../src/lib/s3/lifecycle/load.js'
import {explainHistoryFile, readHistoryFile} from '../../src/lib/sfn/explain.js'
import {lintDefinitions} from '../../src/lib/sfn/lint.js'
import {parseDefinitionFile} from '../../src/lib/sfn/read-definition.js'
import {type ParquetNode, writeParquetFooter} from '../fixtures/athena/parquet-footer.js'

const RUNS = Number(process.env.PIPEOPS_FUZZ_RUNS ?? 150)
/** A case taking longer than this is a hang for our purposes (inputs are a few KB). */
const CASE_BOUND_MS = 5000
const work = mkdtempSync(path.join(tmpdir(), 'pipeops-fuzz-'))
const tally: Record<string, {accepted: number; refused: number}> = {}

const fixture = (name: string) => readFileSync(path.join('test', 'fixtures', name), 'utf8')

/** Seeds: our own fixtures and small hand-written files of each format. */
const SEEDS = {
  athenaDdl: [
    "CREATE EXTERNAL TABLE `db`.`events` (\n  `id` bigint,\n  `user` struct<name:string,`date`:date>,\n  `tags` array<string>\n)\nPARTITIONED BY (`dt` string)\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nLOCATION 's3://bucket/events/';\n",
    'CREATE TABLE sales (order_id int, "timestamp" timestamp, amount decimal(10,2)) WITH (format = \'PARQUET\');',
  ],
  csv: ['id,name,created_at\n1,a,2024-01-01\n2,"b, c",2024-01-02\n'],
  eventPattern: [
    JSON.stringify({
      detail: {
        bucket: {name: ['lake']},
        object: {key: [{prefix: 'raw/'}, {wildcard: '*.csv'}], size: [{numeric: ['>', 0]}]},
      },
      'detail-type': ['Object Created'],
      source: ['aws.s3'],
    }),
    JSON.stringify({
      $or: [{detail: {state: [{'anything-but': ['SUCCEEDED']}]}}, {detail: {ip: [{cidr: '10.0.0.0/8'}]}}],
      detail: {name: [{'equals-ignore-case': 'Orders'}, {exists: true}, {suffix: '.json'}]},
    }),
  ],
  events: [
    `${fixture('events/s3-object-created.event.json').replaceAll('\n', ' ')}\n{"source": "aws.s3", "detail": {"bucket": {"name": "lake"}}}\n`,
  ],
  gluePartitions: [
    JSON.stringify({
      Partitions: [{StorageDescriptor: {Location: 's3://lake/sales/dt=2024-01-01/'}, Values: ['2024-01-01']}],
    }),
  ],
  glueTable: [
    JSON.stringify({
      Table: {
        Name: 'sales',
        PartitionKeys: [{Name: 'dt', Type: 'string'}],
        StorageDescriptor: {Columns: [{Name: 'id', Type: 'bigint'}], Location: 's3://lake/sales/'},
      },
    }),
  ],
  inventoryCsv: [
    '"lake","raw/dt=2024-01-01/part-0.csv","120","2024-01-02T00:00:00.000Z","true","false"\n"lake","raw/dt%3D2024-01-02/a+b.csv","7","2024-01-03T00:00:00.000Z","true","false"\n',
  ],
  inventoryManifest: [
    JSON.stringify({
      creationTimestamp: '1733446800000',
      destinationBucket: 'arn:aws:s3:::inventory',
      fileFormat: 'CSV',
      files: [{key: 'lake/daily/data/a.csv.gz', MD5checksum: '0', size: 100}],
      fileSchema: 'Bucket, Key, Size, LastModifiedDate, IsLatest, IsDeleteMarker',
      sourceBucket: 'lake',
      version: '2016-11-30',
    }),
  ],
  jsonSample: [
    '{"id": 1, "user": {"name": "a", "Name": "b"}}\n{"id": 2, "tags": ["x"]}\n',
    '[{"a": 1}, {"a": {"b": 2}}]',
  ],
  leaseTable: [fixture('kinesis-consumers/kcl2-after-split.scan.json')],
  lifecycle: [
    fixture('s3-lifecycle/broken.json'),
    fixture('s3-lifecycle/classic.json'),
    fixture('s3-lifecycle/template.yaml'),
    fixture('s3-lifecycle/templates/cfn-if-branches.yaml'),
  ],
  lifecycleTerraform: [
    'variable "days" {\n  default = 30\n}\nresource "aws_s3_bucket_lifecycle_configuration" "b" {\n  bucket = "x"\n  rule {\n    id = "tmp"\n    status = "Enabled"\n    filter { prefix = "tmp/" }\n    expiration { days = var.days }\n  }\n}\n',
  ],
  listShards: [fixture('kinesis-consumers/after-split.list-shards.json')],
  mwaa: [
    '[2024-03-01T10:00:00.000+0000] {taskinstance.py:1400} ERROR - Task failed with exception\nTraceback (most recent call last):\n  File "/usr/local/airflow/dags/etl.py", line 12, in run\n    import pandas\nModuleNotFoundError: No module named \'pandas\'\n',
    JSON.stringify({
      events: [{logStreamName: 'scheduler', message: 'ERROR - Process timed out, PID: 42', timestamp: 1}],
    }),
  ],
  plan: [
    JSON.stringify({
      baseline: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      formatVersion: PLAN_FORMAT_VERSION,
      kind: 'fuzz',
      steps: [{id: 's1', operation: 'Add', params: {name: 'a'}, summary: 'add a'}],
      summary: {},
      target: {world: 'fuzz'},
    }),
  ],
  records: [
    'partitionKey,bytes,timestamp\nuser-1,120,2024-03-01T10:00:00Z\n"user,2",80,1709287200\nuser-3,5,1709287200000\n',
    '{"partitionKey": "a", "data": "aGVsbG8=", "approximateArrivalTimestamp": 1709287200}\n{"PartitionKey": "b", "bytes": 3, "explicitHashKey": "170141183460469231731687303715884105728"}\n',
  ],
  redshiftDdl: [
    'CREATE TABLE IF NOT EXISTS public.events (\n  id BIGINT NOT NULL IDENTITY(1,1),\n  "user" VARCHAR(256) ENCODE zstd,\n  amount DECIMAL(12,2) DEFAULT 0,\n  created TIMESTAMPTZ,\n  PRIMARY KEY (id)\n) DISTSTYLE KEY DISTKEY (id) SORTKEY (created);\nCREATE TABLE copy_of AS SELECT * FROM events;\n',
  ],
  sfnDefinition: [fixture('sfn/order-machine.asl.json')],
  sfnHistory: [fixture('sfn/history-caught.json')],
  shardMap: [
    JSON.stringify({
      Shards: [
        {
          HashKeyRange: {EndingHashKey: '340282366920938463463374607431768211455', StartingHashKey: '0'},
          ShardId: 'shardId-000000000000',
        },
      ],
    }),
  ],
}

/** A seed changed a few times: the shapes real files break in (cut short, doubled, stray quotes). */
function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.constantFrom('delete', 'insert', 'duplicate', 'truncate', 'swap'),
    fc.nat(),
    fc.nat({max: 40}),
    fc.constantFrom('{', '}', '[', ']', '"', "'", ',', ':', '\n', ' ', '`', '\\', '\u0000', '\uFEFF', '-', '0', 'é'),
  )
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, {maxLength: 4, minLength: 1})).map(([seed, edits]) => {
    let text = seed
    for (const [kind, at, length, char] of edits) {
      const i = text.length === 0 ? 0 : at % text.length
      switch (kind) {
        case 'delete': {
          text = text.slice(0, i) + text.slice(i + length)
          break
        }

        case 'duplicate': {
          text = text.slice(0, i) + text.slice(i, i + length) + text.slice(i)
          break
        }

        case 'insert': {
          text = text.slice(0, i) + char.repeat(1 + (length % 3)) + text.slice(i)
          break
        }

        case 'truncate': {
          text = text.slice(0, i)
          break
        }

        default: {
          text = text.slice(0, i) + char + text.slice(i + 1)
        }
      }
    }

    return text
  })
}

/** A binary seed changed a few times: bytes flipped, cut short, spans deleted or doubled (a Parquet footer broken). */
function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.tuple(
    fc.constantFrom('delete', 'duplicate', 'flip', 'truncate'),
    fc.nat(),
    fc.nat({max: 16}),
    fc.nat({max: 255}),
  )
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, {maxLength: 4, minLength: 1})).map(([seed, edits]) => {
    let bytes = Buffer.from(seed)
    for (const [kind, at, length, value] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length
      switch (kind) {
        case 'delete': {
          bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + length)])
          break
        }

        case 'flip': {
          bytes[i] = value
          break
        }

        case 'truncate': {
          bytes = bytes.subarray(0, i)
          break
        }

        default: {
          bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i, i + length), bytes.subarray(i)])
        }
      }
    }

    return bytes
  })
}

/** Mutated binary seeds, and random bytes (some with the PAR1 magic at both ends). */
function binaryInputs(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const magic = Buffer.from('PAR1')
  return fc.oneof(
    {arbitrary: mutatedBytes(seeds), weight: 6},
    {arbitrary: fc.uint8Array({maxLength: 200}), weight: 1},
    {arbitrary: fc.uint8Array({maxLength: 200}).map((b) => Buffer.concat([magic, b, magic])), weight: 2},
    {arbitrary: fc.constantFrom(...seeds), weight: 1},
  )
}

/** Random text, random JSON, and mutated seeds. */
function inputs(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {arbitrary: mutated(seeds), weight: 6},
    {arbitrary: fc.string({maxLength: 200, unit: 'binary'}), weight: 1},
    {arbitrary: fc.json({maxDepth: 4}), weight: 2},
    {arbitrary: fc.constantFrom(...seeds), weight: 1},
  )
}

/** Run one parse: it must return, or refuse with a documented exit code, naming the file, in bounded time. */
async function check(parser: string, file: string, parse: () => Promise<unknown> | unknown): Promise<void> {
  const started = performance.now()
  tally[parser] ??= {accepted: 0, refused: 0}
  const entry = tally[parser]
  try {
    await parse()
    entry.accepted++
  } catch (error) {
    entry.refused++
    const classified = classifyError(error)
    if (classified.exitCode === ExitCode.Internal)
      throw new Error(`${parser}: exit 70 on a fuzzed input: ${(error as Error).stack ?? String(error)}`)
    expect(classified.message, `${parser}: the refusal names the file`).toContain(path.basename(file))
  }

  expect(performance.now() - started, `${parser}: bounded time`).toBeLessThan(CASE_BOUND_MS)
}

/** A parser that reads a path: the case is written to a file first. */
function viaFile(name: string, parse: (file: string) => Promise<unknown> | unknown): (text: string) => Promise<void> {
  return async (text) => {
    const file = path.join(work, name)
    writeFileSync(file, text)
    await check(name, file, () => parse(file))
  }
}

/** Athena's inputs go through readInputs, the layer that turns reader errors into refusals. */
function athenaInputs(files: Partial<LintInputs>): LintInputs {
  return {csv: [], ddl: [], glueJson: [], jsonSample: [], parquet: [], ...files}
}

const PARSERS: Array<[string, readonly string[], (text: string) => Promise<void>]> = [
  [
    's3 lifecycle (JSON/YAML/CloudFormation)',
    SEEDS.lifecycle,
    (text) => check('lifecycle', 'fuzz-lifecycle.yaml', () => parseConfigurationText(text, 'fuzz-lifecycle.yaml')),
  ],
  [
    's3 lifecycle (Terraform)',
    SEEDS.lifecycleTerraform,
    (text) => check('lifecycle-tf', 'fuzz-lifecycle.tf', () => parseConfigurationText(text, 'fuzz-lifecycle.tf')),
  ],
  ['athena DDL', SEEDS.athenaDdl, viaFile('fuzz.sql', (file) => readInputs(athenaInputs({ddl: [file]}), {}))],
  [
    'athena JSON sample',
    SEEDS.jsonSample,
    viaFile('fuzz-sample.jsonl', (file) => readInputs(athenaInputs({jsonSample: [file]}), {})),
  ],
  ['athena CSV header', SEEDS.csv, viaFile('fuzz-header.csv', (file) => readInputs(athenaInputs({csv: [file]}), {}))],
  ['glue table JSON', SEEDS.glueTable, viaFile('fuzz-table.json', (file) => loadTableJson(file))],
  ['glue partitions JSON', SEEDS.gluePartitions, viaFile('fuzz-partitions.json', (file) => loadPartitionsJson(file))],
  [
    'kinesis shard map',
    SEEDS.shardMap,
    (text) => check('shard-map', 'fuzz-map.json', () => parseShardMap(text, 'fuzz-map.json')),
  ],
  ['saved plan', SEEDS.plan, viaFile('fuzz-plan.json', (file) => readPlanFile(file, 'fuzz'))],
  [
    'sfn definition (lint)',
    SEEDS.sfnDefinition,
    (text) =>
      check('sfn-definition', 'fuzz.asl.json', async () =>
        lintDefinitions(await parseDefinitionFile(text, 'fuzz.asl.json')),
      ),
  ],
  [
    'sfn execution history (explain)',
    SEEDS.sfnHistory,
    viaFile('fuzz-history.json', async (file) => explainHistoryFile(await readHistoryFile(file), file)),
  ],
  [
    'mwaa logs',
    SEEDS.mwaa,
    (text) =>
      check('mwaa', 'fuzz-scheduler.log', () => {
        const format = detectFormat(text.slice(0, 4096))
        const where = {group: 'fuzz', label: 'fuzz-scheduler.log', stream: 'fuzz-scheduler.log'}
        return format === 'plain' ? parseConsoleCopy(text, where) : parseEventsFile(text, format, where)
      }),
  ],
  [
    'redshift input sniffing',
    SEEDS.csv,
    (text) =>
      check('redshift-sniff', 'the input', () =>
        sniff(Buffer.from(text), true, {delimiter: ',', format: 'csv', quote: '"'}),
      ),
  ],
]

/** Footers as Athena lint and an S3 Inventory report in Parquet carry them (our own writer, zero rows). */
function parquetSeeds(): Uint8Array[] {
  const athena: ParquetNode[] = [
    {name: 'id', type: 'INT64'},
    {children: [{name: 'name', type: 'STRING'}], name: 'user', repetition: 'OPTIONAL'},
    {
      children: [{children: [{name: 'element', type: 'STRING'}], name: 'list', repetition: 'REPEATED'}],
      converted: 'LIST',
      name: 'tags',
      repetition: 'OPTIONAL',
    },
  ]
  const inventory: ParquetNode[] = [
    {name: 'bucket', type: 'STRING'},
    {name: 'key', type: 'STRING'},
    {name: 'size', repetition: 'OPTIONAL', type: 'INT64'},
    {name: 'is_latest', repetition: 'OPTIONAL', type: 'BOOLEAN'},
  ]
  return [athena, inventory].map((columns, i) => {
    const file = path.join(work, `seed-${i}.parquet`)
    writeParquetFooter(file, columns)
    return readFileSync(file)
  })
}

/** One S3 Inventory data file, served by a mocked S3, read through the report reader `glue partition-sync --inventory` uses. */
const s3 = mockClient(S3Client)
async function readInventoryFile(body: Uint8Array, fileFormat: 'CSV' | 'Parquet', name: string): Promise<number> {
  s3.reset()
  s3.on(GetObjectCommand).callsFake(() => ({Body: Readable.from([Buffer.from(body)])}))
  const manifest = {
    creationTimestamp: undefined,
    destinationBucket: 'inventory',
    fileFormat,
    files: [{key: name, size: body.length}],
    fileSchema: 'Bucket, Key, Size, LastModifiedDate, IsLatest, IsDeleteMarker',
    sourceBucket: 'lake',
  }
  let objects = 0
  for await (const page of inventoryObjects(new S3Client({region: 'us-east-1'}), manifest, {prefix: ''}))
    objects += page.length
  return objects
}

/** The `kinesis consumers --lease-table-json` review: one of the two files fuzzed, the other a good fixture. */
function reviewLeases(files: {leaseTable: string; shardMap: string}) {
  return reviewSavedConsumers({leaseTableFile: files.leaseTable, shardMapFile: files.shardMap}, testRunContext())
}

const BINARY_PARSERS: Array<[string, readonly Uint8Array[], (bytes: Uint8Array) => Promise<void>]> = [
  [
    'athena Parquet footer',
    parquetSeeds(),
    async (bytes) => {
      const file = path.join(work, 'fuzz-schema.parquet')
      writeFileSync(file, bytes)
      await check('parquet-footer', file, () => readInputs(athenaInputs({parquet: [file]}), {}))
    },
  ],
  [
    'S3 Inventory report (Parquet)',
    parquetSeeds(),
    (bytes) =>
      check('inventory-parquet', 'fuzz-inventory.parquet', () =>
        readInventoryFile(bytes, 'Parquet', 'fuzz-inventory.parquet'),
      ),
  ],
  [
    'S3 Inventory report (CSV, gzip)',
    SEEDS.inventoryCsv.map((text) => gzipSync(text)),
    (bytes) =>
      check('inventory-csv', 'fuzz-inventory.csv.gz', () => readInventoryFile(bytes, 'CSV', 'fuzz-inventory.csv.gz')),
  ],
  [
    'kinesis record file (bytes fast path)',
    SEEDS.records.map((text) => Buffer.from(text)),
    async (bytes) => {
      const file = path.join(work, 'fuzz-records.csv')
      writeFileSync(file, bytes)
      await check('records-bytes', file, async () => {
        const input = await openRecords(file, process.stdin)
        try {
          return await readRecordsInto({chunks: input.chunks}, file, new HashCache(1024), () => {})
        } finally {
          input.close()
        }
      })
    },
  ],
]

PARSERS.push(
  [
    'kinesis record file (text lines)',
    SEEDS.records,
    (text) =>
      check('records-text', 'fuzz-records.jsonl', () =>
        readRecordsInto({lines: text.split('\n')}, 'fuzz-records.jsonl', new HashCache(1024), () => {}),
      ),
  ],
  [
    'eventbridge event pattern',
    SEEDS.eventPattern,
    viaFile('fuzz-pattern.json', (file) =>
      testEventPattern(
        {event: path.join('test', 'fixtures', 'events', 's3-object-created.event.json'), pattern: file},
        testRunContext(),
      ),
    ),
  ],
  [
    'eventbridge events (JSON Lines)',
    SEEDS.events,
    viaFile('fuzz-events.jsonl', (file) =>
      testEventPattern({events: file, pattern: SEEDS.eventPattern[0]!}, testRunContext()),
    ),
  ],
  [
    'redshift table DDL',
    SEEDS.redshiftDdl,
    viaFile('fuzz-table.sql', async (file) => pickTable(await readTableDdl(file), file, undefined)),
  ],
  [
    'S3 Inventory report (CSV rows, gzipped after mutation)',
    SEEDS.inventoryCsv,
    (text) =>
      check('inventory-csv-rows', 'fuzz-rows.csv.gz', () =>
        readInventoryFile(gzipSync(text), 'CSV', 'fuzz-rows.csv.gz'),
      ),
  ],
  [
    'S3 Inventory manifest',
    SEEDS.inventoryManifest,
    (text) =>
      check('inventory-manifest', 'fuzz-manifest.json', () => parseInventoryManifest(text, 'fuzz-manifest.json')),
  ],
  [
    'KCL lease table (DynamoDB scan JSON)',
    SEEDS.leaseTable,
    viaFile('fuzz-leases.json', (file) =>
      reviewLeases({
        leaseTable: file,
        shardMap: path.join('test', 'fixtures', 'kinesis-consumers', 'after-split.list-shards.json'),
      }),
    ),
  ],
  [
    'kinesis shard list (list-shards JSON)',
    SEEDS.listShards,
    viaFile('fuzz-shards.json', (file) =>
      reviewLeases({
        leaseTable: path.join('test', 'fixtures', 'kinesis-consumers', 'kcl2-after-split.scan.json'),
        shardMap: file,
      }),
    ),
  ],
)

describe('fuzzed user files never reach exit 70, always name the file, never hang', () => {
  for (const [name, seeds, run] of PARSERS) {
    it(
      name,
      async () => {
        await fc.assert(fc.asyncProperty(inputs(seeds), run), {numRuns: RUNS})
      },
      120_000,
    )
  }

  for (const [name, seeds, run] of BINARY_PARSERS) {
    it(
      name,
      async () => {
        await fc.assert(fc.asyncProperty(binaryInputs(seeds), run), {numRuns: RUNS})
      },
      120_000,
    )
  }

  afterAll(() => {
    const lines = Object.entries(tally).map(([p, t]) => `${p}: ${t.accepted + t.refused} cases (${t.refused} refused)`)
    process.stdout.write(`fuzz cases per parser:\n  ${lines.join('\n  ')}\n`)
  })
})
