import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {OpenRange, PlannedOp} from '../../../../src/lib/kinesis/reshard/types.js'

import {
  coverageProblems,
  evenRanges,
  HASH_KEY_SPACE,
  hashKeyOfPartitionKey,
  MAX_HASH_KEY,
} from '../../../../src/lib/kinesis/hash-key.js'
import {buildLoadProfiles, type KeyLoad, type ShardLoadProfile} from '../../../../src/lib/kinesis/load-profile.js'
import {predictLoad} from '../../../../src/lib/kinesis/reshard/load.js'
import {
  EVEN_OUT_TOLERANCE,
  isLegalScalingStep,
  isRecommendedScalingStep,
  planEvenOut,
  planIsolateKey,
  planMergeCold,
  planSplitHot,
  planUniformScaling,
  scalingCounts,
  splitPoint,
} from '../../../../src/lib/kinesis/reshard/planners.js'
import {applyOp, simulate} from '../../../../src/lib/kinesis/reshard/ranges.js'

/** Random open-range layouts that cover the key space exactly (as a stream's open shards do). */
const layoutArb = fc.uniqueArray(fc.bigInt({max: MAX_HASH_KEY, min: 1n}), {maxLength: 24, minLength: 0}).map((cuts) => {
  const starts = [0n, ...cuts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))]
  return starts.map((s, i): OpenRange => ({
    endingHashKey: i + 1 < starts.length ? starts[i + 1]! - 1n : MAX_HASH_KEY,
    shardId: `shardId-${String(i).padStart(12, '0')}`,
    startingHashKey: s,
  }))
})

/** Load profiles for a layout: random rates, and for some shards a random key sample inside the range. */
function profilesArb(layout: OpenRange[]): fc.Arbitrary<ShardLoadProfile[]> {
  return fc
    .tuple(
      ...layout.map((r) =>
        fc.record({
          bytes: fc.double({max: 5_000_000, min: 0, noNaN: true}),
          keys: fc.option(
            fc.array(
              fc.record({
                bytes: fc.integer({max: 100_000, min: 0}),
                offset: fc.bigInt({max: r.endingHashKey - r.startingHashKey, min: 0n}),
                records: fc.integer({max: 500, min: 0}),
              }),
              {maxLength: 40, minLength: 1},
            ),
            {nil: undefined},
          ),
          records: fc.double({max: 5000, min: 0, noNaN: true}),
        }),
      ),
    )
    .map((rows) => {
      const keyLoads = new Map<string, {keyLoad: KeyLoad[]; scale: number}>()
      for (const [i, row] of rows.entries()) {
        const r = layout[i]!
        if (row.keys)
          keyLoads.set(r.shardId!, {
            keyLoad: row.keys.map((k) => ({bytes: k.bytes, hashKey: r.startingHashKey + k.offset, records: k.records})),
            scale: 1 / 60,
          })
      }

      return buildLoadProfiles(
        rows.map((row, i) => ({
          bytesPerSec: row.bytes,
          endingHashKey: layout[i]!.endingHashKey,
          recordsPerSec: row.records,
          shardId: layout[i]!.shardId!,
          startingHashKey: layout[i]!.startingHashKey,
        })),
        keyLoads,
      )
    })
}

const layoutWithProfiles = layoutArb.chain((layout) => profilesArb(layout).map((profiles) => ({layout, profiles})))

function totals(profiles: ShardLoadProfile[]): {bytes: number; records: number} {
  return {
    bytes: profiles.reduce((s, p) => s + p.bytesPerSec, 0),
    records: profiles.reduce((s, p) => s + p.recordsPerSec, 0),
  }
}

function expectConserved(profiles: ShardLoadProfile[], after: OpenRange[]): void {
  const before = totals(profiles)
  let bytes = 0
  let records = 0
  for (const r of after) {
    const p = predictLoad(profiles, r)!
    bytes += p.bytesPerSec
    records += p.recordsPerSec
  }

  expect(bytes).toBeCloseTo(before.bytes, 0)
  expect(records).toBeCloseTo(before.records, 3)
  expect(Math.abs(bytes - before.bytes)).toBeLessThanOrEqual(1e-6 * Math.max(1, before.bytes))
}

