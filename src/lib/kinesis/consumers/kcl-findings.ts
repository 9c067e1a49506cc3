/**
 * The pure analysis of one KCL application: its leases (one read, and a second one after
 * `--sample`), the stream's shards with lineage, and the lag of each checkpoint when known →
 * per-shard state and findings, each with the evidence and the fix.
 */
import type {ListedShard} from '../stream.js'
import type {Lease} from './lease-items.js'
import type {ShardLag} from './shard-lag.js'
import type {Consumer, ConsumerShard, Finding, ShardState} from './types.js'

import {
  type CoordinatorItems,
  staleWorkers,
  utilisationBalance,
  type WorkerMetricItem,
  workerViews,
} from './worker-metrics.js'

export interface KclInput {
  /** The same table read again `sampleMs` later; absent without --sample. */
  after?: Lease[] | undefined
  /** KCL 3.x coordinator state (leader, client version) with where it was read; absent when there is none. */
  coordinator?: (CoordinatorItems & {source: string}) | undefined
  /** Per shard; a shard missing here has lag unknown for `lagUnknownReason`. */
  lags: Map<string, ShardLag>
  lagUnknownReason: string
  leases: Lease[]
  name: string
  /** Epoch ms of the first read. */
  now: number
  retentionHours: null | number
  sampleMs?: number | undefined
  shards: ListedShard[]
  source: string
  /** KCL 3.x worker metrics (WorkerMetricStats table or single-table items); absent or empty when there are none. */
  workerMetrics?: undefined | WorkerMetricItem[]
}

/** Lag at or beyond this share of the retention period is critical (data will be lost soon). */
const CRITICAL_SHARE = 0.5
/** Owner switches since the last checkpoint at or above this: the lease is passed around without progress. */
const OWNER_SWITCH_LIMIT = 3

const hours = (ms: number): string => `${(ms / 3_600_000).toFixed(1)} h`

/** What every per-shard check sees. */
interface ShardView {
  input: KclInput
  lag: ShardLag | undefined
  lease: Lease
  leases: Map<string, Lease>
  shard: ListedShard
  state: ShardState
}

export function analyseKcl(input: KclInput): Consumer {
  const findings: Finding[] = []
  const leases = new Map(input.leases.map((l) => [l.shardId, l]))
  const after = input.after ? new Map(input.after.map((l) => [l.shardId, l])) : undefined
  const rows: ConsumerShard[] = []
  if (input.leases.length === 0) {
    findings.push({
      fix: 'Start the application (KCL creates its leases at the first shard sync), or check --app / --lease-table names the right table.',
      kind: 'lease-table-empty',
      message: `${input.source} holds no shard lease: no KCL worker has started for this stream`,
      severity: 'critical',
      shardId: null,
    })
  }

  for (const shard of input.shards) {
    const lease = leases.get(shard.shardId)
    if (!lease) {
      const seen = leaselessShard(shard, input, leases)
      if (seen.row) rows.push(seen.row)
      if (seen.finding) findings.push(seen.finding)
      continue
    }

    const lag = input.lags.get(shard.shardId)
    const sampled = sampledState(
      {input, lag, lease, leases, shard, state: firstState(shard, lease, input, leases)},
      after?.get(shard.shardId),
    )
    const view: ShardView = {input, lag, lease, leases, shard, state: sampled.state}
    if (sampled.finding) findings.push(sampled.finding)
    rows.push({
      checkpoint: lease.checkpoint,
      lagMs: lag?.lagMs ?? null,
      lagSource: lag?.source ?? input.lagUnknownReason,
      leaseCounter: lease.leaseCounter,
      open: shard.open,
      owner: lease.owner,
      parentShardIds: parentsOf(shard),
      shardId: shard.shardId,
      state: view.state,
    })
    for (const check of LEASE_CHECKS) {
      const finding = check(view)
      if (finding) findings.push(finding)
    }
  }

  findings.push(...unknownShardLeases(input))
  const listed = new Set(input.shards.map((s) => s.shardId))
  const workers = input.workerMetrics?.length ? workerViews(input.workerMetrics, input.leases, listed) : undefined
  // KCL 3.x balances by utilisation when its worker metrics say enough; otherwise leases are counted.
  const byUtilisation = workers ? utilisationBalance(workers, input.coordinator) : {decided: false}
  const balance = byUtilisation.decided ? byUtilisation.finding : unbalanced(input.leases, listed)
  if (balance) findings.push(balance)
  if (workers) findings.push(...staleWorkers(workers, input.now))
  return {
    ...(input.coordinator
      ? {
          coordinator: {
            clientVersion: input.coordinator.clientVersion,
            leader: input.coordinator.leader,
            source: input.coordinator.source,
          },
        }
      : {}),
    findings,
    kind: 'kcl',
    name: input.name,
    shards: rows,
    source: input.source,
    ...(workers ? {workers} : {}),
  }
}

