import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {HeavyHitters, kthLargest} from '../../../src/lib/kinesis/heavy-hitters.js'

describe('HeavyHitters (batched Misra–Gries)', () => {
  it('is exact while the distinct keys fit', () => {
    const hh = new HeavyHitters<null>(10)
    for (let i = 0; i < 100; i++) hh.add(`k${i % 5}`, i % 5 === 0 ? 3 : 1, null)
    expect(hh.errorBound).toBe(0)
    expect(hh.top(1)[0]).toMatchObject({estimate: 60, key: 'k0'})
    expect(hh.estimate('k1')).toBe(20)
    expect(hh.total).toBe(140)
  })

  it('keeps its guarantees on any weighted stream (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 20, min: 1}),
        fc.array(fc.tuple(fc.integer({max: 200, min: 0}), fc.integer({max: 1000, min: 1})), {
          maxLength: 2000,
          minLength: 1,
        }),
        (capacity, stream) => {
          const hh = new HeavyHitters<null>(capacity)
          const truth = new Map<string, number>()
          for (const [k, w] of stream) {
            const key = `key-${k}`
            hh.add(key, w, null)
            truth.set(key, (truth.get(key) ?? 0) + w)
          }

          const total = [...truth.values()].reduce((a, b) => a + b, 0)
          expect(hh.size).toBeLessThanOrEqual(2 * capacity)
          expect(hh.errorBound).toBeLessThanOrEqual(total / (capacity + 1) + 1e-9)
          for (const [key, w] of truth) {
            const est = hh.estimate(key)
            expect(est).toBeLessThanOrEqual(w + 1e-9)
            expect(w).toBeLessThanOrEqual(est + hh.errorBound + 1e-9)
            // Every key heavier than total/(capacity+1) survives.
            if (w > total / (capacity + 1)) expect(est).toBeGreaterThan(0)
          }
        },
      ),
      {numRuns: 300},
    )
  })

  it('finds a Zipf-heavy key in a long stream with a small table', () => {
    const hh = new HeavyHitters<null>(50)
    for (let i = 0; i < 200_000; i++) hh.add(i % 10 === 0 ? 'hot' : `cold-${i}`, 1, null)
    expect(hh.top(1)[0]!.key).toBe('hot')
    expect(hh.estimate('hot')).toBeGreaterThanOrEqual(20_000 - hh.errorBound)
  })

  it('kthLargest selects like a sort', () => {
    fc.assert(
      fc.property(fc.array(fc.double({max: 1e6, min: 0, noNaN: true}), {minLength: 1}), fc.nat(), (values, k0) => {
        const k = (k0 % values.length) + 1
        const sorted = [...values].sort((a, b) => b - a)
        expect(kthLargest(Float64Array.from(values), k)).toBe(sorted[k - 1])
      }),
    )
  })
})