function finalState(layout: OpenRange[], ops: PlannedOp[]): OpenRange[] {
  return simulate(layout, ops).at(-1)!
}

describe('uniform scaling (UpdateShardCount)', () => {
  it('4 → 16 is two doubling calls; 16 → 4 two halvings', () => {
    expect(scalingCounts(4, 16)).toEqual([8, 16])
    expect(scalingCounts(16, 4)).toEqual([8, 4])
    expect(scalingCounts(4, 6)).toEqual([6])
    expect(scalingCounts(10, 10)).toEqual([])
  })

  it('prefers 25 %-multiple steps when the number of calls is the same', () => {
    // 5 → 12 needs two calls; 5 → 10 (200 %) → 12 (120 %) has one odd step, as does 5 → 8 → 12; the first doubles first.
    const counts = scalingCounts(6, 21)
    expect(counts).toHaveLength(2)
    // 6 → 12 (200 %) → 21 (175 %): both recommended.
    expect(counts).toEqual([12, 21])
  })

  it('property: every step is legal, the last is the target, and the number of calls is minimal', () => {
    fc.assert(
      fc.property(fc.integer({max: 10_000, min: 1}), fc.integer({max: 10_000, min: 1}), (from, to) => {
        const counts = scalingCounts(from, to)
        let c = from
        for (const next of counts) {
          expect(isLegalScalingStep(c, next)).toBe(true)
          c = next
        }

        expect(c).toBe(to)
        // Greedy doubling/halving is the fewest calls.
        let greedy = 0
        for (let g = from; g !== to; greedy++) g = to > g ? Math.min(to, 2 * g) : Math.max(to, Math.ceil(g / 2))
        expect(counts).toHaveLength(greedy)
      }),
      {numRuns: 400},
    )
  })

  it('planUniformScaling explains each step and counts recommended ones', () => {
    const plan = planUniformScaling(4, 16)
    expect(plan.ops).toEqual([
      expect.objectContaining({from: 4, kind: 'scale', to: 8}),
      expect.objectContaining({from: 8, kind: 'scale', to: 16}),
    ])
    expect(plan.ops[0]!.reason).toMatch(/200 %.*25 %-multiple.*2 calls/)
    expect(isRecommendedScalingStep(4, 5)).toBe(true)
    expect(isRecommendedScalingStep(3, 5)).toBe(false)
  })
})

