import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import type {Lease} from '../../../../src/lib/kinesis/consumers/lease-items.js'
import type {ListedShard} from '../../../../src/lib/kinesis/stream.js'

import {analyseKcl} from '../../../../src/lib/kinesis/consumers/kcl-findings.js'
import {
  itemsOfScanOutput,
  parseLeaseItems,
  splitJsonDocuments,
} from '../../../../src/lib/kinesis/consumers/lease-items.js'
import {
  coordinatorFromItems,
  emaOf,
  workerMetricFromItem,
  type WorkerMetricItem,
} from '../../../../src/lib/kinesis/consumers/worker-metrics.js'

const sid = (n: number): string => `shardId-${String(n).padStart(12, '0')}`
const shard = (n: number): ListedShard => ({endingHashKey: 0n, open: true, shardId: sid(n), startingHashKey: 0n})
const lease = (n: number, owner: string): Lease => ({
  checkpoint: '49650000000000000000000000000000000000000000000000000010',
  checkpointOwner: null,
  childShardIds: [],
  leaseCounter: 5,
  leaseKey: sid(n),
  owner,
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  pendingCheckpoint: null,
  shardId: sid(n),
  streamName: null,
  throughputKBps: 120,
})
const NOW = Date.parse('2026-12-07T12:00:00Z')
const fresh = NOW / 1000 - 20
const worker = (workerId: string, cpu: number[], limit = 100, lut = fresh): WorkerMetricItem => ({
  lastUpdateEpochS: lut,
  metrics: [{limit, name: 'CPU', values: cpu}],
  workerId,
})
// worker-a holds 5 leases, worker-b 2: unbalanced by count.
const leases = [...[0, 1, 2, 3, 4].map((n) => lease(n, 'worker-a')), ...[5, 6].map((n) => lease(n, 'worker-b'))]
const shards = [0, 1, 2, 3, 4, 5, 6].map((n) => shard(n))
const run = (workerMetrics: WorkerMetricItem[], clientVersion: null | string = 'CLIENT_VERSION_3X') =>
  analyseKcl({
    coordinator: {clientVersion, leader: 'worker-b', source: 'test'},
    lags: new Map(),
    lagUnknownReason: 'offline',
    leases,
    name: 'clicks-app',
    now: NOW,
    retentionHours: 24,
    shards,
    source: 'test',
    workerMetrics,
  })

describe('KCL 3.x worker metrics and coordinator state', () => {
  it('reads the separate tables (wid / key) as a scan saves them', () => {
    const items = itemsOfScanOutput(
      splitJsonDocuments(readFileSync('test/fixtures/kinesis-consumers/kcl3-worker-metrics.scan.json', 'utf8'), 'f'),
      'f',
    )
    const workers = items.map((i) => workerMetricFromItem(i)).filter((w) => w !== undefined)
    expect(workers).toEqual([
      {
        lastUpdateEpochS: 1_796_630_000,
        metrics: [{limit: 100, name: 'CPU', values: [40, -1, 44]}],
        workerId: 'worker-a',
      },
      {lastUpdateEpochS: 1_796_630_010, metrics: [{limit: 100, name: 'CPU', values: [38, 42]}], workerId: 'worker-b'},
    ])
    expect(coordinatorFromItems(items)).toEqual({clientVersion: 'CLIENT_VERSION_3X', leader: 'worker-b'})
  })

  it('reads single-table items (entityType) beside the leases without calling them skipped', () => {
    const parsed = parseLeaseItems([
      {checkpoint: {S: 'TRIM_HORIZON'}, entityType: {S: 'LEASE'}, leaseKey: {S: sid(0)}, leaseOwner: {S: 'worker-a'}},
      {
        entityType: {S: 'WORKER_METRIC_STATS'},
        leaseKey: {S: 'worker-a'},
        lut: {N: '1796630000'},
        sts: {M: {CPU: {L: [{N: '10'}]}}},
      },
      {entityType: {S: 'LEADER'}, leaseKey: {S: 'Leader'}, ownerName: {S: 'worker-a'}},
    ])
    expect(parsed.leases.map((l) => l.shardId)).toEqual([sid(0)])
    expect(parsed.skipped).toEqual([])
    expect(parsed.metadata.map((i) => workerMetricFromItem(i)?.workerId)).toEqual(['worker-a', undefined])
    expect(coordinatorFromItems(parsed.metadata)).toEqual({clientVersion: null, leader: 'worker-a'})
  })

  it('averages like KCL: failed readings (-1) left out, newest weighted most', () => {
    expect(emaOf([40, -1, 44])).toBe(42)
    expect(emaOf([-1])).toBeNull()
    expect(emaOf([10, 20, 40])).toBe(27.5)
  })

  it('does not call a lease-count difference unbalanced when utilisation is even (KCL 3.x balances by utilisation)', () => {
    const c = run([worker('worker-a', [50, 52]), worker('worker-b', [49, 51])])
    expect(c.findings.filter((f) => f.kind === 'unbalanced-leases')).toEqual([])
    expect(c.workers).toMatchObject([
      {activeLeases: 5, utilisation: 51, workerId: 'worker-a'},
      {activeLeases: 2, utilisation: 50, workerId: 'worker-b'},
    ])
    expect(c.coordinator).toEqual({clientVersion: 'CLIENT_VERSION_3X', leader: 'worker-b', source: 'test'})
  })

  it('flags a worker above its operating range, and notes uneven utilisation', () => {
    const over = run([worker('worker-a', [90, 95], 80), worker('worker-b', [30, 30], 80)])
    expect(over.findings.filter((f) => f.kind === 'unbalanced-leases')).toMatchObject([{severity: 'warning'}])
    expect(over.findings.find((f) => f.kind === 'unbalanced-leases')!.message).toMatch(
      /^worker-a: CPU 93 % is above its operating range \(80 %\)/,
    )
    const uneven = run([worker('worker-a', [70]), worker('worker-b', [20])])
    expect(uneven.findings.filter((f) => f.kind === 'unbalanced-leases')).toMatchObject([{severity: 'info'}])
  })

  it('falls back to counting leases in 2.x-compatible mode or when an owner has no metrics', () => {
    const compat = run([worker('worker-a', [50]), worker('worker-b', [50])], 'CLIENT_VERSION_UPGRADE_FROM_2X')
    expect(compat.findings.filter((f) => f.kind === 'unbalanced-leases')).toHaveLength(1)
    const partial = run([worker('worker-a', [50])])
    expect(partial.findings.filter((f) => f.kind === 'unbalanced-leases')).toMatchObject([{severity: 'info'}])
    expect(partial.workers!.at(-1)).toMatchObject({
      activeLeases: 2,
      lastUpdate: null,
      utilisation: null,
      workerId: 'worker-b',
    })
  })

  it('warns about a worker holding leases whose metrics stopped', () => {
    const c = run([worker('worker-a', [50], 100, NOW / 1000 - 900), worker('worker-b', [50])])
    expect(c.findings.filter((f) => f.kind === 'worker-metrics-stale')).toMatchObject([{severity: 'warning'}])
  })
})
