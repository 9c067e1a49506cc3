import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/core/errors.js'
import {compileJsonQuery} from '../../../src/lib/core/json-query.js'

const result = {
  shards: [
    {hot: true, id: 'shardId-0'},
    {hot: false, id: 'shardId-1'},
  ],
  total: 2,
}

describe('compileJsonQuery', () => {
  it('selects from the result as the AWS CLI does', async () => {
    const query = await compileJsonQuery('shards[?hot].id')
    expect(query.select(result)).toEqual(['shardId-0'])
  })

  it('sees the result as --json prints it: undefined fields are absent, dates are strings', async () => {
    const query = await compileJsonQuery('[keys(@), at]')
    expect(query.select({at: new Date('2026-01-01T00:00:00Z'), gone: undefined})).toEqual([
      ['at'],
      '2026-01-01T00:00:00.000Z',
    ])
  })

  it('refuses a syntax error before any work, with the parser message (exit 2)', async () => {
    const failure = await compileJsonQuery('shards[').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(UsageError)
    expect((failure as UsageError).exitCode).toBe(2)
    expect((failure as UsageError).code).toBe('InvalidQuery')
    expect((failure as UsageError).message).toContain('"shards["')
  })

  it('refuses an empty expression', async () => {
    await expect(compileJsonQuery('  ')).rejects.toThrow(/empty/)
  })

  it('reports a function applied to the wrong type as a failure on this result', async () => {
    const query = await compileJsonQuery('abs(shards)')
    expect(() => query.select(result)).toThrow(/failed on this result/)
  })
})
