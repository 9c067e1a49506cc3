import {describe, expect, it} from 'vitest'

import type {Lease} from '../../../../src/lib/kinesis/consumers/lease-items.js'
import type {ListedShard} from '../../../../src/lib/kinesis/stream.js'

import {analyseKcl, type KclInput} from '../../../../src/lib/kinesis/consumers/kcl-findings.js'

const NOW = Date.parse('2026-12-07T12:00:00Z')

function shard(id: number, open: boolean, parent?: number): ListedShard {
  return {
    endingHashKey: 0n,
    open,
    parentShardId: parent === undefined ? undefined : sid(parent),
    shardId: sid(id),
    startingHashKey: 0n,
  }
}

function sid(n: number): string {
  return `shardId-${String(n).padStart(12, '0')}`
}

function lease(id: number, over: Partial<Lease> = {}): Lease {
  return {
    checkpoint: '49650000000000000000000000000000000000000000000000000010',
    checkpointOwner: null,
    childShardIds: [],
    leaseCounter: 10,
    leaseKey: sid(id),
    owner: 'worker-a',
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    pendingCheckpoint: null,
    shardId: sid(id),
    streamName: null,
    throughputKBps: null,
    ...over,
  }
}

function run(over: Partial<KclInput>): ReturnType<typeof analyseKcl> {
  return analyseKcl({
    lags: new Map(),
    lagUnknownReason: 'offline',
    leases: [],
    name: 'app',
    now: NOW,
    retentionHours: 24,
    shards: [],
    source: 'lease table app',
    ...over,
  })
}

const kinds = (c: ReturnType<typeof analyseKcl>) => c.findings.map((f) => `${f.kind} ${f.shardId ?? '-'} ${f.severity}`)

