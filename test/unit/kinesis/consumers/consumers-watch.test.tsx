import {render} from 'ink-testing-library'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'

import type {ConsumersResult} from '../../../../src/lib/kinesis/consumers/types.js'

import {ConsumersWatchView, watchConsumers} from '../../../../src/ui/kinesis-consumers-watch.js'

const result: ConsumersResult = {
  consumers: [
    {
      findings: [],
      kind: 'lambda',
      metrics: [{metric: 'AWS/Lambda IteratorAge', stat: 'Maximum', unit: 'ms', value: 2_400_000}],
      name: 'clicks-enricher',
      shards: [],
      source: 'event source mapping u-1',
    },
  ],
  iteratorAge: {findings: [], perShard: null, perShardNote: 'not checked: shard-level metrics off', streamMaxMs: null},
  metricsWindow: {end: '2026-12-07T20:00:00.000Z', start: '2026-12-07T19:00:00.000Z'},
  notChecked: [{reason: '--no-firehose', what: 'Firehose delivery streams'}],
  retentionHours: 24,
  stream: 'clicks',
  summary: {critical: 0, info: 0, warning: 0},
}

describe('kinesis consumers --watch', () => {
  it('draws the report with metrics, "no data" and "not checked" as such, warnings and the refresh line', () => {
    const {lastFrame} = render(
      <ConsumersWatchView
        state={{refreshing: true, result, updatedAt: new Date('2026-12-07T20:00:05Z'), warnings: ['slow scan']}}
      />,
    )
    const frame = lastFrame()!
    expect(frame).toContain('LAMBDA clicks-enricher')
    expect(frame).toContain('AWS/Lambda IteratorAge 40 min')
    expect(frame).toContain('GetRecords.IteratorAgeMilliseconds (every polling consumer, max): no data')
    expect(frame).toContain('per shard: not checked: shard-level metrics off')
    expect(frame).toContain('Firehose delivery streams: not checked (--no-firehose)')
    expect(frame).toContain('! slow scan')
    expect(frame).toContain('refreshing… updated 2026-12-07T20:00:05.000Z')
  })

  it('re-reads every interval, keeps the last result after a failed refresh, and stops on abort', async () => {
    const controller = new AbortController()
    const stdout = Object.assign(new PassThrough(), {
      columns: 120,
      isTTY: false,
      rows: 40,
    }) as unknown as NodeJS.WriteStream
    let calls = 0
    const last = await watchConsumers({
      async analyse() {
        calls++
        if (calls === 2) throw new Error('ThrottlingException')
        if (calls === 3) setTimeout(() => controller.abort(), 5)
        return {result, warnings: []}
      },
      intervalMs: 10,
      signal: controller.signal,
      stdout,
    })
    expect(calls).toBe(3)
    expect(last).toBe(result)
  })
})
