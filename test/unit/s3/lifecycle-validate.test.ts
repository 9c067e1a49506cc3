import {describe, expect, it} from 'vitest'

import type {LifecycleConfiguration} from '../../../src/lib/s3/lifecycle/model.js'

import {FINDING_CATALOG, type FindingId} from '../../../src/lib/s3/lifecycle/findings.js'
import {parseS3ApiConfiguration} from '../../../src/lib/s3/lifecycle/parse-s3api.js'
import {validateConfiguration} from '../../../src/lib/s3/lifecycle/validate.js'
import {abortRule, base, CASES} from '../../fixtures/s3-lifecycle/cases.js'

function ids(config: LifecycleConfiguration, options: {versioned?: boolean | undefined} = {}): string[] {
  return validateConfiguration(config, options).map((f) => f.id)
}

describe('lifecycle validator', () => {
  for (const c of CASES) {
    it(`${FINDING_CATALOG[c.id].code} ${c.id}: flags the bad case and not the good one`, () => {
      const bad = validateConfiguration(c.bad, {versioned: c.versioned})
      const hit = bad.find((f) => f.id === c.id)
      expect(hit, JSON.stringify(bad, null, 2)).toBeDefined()
      expect(hit!.severity).toBe(FINDING_CATALOG[c.id].severity)
      expect(hit!.code).toBe(FINDING_CATALOG[c.id].code)
      if (c.s3) expect(hit!.s3Message).toMatch(c.s3)
      expect(ids(c.good, {versioned: c.versioned})).not.toContain(c.id)
    })
  }

  it("covers every catalogued finding with a case (except the estimate-driven cost warning, tested with the estimate, and the readers' own findings, tested in lifecycle-templates)", () => {
    const covered = new Set(CASES.map((c) => c.id))
    const elsewhere = new Set([
      'deprecated-api',
      'no-filter-terraform',
      'not-followed',
      'transition-request-cost',
      'unresolved-value',
    ])
    const missing = Object.keys(FINDING_CATALOG).filter((id) => !covered.has(id as FindingId) && !elsewhere.has(id))
    expect(missing).toEqual([])
  })

  it('accepts the documented examples without errors', () => {
    // awsdocs how-to-set-lifecycle-configuration-intro.md and API_LifecycleRuleFilter.html
    const doc = {
      Rules: [
        {
          Expiration: {Days: 3650},
          Filter: {Prefix: 'documents/'},
          ID: 'ExampleRule',
          Status: 'Enabled',
          Transitions: [{Days: 365, StorageClass: 'GLACIER'}],
        },
        {
          Expiration: {Days: 365},
          Filter: {And: {Prefix: 'myprefix', Tags: [{Key: 'k', Value: 'v'}]}},
          ID: 'AndRule',
          Status: 'Enabled',
        },
        {AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}, Filter: {}, ID: 'abort', Status: 'Enabled'},
      ],
    }
    const {config, findings} = parseS3ApiConfiguration(doc)
    expect(findings).toEqual([])
    expect(validateConfiguration(config).filter((f) => f.severity === 'error')).toEqual([])
  })

  it('warns about archive overhead when small objects may move to Glacier', () => {
    const out = validateConfiguration({
      Rules: [base({Filter: {Prefix: 'raw/'}, Transitions: [{Days: 90, StorageClass: 'GLACIER'}]}), abortRule],
      TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
    })
    expect(out.find((f) => f.id === 'small-objects')?.message).toMatch(/40 KB of overhead/)
  })

  it('names the rule and path of each error', () => {
    const f = validateConfiguration({
      Rules: [base({ID: 'csv', Transitions: [{Days: 5, StorageClass: 'ONEZONE_IA'}]}), abortRule],
    }).find((x) => x.severity === 'error')
    expect(f).toMatchObject({path: 'Rules[0].Transitions[0].Days', ruleId: 'csv', ruleIndex: 0})
    expect(f!.message).toMatch(/rule "csv"/)
  })

  it('rejects an empty configuration and bad default minimum size', () => {
    expect(ids({Rules: []})).toContain('no-action')
    expect(ids({Rules: [base(), abortRule], TransitionDefaultMinimumObjectSize: 'small'})).toContain('invalid-value')
  })

  it("flags Days beyond S3's 32-bit Days fields as an error, and keeps the largest S3 holds", () => {
    const tooLong = validateConfiguration({
      Rules: [
        base({Expiration: {Days: 36_499_999_635}, Transitions: [{Days: 2_147_483_648, StorageClass: 'GLACIER'}]}),
      ],
    }).filter((f) => f.id === 'invalid-value')
    expect(tooLong.map((f) => [f.path, f.severity])).toEqual([
      ['Rules[0].Expiration.Days', 'error'],
      ['Rules[0].Transitions[0].Days', 'error'],
    ])
    expect(tooLong[0]!.message).toMatch(/Expiration.Days is 36,499,999,635; S3 holds at most 2,147,483,647 days/)
    expect(ids({Rules: [base({Expiration: {Days: 2_147_483_647}}), abortRule]})).not.toContain('invalid-value')
  })
})

describe('s3api reader', () => {
  it('reports CloudFormation spellings and wrong types as findings with the s3api name', () => {
    const {findings} = parseS3ApiConfiguration({
      Rules: [{Expiration: {Days: '30'}, Filter: {}, Id: 'x', Status: 'Enabled'}],
    })
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/unknown member "Id" \(the s3api name is "ID"\)/),
      expect.stringMatching(/Expiration.Days is "30"; expected a whole number ≥ 1/),
    ])
    expect(findings.every((f) => f.ruleIndex === 0)).toBe(true)
  })

  it('unwraps {"LifecycleConfiguration": …} and keeps TransitionDefaultMinimumObjectSize', () => {
    const {config, findings} = parseS3ApiConfiguration({
      LifecycleConfiguration: {Rules: [abortRule], TransitionDefaultMinimumObjectSize: 'varies_by_storage_class'},
    })
    expect(findings).toEqual([])
    expect(config.TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class')
  })

  it('rejects a document without Rules', () => {
    expect(parseS3ApiConfiguration({rules: []}).findings[0]?.message).toMatch(/expected an object with a "Rules" array/)
  })
})
