import {describe, expect, it} from 'vitest'

import {AbortedError} from '../../../src/lib/core/errors.js'
import {testRunContext, withSignal} from '../../../src/lib/core/run-context.js'

describe('testRunContext', () => {
  it('sleeps until its signal is aborted, then throws AbortedError', async () => {
    const controller = new AbortController()
    const ctx = testRunContext({signal: controller.signal})
    const waiting = ctx.sleep(60_000)
    controller.abort()
    await expect(waiting).rejects.toBeInstanceOf(AbortedError)
  })

  it('keeps the overrides it is given', () => {
    const warnings: string[] = []
    const ctx = testRunContext({now: () => new Date('2026-01-02T03:04:05Z'), warn: (m) => warnings.push(m)})
    ctx.warn('careful')
    expect(ctx.now().toISOString()).toBe('2026-01-02T03:04:05.000Z')
    expect(warnings).toEqual(['careful'])
  })
})

describe('withSignal', () => {
  it("stops on the sub-run's signal and keeps the rest of the context", async () => {
    const outer = new AbortController()
    const round = new AbortController()
    const warnings: string[] = []
    const ctx = withSignal(testRunContext({signal: outer.signal, warn: (m) => warnings.push(m)}), round.signal)
    expect(ctx.signal).toBe(round.signal)
    ctx.warn('kept')
    expect(warnings).toEqual(['kept'])
    const waiting = ctx.sleep(60_000)
    round.abort()
    await expect(waiting).rejects.toBeInstanceOf(AbortedError)
    expect(outer.signal.aborted).toBe(false)
  })
})
