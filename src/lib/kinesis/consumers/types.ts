/**
 * The result of `kinesis consumers`: every consumer found for one stream, the state of each shard
 * it reads, and what is wrong with it. Unknown values stay unknown (null with a reason).
 */

export type Severity = 'critical' | 'info' | 'warning'

export type FindingKind =
  | 'checkpoint-not-advancing'
  | 'closed-shard-leased'
  | 'dead-worker'
  | 'efo-behind'
  | 'efo-consumer-not-active'
  | 'efo-rate-exceeded'
  | 'esm-bisect-off'
  | 'esm-last-processing-failed'
  | 'esm-no-failure-destination'
  | 'esm-not-enabled'
  | 'esm-retries-forever'
  | 'firehose-data-stale'
  | 'firehose-delivery-failing'
  | 'firehose-not-active'
  | 'lag-near-retention'
  | 'lambda-errors'
  | 'lambda-iterator-age'
  | 'lambda-throttles'
  | 'lease-for-unknown-shard'
  | 'lease-table-empty'
  | 'lease-without-owner'
  | 'open-shard-without-lease'
  | 'owner-switching'
  | 'shard-iterator-age'
  | 'unbalanced-leases'
  | 'worker-metrics-stale'

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

/** One CloudWatch metric of a consumer over the window; value null: no data point (unknown, never 0). */
export interface ConsumerMetric {
  metric: string
  stat: string
  unit: 'count' | 'ms' | 'ratio' | 's'
  value: null | number
}

/** A KCL 3.x worker as its WorkerMetricStats item describes it. */
export interface WorkerView {
  /** Leases the worker holds in the lease table (active shards only). */
  activeLeases: number
  /** Epoch-seconds `lut` as ISO; null when absent. */
  lastUpdate: null | string
  /** Per worker metric (CPU, memory, network): the average of the recent values KCL balances on, and the operating range's limit. */
  metrics: Array<{failing: boolean; limit: null | number; name: string; value: null | number}>
  /** The highest metric value in percent (what KCL 3.x balances on); null when unknown. */
  utilisation: null | number
  workerId: string
}

export interface Consumer {
  /** KCL 3.x: the coordinator state (leader, client version) when the table or single-table items were read. */
  coordinator?: undefined | {clientVersion: null | string; leader: null | string; source: string}
  findings: Finding[]
  kind: 'efo' | 'firehose' | 'kcl' | 'lambda'
  /** CloudWatch metrics of this consumer in the window; absent when not looked at (see metricsNotChecked). */
  metrics?: ConsumerMetric[] | undefined
  /** Why metrics were not read (denied, no CloudWatch beside an emulator, offline). */
  metricsNotChecked?: string | undefined
  name: string
  shards: ConsumerShard[]
  /** Where it was read from (a lease table, a file, an event source mapping ARN). */
  source: string
  /** KCL 3.x workers from the WorkerMetricStats table (or single-table items); absent when there are none. */
  workers?: undefined | WorkerView[]
}

/** The stream's own view of every polling consumer: CloudWatch iterator age. */
export interface IteratorAgeView {
  findings: Finding[]
  /** Shard-level IteratorAgeMilliseconds (max in the window) per open shard; null when not checked (perShardNote says why). */
  perShard: Array<{maxMs: null | number; shardId: string}> | null
  perShardNote: string
  /** GetRecords.IteratorAgeMilliseconds, stream level, max in the window; null: no data point. */
  streamMaxMs: null | number
}

export interface ConsumersResult {
  consumers: Consumer[]
  /** Stream-level and shard-level iterator age; null when CloudWatch was not read (notChecked says why). */
  iteratorAge?: IteratorAgeView | null | undefined
  /** The CloudWatch window the metrics cover; null offline or without CloudWatch. */
  metricsWindow?: null | {end: string; start: string}
  /** Consumer kinds that could not be looked for, and why (unknown, not "none"). */
  notChecked: Array<{reason: string; what: string}>
  /** Retention period of the stream in hours; null when unknown (offline without describe-stream output). */
  retentionHours: null | number
  stream: null | string
  summary: {critical: number; info: number; warning: number}
}
