import {describe, expect, it} from 'vitest'

import {trimExternalMemory} from '../../../src/lib/core/external-memory.js'

describe('trimExternalMemory', () => {
  it('collects dead Buffers once they hold more than the limit, and does nothing below it', () => {
    expect(trimExternalMemory(Number.MAX_SAFE_INTEGER)).toBe(false)
    // 64 MB of Buffers that are dead at once: a full collection frees them.
    for (let i = 0; i < 64; i++) Buffer.alloc(1024 * 1024, i).at(-1)
    const before = process.memoryUsage().arrayBuffers
    expect(trimExternalMemory(0)).toBe(true)
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(before)
  })
})
