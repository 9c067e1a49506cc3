import {afterEach, describe, expect, it} from 'vitest'

import {renderTable, setTerminalWidth} from '../../src/ui/table.js'

const widest = (text: string): number => Math.max(...text.split('\n').map((line) => [...line].length))

const spec = {
  head: ['Shard', 'Utilisation', 'Why', 'Region'],
  optional: [3],
  rows: [
    [
      'shardId-000000000001',
      '313 %',
      'Demand above the hard limit means throttling for certain, whatever the minutes rule says',
      'us-east-1',
    ],
    ['shardId-000000000002', '12 %', 'fine', 'us-east-1'],
  ],
}

describe('renderTable', () => {
  afterEach(() => setTerminalWidth(undefined))

  it('draws the whole table when no width is known (piped output)', () => {
    const out = renderTable(spec)
    expect(out).toContain('us-east-1')
    expect(widest(out)).toBeGreaterThan(120)
  })

  it.each([120, 80, 60])('fits %i columns, dropping optional columns first and wrapping cells', (width) => {
    const out = renderTable({...spec, width})
    expect(widest(out)).toBeLessThanOrEqual(width)
    expect(out).not.toContain('us-east-1')
    expect(out.replace(/[│\s]+/g, ' ')).toContain('whatever the minutes rule says')
    expect(out).toContain('shardId-000000000001')
  })

  it('switches to a list when the columns would be too narrow to read', () => {
    const out = renderTable({...spec, width: 30})
    expect(widest(out)).toBeLessThanOrEqual(30)
    expect(out).toContain('Shard: shardId-000000000001')
    expect(out).toContain('  Utilisation: 313 %')
  })

  it('keeps every character of a long word, broken across lines', () => {
    const key = 's3://bucket/a/very/long/path/without/any/spaces/at/all/file.parquet'
    const out = renderTable({head: ['Key', 'Value'], rows: [['k', key]], width: 40})
    expect(widest(out)).toBeLessThanOrEqual(40)
    expect(out.replace(/[│\s]/g, '')).toContain(key)
  })

  it('uses the width BaseCommand set for the terminal', () => {
    setTerminalWidth(80)
    expect(widest(renderTable(spec))).toBeLessThanOrEqual(80)
  })
})
