/* eslint-disable no-template-curly-in-string -- `${…}` is the literal placeholder syntax of the templates under test */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/core/errors.js'
import {retryTimeline} from '../../../src/lib/sfn/timeline.js'
import {oneTask} from './helpers.js'

describe('retryTimeline', () => {
  it('prints the textbook schedule: interval 10 s, backoff rate 1.5 → 10, 15, 22.5 s, then the Catch', () => {
    const def = oneTask({
      Catch: [{ErrorEquals: ['States.ALL'], Next: 'Done', ResultPath: '$.error'}],
      Retry: [{BackoffRate: 1.5, ErrorEquals: ['States.ALL'], IntervalSeconds: 10, MaxAttempts: 3}],
    })
    const t = retryTimeline(def, 'Work')
    expect(t.attempts.map((a) => a.waitSeconds)).toEqual([10, 15, 22.5, null])
    expect(t.attempts.map((a) => a.cumulativeSeconds)).toEqual([10, 25, 47.5, 47.5])
    expect(t.attempts.map((a) => a.error)).toEqual(Array.from({length: 4}).fill('States.TaskFailed'))
    expect(t.attempts[3]).toMatchObject({exhausted: true, retrier: 0, retryNumber: null})
    expect(t.outcome).toEqual({
      catcher: 0,
      error: 'States.TaskFailed',
      kind: 'caught',
      next: 'Done',
      resultPath: '$.error',
    })
  })

  it("keeps one attempt counter per retrier and stops at the first exhausted match (the spec's example)", () => {
    // ErrorA and ErrorB share retrier 0 (2 retries in all); ErrorC has its own counter
    const def = oneTask({
      Retry: [
        {BackoffRate: 2, ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, MaxAttempts: 2},
        {ErrorEquals: ['ErrorC'], IntervalSeconds: 5},
      ],
    })
    const t = retryTimeline(def, 'Work', ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'])
    expect(t.attempts.map((a) => [a.retrier, a.retryNumber, a.waitSeconds])).toEqual([
      [0, 1, 1],
      [0, 2, 2],
      [1, 1, 5],
      [0, null, null],
    ])
    expect(t.outcome).toMatchObject({error: 'ErrorB', kind: 'failed'})
  })

  it('caps waits at MaxDelaySeconds and gives a range with FULL jitter', () => {
    const def = oneTask({
      Retry: [
        {
          BackoffRate: 3,
          ErrorEquals: ['States.ALL'],
          IntervalSeconds: 2,
          JitterStrategy: 'FULL',
          MaxAttempts: 4,
          MaxDelaySeconds: 20,
        },
      ],
    })
    const t = retryTimeline(def, 'Work')
    expect(t.attempts.map((a) => a.waitSeconds)).toEqual([null, null, null, null, null])
    expect(t.attempts.map((a) => a.waitRange)).toEqual([[0, 2], [0, 6], [0, 18], [0, 20], null])
    expect(t.attempts[3]!.cumulativeRange).toEqual([0, 46])
  })

  it('uses AWS defaults (interval 1, rate 2, 3 attempts) and reports retries left and States.Runtime', () => {
    const def = oneTask({Catch: [{ErrorEquals: ['States.ALL'], Next: 'Done'}], Retry: [{ErrorEquals: ['States.ALL']}]})
    const defaults = retryTimeline(def, 'Work')
    expect(defaults.attempts.map((a) => a.waitSeconds)).toEqual([1, 2, 4, null])
    expect(defaults.outcome.resultPath).toBe('$')
    expect(retryTimeline(def, 'Work', ['X']).outcome.kind).toBe('retries-left')
    expect(retryTimeline(def, 'Work', ['States.Runtime']).outcome).toMatchObject({kind: 'failed'})
  })

  it('does not let States.TaskFailed match States.Timeout', () => {
    const def = oneTask({Retry: [{ErrorEquals: ['States.TaskFailed'], MaxAttempts: 5}]})
    expect(retryTimeline(def, 'Work', ['States.Timeout']).attempts[0]!.retrier).toBeNull()
  })

  it('says unknown when MaxAttempts is an unresolved template value', () => {
    const def = oneTask({Retry: [{ErrorEquals: ['States.ALL'], MaxAttempts: '${Attempts}'}]})
    expect(retryTimeline(def, 'Work').outcome.kind).toBe('unknown')
  })

  it('finds states inside branches and names close matches for a missing one', () => {
    expect(() => retryTimeline(oneTask({}), 'work')).toThrow(UsageError)
    try {
      retryTimeline(oneTask({}), 'work')
    } catch (error) {
      expect((error as UsageError).suggestions[0]).toBe('Did you mean "Work"?')
    }
  })

  it('property: waits never decrease and never pass MaxDelaySeconds', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 3600, min: 1}),
        fc.double({max: 5, min: 1, noNaN: true}),
        fc.integer({max: 30, min: 0}),
        fc.option(fc.integer({max: 31_622_400, min: 1}), {nil: undefined}),
        (interval, rate, attempts, maxDelay) => {
          const retrier: Record<string, unknown> = {
            BackoffRate: rate,
            ErrorEquals: ['States.ALL'],
            IntervalSeconds: interval,
            MaxAttempts: attempts,
          }
          if (maxDelay !== undefined) retrier.MaxDelaySeconds = maxDelay
          const waits = retryTimeline(oneTask({Retry: [retrier]}), 'Work')
            .attempts.map((a) => a.waitSeconds)
            .filter((w): w is number => w !== null)
          expect(waits).toHaveLength(attempts)
          for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]!)
          if (maxDelay !== undefined) for (const w of waits) expect(w).toBeLessThanOrEqual(maxDelay)
        },
      ),
    )
  })
})