function parentsOf(shard: ListedShard): string[] {
  const parents: string[] = []
  for (const p of [shard.parentShardId, shard.adjacentParentShardId]) if (p) parents.push(p)
  return parents
}

/** An open shard without a lease: waiting for an unfinished ancestor, or read by nobody. */
function leaselessShard(
  shard: ListedShard,
  input: KclInput,
  leases: Map<string, Lease>,
): {finding?: Finding; row?: ConsumerShard} {
  const parents = parentsOf(shard)
  // A closed shard without a lease was finished and cleaned up (or never needed): nothing to read.
  if (!shard.open) return {}
  if (input.leases.length === 0) return {row: noLeaseRow(shard, parents, 'no-lease')}
  const unfinished = unfinishedAncestors(shard, input.shards, leases)
  const p = unfinished[0]
  if (p) {
    return {
      finding: {
        fix: `KCL starts ${shard.shardId} only after ${p.shardId} is checkpointed at SHARD_END: make sure its worker (${p.owner ?? 'none: the lease has no owner'}) is alive and its record processor reaches the end of the shard and checkpoints (checkpointer.checkpoint() in shardEnded).`,
        kind: 'open-shard-without-lease',
        message: `open shard ${shard.shardId} has no lease: its ${parents.includes(p.shardId) ? 'parent' : 'ancestor'} ${p.shardId} is at ${p.checkpoint ?? 'no checkpoint'}, not SHARD_END`,
        parentShardId: p.shardId,
        severity: p.owner ? 'warning' : 'critical',
        shardId: shard.shardId,
      },
      row: noLeaseRow(shard, parents, 'waiting-for-parent'),
    }
  }

  return {
    finding: {
      fix: 'KCL creates the lease at its next shard sync: check a worker is running and its logs for shard-sync errors (ShardSyncTask / PeriodicShardSyncManager); restarting one worker forces a sync.',
      kind: 'open-shard-without-lease',
      message:
        parents.length > 0
          ? `open shard ${shard.shardId} has no lease although its parent ${parents.join(' + ')} ${parents.length > 1 ? 'are' : 'is'} finished (SHARD_END or cleaned up): nobody reads it`
          : `open shard ${shard.shardId} has no lease: nobody reads it`,
      ...(parents[0] ? {parentShardId: parents[0]} : {}),
      severity: 'critical',
      shardId: shard.shardId,
    },
    row: noLeaseRow(shard, parents, 'no-lease'),
  }
}

function firstState(shard: ListedShard, lease: Lease, input: KclInput, leases: Map<string, Lease>): ShardState {
  if (lease.checkpoint === 'SHARD_END') return 'finished'
  if (!lease.owner) return 'no-owner'
  // KCL 1.x creates the children's leases at once; their workers block until the parents end.
  if (unfinishedAncestors(shard, input.shards, leases, lease.parentShardIds).length > 0) return 'waiting-for-parent'
  return 'processing'
}

