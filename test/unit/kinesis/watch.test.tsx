import {render} from 'ink-testing-library'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import type {HotShardsAnalysis, HotShardsResult, ShardResult} from '../../../src/lib/kinesis/hot-shards.js'

import {bar, runWatch, WatchView} from '../../../src/ui/kinesis-watch.js'

function shard(id: string, u: number, over: Partial<ShardResult> = {}): ShardResult {
  return {
    bytesPerSec: {avg: 0, max: 0, p99: 0},
    endingHashKey: '1',
    hot: u >= 0.8,
    hotReasons: [],
    keySpaceShare: 0.5,
    measured: true,
    minutesObserved: 15,
    minutesOverThreshold: 0,
    recordsPerSec: {avg: 0, max: 0, p99: 0},
    shardId: id,
    startingHashKey: '0',
    statsSource: 'metrics',
    throttledRecords: 0,
    topKeys: [],
    utilisation: {avg: u, max: u, p99: u},
    ...over,
  }
}

const result: HotShardsResult = {
  hotKeys: [],
  hotShards: ['shardId-000000000001'],
  minMinutes: 3,
  mode: 'PROVISIONED',
  recommendations: [],
  shards: [
    shard('shardId-000000000001', 0.95, {
      throttledRecords: 12,
      topKeys: [
        {
          bytes: 1,
          bytesPerSec: 1,
          errorBound: {bytes: 0, records: 0},
          hashKey: '5',
          partitionKey: 'tenant-x',
          records: 1,
          recordsPerSec: 1,
          share: 0.7,
        },
      ],
    }),
    shard('shardId-000000000000', 0.1),
  ],
  source: 'metrics+records',
  stream: 'orders',
  threshold: 0.8,
  verdict: 'hot-shard',
  window: {end: '2026-11-22T10:15:00.000Z', seconds: 900, start: '2026-11-22T10:00:00.000Z'},
}

describe('hot-shards --watch view', () => {
  it('draws one bar per shard, throttling marks and top keys', () => {
    const {lastFrame} = render(
      <WatchView
        state={{
          refreshing: false,
          result,
          threshold: 0.8,
          updatedAt: new Date('2026-11-22T10:15:01Z'),
          warnings: ['metrics lag'],
        }}
      />,
    )
    const frame = lastFrame()!
    expect(frame).toContain('orders')
    expect(frame).toContain('hot-shard')
    expect(frame).toContain(`shardId-000000000001 ${bar(0.95)}`)
    expect(frame).toContain('⚠ 12 throttled')
    expect(frame).toContain('shardId-000000000001 top keys: tenant-x 70 %')
    expect(frame).toContain('! metrics lag')
    expect(frame).toContain('Ctrl-C to exit')
    expect(bar(0.5, 10)).toBe('█████░░░░░')
    expect(bar(2, 4)).toBe('████')
  })

  it('refreshes every interval and stops cleanly on abort, returning the last result', async () => {
    const controller = new AbortController()
    const stdout = Object.assign(new PassThrough(), {
      columns: 120,
      isTTY: false,
      rows: 40,
    }) as unknown as NodeJS.WriteStream
    let calls = 0
    const last = await runWatch({
      async analyse(): Promise<HotShardsAnalysis> {
        calls++
        if (calls === 2) setTimeout(() => controller.abort(), 5)
        if (calls === 1) throw new Error('throttled, will retry')
        return {profiles: [], result, warnings: []}
      },
      intervalMs: 10,
      signal: controller.signal,
      stdout,
      threshold: 0.8,
    })
    expect(calls).toBe(2)
    expect(last).toBe(result)
  })
})
