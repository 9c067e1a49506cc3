import {stripVTControlCharacters} from 'node:util'
import {afterEach, describe, expect, it} from 'vitest'

import {evenRanges, hashKeyOfPartitionKey} from '../../src/lib/kinesis/hash-key.js'
import {analyseHotShards} from '../../src/lib/kinesis/hot-shards.js'
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
      {now: () => t0, async sleep() {}},
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

  it('bounds the trail text: past the limit it says how many more and that --json holds them', () => {
    const events = Array.from({length: TRAIL_TEXT_ROWS + 50}, (_, i) => trailEvent(i))
    const text = renderTrailEvents(events as never, {end: 'b', start: 'a'})
    expect(text).toMatch(/… and 50 more event\(s\), not drawn: --json lists all 250\./)
    expect(text.split('\n').filter((l) => l.includes('UpdateShardCount')).length).toBe(TRAIL_TEXT_ROWS)
  })
})
