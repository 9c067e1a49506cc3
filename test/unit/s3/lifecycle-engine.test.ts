import {describe, expect, it} from 'vitest'

import type {LifecycleConfiguration, LifecycleRule} from '../../../src/lib/s3/lifecycle/model.js'

import {mergeConfigurations, sameConfiguration} from '../../../src/lib/s3/lifecycle/apply.js'
import {costFindings, estimateByRule, estimateScenario} from '../../../src/lib/s3/lifecycle/estimate.js'
import {MAX_LIFECYCLE_DAYS} from '../../../src/lib/s3/lifecycle/model.js'
import {BUNDLED_PRICES, checkPriceTable, pricesForRegion} from '../../../src/lib/s3/lifecycle/prices.js'
import {explainObject} from '../../../src/lib/s3/lifecycle/service.js'
import {buildConfiguration, parseSpec} from '../../../src/lib/s3/lifecycle/spec.js'
import {classAt, objectTimeline} from '../../../src/lib/s3/lifecycle/timeline.js'

const NOW = new Date('2026-11-22T00:00:00Z')
const PRICES = pricesForRegion(BUNDLED_PRICES, 'us-east-1')
const GiB = 2 ** 30

const rule = (id: string, over: Partial<LifecycleRule>): LifecycleRule => ({
  Filter: {},
  ID: id,
  Status: 'Enabled',
  ...over,
})
const obj = (over: Partial<{ageDays: number; key: string; size: number; tags: Record<string, string>}> = {}) => ({
  ageDays: 0,
  key: 'raw/a.csv',
  size: 10 * 2 ** 20,
  tags: {},
  ...over,
})

describe('spec → rules (day arithmetic)', () => {
  it('counts months as 30 days and years as 365, and explains it', () => {
    const out = buildConfiguration([{spec: {'glacier-after': '2y', 'ia-after': '6 months', prefix: 'raw/csv/'}}])
    expect(out.config.Rules[0]!.Transitions).toEqual([
      {Days: 180, StorageClass: 'STANDARD_IA'},
      {Days: 730, StorageClass: 'GLACIER'},
    ])
    expect(out.days.map((d) => [d.action, d.days, d.explanation])).toEqual([
      ['→ STANDARD_IA', 180, '180 days (6 months × 30)'],
      ['→ GLACIER', 730, '730 days (2 years × 365)'],
    ])
    expect(out.config.Rules[0]!.ID).toBe('raw-csv-lifecycle')
    expect(out.config.Rules[0]!.Filter).toEqual({Prefix: 'raw/csv/'})
  })

  it('combines prefix, tags and sizes under And', () => {
    const out = buildConfiguration([
      {
        spec: {
          'expire-after': 30,
          'max-size': '1GB',
          'min-size': '128KiB',
          prefix: 'p/',
          tags: ['team=data', 'env=prod'],
        },
      },
    ])
    expect(out.config.Rules[0]!.Filter).toEqual({
      And: {
        ObjectSizeGreaterThan: 131_072,
        ObjectSizeLessThan: 1e9,
        Prefix: 'p/',
        Tags: [
          {Key: 'team', Value: 'data'},
          {Key: 'env', Value: 'prod'},
        ],
      },
    })
  })

  it('moves abort-multipart and delete-marker clean-up to a companion rule when S3 would reject them together', () => {
    const out = buildConfiguration([
      {
        spec: {
          'abort-multipart-after': '7d',
          'delete-expired-markers': true,
          'expire-after': '90d',
          prefix: 'logs/',
          tags: ['team=data'],
        },
      },
    ])
    expect(out.config.Rules).toHaveLength(2)
    expect(out.config.Rules[1]).toEqual({
      AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7},
      Expiration: {ExpiredObjectDeleteMarker: true},
      Filter: {Prefix: 'logs/'},
      ID: 'logs-team-data-lifecycle-cleanup',
      Status: 'Enabled',
    })
    expect(out.notes).toHaveLength(2)
    // Without filters or expiration they stay in the rule.
    const plain = buildConfiguration([{spec: {'abort-multipart-after': '7d', 'delete-expired-markers': true}}])
    expect(plain.config.Rules).toEqual([
      {
        AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7},
        Expiration: {ExpiredObjectDeleteMarker: true},
        Filter: {},
        ID: 'whole-bucket-lifecycle',
        Status: 'Enabled',
      },
    ])
  })

  it('keeps the N newest noncurrent versions only together with a noncurrent expiration', () => {
    const out = buildConfiguration([{spec: {'keep-newer-noncurrent': 5, 'noncurrent-expire-after': '30d'}}])
    expect(out.config.Rules[0]!.NoncurrentVersionExpiration).toEqual({NewerNoncurrentVersions: 5, NoncurrentDays: 30})
    expect(() => buildConfiguration([{spec: {'keep-newer-noncurrent': 5}}])).toThrow(/needs --noncurrent-expire-after/)
  })

  it('rejects fractional days and bad sizes with the flag name (usage) or the file location (input)', () => {
    expect(() => buildConfiguration([{spec: {'ia-after': '36h'}}])).toThrow(/--ia-after "36h" is 1.50 days/)
    try {
      buildConfiguration([{spec: {'ia-after': '30d', 'min-size': 'big'}, where: 'spec.yaml rules[0]'}])
      expect.unreachable()
    } catch (error) {
      expect((error as {exitCode: number}).exitCode).toBe(6)
      expect((error as Error).message).toMatch(/^spec.yaml rules\[0\]: --min-size "big" is not a size/)
    }
  })

  it('reads spec files and names unknown keys', () => {
    const spec = parseSpec(
      {
        rules: [{'ia-after': '6 months', id: 'a', prefix: 'raw/'}],
        'transition-default-minimum-object-size': 'varies_by_storage_class',
      },
      's.yaml',
    )
    expect(spec).toEqual({
      defaultMinSize: 'varies_by_storage_class',
      specs: [{spec: {'ia-after': '6 months', id: 'a', prefix: 'raw/'}, where: 's.yaml rules[0]'}],
    })
    expect(() => parseSpec({rules: [{iaAfter: '6 months'}]}, 's.yaml')).toThrow(/unknown key "iaAfter"/)
    expect(() => parseSpec({rules: []}, 's.yaml')).toThrow(/has no rules/)
    expect(() => parseSpec({rules: [{'ia-after': true}]}, 's.yaml')).toThrow(/ia-after is true; expected a duration/)
  })
})

