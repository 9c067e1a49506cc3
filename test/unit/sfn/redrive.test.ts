import {describe, expect, it} from 'vitest'

import {redriveToken, refusalReason} from '../../../src/lib/sfn/redrive.js'

const now = new Date('2026-12-07T12:00:00Z')
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000)

describe('refusalReason', () => {
  it("takes Step Functions' own verdict when it gives one", () => {
    expect(refusalReason({redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Definition changed'}, now)).toBe(
      'Definition changed',
    )
    expect(refusalReason({redriveStatus: 'REDRIVABLE', stopDate: daysAgo(30)}, now)).toBeUndefined()
    expect(refusalReason({redriveStatus: 'REDRIVABLE_BY_MAP_RUN'}, now)).toBeUndefined()
  })

  it('without a verdict, applies the documented 14-day limit and nothing else', () => {
    expect(refusalReason({stopDate: daysAgo(15)}, now)).toMatch(/14 days/)
    expect(refusalReason({stopDate: daysAgo(13)}, now)).toBeUndefined()
    expect(refusalReason({}, now)).toBeUndefined()
  })
})

describe('redriveToken', () => {
  const params = {
    error: null,
    executionArn: 'arn:x',
    name: 'x',
    redriveCount: 0,
    status: 'FAILED' as const,
    stoppedAt: '',
  }

  it('is stable for one plan and execution, and within the API limit of 64 characters', () => {
    const a = redriveToken({createdAt: '2026-12-07T00:00:00Z'}, params)
    expect(a).toBe(redriveToken({createdAt: '2026-12-07T00:00:00Z'}, params))
    expect(a.length).toBeLessThanOrEqual(64)
  })

  it('differs for another plan or after another redrive', () => {
    const a = redriveToken({createdAt: '2026-12-07T00:00:00Z'}, params)
    expect(redriveToken({createdAt: '2026-12-08T00:00:00Z'}, params)).not.toBe(a)
    expect(redriveToken({createdAt: '2026-12-07T00:00:00Z'}, {...params, redriveCount: 1})).not.toBe(a)
  })
})