/** With a second read: a counter that did not move (dead), or a checkpoint that did not while a record waits (stuck). */
function sampledState(view: ShardView, later: Lease | undefined): {finding?: Finding; state: ShardState} {
  const {input, lag, lease, shard, state} = view
  if (state !== 'processing' || !later || input.sampleMs === undefined) return {state}
  const seconds = Math.round(input.sampleMs / 1000)
  if (later.leaseCounter !== null && later.leaseCounter === lease.leaseCounter && later.owner === lease.owner) {
    return {
      finding: {
        fix: `Check worker ${lease.owner} (process, host, its logs and GC pauses); once its lease expires (failoverTimeMillis, 10 s by default) another worker takes it, unless none is running.`,
        kind: 'dead-worker',
        message: `lease ${lease.leaseKey} of ${lease.owner}: counter ${lease.leaseCounter} did not move in ${seconds} s (the worker does not renew it)`,
        severity: 'critical',
        shardId: shard.shardId,
      },
      state: 'dead',
    }
  }

  // Only a record that was already waiting when the sample began counts: a fresh one may not be fetched yet.
  const waiting = lag?.record && Date.parse(lag.record.arrival) <= input.now - input.sampleMs ? lag.record : undefined
  if (later.checkpoint !== lease.checkpoint || !waiting) return {state}
  return {
    finding: {
      fix: `The worker is alive but does not checkpoint past record ${waiting.sequenceNumber}: look in ${lease.owner}'s logs for the record processor's errors on ${shard.shardId} (a poison record or a blocked call); skip or fix the record, then checkpoint.`,
      kind: 'checkpoint-not-advancing',
      message: `${shard.shardId}: the checkpoint stayed at ${lease.checkpoint} for ${seconds} s while record ${waiting.sequenceNumber} (arrived ${waiting.arrival}) waits after it`,
      severity: 'critical',
      shardId: shard.shardId,
    },
    state: 'stuck',
  }
}

/** The checks of one leased shard, each returning a finding or nothing. */
const LEASE_CHECKS: Array<(view: ShardView) => Finding | undefined> = [
  ({lease, shard, state}) =>
    state === 'no-owner'
      ? {
          fix: 'A running worker takes an unowned lease within a few seconds: if it stays unowned, no worker of this application is running (or all are at maxLeasesForWorker).',
          kind: 'lease-without-owner',
          message: `lease ${lease.leaseKey} has no owner (checkpoint ${lease.checkpoint ?? 'none'})`,
          severity: 'warning',
          shardId: shard.shardId,
        }
      : undefined,
  ({input, lease, shard}) => {
    if (shard.open || lease.checkpoint === 'SHARD_END' || !lease.owner) return undefined
    const children = input.shards.filter((s) => parentsOf(s).includes(shard.shardId))
    return {
      fix: `Let ${lease.owner} read ${shard.shardId} to its end (its records are still there until retention runs out); its children start only after it is checkpointed at SHARD_END.`,
      kind: 'closed-shard-leased',
      message: `closed shard ${shard.shardId} is still leased by ${lease.owner} at ${lease.checkpoint ?? 'no checkpoint'}${children.length > 0 ? `; ${children.map((c) => c.shardId).join(', ')} wait for it` : ''}`,
      severity: 'warning',
      shardId: shard.shardId,
    }
  },
  ({lease, shard}) =>
    (lease.ownerSwitchesSinceCheckpoint ?? 0) >= OWNER_SWITCH_LIMIT && lease.checkpoint !== 'SHARD_END'
      ? {
          fix: 'Workers take this lease from each other without checkpointing: look for workers that crash or stall on this shard, and for lease stealing between unbalanced workers.',
          kind: 'owner-switching',
          message: `lease ${lease.leaseKey} changed owner ${lease.ownerSwitchesSinceCheckpoint} times since its last checkpoint`,
          severity: 'warning',
          shardId: shard.shardId,
        }
      : undefined,
  ({input, lag, lease, shard}) => {
    const lagMs = lag?.lagMs
    if (typeof lagMs !== 'number' || input.retentionHours === null || lease.checkpoint === 'SHARD_END') return undefined
    const retentionMs = input.retentionHours * 3_600_000
    if (lagMs < retentionMs * CRITICAL_SHARE) return undefined
    return {
      fix: `Records older than ${input.retentionHours} h are deleted unread: scale the consumer or fix its errors now, or raise retention (aws kinesis increase-stream-retention-period) to buy time.`,
      kind: 'lag-near-retention',
      message: `${shard.shardId} is ${hours(lagMs)} behind; the retention is ${input.retentionHours} h: ${hours(Math.max(0, retentionMs - lagMs))} left before unread records expire`,
      severity: 'critical',
      shardId: shard.shardId,
    }
  },
]