describe('object timeline (S3 precedence)', () => {
  it('the cheaper class wins when two transitions are due the same day', () => {
    const config = {
      Rules: [
        rule('ia', {Transitions: [{Days: 30, StorageClass: 'STANDARD_IA'}]}),
        rule('gl', {Transitions: [{Days: 30, StorageClass: 'GLACIER'}]}),
      ],
    }
    const tl = objectTimeline(config, obj(), NOW)
    expect(tl.events).toEqual([{action: 'transition', day: 30, from: 'STANDARD', rule: 'rule "gl"', to: 'GLACIER'}])
    expect(tl.skipped[0]).toMatchObject({rule: 'rule "ia"', to: 'STANDARD_IA'})
  })

  it('deletion beats transition, and the shortest expiration wins', () => {
    const config = {
      Rules: [
        rule('exp365', {Expiration: {Days: 365}}),
        rule('exp100', {Expiration: {Days: 100}}),
        rule('gl', {Transitions: [{Days: 200, StorageClass: 'GLACIER'}]}),
      ],
    }
    const tl = objectTimeline(config, obj(), NOW)
    expect(tl.expiresDay).toBe(100)
    expect(tl.events).toEqual([{action: 'expire', day: 100, from: 'STANDARD', rule: 'rule "exp100"'}])
    expect(tl.skipped[0]!.reason).toMatch(/deletion takes precedence/)
    expect(classAt(tl, 99)).toBe('STANDARD')
    expect(classAt(tl, 100)).toBe('deleted')
  })

  it('skips a transition the waterfall does not allow', () => {
    const config = {
      Rules: [
        rule('gl', {Transitions: [{Days: 90, StorageClass: 'GLACIER'}]}),
        rule('ia', {Transitions: [{Days: 180, StorageClass: 'STANDARD_IA'}]}),
      ],
    }
    const tl = objectTimeline(config, obj(), NOW)
    expect(tl.events.map((e) => e.to)).toEqual(['GLACIER'])
    expect(tl.skipped[0]!.reason).toMatch(/already in GLACIER/)
  })

  it('applies the 128 KB default minimum unless the rule has its own size filter', () => {
    const t = [
      {Days: 30, StorageClass: 'STANDARD_IA'},
      {Days: 120, StorageClass: 'GLACIER'},
    ]
    const small = obj({size: 4000})
    expect(objectTimeline({Rules: [rule('r', {Transitions: t})]}, small, NOW).events).toEqual([])
    expect(
      objectTimeline(
        {Rules: [rule('r', {Transitions: t})], TransitionDefaultMinimumObjectSize: 'varies_by_storage_class'},
        small,
        NOW,
      ).events.map((e) => e.to),
    ).toEqual(['GLACIER'])
    expect(
      objectTimeline(
        {Rules: [rule('r', {Filter: {ObjectSizeGreaterThan: 1000}, Transitions: t})]},
        small,
        NOW,
      ).events.map((e) => e.to),
    ).toEqual(['STANDARD_IA', 'GLACIER'])
  })

  it('explains why rules do not match', () => {
    const config = {
      Rules: [
        rule('p', {Expiration: {Days: 1}, Filter: {Prefix: 'logs/'}}),
        rule('t', {Expiration: {Days: 1}, Filter: {Tag: {Key: 'team', Value: 'x'}}}),
        rule('s', {Expiration: {Days: 1}, Filter: {ObjectSizeGreaterThan: 1e9}}),
        rule('d', {Expiration: {Days: 1}, Status: 'Disabled'}),
      ],
    }
    const reasons = objectTimeline(config, obj({tags: {team: 'data'}}), NOW).matches.map((m) => m.reason)
    expect(reasons).toEqual([
      'key does not start with "logs/"',
      'tag team is "data", rule wants "x"',
      'size 10485760 is not greater than 1000000000 bytes',
      'status is Disabled',
    ])
  })
})

