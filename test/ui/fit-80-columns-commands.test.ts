/**
 * Every table a command draws fits an 80-column terminal (the width BaseCommand reads from a TTY
 * stdout), and a pipe still gets the whole table. The commands run end to end on local inputs.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {stripVTControlCharacters} from 'node:util'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'

import {type Plan, PLAN_FORMAT_VERSION} from '../../src/lib/core/plan.js'
import {writeMwaaSamples} from '../../src/lib/sandbox/seeds/mwaa.js'
import {PLAN_TEXT_ROWS, renderPlan} from '../../src/ui/plan-table.js'
import {setTerminalWidth} from '../../src/ui/table.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {runText} from '../helpers/run.js'

const S3_FIXTURES = path.resolve('test/fixtures/s3-lifecycle')
const SFN_FIXTURES = path.resolve('test/fixtures/sfn')
let dir: string

/** Box-drawing lines of the output (prose lines are soft-wrapped by the terminal itself). */
function tableLines(text: string): string[] {
  return stripVTControlCharacters(text)
    .split('\n')
    .filter((l) => /^[┌│├└]/.test(l))
}

/** Run a command as on a terminal of `columns` (undefined: piped). */
async function onTerminal(argv: string[], columns: number | undefined) {
  const stdout = process.stdout as {columns?: number; isTTY?: boolean}
  const saved = {columns: stdout.columns, isTTY: stdout.isTTY}
  if (columns !== undefined) Object.assign(stdout, {columns, isTTY: true})
  try {
    return await runText([...argv, '--no-color'])
  } finally {
    Object.assign(stdout, saved)
    setTerminalWidth(undefined)
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'pipeops-80-'))
  await writeMwaaSamples(path.join(dir, 'mwaa-logs'))
  const t0 = Date.parse('2026-11-22T10:00:00Z')
  writeFileSync(
    path.join(dir, 'records.jsonl'),
    Array.from({length: 3000}, (_, i) =>
      JSON.stringify({bytes: 900, partitionKey: i % 3 ? `tenant-${i % 40}` : 'whale', timestamp: t0 + (i % 60) * 1000}),
    ).join('\n'),
  )
  writeFileSync(
    path.join(dir, 'athena-error.txt'),
    'HIVE_BAD_DATA: Error parsing field value \'2026-13-45 99:00:00\' for field 7: For input string: "2026-13-45 99:00:00" (file s3://analytics-lake-eu-west-1/raw/clickstream/events/year=2026/month=12/day=07/part-00017-4b1c.snappy.parquet)\n',
  )
  writeFileSync(
    path.join(dir, 'tables.sql'),
    "CREATE EXTERNAL TABLE clickstream_events_with_a_rather_long_name (`date` string, `user-id` string, `Event Name` string, `select` int)\nPARTITIONED BY (`_region` string)\nLOCATION 's3://analytics-lake-eu-west-1/raw/clickstream/events/';\n",
  )
})
afterEach(() => setTerminalWidth(undefined))

