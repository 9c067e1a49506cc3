/**
 * The result of `kinesis consumers`: every consumer found for one stream, the state of each shard
 * it reads, and what is wrong with it. Unknown values stay unknown (null with a reason).
 */

export type Severity = 'critical' | 'info' | 'warning'

export type FindingKind =
  | 'checkpoint-not-advancing'
  | 'closed-shard-leased'
  | 'dead-worker'
  | 'efo-consumer-not-active'
  | 'esm-bisect-off'
  | 'esm-last-processing-failed'
  | 'esm-no-failure-destination'
  | 'esm-not-enabled'
  | 'esm-retries-forever'
  | 'lag-near-retention'
  | 'lease-for-unknown-shard'
  | 'lease-table-empty'
  | 'lease-without-owner'
  | 'open-shard-without-lease'
  | 'owner-switching'
  | 'unbalanced-leases'

export interface Finding {
  fix: string
  kind: FindingKind
  message: string
  parentShardId?: string
  severity: Severity
  /** The shard it is about; null when it is about the consumer as a whole. */
  shardId: null | string
}

export type ShardState = 'dead' | 'finished' | 'no-lease' | 'no-owner' | 'processing' | 'stuck' | 'waiting-for-parent'

export interface ConsumerShard {
  /** The lease's checkpoint: a sequence number or TRIM_HORIZON / LATEST / AT_TIMESTAMP / SHARD_END; null with no lease. */
  checkpoint: null | string
  /** Milliseconds between now and the arrival of the oldest record not yet checkpointed; null when unknown. */
  lagMs: null | number
  /** Why lagMs is null, or where it came from. */
  lagSource: string
  leaseCounter: null | number
  /** Open in the stream (false: closed by a reshard; null: not in the shard list). */
  open: boolean | null
  owner: null | string
  parentShardIds: string[]
  shardId: string
  state: ShardState
}

export interface Consumer {
  findings: Finding[]
  kind: 'efo' | 'kcl' | 'lambda'
  name: string
  shards: ConsumerShard[]
  /** Where it was read from (a lease table, a file, an event source mapping ARN). */
  source: string
}

export interface ConsumersResult {
  consumers: Consumer[]
  /** Consumer kinds that could not be looked for, and why (unknown, not "none"). */
  notChecked: Array<{reason: string; what: string}>
  /** Retention period of the stream in hours; null when unknown (offline without describe-stream output). */
  retentionHours: null | number
  stream: null | string
  summary: {critical: number; info: number; warning: number}
}