describe('estimate', () => {
  it('adds up storage per class, archive overhead and transition requests', () => {
    const config = {Rules: [rule('gl', {Transitions: [{Days: 30, StorageClass: 'GLACIER'}]})]}
    const s = estimateScenario('t', config, [{...obj({size: GiB}), count: 1000, storageClass: 'STANDARD'}], {
      horizonDays: 90,
      now: NOW,
      prices: PRICES,
    })
    expect(s.transitions).toEqual([{cost: expect.closeTo(0.03, 10), requests: 1000, storageClass: 'GLACIER'}])
    const glacier = 1000 * ((GiB + 32 * 1024) / GiB) * 0.0036 * 2 + 1000 * ((8 * 1024) / GiB) * 0.023 * 2
    expect(s.totals.storage).toBeCloseTo(23 + glacier, 6)
    expect(s.baseline.storage).toBeCloseTo(69, 6)
    expect(s.totals.earlyDeletion).toBe(0)
    expect(s.monthly.map((m) => Object.keys(m.byClass))).toEqual([['STANDARD'], ['GLACIER'], ['GLACIER']])
    expect(s.monthly[0]!.total).toBeCloseTo(23, 6)
  })

  it('charges minimum storage durations and bills small objects as 128 KB in Standard-IA', () => {
    const config = {
      Rules: [
        rule('r', {
          Expiration: {Days: 60},
          Filter: {ObjectSizeGreaterThan: 0},
          Transitions: [{Days: 30, StorageClass: 'GLACIER_IR'}],
        }),
      ],
    }
    const s = estimateScenario('t', config, [{...obj({size: 1000}), count: 1_000_000, storageClass: 'STANDARD'}], {
      horizonDays: 365,
      now: NOW,
      prices: PRICES,
    })
    // Glacier IR: 30 days stayed, 90 billed → 60 extra days at 128 KiB.
    expect(s.totals.earlyDeletion).toBeCloseTo(((1e6 * (128 * 1024)) / GiB) * (0.004 / 30) * 60, 6)
    expect(s.deletedObjects).toBe(1_000_000)
  })

  it('warns when transition requests cost more than the storage they save (and not otherwise)', () => {
    const config: LifecycleConfiguration = {
      Rules: [rule('da', {Transitions: [{Days: 0, StorageClass: 'DEEP_ARCHIVE'}]})],
      TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
    }
    const small = estimateByRule(config, 2_000_000, 50_000, {horizonDays: 90, now: NOW, prices: PRICES})
    const [f] = costFindings(small)
    expect(f).toMatchObject({code: 'LW003', id: 'transition-request-cost', severity: 'warning'})
    expect(f!.message).toMatch(/transition requests cost \$100\.00/)
    const big = estimateByRule(config, 2_000_000, 100 * 2 ** 20, {horizonDays: 90, now: NOW, prices: PRICES})
    expect(costFindings(big)).toEqual([])
  })

  it('uses another region with a note when the region has no bundled prices, and checks --prices files', () => {
    expect(pricesForRegion(BUNDLED_PRICES, 'ap-south-2')).toMatchObject({
      fallbackFrom: 'ap-south-2',
      region: 'us-east-1',
    })
    expect(() => checkPriceTable({asOf: '2025', regions: {}}, 'p.json')).toThrow(/"asOf" must be the date/)
    const copy = structuredClone(BUNDLED_PRICES) as unknown as {
      regions: Record<string, {storageGbMonth: Record<string, unknown>}>
    }
    delete copy.regions['us-east-1']!.storageGbMonth.GLACIER
    expect(() => checkPriceTable(copy, 'p.json')).toThrow(/storageGbMonth.GLACIER must be a number/)
  })
})

