/**
 * Fuzzing of every parser that reads a user's file (issue "prove nothing is lost under faults"):
 * random text, random JSON, and real-shaped seeds (our own fixtures) mutated by deletion,
 * insertion, duplication, truncation and punctuation swaps. The property, for each parser and
 * each case: it returns, or it refuses with a pipeops error that maps to a documented exit code
 * (never 70, the "bug" code), names the file, and finishes within a bound (no hang).
 * PIPEOPS_FUZZ_RUNS raises the number of cases per parser (default 150 in CI).
 */
import fc from 'fast-check'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {type LintInputs, readInputs} from '../../src/lib/athena/lint-columns.js'
import {classifyError, ExitCode} from '../../src/lib/core/errors.js'
import {PLAN_FORMAT_VERSION, readPlanFile} from '../../src/lib/core/plan.js'
import {loadPartitionsJson, loadTableJson} from '../../src/lib/glue/catalog.js'
import {parseShardMap} from '../../src/lib/kinesis/records-file.js'
import {detectFormat, parseConsoleCopy, parseEventsFile} from '../../src/lib/mwaa/input.js'
import {sniff} from '../../src/lib/redshift/sniff.js'
import {parseConfigurationText} from '../../src/lib/s3/lifecycle/load.js'
import {explainHistoryFile, readHistoryFile} from '../../src/lib/sfn/explain.js'
import {lintDefinitions} from '../../src/lib/sfn/lint.js'
import {parseDefinitionFile} from '../../src/lib/sfn/read-definition.js'

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
  jsonSample: [
    '{"id": 1, "user": {"name": "a", "Name": "b"}}\n{"id": 2, "tags": ["x"]}\n',
    '[{"a": 1}, {"a": {"b": 2}}]',
  ],
  lifecycle: [
    fixture('s3-lifecycle/broken.json'),
    fixture('s3-lifecycle/classic.json'),
    fixture('s3-lifecycle/template.yaml'),
    fixture('s3-lifecycle/templates/cfn-if-branches.yaml'),
  ],
  lifecycleTerraform: [
    'variable "days" {\n  default = 30\n}\nresource "aws_s3_bucket_lifecycle_configuration" "b" {\n  bucket = "x"\n  rule {\n    id = "tmp"\n    status = "Enabled"\n    filter { prefix = "tmp/" }\n    expiration { days = var.days }\n  }\n}\n',
  ],
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

  afterAll(() => {
    const lines = Object.entries(tally).map(([p, t]) => `${p}: ${t.accepted + t.refused} cases (${t.refused} refused)`)
    process.stdout.write(`fuzz cases per parser:\n  ${lines.join('\n  ')}\n`)
  })
})
