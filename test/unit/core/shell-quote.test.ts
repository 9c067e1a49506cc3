import {describe, expect, it} from 'vitest'

import {shellQuote} from '../../../src/lib/core/shell-quote.js'

describe('shellQuote', () => {
  it('leaves plain words alone and single-quotes the rest, so the line pastes into a POSIX shell', () => {
    expect(shellQuote('orders')).toBe('orders')
    expect(shellQuote('s3://lake/orders/dt=2024-06-01')).toBe('s3://lake/orders/dt=2024-06-01')
    expect(shellQuote('my plan.json')).toBe("'my plan.json'")
    expect(shellQuote("o'brien")).toBe(String.raw`'o'\''brien'`)
    expect(shellQuote('$HOME/x')).toBe("'$HOME/x'")
    expect(shellQuote('')).toBe("''")
  })
})
