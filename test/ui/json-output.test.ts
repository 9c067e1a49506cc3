import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {writeJson} from '../../src/ui/json-output.js'

function written(value: unknown): {chunks: string[]; text: string} {
  const chunks: string[] = []
  writeJson(value, (c) => chunks.push(c))
  return {chunks, text: chunks.join('')}
}

const expected = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

describe('writeJson', () => {
  it('prints what JSON.stringify(value, null, 2) prints, for the shapes an envelope holds', () => {
    const envelope = {
      command: 'athena lint-columns',
      result: {
        empty: [],
        emptyObject: {},
        findings: [
          {
            column: '売上',
            message: 'line one\nline two',
            nested: {deep: [1, {x: null}], tags: ['a', 'b']},
            rule: 'AC001',
          },
          {column: 'id', message: 'ok', nested: {deep: [], tags: []}, rule: 'AC002'},
        ],
        gone: undefined,
        holes: [undefined, () => 1, Symbol('s'), 3],
        when: new Date(0),
      },
      schemaVersion: 1,
      warnings: [],
    }
    expect(written(envelope).text).toBe(expected(envelope))
  })

  it('keeps top-level values that are not containers as console.log printed them', () => {
    for (const value of [null, 0, 'text', true, undefined, new Date(0)])
      expect(written(value).text).toBe(expected(value))
    expect(written(undefined).text).toBe('undefined\n')
  })

  it('joins long lists of numbers a slice at a time, byte for byte as JSON.stringify', () => {
    const lines = Array.from({length: 10_000}, (_, i) => i * 3 + 1)
    const value = {
      result: {matchedLines: lines, mixed: [...lines.slice(0, 20), Number.NaN, -0, 1e21, 0.5], short: [1, 2]},
    }
    const {chunks, text} = written(value)
    expect(text).toBe(expected(value))
    expect(chunks.length).toBeGreaterThan(1)
    expect(written([...lines, Infinity]).text).toBe(expected([...lines, Infinity]))
    expect(written({deep: {a: {b: [-0, ...lines]}}}).text).toBe(expected({deep: {a: {b: [-0, ...lines]}}}))
  })

  it('writes a large result in chunks, never as one string', () => {
    const value = {result: {rows: Array.from({length: 40_000}, (_, i) => ({i, name: `name-${i}`, tags: ['x', 'y']}))}}
    const {chunks, text} = written(value)
    expect(chunks.length).toBeGreaterThan(1)
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(2 * 2 ** 20)
    expect(text).toBe(expected(value))
  })

  it('walks long lists at any depth and stays identical', () => {
    const renames = Array.from({length: 40}, (_, i) => ({from: `Col ${i}`, path: ['t', `c${i}`], to: `col_${i}`}))
    const value = {result: {fixes: {renames, short: [[1, 2], {a: [3]}]}}}
    expect(written(value).text).toBe(expected(value))
  })

  it('batches the items of a deep list natively and stays identical around long lists, holes and classes', () => {
    class Located {
      readonly rule: string
      #line = 3

      constructor(rule: string) {
        this.rule = rule
      }

      line(): number {
        return this.#line
      }
    }

    const long = Array.from({length: 20}, (_, i) => i)
    const items: unknown[] = Array.from({length: 3000}, (_, i) => ({i, message: `m${i}\nnext`, tags: ['a']}))
    items.splice(5, 0, long, undefined, new Located('r'), [1, 2], () => 1, long.map(String))
    items.push(long)
    const value = {result: {findings: items, fixes: {renames: items.slice(0, 40)}}}
    const {chunks, text} = written(value)
    expect(text).toBe(expected(value))
    expect(chunks.length).toBeGreaterThan(1)
    expect(written([items.slice(0, 30)]).text).toBe(expected([items.slice(0, 30)]))
  })

  it('matches JSON.stringify on generated JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({maxDepth: 6}), (value) => {
        expect(written(value).text).toBe(expected(value))
      }),
      {numRuns: 300},
    )
  })
})
