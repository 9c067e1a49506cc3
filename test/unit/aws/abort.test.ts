import {getEventListeners} from 'node:events'
import {describe, expect, it} from 'vitest'

import {abortOpts} from '../../../src/lib/aws/abort.js'

describe('abortOpts', () => {
  it('gives each request its own signal: the run signal collects no listener per request, and still cancels them', () => {
    const run = new AbortController()
    const warnings: string[] = []
    const onWarning = (w: Error): void => {
      warnings.push(w.message)
    }

    process.on('warning', onWarning)
    // What the SDK's HTTP handler does with each request's signal, 25 requests in flight.
    const requests = Array.from({length: 25}, () => abortOpts(run.signal).abortSignal!)
    let cancelled = 0
    for (const s of requests) s.addEventListener('abort', () => cancelled++, {once: true})
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0)
    run.abort()
    expect(cancelled).toBe(25)
    process.off('warning', onWarning)
    expect(warnings.filter((w) => /MaxListeners|memory leak/i.test(w))).toEqual([])
    expect(abortOpts(undefined)).toEqual({})
  })
})
