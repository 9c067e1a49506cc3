/** The request, the result and the working state of the hot-shard analysis (see ../hot-shards.ts). */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {KinesisClient} from '@aws-sdk/client-kinesis'

import type {ShardRange} from '../hash-key.js'
import type {ShardLoadProfile} from '../load-profile.js'
import type {LoadTally} from '../load-tally.js'
import type {ShardSampleReport} from '../sampling.js'
import type {RateStats, ShardRateStats} from '../shard-stats.js'
import type {StreamState} from '../stream.js'
import type {Verdict} from '../verdict.js'

export const MAX_SHARDS_TO_SAMPLE = 10

export interface HotShardsClients {
  cloudwatch?: CloudWatchClient | undefined
  kinesis?: KinesisClient | undefined
}

export interface OfflineInput {
  /** The record file as raw bytes (fast path; see offline-input.ts openRecords) … */
  chunks?: AsyncIterable<Uint8Array> | undefined
  /** … or as lines of text (JSON Lines or CSV). */
  lines?: AsyncIterable<string | string[]> | Iterable<string | string[]> | undefined
  /** Open shard ranges (AWS's even ranges for --shards N, or a saved ListShards output). */
  ranges: ShardRange[]
  /** How the ranges were obtained, for the output ("8 even shards", "shards.json"). */
  rangesSource: string
  /** File name for messages ("-" is stdin). */
  sourceName: string
}

export interface HotShardsOptions {
  enableShardMetrics?: boolean | undefined
  endMs: number
  /** Per-shard heavy-hitter capacity (Misra–Gries counters). */
  heavyHitterCapacity?: number | undefined
  live?: boolean | undefined
  minMinutes: number
  /** Offline analysis of a record file (no AWS calls). */
  offline?: OfflineInput | undefined
  recordsPerCall?: number | undefined
  sampleBytes?: number | undefined
  sampleSeconds?: number | undefined
  /** Shards to sample in stage 2 (default: the hot ones, at most 10). */
  shardsToSample?: number | undefined
  source: 'auto' | 'metrics' | 'records'
  startMs: number
  /** Stream name or ARN (live analysis). */
  /** The live stream, read once by the caller (readStreamState). */
  stream?: StreamState | undefined
  threshold: number
  /** Top keys listed per shard. */
  topKeys?: number | undefined
  /** Offline without timestamps: true when the window was given explicitly (else a default is assumed and said). */
  windowGiven?: boolean | undefined
}

export interface TopKeyResult {
  /** Bytes and records of this key in the sample (data + key bytes; KPL user records counted as shares of their Kinesis record). */
  bytes: number
  bytesPerSec: number
  /** Counts are lower bounds; the true values are at most this much higher (heavy-hitter error bound). */
  errorBound: {bytes: number; records: number}
  explicitHashKey?: string | undefined
  hashKey: string
  partitionKey: string
  records: number
  recordsPerSec: number
  /** The larger of the key's share of the shard's bytes and of its records (0..1). */
  share: number
}

export interface ShardResult {
  bytesPerSec: RateStats
  endingHashKey: string
  hot: boolean
  hotReasons: string[]
  keySpaceShare: number
  /** False when neither metrics nor a sample covered this shard (its numbers are zero). */
  measured: boolean
  minutesObserved: number
  minutesOverThreshold: number
  read?: undefined | {iteratorAgeMaxMs: number; outgoingBytesPerSec: number; throttledGetRecords: number}
  recordsPerSec: RateStats
  sample?:
    | undefined
    | {
        aggregatedRecords: number
        bytes: number
        calls: number
        kinesisRecords: number
        seconds: number
        stoppedBy: string
        userRecords: number
      }
  secondsOverLimit?: number | undefined
  shardId: string
  split?:
    | undefined
    | {
        basis: string
        children: Array<{endingHashKey: string; startingHashKey: string; utilisation: {avg: number; p99: number}}>
        newStartingHashKey: string
      }
  startingHashKey: string
  /** Where the rates come from. */
  statsSource: 'metrics' | 'none' | 'offline' | 'sample'
  /** Records rejected by WriteProvisionedThroughputExceeded in the window; null when unknown (no shard metrics). */
  throttledRecords: null | number
  topKeys: TopKeyResult[]
  utilisation: RateStats
}

export interface HotKeyResult {
  bytesPerSec: number
  exceedsShardLimit: boolean
  explicitHashKey?: string | undefined
  partitionKey: string
  recordsPerSec: number
  shardId: string
  share: number
}

export interface HotShardsResult {
  hotKeys: HotKeyResult[]
  /** Shard ids of the hot shards, hottest first. */
  hotShards: string[]
  minMinutes: number
  mode: 'offline' | 'ON_DEMAND' | 'PROVISIONED'
  recommendations: string[]
  sample?:
    undefined | {note: string; seconds: number; shards: string[]; startedAt: string; type: 'AT_TIMESTAMP' | 'LATEST'}
  shardMetrics?:
    undefined | {awsCli: string; enabled: boolean; enabledNow: boolean; monthlyCostUsd: number; pipeops: string}
  /** Shards sorted by utilisation (p99, then max), hottest first. */
  shards: ShardResult[]
  source: 'metrics' | 'metrics+records' | 'offline' | 'records'
  stream: null | string
  /** Stream-level rates (the fallback when shard-level metrics are off). */
  streamMetrics?:
    | undefined
    | {bytesPerSec: RateStats; recordsPerSec: RateStats; throttledRecords: number; utilisationIfEven: RateStats}
  threshold: number
  verdict: Verdict
  window: {end: string; seconds: number; start: string}
}

export interface HotShardsAnalysis {
  /** Per-shard load for the resharding planner (see load-profile.ts). */
  profiles: ShardLoadProfile[]
  result: HotShardsResult
  /** Problems worth telling the user (printed on stderr, `warnings` in JSON). */
  warnings: string[]
}

/** One shard while the analysis runs: its range and what was measured of it so far. */
export interface Working {
  range: ShardRange
  read?: ShardResult['read']
  report?: ShardSampleReport
  stats?: ShardRateStats
  statsSource: ShardResult['statsSource']
  tallyIndex?: number
  throttled: null | number
}

/** What the finishing step reads of a tally: a LoadTally, or aggregates computed by SQL (./athena/load-aggregates.ts). */
export type TallyView = Pick<
  LoadTally,
  | 'hasTimestamps'
  | 'maxTimestampMs'
  | 'minTimestampMs'
  | 'shard'
  | 'shardKeyLoad'
  | 'shards'
  | 'shardTopKeys'
  | 'unrouted'
>
