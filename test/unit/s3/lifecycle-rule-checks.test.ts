import {describe, expect, it} from 'vitest'

import {RULE_CHECKS, validateRule} from '../../../src/lib/s3/lifecycle/rule-checks.js'

describe('the lifecycle rule-check table', () => {
  it('names each check once', () => {
    const names = RULE_CHECKS.map((c) => c.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names[0]).toBe('status')
  })

  it('reports the findings of a rule in the order of the table', () => {
    const findings = validateRule(
      {
        AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7},
        Filter: {And: {Prefix: 'logs/', Tags: [{Key: 'k', Value: 'v'}]}},
        ID: 'x'.repeat(300),
        Status: 'On' as 'Enabled',
        Transitions: [{Days: 10, StorageClass: 'STANDARD_IA'}],
      },
      2,
    )
    expect(findings.map((f) => f.id)).toEqual(['invalid-value', 'id-too-long', 'abort-mpu-with-tags', 'ia-min-days'])
    expect(findings.every((f) => f.ruleIndex === 2 && f.path?.startsWith('Rules[2]'))).toBe(true)
  })

  it('finds nothing in a sound rule', () => {
    expect(
      validateRule(
        {
          Expiration: {Days: 365},
          Filter: {Prefix: 'logs/'},
          ID: 'logs',
          Status: 'Enabled',
          Transitions: [
            {Days: 30, StorageClass: 'STANDARD_IA'},
            {Days: 90, StorageClass: 'GLACIER'},
          ],
        },
        0,
      ),
    ).toEqual([])
  })
})