describe('KCL analysis', () => {
  it('is healthy when every open shard is leased, owned and caught up', () => {
    const c = run({
      lags: new Map([[sid(0), {lagMs: 0, source: 'caught up'}]]),
      leases: [lease(0)],
      shards: [shard(0, true)],
    })
    expect(c.findings).toEqual([])
    expect(c.shards[0]).toMatchObject({lagMs: 0, owner: 'worker-a', state: 'processing'})
  })

  it('names the parent (or grandparent) that holds an open child back', () => {
    const c = run({
      leases: [lease(0)],
      shards: [shard(0, false), shard(1, false, 0), shard(3, true, 1), shard(2, true, 0)],
    })
    const child = c.findings.find((f) => f.kind === 'open-shard-without-lease' && f.shardId === sid(3))!
    expect(child).toMatchObject({parentShardId: sid(0), severity: 'warning'})
    expect(child.message).toContain('ancestor shardId-000000000000')
    expect(c.findings.find((f) => f.shardId === sid(2))!.message).toContain('parent shardId-000000000000 is at 4965')
    expect(kinds(c)).toContain(`closed-shard-leased ${sid(0)} warning`)
    expect(c.shards.find((s) => s.shardId === sid(2))!.state).toBe('waiting-for-parent')
  })

  it('is critical when the parent is finished and the child still has no lease', () => {
    const c = run({
      leases: [lease(0, {checkpoint: 'SHARD_END'}), lease(5)],
      shards: [shard(0, false), shard(1, true, 0), shard(5, true)],
    })
    expect(kinds(c)).toEqual([`open-shard-without-lease ${sid(1)} critical`])
    expect(c.findings[0]!.parentShardId).toBe(sid(0))
  })

  it('KCL 1.x: a child leased before its parent ended waits for it (no finding of its own)', () => {
    const c = run({
      leases: [lease(0), lease(1, {checkpoint: 'TRIM_HORIZON', parentShardIds: [sid(0)]})],
      shards: [shard(0, false), shard(1, true, 0)],
    })
    expect(c.shards.find((s) => s.shardId === sid(1))!.state).toBe('waiting-for-parent')
    expect(kinds(c)).toEqual([`closed-shard-leased ${sid(0)} warning`])
  })

  it('does not report a closed shard whose lease was cleaned up', () => {
    const c = run({leases: [lease(1)], shards: [shard(0, false), shard(1, true, 0)]})
    expect(c.findings).toEqual([])
  })

  it('reports one empty-table finding rather than one per shard', () => {
    const c = run({leases: [], shards: [shard(0, true), shard(1, true)]})
    expect(kinds(c)).toEqual(['lease-table-empty - critical'])
    expect(c.shards.map((s) => s.state)).toEqual(['no-lease', 'no-lease'])
  })

  it('reports leases without owner and owners passing a lease around', () => {
    const c = run({
      leases: [lease(0, {owner: null}), lease(1, {ownerSwitchesSinceCheckpoint: 4})],
      shards: [shard(0, true), shard(1, true)],
    })
    expect(kinds(c)).toEqual([`lease-without-owner ${sid(0)} warning`, `owner-switching ${sid(1)} warning`])
  })

  it('reports lag near the retention period with the hours left', () => {
    const c = run({
      lags: new Map([[sid(0), {lagMs: 20 * 3_600_000, source: 'arrival'}]]),
      leases: [lease(0)],
      shards: [shard(0, true)],
    })
    expect(c.findings[0]).toMatchObject({kind: 'lag-near-retention', severity: 'critical'})
    expect(c.findings[0]!.message).toContain('4.0 h left')
  })

  it('keeps unknown lag unknown: no retention finding, the reason kept', () => {
    const c = run({leases: [lease(0)], retentionHours: null, shards: [shard(0, true)]})
    expect(c.shards[0]).toMatchObject({lagMs: null, lagSource: 'offline'})
    expect(c.findings).toEqual([])
  })

  it('reports unbalanced leases (count for KCL 2.x, a note for KCL 3.x throughput balancing)', () => {
    const shards = [0, 1, 2, 3, 4].map((n) => shard(n, true))
    const leases = [lease(0), lease(1), lease(2), lease(3), lease(4, {owner: 'worker-b'})]
    expect(kinds(run({leases, shards}))).toEqual(['unbalanced-leases - warning'])
    const v3 = leases.map((l) => ({...l, throughputKBps: 100}))
    expect(kinds(run({leases: v3, shards}))).toEqual(['unbalanced-leases - info'])
  })

  it('with a second read: a counter that did not move is a dead worker', () => {
    const c = run({after: [lease(0)], leases: [lease(0)], sampleMs: 30_000, shards: [shard(0, true)]})
    expect(kinds(c)).toEqual([`dead-worker ${sid(0)} critical`])
    expect(c.shards[0]!.state).toBe('dead')
  })

  it('with a second read: a live worker whose checkpoint stays while an older record waits is stuck', () => {
    const record = {
      arrival: new Date(NOW - 600_000).toISOString(),
      sequenceNumber: '49650000000000000000000000000000000000000000000000000011',
    }
    const c = run({
      after: [lease(0, {leaseCounter: 14})],
      lags: new Map([[sid(0), {lagMs: 600_000, record, source: 'arrival'}]]),
      leases: [lease(0)],
      sampleMs: 30_000,
      shards: [shard(0, true)],
    })
    expect(kinds(c)).toEqual([`checkpoint-not-advancing ${sid(0)} critical`])
    expect(c.findings[0]!.message).toContain(record.sequenceNumber)
    expect(c.findings[0]!.message).toContain(record.arrival)
  })

  it('with a second read: a live worker that advanced is healthy', () => {
    const c = run({
      after: [lease(0, {checkpoint: '49650000000000000000000000000000000000000000000000000020', leaseCounter: 14})],
      leases: [lease(0)],
      sampleMs: 30_000,
      shards: [shard(0, true)],
    })
    expect(c.findings).toEqual([])
  })

  it('notes leases of shards the stream does not list', () => {
    expect(kinds(run({leases: [lease(9)], shards: [shard(0, true)]}))).toContain(
      `lease-for-unknown-shard ${sid(9)} info`,
    )
  })
})