describe('command tables at 80 columns', () => {
  useTestAwsEnv()

  const commands: Array<[string, () => string[]]> = [
    ['s3 lifecycle lint', () => ['s3', 'lifecycle', 'lint', '-f', path.join(S3_FIXTURES, 'broken.json')]],
    ['s3 lifecycle generate', () => ['s3', 'lifecycle', 'generate', '--spec', path.join(S3_FIXTURES, 'spec.yaml')]],
    [
      's3 lifecycle explain',
      () => [
        's3',
        'lifecycle',
        'explain',
        '-f',
        path.join(S3_FIXTURES, 'classic.json'),
        '--key',
        'raw/csv/2026/11/22/events-0001.csv',
        '--size',
        '25MB',
      ],
    ],
    [
      's3 lifecycle lint --estimate',
      () => [
        's3',
        'lifecycle',
        'lint',
        '-f',
        path.join(S3_FIXTURES, 'classic.json'),
        '--objects',
        '5000000',
        '--avg-size',
        '4MB',
      ],
    ],
    ['sfn lint', () => ['sfn', 'lint', '-d', path.join(SFN_FIXTURES, 'order-machine.asl.json')]],
    ['sfn explain', () => ['sfn', 'explain', '--history', path.join(SFN_FIXTURES, 'history-caught.json')]],
    ['mwaa triage', () => ['mwaa', 'triage', '--logs', path.join(dir, 'mwaa-logs')]],
    ['athena lint-columns', () => ['athena', 'lint-columns', '--ddl', path.join(dir, 'tables.sql')]],
    [
      'kinesis key-spread',
      () => ['kinesis', 'key-spread', '--records', path.join(dir, 'records.jsonl'), '--shards', '4,8,16'],
    ],
    ['kinesis where-is', () => ['kinesis', 'where-is', 'tenant-0001', '--shards', '8']],
    ['athena explain-error', () => ['athena', 'explain-error', '--file', path.join(dir, 'athena-error.txt')]],
    [
      'sfn retry-timeline',
      () => [
        'sfn',
        'retry-timeline',
        '--definition',
        path.join(SFN_FIXTURES, 'order-machine.asl.json'),
        '--state="Charge card"',
      ],
    ],
  ]

  for (const [name, argv] of commands) {
    it(`${name}: no table line is wider than 80 columns on a terminal; piped, the table is whole`, async () => {
      const onTty = await onTerminal(argv(), 80)
      expect(onTty.stdout.length, `${name}: ${onTty.stderr}`).toBeGreaterThan(0)
      // A table that fits, or rows drawn as lists (no box lines) where columns would be unreadable.
      const wide = tableLines(onTty.stdout + onTty.stderr).filter((l) => [...l].length > 80)
      expect(wide, `${name}:\n${onTty.stdout}`).toEqual([])
      const piped = await onTerminal(argv(), undefined)
      expect(piped.exitCode).toBe(onTty.exitCode)
      // explain-error --file prints key-value lines; its table (--recent) is in fit-80-columns-renderers.test.ts.
      if (name !== 'mwaa triage' && name !== 'sfn lint' && name !== 'athena explain-error') {
        const whole = tableLines(piped.stdout + piped.stderr)
        expect(whole.length, `${name} piped:\n${piped.stdout}`).toBeGreaterThan(0)
      }
    })
  }
})

/** A Glue-like plan of `steps` relocations with long locations and reasons. */
function plan(steps: number): Plan<unknown, unknown> {
  return {
    baseline: {},
    createdAt: '2026-12-07T10:00:00.000Z',
    formatVersion: PLAN_FORMAT_VERSION,
    kind: 'glue partition-sync',
    steps: Array.from({length: steps}, (_, i) => ({
      effect: 'the partition is queryable at its data',
      id: `s${i}`,
      operation: 'BatchUpdatePartition',
      params: {
        location: `s3://analytics-lake-eu-west-1/warehouse/sales/year=2025/month=${String(1 + (i % 12)).padStart(2, '0')}/`,
        values: ['2025', String(1 + (i % 12))],
      },
      reason: 'the catalog points at s3://analytics-lake-eu-west-1/old-sales/, which is empty; the data is here',
    })),
    summary: {},
    target: {database: 'analytics', table: 'sales'},
  }
}

describe('plan tables', () => {
  it('fit 80 columns on a terminal and keep every column when piped', () => {
    setTerminalWidth(80)
    const narrow = renderPlan(plan(3))
    expect(tableLines(narrow).filter((l) => [...l].length > 80)).toEqual([])
    setTerminalWidth(undefined)
    expect(stripVTControlCharacters(renderPlan(plan(3)))).toMatch(/│ Reason/)
  })

  it('draw at most PLAN_TEXT_ROWS steps and say how many more the plan holds', () => {
    const text = stripVTControlCharacters(renderPlan(plan(PLAN_TEXT_ROWS + 1234)))
    expect(text).toMatch(/… and 1234 more step\(s\), not drawn: --json and --plan-out list all 1434\./)
    expect(text.split('\n').filter((l) => l.includes('BatchUpdatePartition')).length).toBe(PLAN_TEXT_ROWS)
  })
})
