import {stripVTControlCharacters} from 'node:util'
import {afterEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../src/lib/core/run-context.js'
import {evenRanges, hashKeyOfPartitionKey} from '../../src/lib/kinesis/hash-key.js'
import {analyseHotShards} from '../../src/lib/kinesis/hot-shards.js'
import {renderDoctor} from '../../src/ui/doctor.js'
import {renderPartitionSync} from '../../src/ui/glue-partition-sync.js'
import {renderHotShards} from '../../src/ui/kinesis-hot-shards.js'
import {renderRanges} from '../../src/ui/kinesis-reshard.js'
import {renderSandboxReady} from '../../src/ui/sandbox.js'
import {setTerminalWidth} from '../../src/ui/table.js'
import {renderTrailEvents, TRAIL_TEXT_ROWS} from '../../src/ui/trail.js'

afterEach(() => setTerminalWidth(undefined))

/** The widest table line (box drawing); prose lines are soft-wrapped by the terminal itself. */
function widest(text: string): number {
  const rows = stripVTControlCharacters(text)
    .split('\n')
    .filter((l) => /^[┌│├└]/.test(l))
  expect(rows.length).toBeGreaterThan(0)
  return Math.max(...rows.map((l) => [...l].length))
}

function trailEvent(i: number) {
  return {
    accessKeyId: 'ASIAEXAMPLE',
    errorCode: i % 2 ? 'AccessDenied' : null,
    errorMessage: null,
    eventId: `0f0e0d0c-0b0a-4909-8807-${String(i).padStart(12, '0')}`,
    eventName: 'UpdateShardCount',
    eventSource: 'kinesis.amazonaws.com',
    eventTime: '2026-12-07T10:00:00.000Z',
    principalArn: 'arn:aws:sts::111122223333:assumed-role/DataEngineer/someone@example.com',
    readOnly: false,
    region: 'eu-west-1',
    requestParameters: {},
    resources: [{name: 'arn:aws:kinesis:eu-west-1:111122223333:stream/orders', type: 'AWS::Kinesis::Stream'}],
    userName: null,
  }
}

/** `n` partition values (year, month, region). */
function parts(n: number): string[][] {
  return Array.from({length: n}, (_, i) => ['2025', String(1 + (i % 12)).padStart(2, '0'), `eu-west-${i}`])
}

describe('tables at 80 columns', () => {
  it('hot-shards, reshard ranges, sandbox resources and trail events fit 80 columns on a terminal', async () => {
    const t0 = Date.parse('2026-11-22T10:00:00Z')
    const lines = Array.from({length: 2000}, (_, i) =>
      JSON.stringify({
        bytes: 900,
        partitionKey: i % 3 ? `tenant-${i % 50}` : 'whale',
        timestamp: t0 + (i % 120) * 1000,
      }),
    )
    const {result} = await analyseHotShards(
      {},
      {
        endMs: 0,
        minMinutes: 1,
        offline: {lines, ranges: evenRanges(4), rangesSource: '4 even', sourceName: 'r.jsonl'},
        source: 'auto',
        startMs: 0,
        threshold: 0.01,
      },
      testRunContext({now: () => new Date(t0)}),
    )
    const ranges = evenRanges(4).map((r) => ({
      ...r,
      endingHashKey: r.endingHashKey.toString(),
      startingHashKey: r.startingHashKey.toString(),
    }))
    const texts = {
      hotShards: () => renderHotShards(result),
      ranges: () => renderRanges('Open shards', ranges as never),
      sandbox: () =>
        renderSandboxReady({
          endpoints: {kinesis: 'http://127.0.0.1:4567', s3: 'http://127.0.0.1:4569', sts: 'http://127.0.0.1:4570'},
          exports: ['export AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:4567'],
          resources: [
            {
              kind: 'Kinesis stream',
              name: 'pipeops-demo-clicks',
              note: '4 shards, one hot key (tenant "whale") on purpose',
            },
            {
              kind: 'local file',
              name: '/tmp/pipeops-sandbox/redshift/events-large-file-name.csv.gz',
              note: 'gzip CSV with quoted newlines',
            },
          ],
          workDir: '/tmp/pipeops-sandbox',
        } as never),
      trail: () => renderTrailEvents([trailEvent(1), trailEvent(2)] as never, {end: 'b', start: 'a'}),
    }
    for (const [name, render] of Object.entries(texts)) {
      setTerminalWidth(80)
      expect(widest(render()), name).toBeLessThanOrEqual(80)
      // Piped (no terminal width): the whole table.
      setTerminalWidth(undefined)
      expect(render().length, name).toBeGreaterThan(0)
    }

    // Secondary columns go first, so the table stays a table: the key-space share is dropped at 80
    // columns and kept when piped.
    setTerminalWidth(80)
    expect(stripVTControlCharacters(texts.hotShards())).not.toMatch(/Key space/)
    expect(stripVTControlCharacters(texts.hotShards())).toMatch(/│ Shard/)
    setTerminalWidth(undefined)
    expect(texts.hotShards()).toMatch(/Key space/)
    expect(hashKeyOfPartitionKey('whale')).toBeTypeOf('bigint')
  })

  it('glue partition-sync and doctor fit 80 columns; a Glue plan of 150,000 partitions is drawn in part', () => {
    const lake = 's3://analytics-lake-eu-west-1/warehouse/sales_transactions_by_region'
    const glue = {
      applied: undefined,
      catalog: {partitions: 150_000, requests: 150, stale: 0},
      database: 'analytics',
      keyTypes: [
        {name: 'year', type: 'string'},
        {name: 'month', type: 'string'},
        {name: 'region', type: 'string'},
      ],
      location: `${lake}/`,
      plan: {
        add: parts(150_000).map((values) => ({
          location: `${lake}/year=${values[0]}/month=${values[1]}/region=${values[2]}/`,
          values,
        })),
        anomalies: [
          {
            detail: 'a folder named like a partition holds no key=value pairs the table knows about',
            kind: 'unknown-key',
            location: `${lake}/year=2025/extra_folder_name=1/`,
          },
        ],
        drift: [
          {
            differences: ['column amount: decimal(10,2) in the partition, decimal(12,2) in the table'],
            values: ['2025', '01', 'eu-west-1'],
          },
        ],
        drop: [
          {
            hasData: false,
            location: 's3://analytics-lake-eu-west-1/old-sales/year=2024/month=01/region=eu-west-1/',
            values: ['2024', '01', 'eu-west-1'],
          },
        ],
        relocate: [
          {
            from: 's3://analytics-lake-eu-west-1/old-sales/year=2025/month=01/region=eu-west-1/',
            to: `${lake}/year=2025/month=01/region=eu-west-1/`,
            values: ['2025', '01', 'eu-west-1'],
          },
        ],
      },
      refusals: [],
      scanned: {empty: 0, ignored: {}, mode: 'walk', partitions: 150_000, prefixes: 160, pruned: 0, requests: 400},
      scope: {where: {}},
      table: 'sales_transactions_by_region',
      template: 'year=/month=/region=',
    }
    const doctor = {
      endpoints: [{service: 'Kinesis', source: 'AWS_ENDPOINT_URL_KINESIS', url: 'http://127.0.0.1:4567'}],
      identity: {
        account: '111122223333',
        arn: 'arn:aws:sts::111122223333:assumed-role/DataEngineer/someone@example.com',
        userId: 'x',
      },
      node: 'v20.20.2',
      permissions: {
        commands: [
          {
            allowed: ['glue:GetTable'],
            command: 'glue partition-sync',
            denied: ['glue:BatchCreatePartition', 'glue:BatchUpdatePartition', 'glue:BatchDeletePartition'],
          },
        ],
        principalArn: 'arn:aws:iam::111122223333:role/DataEngineer-with-a-long-role-name-for-the-platform-team',
      },
      pipeops: '0.1.0',
      profile: {source: '--profile', value: 'data-platform-production-eu'},
      region: {source: 'profile', value: 'eu-west-1'},
    }
    for (const [name, render] of [
      ['glue', () => renderPartitionSync(glue as never)],
      ['doctor', () => renderDoctor(doctor as never)],
    ] as const) {
      setTerminalWidth(80)
      expect(widest(render()), name).toBeLessThanOrEqual(80)
      setTerminalWidth(undefined)
      expect(widest(render()), name).toBeGreaterThan(0)
    }

    setTerminalWidth(80)
    const text = stripVTControlCharacters(renderPartitionSync(glue as never))
    expect(text).toMatch(/… and 149\d{3} more \(--json lists all\)/)
    expect(text.split('\n').length).toBeLessThan(5000)
  })

  it('bounds the trail text: past the limit it says how many more and that --json holds them', () => {
    const events = Array.from({length: TRAIL_TEXT_ROWS + 50}, (_, i) => trailEvent(i))
    const text = renderTrailEvents(events as never, {end: 'b', start: 'a'})
    expect(text).toMatch(/… and 50 more event\(s\), not drawn: --json lists all 250\./)
    expect(text.split('\n').filter((l) => l.includes('UpdateShardCount')).length).toBe(TRAIL_TEXT_ROWS)
  })
})