describe('explain', () => {
  it('gives the timeline, the class at --age and the cost per object', () => {
    const config = {
      Rules: [
        rule('classic', {
          Expiration: {Days: 2555},
          Filter: {Prefix: 'raw/'},
          Transitions: [
            {Days: 180, StorageClass: 'STANDARD_IA'},
            {Days: 730, StorageClass: 'GLACIER'},
          ],
        }),
      ],
    }
    const r = explainObject({config, findings: [], format: 's3api', source: 'x.json'}, obj({ageDays: 200, size: GiB}), {
      horizonDays: 1095,
      now: NOW,
      prices: PRICES,
    })
    expect(r.steps.map((s) => [s.day, s.storageClass])).toEqual([
      [0, 'STANDARD'],
      [180, 'STANDARD_IA'],
      [730, 'GLACIER'],
      [2555, 'deleted'],
    ])
    expect(r.atAge).toEqual({ageDays: 200, storageClass: 'STANDARD_IA'})
    expect(r.steps[1]!.costSoFar).toBeCloseTo(0.023 * 6 + 0.01 / 1000, 9)
    expect(r.steps[1]!.monthlyStorage).toBeCloseTo(0.0125, 9)
    expect(r.totals.perMillionObjects).toBeCloseTo(r.totals.total * 1e6, 3)
  })

  it('explains a rule with the largest Days S3 accepts at once (the cost does not step through the months)', () => {
    const config: LifecycleConfiguration = {
      Rules: [
        rule('forever', {
          Expiration: {Days: MAX_LIFECYCLE_DAYS},
          Transitions: [{Days: MAX_LIFECYCLE_DAYS - 1, StorageClass: 'GLACIER'}],
        }),
      ],
    }
    const started = performance.now()
    const r = explainObject({config, findings: [], format: 's3api', source: 'x.json'}, obj({size: GiB}), {
      horizonDays: 1095,
      now: NOW,
      prices: PRICES,
    })
    expect(performance.now() - started).toBeLessThan(1000)
    expect(r.steps.map((s) => [s.day, s.storageClass])).toEqual([
      [0, 'STANDARD'],
      [MAX_LIFECYCLE_DAYS - 1, 'GLACIER'],
      [MAX_LIFECYCLE_DAYS, 'deleted'],
    ])
    // Storage in STANDARD until the transition: the closed form, not a sum over 70 million months.
    expect(r.steps[1]!.costSoFar).toBeCloseTo((0.023 / 30) * (MAX_LIFECYCLE_DAYS - 1) + 0.05 / 1000, 0)
    expect(Number.isFinite(r.totals.perMillionObjects)).toBe(true)
  })
})

describe('merge by rule id', () => {
  const current: LifecycleConfiguration = {
    Rules: [
      rule('a', {Expiration: {Days: 30}}),
      rule('b', {Expiration: {Days: 60}}),
      rule('c', {Expiration: {Days: 90}}),
    ],
    TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
  }
  const incoming: LifecycleConfiguration = {
    Rules: [
      rule('b', {Expiration: {Days: 61}}),
      rule('c', {Expiration: {Days: 90}}),
      rule('d', {Expiration: {Days: 1}}),
    ],
  }

  it('replaces the same id, keeps the others and adds the new ones', () => {
    const m = mergeConfigurations(current, incoming, {replaceAll: false})
    expect(m.changes.map((c) => [c.id, c.change])).toEqual([
      ['a', 'keep'],
      ['b', 'replace'],
      ['c', 'unchanged'],
      ['d', 'add'],
    ])
    expect(m.changes[1]!.fields).toEqual(['Expiration'])
    expect(m.target.Rules.map((r) => [r.ID, r.Expiration?.Days])).toEqual([
      ['a', 30],
      ['b', 61],
      ['c', 90],
      ['d', 1],
    ])
    expect(m.target.TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class')
  })

  it('--replace-all drops the others; no current configuration means everything is added', () => {
    const m = mergeConfigurations(current, incoming, {replaceAll: true})
    expect(m.changes.map((c) => c.change)).toEqual(['remove', 'replace', 'unchanged', 'add'])
    expect(m.target.Rules.map((r) => r.ID)).toEqual(['b', 'c', 'd'])
    expect(mergeConfigurations(undefined, incoming, {replaceAll: false}).changes.map((c) => c.change)).toEqual([
      'add',
      'add',
      'add',
    ])
  })

  it('compares configurations by meaning, not spelling', () => {
    const a = {
      Rules: [
        rule('x', {
          Filter: {},
          Transitions: [
            {Days: 30, StorageClass: 'STANDARD_IA'},
            {Days: 90, StorageClass: 'GLACIER'},
          ],
        }),
      ],
    }
    const b = {
      Rules: [
        {
          Filter: {And: {}},
          ID: 'x',
          Status: 'Enabled',
          Transitions: [
            {Days: 90, StorageClass: 'GLACIER'},
            {Days: 30, StorageClass: 'STANDARD_IA'},
          ],
        },
      ],
      TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
    }
    expect(sameConfiguration(b, a)).toBe(true)
    expect(sameConfiguration(a, {...a, TransitionDefaultMinimumObjectSize: 'varies_by_storage_class'})).toBe(false)
  })
})
