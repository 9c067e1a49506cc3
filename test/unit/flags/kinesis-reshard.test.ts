import {describe, expect, it} from 'vitest'

import {strategyFromFlags} from '../../../src/flags/kinesis-reshard.js'
import {parseUtilisation} from '../../../src/flags/utilisation.js'

describe('kinesis reshard flags → request', () => {
  const flags = {below: '0.25', 'even-out': false, 'merge-cold': false, 'split-hot': false, threshold: '0.8'}

  it('parses utilisation levels as fractions or percentages', () => {
    expect(parseUtilisation('0.8', '--threshold')).toBe(0.8)
    expect(parseUtilisation('80%', '--threshold')).toBe(0.8)
    expect(parseUtilisation('12.5 %', '--below')).toBe(0.125)
    expect(() => parseUtilisation('0', '--threshold')).toThrow(/not a utilisation level/)
    expect(() => parseUtilisation('-1', '--threshold')).toThrow(/not a utilisation level/)
    expect(() => parseUtilisation('150%', '--threshold')).toThrow(/not a utilisation level/)
  })

  it('needs exactly one strategy, none with --plan', () => {
    expect(strategyFromFlags({...flags, 'split-hot': true, threshold: '70%'})).toEqual({
      kind: 'split-hot',
      threshold: 0.7,
    })
    expect(strategyFromFlags({...flags, 'target-shards': 8})).toEqual({kind: 'target-shards', target: 8})
    expect(strategyFromFlags({...flags, plan: 'p.json'})).toBeUndefined()
    expect(() => strategyFromFlags({...flags, 'even-out': true, plan: 'p.json'})).toThrow(
      /do not combine it with --even-out/,
    )
    expect(() => strategyFromFlags({...flags, 'isolate-key': ''})).toThrow(/1 to 256 characters/)
    expect(() => strategyFromFlags(flags)).toThrow(/choose a strategy/)
  })

  it('applies --below only to --merge-cold, with its default when not given', () => {
    expect(strategyFromFlags({...flags, below: undefined, 'merge-cold': true})).toEqual({
      below: 0.25,
      kind: 'merge-cold',
    })
    expect(strategyFromFlags({...flags, below: '10%', 'merge-cold': true})).toEqual({below: 0.1, kind: 'merge-cold'})
    expect(() => strategyFromFlags({...flags, below: '2', 'merge-cold': true})).toThrow(
      /--below "2" is not a utilisation level/,
    )
  })

  it('reads .5 as a fraction and refuses words, ranges and NaN', () => {
    expect(parseUtilisation('.5', '--threshold')).toBe(0.5)
    expect(parseUtilisation('100%', '--threshold')).toBe(1)
    for (const bad of ['hot', '0.5-0.8', 'NaN', '', '1e-1'])
      expect(() => parseUtilisation(bad, '--threshold')).toThrow(/not a utilisation level/)
  })
})