/** Leases of shards the stream does not list (expired past retention, or another stream's). */
function unknownShardLeases(input: KclInput): Finding[] {
  const listed = new Set(input.shards.map((s) => s.shardId))
  return input.leases
    .filter((l) => !listed.has(l.shardId) && l.checkpoint !== 'SHARD_END')
    .map((lease) => ({
      fix: 'The shard is no longer listed (expired past retention, or the lease belongs to another stream): check the stream name; a lease left behind can be deleted once confirmed.',
      kind: 'lease-for-unknown-shard',
      message: `lease ${lease.leaseKey} (checkpoint ${lease.checkpoint ?? 'none'}) names a shard the stream does not list`,
      severity: 'info',
      shardId: lease.shardId,
    }))
}

/**
 * The leased ancestors not yet at SHARD_END that hold a shard back. A parent without a lease is
 * either finished and cleaned up, or itself waiting for its own parent (KCL creates a child's
 * lease only once its parents are done), so the walk goes on through lease-less closed parents.
 */
function unfinishedAncestors(
  shard: ListedShard,
  shards: ListedShard[],
  leases: Map<string, Lease>,
  leaseParents: string[] = [],
): Lease[] {
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  const found: Lease[] = []
  const seen = new Set<string>()
  const visit = (s: ListedShard, extra: string[] = []): void => {
    for (const p of [s.parentShardId, s.adjacentParentShardId, ...extra]) {
      if (!p || seen.has(p)) continue
      seen.add(p)
      const lease = leases.get(p)
      if (lease) {
        if (lease.checkpoint !== 'SHARD_END') found.push(lease)
        continue
      }

      const parent = byId.get(p)
      if (parent) visit(parent)
    }
  }

  visit(shard, leaseParents)
  return found
}

function noLeaseRow(shard: ListedShard, parents: string[], state: ShardState): ConsumerShard {
  return {
    checkpoint: null,
    lagMs: null,
    lagSource: 'no lease: no worker reads this shard',
    leaseCounter: null,
    open: shard.open,
    owner: null,
    parentShardIds: parents,
    shardId: shard.shardId,
    state,
  }
}

/** Active leases per worker differ by more than one (KCL 1.x/2.x balance by count; 3.x by throughput). */
function unbalanced(leases: Lease[], listed: Set<string>): Finding | undefined {
  const active = leases.filter((l) => l.owner && l.checkpoint !== 'SHARD_END' && listed.has(l.shardId))
  const perOwner = new Map<string, number>()
  for (const l of active) perOwner.set(l.owner!, (perOwner.get(l.owner!) ?? 0) + 1)
  if (perOwner.size < 2) return undefined
  const sorted = [...perOwner.entries()].sort((a, b) => b[1] - a[1])
  const [most, least] = [sorted[0]!, sorted.at(-1)!]
  if (most[1] - least[1] <= 1) return undefined
  const byThroughput = active.some((l) => l.throughputKBps !== null)
  return {
    fix: byThroughput
      ? 'KCL 3.x balances leases by throughput and worker CPU, not by count: compare the workers’ load (the <app>-WorkerMetricStats table, read here when it exists and is readable) before acting.'
      : 'Leases rebalance slowly (one steal per lease-taker run): check the busy worker is not at maxLeasesForWorker and the others are healthy; more workers than shards leave some idle.',
    kind: 'unbalanced-leases',
    message: `${most[0]} holds ${most[1]} lease(s), ${least[0]} ${least[1]} (${perOwner.size} workers, ${active.length} active leases)`,
    severity: byThroughput ? 'info' : 'warning',
    shardId: null,
  }
}
