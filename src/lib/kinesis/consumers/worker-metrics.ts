/**
 * KCL 3.x metadata beside the leases: the worker metrics table (`<app>-WorkerMetricStats`, hash key
 * `wid`) and the coordinator state table (`<app>-CoordinatorState`, hash key `key`), or the same
 * items kept in the lease table itself (KCL 3.5 "single table format", told apart by `entityType`,
 * keyed by `leaseKey`). Names and shapes: KCL's WorkerMetricStats (`lut` last update in epoch
 * seconds, `sts` metric → recent values with -1 for a failed reading, `opr` metric → operating
 * range whose first value is the limit), CoordinatorState (`Leader` lock item with `ownerName`,
 * `Migration3.0` item with `cv` the client version), and the Kinesis Data Streams guide page
 * "DynamoDB metadata tables and load balancing in KCL".
 *
 * KCL 3.x assigns leases by worker utilisation (CPU and the other worker metrics), not by lease
 * count, unless the application still runs in 2.x-compatible mode during a migration.
 */
import type {AttributeMap, Lease} from './lease-items.js'
import type {Finding, WorkerView} from './types.js'

export interface WorkerMetricItem {
  lastUpdateEpochS: null | number
  metrics: Array<{limit: null | number; name: string; values: number[]}>
  workerId: string
}

export interface CoordinatorItems {
  clientVersion: null | string
  leader: null | string
}

/** KCL's default workerMetricsEMAAlpha: the weight of the newest value in the average it balances on. */
const EMA_ALPHA = 0.5
/** Workers report every 30 s; no report for this long while holding leases means the worker is probably gone. */
const STALE_MS = 5 * 60_000
/** KCL's reBalanceThresholdPercentage: a worker this many points above the fleet average gets leases moved off. */
const REBALANCE_POINTS = 10
/** Client versions in which KCL 3.x still balances like 2.x (by lease count). */
const COUNT_BALANCED_VERSIONS = new Set(['CLIENT_VERSION_2X', 'CLIENT_VERSION_UPGRADE_FROM_2X'])

function s(item: AttributeMap, name: string): null | string {
  const v = item[name]
  return typeof v?.S === 'string' ? v.S : null
}

function n(v: unknown): null | number {
  const text = (v as undefined | {N?: unknown})?.N
  if (typeof text !== 'string') return null
  const x = Number(text)
  return Number.isFinite(x) ? x : null
}

function numberLists(item: AttributeMap, name: string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  const m = item[name]?.M
  if (!m || typeof m !== 'object') return out
  for (const [key, value] of Object.entries(m as Record<string, {L?: unknown[]}>)) {
    const list = Array.isArray(value?.L) ? value.L : []
    out.set(
      key,
      list.map((e) => n(e)).filter((x): x is number => x !== null),
    )
  }

  return out
}

/** A worker-metrics item (its own table, or an entityType WORKER_METRIC_STATS item of the lease table); undefined otherwise. */
export function workerMetricFromItem(item: AttributeMap): undefined | WorkerMetricItem {
  const entity = s(item, 'entityType')
  const workerId = s(item, 'wid') ?? (entity === 'WORKER_METRIC_STATS' ? s(item, 'leaseKey') : null)
  if (workerId === null || (entity !== null && entity !== 'WORKER_METRIC_STATS')) return undefined
  const stats = numberLists(item, 'sts')
  const ranges = numberLists(item, 'opr')
  return {
    lastUpdateEpochS: n(item.lut),
    metrics: [...stats.entries()].map(([name, values]) => ({limit: ranges.get(name)?.[0] ?? null, name, values})),
    workerId,
  }
}

/** The leader lock and the migration state, from either table layout. */
export function coordinatorFromItems(items: AttributeMap[]): CoordinatorItems | undefined {
  let leader: null | string = null
  let clientVersion: null | string = null
  let seen = false
  for (const item of items) {
    const key = s(item, 'key') ?? s(item, 'leaseKey')
    const entity = s(item, 'entityType')
    if (key === 'Leader' || entity === 'LEADER') {
      leader = s(item, 'ownerName') ?? leader
      seen = true
    } else if (key === 'Migration3.0' || entity === 'CLIENT_VERSION_MIGRATION') {
      clientVersion = s(item, 'cv') ?? clientVersion
      seen = true
    }
  }

  return seen ? {clientVersion, leader} : undefined
}

/** KCL's average of the recent values, failed readings (-1) left out; null when there is none. */
export function emaOf(values: number[]): null | number {
  let avg: null | number = null
  for (const v of values) {
    if (v === -1) continue
    avg = avg === null ? v : EMA_ALPHA * v + (1 - EMA_ALPHA) * avg
  }

  return avg
}

