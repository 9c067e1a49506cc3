/**
 * The renderers the first 80-column tests did not reach: redshift copy-split, s3 lifecycle diff and
 * apply plan, kinesis hot-shards with thousands of shards (bounded in text, whole in the result).
 * athena explain-error and sfn retry-timeline run end to end in fit-80-columns-commands.test.ts.
 */
import {stripVTControlCharacters} from 'node:util'
import {afterEach, describe, expect, it} from 'vitest'

import type {RuleChange} from '../../src/lib/s3/lifecycle/apply.js'

import {testRunContext} from '../../src/lib/core/run-context.js'
import {evenRanges} from '../../src/lib/kinesis/hash-key.js'
import {analyseHotShards} from '../../src/lib/kinesis/hot-shards.js'
import {renderRecent} from '../../src/ui/athena-explain.js'
import {renderHotShards, SHARD_TEXT_ROWS} from '../../src/ui/kinesis-hot-shards.js'
import {renderCopySplit} from '../../src/ui/redshift-copy-split.js'
import {renderApplyPlan, renderDiff} from '../../src/ui/s3-lifecycle.js'
import {setTerminalWidth} from '../../src/ui/table.js'

afterEach(() => setTerminalWidth(undefined))

function tableLines(text: string): string[] {
  return stripVTControlCharacters(text)
    .split('\n')
    .filter((l) => /^[┌│├└]/.test(l))
}

function widest(text: string): number {
  const rows = tableLines(text)
  expect(rows.length).toBeGreaterThan(0)
  return Math.max(...rows.map((l) => [...l].length))
}

const PART = 's3://analytics-lake-eu-west-1/loads/clickstream/2026/12/07/run-20261207T100000Z/part-'

function copySplitText(parts: number): string {
  return renderCopySplit(
    {
      balance: {maxBytes: 134_300_000, minBytes: 134_100_000},
      copySql: "COPY analytics.clickstream FROM 's3://…/manifest.json' IAM_ROLE '…' MANIFEST GZIP CSV",
      elapsedMs: 41_200,
      input: {bytes: 8_590_000_000, format: 'csv', header: 'strip', records: 61_000_000},
      manifest: `${PART.slice(0, -5)}manifest.json`,
      parts: Array.from({length: parts}, (_, i) => ({
        bytes: 134_200_000 + i,
        checksum: `sha256:${'0123456789abcdef'.repeat(4)}`,
        path: `${PART}${String(i).padStart(4, '0')}.csv.gz`,
        records: 953_125,
      })) as never,
      slices: {count: 64, source: 'stv_slices (Redshift Data API)'},
      throughputMBps: 208,
    },
    {
      blockSize: 4 << 20,
      compression: 'gzip',
      files: parts,
      headerReason: 'the first line names the columns',
      inputStoredBytes: 1_900_000_000,
      planReason: '64 slices × 1 file',
      runId: 'run-20261207T100000Z',
      skipped: [],
      workers: 2,
    },
    false,
  )
}

/** One cause group of `explain-error --recent`, with long texts. */
const causeGroup = (cause: string, count: number) => ({
  cause,
  count,
  fix: 'Cast the column in the query or correct the table definition to the type the files hold.',
  queries: [
    {
      queryExecutionId: '3c7a2a1e-1111-2222-3333-444455556666',
      reason: `${cause}: column event_time of table clickstream_events_with_a_rather_long_name`,
      submitted: '2026-12-07T09:59:58.000Z',
    },
  ],
  rules: ['AL003-type-mismatch', 'AL011-partition-projection'],
})

const LONG_ID = 'expire-raw-clickstream-events-after-400-days-and-move-to-glacier-ir-after-90'

describe('renderers at 80 columns', () => {
  it('redshift copy-split fits 80 columns with S3 part paths, and its parts table stays bounded', () => {
    setTerminalWidth(80)
    const text = copySplitText(256)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text.split('\n').filter((l) => l.includes('part-0')).length).toBeLessThanOrEqual(40)
    setTerminalWidth(undefined)
    // Piped, every column is kept (the checksum column is still there).
    expect(stripVTControlCharacters(copySplitText(8))).toMatch(/SHA-256/)
  })

  it('s3 lifecycle diff and apply plan fit 80 columns with long rule ids and bucket names', () => {
    setTerminalWidth(80)
    const changes: RuleChange[] = [
      {change: 'add', id: LONG_ID},
      {change: 'replace', fields: ['Filter', 'Transitions', 'NoncurrentVersionExpiration'], id: `${LONG_ID}-v2`},
      {change: 'keep', id: 'abort-incomplete-multipart-uploads-after-7-days'},
      {change: 'unchanged', id: 'expire-noncurrent-versions'},
    ]
    const bucket = 'analytics-lake-eu-west-1-raw-clickstream-events-prod'
    expect(widest(renderDiff(changes, bucket))).toBeLessThanOrEqual(80)
    const plan = {
      baseline: {bucket, changes},
      createdAt: '2026-12-07T10:00:00.000Z',
      steps: [
        {
          effect: 'replaces the lifecycle configuration (4 rules)',
          id: 'put',
          operation: 'PutBucketLifecycleConfiguration',
          params: {backupFile: '/tmp/lifecycle-backup.json', bucket},
        },
      ],
    }
    const text = renderApplyPlan(plan as never)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(stripVTControlCharacters(text)).toContain('PutBucketLifecycleConfiguration')
  })

  it('kinesis hot-shards draws at most SHARD_TEXT_ROWS shards in text and says how many more; the result keeps all', async () => {
    const t0 = Date.parse('2026-11-22T10:00:00Z')
    const lines = Array.from({length: 3000}, (_, i) =>
      JSON.stringify({bytes: 900, partitionKey: `tenant-${i}`, timestamp: t0 + (i % 60) * 1000}),
    )
    const shards = SHARD_TEXT_ROWS + 56
    const {result} = await analyseHotShards(
      {},
      {
        endMs: 0,
        minMinutes: 1,
        offline: {lines, ranges: evenRanges(shards), rangesSource: `${shards} even`, sourceName: 'r.jsonl'},
        source: 'auto',
        startMs: 0,
        threshold: 0.5,
      },
      testRunContext({now: () => new Date(t0)}),
    )
    expect(result.shards).toHaveLength(shards)
    setTerminalWidth(80)
    const text = stripVTControlCharacters(renderHotShards(result))
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text.split('\n').filter((l) => /shardId-\d+/.test(l)).length).toBeLessThanOrEqual(SHARD_TEXT_ROWS + 5)
    expect(text).toContain(`… and 56 more shard(s)`)
    expect(text).toContain(`--json lists all ${shards}`)
  })

  it('athena explain-error --recent (failures grouped by cause) fits 80 columns', () => {
    setTerminalWidth(80)
    const text = renderRecent({
      failed: 42,
      groups: [
        causeGroup('HIVE_BAD_DATA: field value cannot be parsed as the declared type', 30),
        causeGroup('HIVE_PARTITION_SCHEMA_MISMATCH', 12),
      ],
      scanned: 500,
      truncated: false,
      workgroup: 'analysts-with-a-long-workgroup-name',
    } as never)
    expect(widest(text)).toBeLessThanOrEqual(80)
  })
})