describe('split-hot', () => {
  it('splits at the load-weighted median hash key, exactly', () => {
    const [shard] = evenRanges(1)
    // Three keys: 10 % at the low end, 80 % in the middle-low, 10 % at the top.
    const keys: KeyLoad[] = [
      {bytes: 100, hashKey: 1000n, partitionKey: 'a', records: 1},
      {bytes: 100, hashKey: 2000n, partitionKey: 'b', records: 1},
      {bytes: 100, hashKey: 3000n, partitionKey: 'c', records: 1},
      {bytes: 100, hashKey: 4000n, partitionKey: 'd', records: 1},
    ]
    const [profile] = buildLoadProfiles(
      [{...shard!, bytesPerSec: 2_000_000, recordsPerSec: 10}],
      new Map([[shard!.shardId, {keyLoad: keys, scale: 1}]]),
    )
    const point = splitPoint(profile!, profile!)
    // Balanced boundary lies between 2000 and 3000: half-way is 2500.
    expect(point).toEqual({at: 2500n, kind: 'weighted-median'})
    const plan = planSplitHot([profile!], {threshold: 0.8})
    expect(plan.ops[0]).toMatchObject({kind: 'split', newStartingHashKey: 2500n})
    // 2 MB/s → two children of ~0.95 each, then each again: 4 children.
    expect(plan.ops).toHaveLength(3)
  })

  it('splits at the midpoint when only metrics are known', () => {
    const layout = evenRanges(2).map((r) => ({...r}))
    const profiles = buildLoadProfiles([
      {...layout[0]!, bytesPerSec: 1_500_000, recordsPerSec: 100},
      {...layout[1]!, bytesPerSec: 10_000, recordsPerSec: 10},
    ])
    const plan = planSplitHot(profiles, {threshold: 0.8})
    expect(plan.ops).toHaveLength(1)
    expect(plan.ops[0]).toMatchObject({kind: 'split', newStartingHashKey: HASH_KEY_SPACE / 4n})
  })

  it('warns instead of splitting when one key alone is over the threshold', () => {
    const [shard] = evenRanges(1)
    const hk = hashKeyOfPartitionKey('tenant-42')
    const [profile] = buildLoadProfiles(
      [{...shard!, bytesPerSec: 1_200_000, recordsPerSec: 10}],
      new Map([
        [shard!.shardId, {keyLoad: [{bytes: 1000, hashKey: hk, partitionKey: 'tenant-42', records: 10}], scale: 1}],
      ]),
    )
    const plan = planSplitHot([profile!], {threshold: 0.8})
    expect(plan.ops).toEqual([])
    expect(plan.notes.join('\n')).toMatch(/"tenant-42".*exceeds one shard's write limit.*re-key/)
  })

  it('property: coverage kept, predicted loads sum to the total, children under the threshold unless a note says why', () => {
    fc.assert(
      fc.property(layoutWithProfiles, fc.double({max: 1.5, min: 0.2, noNaN: true}), ({layout, profiles}, threshold) => {
        const plan = planSplitHot(profiles, {maxChildrenPerShard: 64, threshold})
        const after = finalState(layout, plan.ops)
        expect(coverageProblems(after)).toEqual([])
        expectConserved(profiles, after)
        const over = after.filter((r) => predictLoad(profiles, r)!.utilisation >= threshold)
        if (over.length > 0) expect(plan.notes.length).toBeGreaterThan(0)
        // Every split names an open shard at the time (simulate would throw otherwise) and untouched shards keep their ids.
        for (const r of after.filter((r) => r.shardId !== null && predictLoad(profiles, r)!.utilisation >= threshold)) {
          expect(plan.notes.join('\n')).toContain(r.shardId!)
        }
      }),
      {numRuns: 150},
    )
  })
})

describe('isolate-key', () => {
  it('two splits bracket the hash so the key has a shard of its own', () => {
    const layout = evenRanges(4).map((r) => ({...r}) as OpenRange)
    const hk = hashKeyOfPartitionKey('order-17')
    const plan = planIsolateKey(layout, {hashKey: hk, label: 'partition key "order-17"'})
    expect(plan.ops.map((o) => (o.kind === 'split' ? o.newStartingHashKey : 0n))).toEqual([hk, hk + 1n])
    const after = finalState(layout, plan.ops)
    expect(after.filter((r) => r.startingHashKey === hk && r.endingHashKey === hk)).toHaveLength(1)
    expect(coverageProblems(after)).toEqual([])
    // Already isolated: nothing to do.
    expect(planIsolateKey(after, {hashKey: hk, label: 'k'}).ops).toEqual([])
  })

  it('property: after the plan exactly one open shard holds only that hash, coverage intact, at most two splits', () => {
    fc.assert(
      fc.property(layoutArb, fc.bigInt({max: MAX_HASH_KEY, min: 0n}), (layout, hk) => {
        const plan = planIsolateKey(layout, {hashKey: hk, label: 'k'})
        expect(plan.ops.length).toBeLessThanOrEqual(2)
        const after = finalState(layout, plan.ops)
        expect(coverageProblems(after)).toEqual([])
        expect(after.filter((r) => r.startingHashKey === hk && r.endingHashKey === hk)).toHaveLength(1)
      }),
      {numRuns: 300},
    )
  })

  it('warns that re-keying is the fix when the key alone exceeds a shard', () => {
    const [shard] = evenRanges(1)
    const hk = hashKeyOfPartitionKey('big')
    const profiles = buildLoadProfiles(
      [{...shard!, bytesPerSec: 2_000_000, recordsPerSec: 100}],
      new Map([
        [
          shard!.shardId,
          {
            keyLoad: [
              {bytes: 90, hashKey: hk, partitionKey: 'big', records: 90},
              {bytes: 10, hashKey: 5n, records: 10},
            ],
            scale: 1,
          },
        ],
      ]),
    )
    const plan = planIsolateKey([{...shard!}], {hashKey: hk, label: 'partition key "big"', profiles})
    expect(plan.notes[0]).toMatch(/"big" alone is at 171\.7 %.*re-key/)
  })
})

describe('merge-cold', () => {
  it('merges adjacent pairs while the sum stays below the level, lower shard first', () => {
    const layout = evenRanges(4).map((r) => ({...r}) as OpenRange)
    const rates = [50_000, 60_000, 900_000, 40_000]
    const profiles = buildLoadProfiles(
      layout.map((r, i) => ({...r, bytesPerSec: rates[i]!, recordsPerSec: 1, shardId: r.shardId!})),
    )
    const plan = planMergeCold(layout, profiles, {below: 0.25})
    expect(plan.ops).toHaveLength(1)
    const op = plan.ops[0]!
    expect(op.kind === 'merge' && op.lower.shardId).toBe('shardId-000000000000')
    expect(op.kind === 'merge' && op.upper.shardId).toBe('shardId-000000000001')
  })

  it('property: merges are of adjacent shards, lower first, each result below the level, loads conserved', () => {
    fc.assert(
      fc.property(layoutWithProfiles, fc.double({max: 1, min: 0.05, noNaN: true}), ({layout, profiles}, below) => {
        const plan = planMergeCold(layout, profiles, {below})
        let state = layout
        for (const op of plan.ops) {
          expect(op.kind).toBe('merge')
          if (op.kind !== 'merge') continue
          expect(op.lower.endingHashKey + 1n).toBe(op.upper.startingHashKey)
          expect(
            predictLoad(profiles, {endingHashKey: op.upper.endingHashKey, startingHashKey: op.lower.startingHashKey})!
              .utilisation,
          ).toBeLessThan(below)
          state = applyOp(state, op)
        }

        expect(coverageProblems(state)).toEqual([])
        expectConserved(profiles, state)
      }),
      {numRuns: 150},
    )
  })
})

describe('even-out', () => {
  it('restores equal ranges after a manual split and merge', () => {
    const layout: OpenRange[] = evenRanges(4).map((r) => ({...r}))
    // A manual split of shard 0 and a merge of shards 2 + 3 left 4 uneven shards.
    let uneven = applyOp(layout, {kind: 'split', newStartingHashKey: 12_345n, parent: layout[0]!, reason: ''})
    uneven = applyOp(uneven, {kind: 'merge', lower: uneven[3]!, reason: '', upper: uneven[4]!})
    expect(uneven).toHaveLength(4)
    const plan = planEvenOut(uneven)
    const after = finalState(uneven, plan.ops)
    expect(after.map((r) => r.startingHashKey)).toEqual(evenRanges(4).map((r) => r.startingHashKey))
    expect(planEvenOut(after).ops).toEqual([])
  })

  it('property: count kept, coverage kept, every range within tolerance of an equal share, splits before merges', () => {
    fc.assert(
      fc.property(layoutArb, (layout) => {
        const plan = planEvenOut(layout)
        const states = simulate(layout, plan.ops)
        const after = states.at(-1)!
        expect(after).toHaveLength(layout.length)
        expect(coverageProblems(after)).toEqual([])
        const ideal = HASH_KEY_SPACE / BigInt(layout.length)
        const tol = (2n * ideal) / EVEN_OUT_TOLERANCE + BigInt(layout.length)
        for (const r of after) {
          const w = r.endingHashKey - r.startingHashKey + 1n
          expect(w > ideal ? w - ideal : ideal - w).toBeLessThanOrEqual(tol)
        }

        // Never more than one shard above the current count.
        expect(Math.max(...states.map((s) => s.length))).toBeLessThanOrEqual(layout.length + 1)
      }),
      {numRuns: 300},
    )
  })
})