export function workerViews(items: WorkerMetricItem[], leases: Lease[], listed: Set<string>): WorkerView[] {
  const active = new Map<string, number>()
  for (const l of leases)
    if (l.owner && l.checkpoint !== 'SHARD_END' && listed.has(l.shardId))
      active.set(l.owner, (active.get(l.owner) ?? 0) + 1)
  // A lease owner without a metrics item is shown too (utilisation unknown): the balance cannot be judged by utilisation then.
  const reported = new Set(items.map((w) => w.workerId))
  const silent: WorkerMetricItem[] = [...active.keys()]
    .filter((owner) => !reported.has(owner))
    .map((workerId) => ({lastUpdateEpochS: null, metrics: [], workerId}))
  return [...items, ...silent].map((w) => {
    const metrics = w.metrics.map((m) => ({
      failing: m.values.at(-1) === -1,
      limit: m.limit,
      name: m.name,
      value: emaOf(m.values),
    }))
    const known = metrics.map((m) => m.value).filter((v): v is number => v !== null)
    return {
      activeLeases: active.get(w.workerId) ?? 0,
      lastUpdate: w.lastUpdateEpochS === null ? null : new Date(w.lastUpdateEpochS * 1000).toISOString(),
      metrics,
      utilisation: known.length > 0 ? Math.max(...known) : null,
      workerId: w.workerId,
    }
  })
}

const pct = (x: number): string => `${x.toFixed(0)} %`

/**
 * The balance finding when worker utilisation is known (KCL 3.x): a worker above its operating
 * range, or well above the fleet average. `undefined` result: utilisation does not decide (2.x
 * mode, or a lease owner without metrics): the caller falls back to counting leases.
 */
export function utilisationBalance(
  workers: WorkerView[],
  coordinator: CoordinatorItems | undefined,
): {decided: boolean; finding?: Finding} {
  if (coordinator?.clientVersion && COUNT_BALANCED_VERSIONS.has(coordinator.clientVersion)) return {decided: false}
  const owners = workers.filter((w) => w.activeLeases > 0)
  if (owners.length === 0 || owners.some((w) => w.utilisation === null)) return {decided: false}
  const over = owners.find((w) => w.metrics.some((m) => m.value !== null && m.limit !== null && m.value > m.limit))
  const avg = owners.reduce((a, w) => a + w.utilisation!, 0) / owners.length
  const busiest = [...owners].sort((a, b) => b.utilisation! - a.utilisation!)[0]!
  const idlest = [...owners].sort((a, b) => a.utilisation! - b.utilisation!)[0]!
  const spread = `${busiest.workerId} at ${pct(busiest.utilisation!)} with ${busiest.activeLeases} lease(s), ${idlest.workerId} at ${pct(idlest.utilisation!)} with ${idlest.activeLeases}; fleet average ${pct(avg)}`
  if (over) {
    const m = over.metrics.find((x) => x.value !== null && x.limit !== null && x.value > x.limit)!
    return {
      decided: true,
      finding: {
        fix:
          owners.length > 1 && avg < (m.limit ?? 100)
            ? 'KCL 3.x moves leases off a worker above its operating range at its next assignment round (every 2 × failoverTimeMillis): if this persists, check the leader (CoordinatorState) runs the assignment and the worker is not busy with something else.'
            : 'Every worker is loaded: add workers (KCL 3.x then moves leases to them), or make record processing cheaper.',
        kind: 'unbalanced-leases',
        message: `${over.workerId}: ${m.name} ${pct(m.value!)} is above its operating range (${pct(m.limit!)}); ${spread}`,
        severity: 'warning',
        shardId: null,
      },
    }
  }

  if (owners.length > 1 && busiest.utilisation! - avg > REBALANCE_POINTS)
    return {
      decided: true,
      finding: {
        fix: 'KCL 3.x rebalances workers more than 10 points above the fleet average (reBalanceThresholdPercentage) every few assignment rounds: wait a few minutes; if it persists, check the leader (CoordinatorState) and the workers’ logs.',
        kind: 'unbalanced-leases',
        message: `utilisation is uneven: ${spread}`,
        severity: 'info',
        shardId: null,
      },
    }
  return {decided: true}
}

/** Workers holding leases whose metrics stopped: probably gone (the lease counter check with --sample confirms). */
export function staleWorkers(workers: WorkerView[], now: number): Finding[] {
  return workers
    .filter((w) => w.activeLeases > 0 && w.lastUpdate !== null && now - Date.parse(w.lastUpdate) > STALE_MS)
    .map((w) => ({
      fix: `Check worker ${w.workerId} is running; run again with --sample 30s to see whether it still renews its leases.`,
      kind: 'worker-metrics-stale' as const,
      message: `${w.workerId} holds ${w.activeLeases} lease(s) but last reported its metrics at ${w.lastUpdate} (KCL 3.x reports every 30 s)`,
      severity: 'warning' as const,
      shardId: null,
    }))
}
