import {render} from 'ink-testing-library'
import {Writable} from 'node:stream'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {isColorEnabled, paint, setColorEnabled, shouldUseColor} from '../../src/ui/color.js'
import {renderPlan} from '../../src/ui/plan-table.js'
import {ProgressLine} from '../../src/ui/progress-view.js'
import {createProgress} from '../../src/ui/progress.js'
import {renderKeyValues, renderTable} from '../../src/ui/table.js'

afterEach(() => setColorEnabled(false))

describe('colour', () => {
  it('is on only for a terminal, without --no-color and NO_COLOR', () => {
    expect(shouldUseColor({env: {}, flag: true, isTTY: true})).toBe(true)
    expect(shouldUseColor({env: {}, flag: true, isTTY: false})).toBe(false)
    expect(shouldUseColor({env: {}, flag: false, isTTY: true})).toBe(false)
    expect(shouldUseColor({env: {NO_COLOR: '1'}, flag: true, isTTY: true})).toBe(false)
    expect(shouldUseColor({env: {FORCE_COLOR: '1'}, flag: true, isTTY: false})).toBe(true)
  })

  it('paints only when enabled', () => {
    setColorEnabled(false)
    expect(paint('red', 'x')).toBe('x')
    setColorEnabled(true)
    expect(isColorEnabled()).toBe(true)
    expect(paint('red', 'x')).toBe('\u001B[31mx\u001B[39m')
  })
})

describe('tables', () => {
  it('render plain text without ANSI codes when colour is off', () => {
    const text = renderTable({head: ['Shard', 'Util'], rows: [['shardId-000', '93 %']], title: 'Hot shards'})
    expect(text).toContain('Hot shards')
    expect(text).toMatch(/│ Shard\s+│ Util\s+│/)
    expect(text).toMatch(/│ shardId-000 │ 93 %\s+│/)
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/\u001B\[/)
  })

  it('aligns key/value blocks and drops empty values', () => {
    expect(
      renderKeyValues([
        ['Region', 'us-east-1'],
        ['Account', undefined],
        ['Profile', 'default'],
      ]),
    ).toBe('Region   us-east-1\nProfile  default')
  })

  it('render a plan as a step table, or say there is nothing to do', () => {
    const plan = {
      baseline: null,
      createdAt: '',
      formatVersion: 1 as const,
      kind: 'kinesis reshard',
      steps: [
        {
          effect: '2 children at 48 % and 51 %',
          id: '1',
          operation: 'SplitShard',
          params: {NewStartingHashKey: '170141183460469231731687303715884105728', ShardToSplit: 'shardId-000'},
          reason: 'hot',
        },
      ],
      summary: {},
      target: {stream: 'orders'},
    }
    const text = renderPlan(plan)
    expect(text).toContain('Plan: kinesis reshard (1 step)')
    expect(text).toContain('NewStartingHashKey=170141183460469231731687303715884105728')
    expect(renderPlan({...plan, steps: []})).toMatch(/Nothing to do/)
  })
})

describe('progress', () => {
  it('shows label and counts', () => {
    const {lastFrame, unmount} = render(<ProgressLine detail="SplitShard" done={2} label="Applying" total={5} />)
    expect(lastFrame()).toMatch(/Applying 2\/5 SplitShard/)
    unmount()
  })

  it('loads its view on the first update and draws the latest state on the stream', async () => {
    let written = ''
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString()
          done()
        },
      }),
      {columns: 80, isTTY: true, rows: 24},
    ) as unknown as NodeJS.WriteStream
    const reporter = createProgress(true, stream)
    reporter.update({label: 'Reading'})
    reporter.update({done: 3, label: 'Splitting', total: 8})
    await vi.waitFor(() => expect(written).toMatch(/Splitting 3\/8/), {timeout: 10_000})
    expect(written).not.toMatch(/Reading/)
    reporter.stop()
  })

  it('is silent when disabled (--json, or stderr not a terminal)', async () => {
    let written = ''
    const stream = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString()
          done()
        },
      }),
      {columns: 80, isTTY: true, rows: 24},
    ) as unknown as NodeJS.WriteStream
    const reporter = createProgress(false, stream)
    reporter.update({detail: 'step 1', done: 1, label: 'Applying', total: 3})
    // An enabled reporter draws within this time (the test above); a disabled one never does.
    await new Promise((resolve) => {
      setTimeout(resolve, 3000)
    })
    reporter.stop()
    expect(written).toBe('')
  })
})
