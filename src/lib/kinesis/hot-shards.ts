/**
 * `kinesis hot-shards`: which shards of a stream are hot, why (one hot key, or a range that is
 * simply overloaded), and what to do. The entry point is `analyseHotShards`, also used by
 * `kinesis reshard --split-hot` (it reads `.profiles`, see ./load-profile.ts).
 *
 *   stage 1 (metrics): DescribeStreamSummary → ListShards AT_LATEST → GetMetricData (shard level)
 *   stage 2 (records): GetShardIterator AT_TIMESTAMP/LATEST + GetRecords on the hottest shards
 *   offline: the same analysis of a record file against given shard ranges, without AWS
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'

import {EnableEnhancedMonitoringCommand, type KinesisClient} from '@aws-sdk/client-kinesis'

import type {StreamState, StreamSummary} from './stream.js'

import {UsageError} from '../core/errors.js'
import {HashCache} from './hash-cache.js'
import {keySpaceShare, type ShardRange} from './hash-key.js'
import {buildLoadProfiles, type ShardKeyLoadInput, type ShardLoadProfile, writeUtilisation} from './load-profile.js'
import {LoadTally} from './load-tally.js'
import {
  alignToMinutes,
  enableShardMetricsAdvice,
  fetchShardMetrics,
  fetchStreamMetrics,
  METRICS_TO_ENABLE,
  shardMetricsEnabled,
} from './metrics.js'
import {readRecordsInto} from './records-file.js'
import {sampleShards, type ShardSampleReport} from './sampling.js'
import {
  type RateStats,
  type ShardRateStats,
  statsFromMinuteSums,
  statsFromSeconds,
  statsFromTotals,
} from './shard-stats.js'
import {decideVerdict, HOT_KEY_SHARE, hotReasons, keyExceedsShardLimit, splitPoint, type Verdict} from './verdict.js'

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

export interface HotShardsDeps {
  now: () => number
  onProgress?: ((p: {detail?: string; done?: number; label: string; total?: number}) => void) | undefined
  signal?: AbortSignal | undefined
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
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

interface Working {
  range: ShardRange
  read?: ShardResult['read']
  report?: ShardSampleReport
  stats?: ShardRateStats
  statsSource: ShardResult['statsSource']
  tallyIndex?: number
  throttled: null | number
}

const fmtPct = (x: number): string => `${Math.round(x * 100)} %`

function rateText(bytesPerSec: number, recordsPerSec: number): string {
  return `${bytesPerSec >= 1024 * 1024 ? `${(bytesPerSec / 1024 / 1024).toFixed(2)} MiB/s` : `${(bytesPerSec / 1024).toFixed(1)} KiB/s`}, ${recordsPerSec.toFixed(recordsPerSec < 10 ? 1 : 0)} records/s`
}

/** Run the hot-shard analysis: live (stream) or offline (record file). */
export async function analyseHotShards(
  clients: HotShardsClients,
  options: HotShardsOptions,
  deps: HotShardsDeps,
): Promise<HotShardsAnalysis> {
  if (options.offline) return analyseOffline(options.offline, options, deps)
  if (!options.stream) throw new UsageError('give --stream NAME (or --records FILE with --shards N / --shard-map FILE)')
  if (!clients.kinesis) throw new UsageError('a Kinesis client is needed for live analysis')
  return analyseLive({cloudwatch: clients.cloudwatch, kinesis: clients.kinesis}, options.stream, options, deps)
}

async function analyseOffline(
  input: OfflineInput,
  options: HotShardsOptions,
  deps: HotShardsDeps,
): Promise<HotShardsAnalysis> {
  const warnings: string[] = []
  const cache = new HashCache()
  const tally = new LoadTally(input.ranges, options.heavyHitterCapacity ?? 1000)
  let keyBytesOnly = false
  deps.onProgress?.({label: `Reading ${input.sourceName}`})
  const record = {
    bytes: 0,
    explicitHashKey: undefined as string | undefined,
    partitionKey: '',
    records: 1,
    timestampMs: undefined as number | undefined,
  }
  const summary = await readRecordsInto(
    input.chunks ? {chunks: input.chunks} : {lines: input.lines ?? []},
    input.sourceName,
    cache,
    (slot, offset, keyBytes, pk, bytes, ts, ehk) => {
      // AWS counts the partition key's UTF-8 bytes toward the 1 MiB/s limit.
      const size = (bytes ?? 0) + keyBytes
      if (bytes === undefined) keyBytesOnly = true
      if (slot >= 0) {
        // A key the table keeps: exact totals per key, folded into the shards at the end.
        cache.addLastTotals(size, 1)
        if (ts !== undefined) tally.addSlotted(cache, slot, ts, size, 1)
        return
      }

      record.bytes = size
      record.explicitHashKey = ehk
      record.partitionKey = pk!
      record.timestampMs = ts
      tally.addHashed(record, cache.lastWords, offset)
    },
  )
  tally.fold(cache)
  if (keyBytesOnly)
    warnings.push(
      'some records have no bytes: their byte counts include only the partition key; add a bytes column (data size) for byte rates',
    )
  if (tally.hasTimestamps && summary.records > 0 && !summary.hasTimestamps)
    warnings.push('some records have no timestamp')
  return finishTallied(
    tally,
    `--records ${input.sourceName === 'stdin' ? 'FILE' : input.sourceName}`,
    options,
    warnings,
  )
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

/** The offline analysis from a filled tally (a record file's, or Athena's aggregates): rates, hot rule, keys, splits. */
export function finishTallied(
  tally: TallyView,
  /** The flags that name the input, for the reshard command recommended (e.g. `--records FILE`). */
  sourceArgs: string,
  options: HotShardsOptions,
  warnings: string[],
): HotShardsAnalysis {
  if (tally.unrouted.records > 0) warnings.push(`${tally.unrouted.records} record(s) fell in no shard's range`)

  let startMs: number
  let endMs: number
  if (tally.hasTimestamps) {
    startMs = Math.floor(tally.minTimestampMs / 1000) * 1000
    endMs = Math.floor(tally.maxTimestampMs / 1000) * 1000 + 1000
  } else {
    startMs = options.startMs
    endMs = options.endMs
    if (!options.windowGiven)
      warnings.push(
        `the records have no timestamps: rates assume the file covers ${formatSeconds((endMs - startMs) / 1000)} (set --window to the span the file covers)`,
      )
  }

  const working: Working[] = tally.shards.map((range, i) => {
    const s = tally.shard(i)
    const stats = tally.hasTimestamps
      ? statsFromSeconds(
          s.perSecondBytes,
          s.perSecondRecords,
          startMs / 1000,
          endMs / 1000,
          options.threshold,
          s.largeRecordSeconds,
        )
      : statsFromTotals(s.bytes, s.records, Math.max(1, (endMs - startMs) / 1000), options.threshold)
    return {range, stats, statsSource: 'offline', tallyIndex: i, throttled: null}
  })
  const seconds = Math.max(1, (endMs - startMs) / 1000)
  return finish({
    kind: 'offline',
    mode: 'offline',
    options,
    sampleSeconds: () => seconds,
    source: 'offline',
    sourceArgs,
    stream: null,
    tally,
    warnings,
    window: {endMs, startMs},
    working,
  })
}

export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600}h`
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60}m`
  return `${Math.round(seconds)}s`
}

async function analyseLive(
  clients: {cloudwatch?: CloudWatchClient | undefined; kinesis: KinesisClient},
  summary: StreamState,
  options: HotShardsOptions,
  deps: HotShardsDeps,
): Promise<HotShardsAnalysis> {
  const warnings: string[] = []
  const liveRef = summary.ref
  const ranges = summary.open
  const metricsOn = shardMetricsEnabled(summary.shardLevelMetrics)
  const advice = enableShardMetricsAdvice(summary.streamName, ranges.length)
  let enabledNow = false
  if (options.enableShardMetrics && !metricsOn) {
    await clients.kinesis.send(
      new EnableEnhancedMonitoringCommand({
        ...(liveRef.streamArn ? {StreamARN: liveRef.streamArn} : {StreamName: liveRef.streamName}),
        ShardLevelMetrics: [...METRICS_TO_ENABLE],
      }),
    )
    enabledNow = true
    warnings.push(
      `shard-level metrics enabled on ${summary.streamName} (${METRICS_TO_ENABLE.length} metrics × ${ranges.length} shards ≈ $${advice.monthlyCostUsd}/month); data points appear within a few minutes: run this command again then`,
    )
  }

  const working: Working[] = ranges.map((range) => ({range, statsSource: 'none', throttled: null}))
  const window = alignToMinutes(options.startMs, options.endMs)
  let streamMetrics: HotShardsResult['streamMetrics']
  let usedMetrics = false
  if (options.source === 'auto' && !clients.cloudwatch) {
    warnings.push(
      'no CloudWatch beside this Kinesis endpoint (a local emulator has none): per-shard rates come from a record sample',
    )
  } else if (options.source !== 'records') {
    if (!clients.cloudwatch)
      throw new UsageError('--source metrics needs CloudWatch, and this Kinesis endpoint has none beside it', {
        suggestions: ['Use --source auto or --source records (a record sample).'],
      })
    if (metricsOn) {
      deps.onProgress?.({detail: `${ranges.length} shards`, label: 'Reading shard-level metrics'})
      const fetched = await fetchShardMetrics(
        clients.cloudwatch,
        summary.streamName,
        ranges.map((r) => r.shardId),
        window,
        deps.signal,
      )
      usedMetrics = true
      if (fetched.dataPoints === 0)
        warnings.push(
          'CloudWatch returned no shard-level data points for the window (metrics enabled only recently, or no traffic)',
        )
      for (const w of working) {
        const m = fetched.series.get(w.range.shardId)!
        w.stats = statsFromMinuteSums(m.IncomingBytes, m.IncomingRecords, options.threshold)
        w.statsSource = 'metrics'
        w.throttled = m.WriteProvisionedThroughputExceeded.reduce((a, b) => a + b, 0)
        w.read = {
          iteratorAgeMaxMs: Math.max(0, ...m.IteratorAgeMilliseconds),
          outgoingBytesPerSec: m.OutgoingBytes.reduce((a, b) => a + b, 0) / (window.minutes * 60),
          throttledGetRecords: m.ReadProvisionedThroughputExceeded.reduce((a, b) => a + b, 0),
        }
      }
    } else {
      warnings.push(
        `shard-level metrics are off for ${summary.streamName}: per-shard rates come from ${options.source === 'auto' ? 'a record sample' : 'nowhere (use --source auto or records)'}. Enable them with: ${advice.awsCli} (≈ $${advice.monthlyCostUsd}/month for ${ranges.length} shards), or ${advice.pipeops}`,
      )
      deps.onProgress?.({label: 'Reading stream-level metrics'})
      const sm = await fetchStreamMetrics(clients.cloudwatch, summary.streamName, window, deps.signal)
      const st = statsFromMinuteSums(sm.series.IncomingBytes, sm.series.IncomingRecords, options.threshold)
      const n = Math.max(1, ranges.length)
      const even = (r: RateStats, _: number): RateStats => ({avg: r.avg / n, max: r.max / n, p99: r.p99 / n})
      streamMetrics = {
        bytesPerSec: st.bytesPerSec,
        recordsPerSec: st.recordsPerSec,
        throttledRecords: sm.series.WriteProvisionedThroughputExceeded.reduce((a, b) => a + b, 0),
        utilisationIfEven: even(st.utilisation, n),
      }
    }
  }

  // Stage 2: which shards to sample.
  let sampleInfo: HotShardsResult['sample']
  const tally = new LoadTally(ranges, options.heavyHitterCapacity ?? 1000)
  const wantSample =
    options.source === 'records' ||
    (options.source === 'auto' && (!usedMetrics || working.some((w) => isHot(w, options))))
  if (wantSample) {
    const limit = Math.min(MAX_SHARDS_TO_SAMPLE, options.shardsToSample ?? MAX_SHARDS_TO_SAMPLE)
    let chosen: number[]
    if (usedMetrics) {
      const ranked = working
        .map((w, i) => ({hot: isHot(w, options), i, u: w.stats?.utilisation.max ?? 0}))
        .sort((a, b) => Number(b.hot) - Number(a.hot) || b.u - a.u)
      chosen = (options.shardsToSample === undefined ? ranked.filter((r) => r.hot) : ranked)
        .slice(0, limit)
        .map((r) => r.i)
    } else {
      chosen = working.map((_, i) => i).slice(0, limit)
      if (working.length > limit)
        warnings.push(
          `without shard-level metrics pipeops cannot rank shards: sampled the first ${limit} of ${working.length} open shards (by hash range); the others are not measured`,
        )
    }

    if (chosen.length > 0) {
      const live = Boolean(options.live)
      const budgetMs = (options.sampleSeconds ?? 30) * 1000
      deps.onProgress?.({
        detail: `${chosen.length} shard(s)`,
        label: live ? 'Sampling new records' : 'Sampling records',
      })
      const reports = await sampleShards(
        clients.kinesis,
        liveRef,
        chosen,
        {cache: new HashCache(200_000), tally},
        {
          budgetMs,
          callSpacingMs: 1000,
          endMs: options.endMs,
          live,
          maxBytes: options.sampleBytes ?? 100 * 1024 * 1024,
          recordsPerCall: options.recordsPerCall ?? 1000,
          startMs: options.startMs,
        },
        {
          now: deps.now,
          onProgress: (p) =>
            deps.onProgress?.({
              detail: `${p.records} records, ${p.calls} calls`,
              done: p.shardsDone,
              label: 'Sampling records',
              total: p.shardsTotal,
            }),
          signal: deps.signal,
          sleep: deps.sleep,
        },
      )
      for (const [k, report] of reports.entries()) {
        const i = chosen[k]!
        const w = working[i]!
        w.report = report
        w.tallyIndex = i
        if (report.stoppedBy === 'error')
          warnings.push(`sampling ${report.shardId} stopped: ${report.error ?? 'unknown error'}`)
        if (!w.stats) {
          const s = tally.shard(i)
          const startSec = Math.floor(report.coveredStartMs / 1000)
          const endSec = Math.max(startSec + 1, Math.ceil(report.coveredEndMs / 1000))
          w.stats = statsFromSeconds(
            s.perSecondBytes,
            s.perSecondRecords,
            startSec,
            endSec,
            options.threshold,
            s.largeRecordSeconds,
          )
          w.statsSource = 'sample'
        }
      }

      const spanSec = Math.max(...reports.map((r) => (r.coveredEndMs - r.coveredStartMs) / 1000))
      if (!live && reports.some((r) => r.stoppedBy === 'budget-time' || r.stoppedBy === 'budget-bytes')) {
        warnings.push(
          `the sample budget (--sample-seconds/--sample-bytes) ended before the window did: the sample covers ${formatSeconds(Math.round(spanSec))} from the window's start; use a shorter --window for the latest minutes`,
        )
      }

      sampleInfo = {
        note: `read at most 1 GetRecords call per second per sampled shard (Limit ${options.recordsPerCall ?? 1000}); each shard allows 5 reads/s shared with your production consumers`,
        seconds: Math.round(spanSec),
        shards: chosen.map((i) => ranges[i]!.shardId),
        startedAt: new Date(live ? Math.min(...reports.map((r) => r.coveredStartMs)) : options.startMs).toISOString(),
        type: live ? 'LATEST' : 'AT_TIMESTAMP',
      }
    }
  }

  if (!usedMetrics && !sampleInfo)
    warnings.push('no per-shard data: shard-level metrics are off and no records were sampled')
  const source: HotShardsResult['source'] = usedMetrics ? (sampleInfo ? 'metrics+records' : 'metrics') : 'records'
  return finish({
    advice: {...advice, enabled: metricsOn, enabledNow},
    kind: 'live',
    mode: summary.mode,
    options,
    sampleInfo,
    sampleSeconds: (w) => (w.report ? Math.max(1, (w.report.coveredEndMs - w.report.coveredStartMs) / 1000) : 1),
    source,
    stream: summary.streamName,
    streamMetrics,
    summary,
    tally,
    warnings,
    window: usedMetrics
      ? {endMs: window.startMs + window.minutes * 60_000, startMs: window.startMs}
      : {endMs: options.endMs, startMs: options.startMs},
    working,
  })
}

function isHot(w: Working, options: HotShardsOptions): boolean {
  return shardHotReasons(w, options).length > 0
}

/** The hot rule's reasons for one shard (none when nothing was measured and nothing throttled). */
function shardHotReasons(w: Working, options: HotShardsOptions): string[] {
  const {stats} = w
  if (!stats && !w.throttled) return []
  return hotReasons(
    stats
      ? {
          minutesObserved: stats.minutesObserved,
          minutesOverThreshold: stats.minutesOverThreshold,
          peakUtilisation: stats.utilisation.max,
          secondsOverLimit: stats.secondsOverLimit,
          throttledRecords: w.throttled,
        }
      : {minutesObserved: 0, minutesOverThreshold: 0, throttledRecords: w.throttled},
    options.threshold,
    options.minMinutes,
  )
}

interface FinishInput {
  advice?: HotShardsResult['shardMetrics']
  kind: 'live' | 'offline'
  mode: HotShardsResult['mode']
  options: HotShardsOptions
  sampleInfo?: HotShardsResult['sample']
  sampleSeconds: (w: Working) => number
  source: HotShardsResult['source']
  /** Flags naming an offline input, repeated in the recommended reshard command. */
  sourceArgs?: string
  stream: null | string
  streamMetrics?: HotShardsResult['streamMetrics']
  summary?: StreamSummary
  tally: TallyView
  warnings: string[]
  window: {endMs: number; startMs: number}
  working: Working[]
}

const ZERO: RateStats = {avg: 0, max: 0, p99: 0}

function finish(f: FinishInput): HotShardsAnalysis {
  const {options, tally} = f
  const topN = options.topKeys ?? 5
  const shards: ShardResult[] = []
  const hotKeys: HotKeyResult[] = []
  const keyLoads = new Map<string, ShardKeyLoadInput>()
  for (const w of f.working) {
    const {stats} = w
    const reasons = shardHotReasons(w, options)
    const bytes = stats?.bytesPerSec ?? ZERO
    const records = stats?.recordsPerSec ?? ZERO
    const sampled = w.tallyIndex !== undefined && tally.shard(w.tallyIndex).records > 0
    const topKeys: TopKeyResult[] = []
    let keyLoad: ShardKeyLoadInput | undefined
    if (w.tallyIndex !== undefined) {
      const t = tally.shard(w.tallyIndex)
      const secs = f.sampleSeconds(w)
      const scale = 1 / secs
      // Per-key rates: from the sample's own span, or scaled to the metrics' rates by the key's share.
      const fromMetrics = w.statsSource === 'metrics'
      for (const k of tally.shardTopKeys(w.tallyIndex, Math.max(topN, 50))) {
        const bShare = t.bytes > 0 ? k.bytes / t.bytes : 0
        const rShare = t.records > 0 ? k.records / t.records : 0
        const share = Math.max(bShare, rShare)
        const bytesPerSec = fromMetrics ? bShare * bytes.avg : k.bytes * scale
        const recordsPerSec = fromMetrics ? rShare * records.avg : k.records * scale
        const exceeds = keyExceedsShardLimit(bytesPerSec, recordsPerSec)
        if (topKeys.length < topN) {
          topKeys.push({
            bytes: round(k.bytes),
            bytesPerSec: round(bytesPerSec),
            errorBound: {bytes: round(k.bytesErrorBound), records: round(k.recordsErrorBound)},
            explicitHashKey: k.explicitHashKey,
            hashKey: k.hashKey.toString(),
            partitionKey: k.partitionKey,
            records: round(k.records),
            recordsPerSec: round(recordsPerSec),
            share: round(share, 4),
          })
        }

        if (exceeds || (reasons.length > 0 && share >= HOT_KEY_SHARE)) {
          hotKeys.push({
            bytesPerSec: round(bytesPerSec),
            exceedsShardLimit: exceeds,
            explicitHashKey: k.explicitHashKey,
            partitionKey: k.partitionKey,
            recordsPerSec: round(recordsPerSec),
            shardId: w.range.shardId,
            share: round(share, 4),
          })
        }
      }

      if (t.records > 0) keyLoad = {keyLoad: tally.shardKeyLoad(w.tallyIndex), scale}
      if (keyLoad) keyLoads.set(w.range.shardId, keyLoad)
    }

    const hot = reasons.length > 0
    const split =
      hot && f.mode !== 'ON_DEMAND' ? splitPoint(w.range, keyLoad?.keyLoad ?? [], bytes, records) : undefined
    shards.push({
      bytesPerSec: roundStats(bytes),
      endingHashKey: w.range.endingHashKey.toString(),
      hot,
      hotReasons: reasons,
      keySpaceShare: round(keySpaceShare(w.range), 6),
      measured: Boolean(stats),
      minutesObserved: stats?.minutesObserved ?? 0,
      minutesOverThreshold: stats?.minutesOverThreshold ?? 0,
      read: w.read
        ? {
            iteratorAgeMaxMs: w.read.iteratorAgeMaxMs,
            outgoingBytesPerSec: round(w.read.outgoingBytesPerSec),
            throttledGetRecords: w.read.throttledGetRecords,
          }
        : undefined,
      recordsPerSec: roundStats(records),
      sample:
        w.report && sampled
          ? {
              aggregatedRecords: w.report.aggregatedRecords,
              bytes: w.report.bytes,
              calls: w.report.calls,
              kinesisRecords: w.report.kinesisRecords,
              seconds: round((w.report.coveredEndMs - w.report.coveredStartMs) / 1000, 1),
              stoppedBy: w.report.stoppedBy,
              userRecords: w.report.userRecords,
            }
          : undefined,
      secondsOverLimit: stats?.secondsOverLimit,
      shardId: w.range.shardId,
      split: split
        ? {
            basis: split.basis,
            children: split.children.map((c) => ({
              endingHashKey: c.endingHashKey.toString(),
              startingHashKey: c.startingHashKey.toString(),
              utilisation: {avg: round(c.utilisation.avg, 4), p99: round(c.utilisation.p99, 4)},
            })),
            newStartingHashKey: split.newStartingHashKey.toString(),
          }
        : undefined,
      startingHashKey: w.range.startingHashKey.toString(),
      statsSource: w.statsSource,
      throttledRecords: w.throttled,
      topKeys,
      utilisation: roundStats(stats?.utilisation ?? ZERO, 4),
    })
  }

  shards.sort(
    (a, b) =>
      Number(b.hot) - Number(a.hot) ||
      b.utilisation.p99 - a.utilisation.p99 ||
      b.utilisation.max - a.utilisation.max ||
      (a.shardId < b.shardId ? -1 : 1),
  )
  hotKeys.sort(
    (a, b) =>
      Number(b.exceedsShardLimit) - Number(a.exceedsShardLimit) ||
      writeUtilisation(b.bytesPerSec, b.recordsPerSec) - writeUtilisation(a.bytesPerSec, a.recordsPerSec),
  )
  const hotShards = shards.filter((s) => s.hot).map((s) => s.shardId)
  const verdict = decideVerdict(hotShards.length, hotKeys.filter((k) => k.exceedsShardLimit).length)
  const recommendations = recommend(f, shards, hotKeys, verdict)
  const profiles = buildLoadProfiles(
    f.working.map((w) => ({
      bytesPerSec: w.stats?.bytesPerSec.avg ?? 0,
      endingHashKey: w.range.endingHashKey,
      recordsPerSec: w.stats?.recordsPerSec.avg ?? 0,
      shardId: w.range.shardId,
      startingHashKey: w.range.startingHashKey,
    })),
    keyLoads,
  )
  const seconds = Math.max(1, Math.round((f.window.endMs - f.window.startMs) / 1000))
  return {
    profiles,
    result: {
      hotKeys,
      hotShards,
      minMinutes: options.minMinutes,
      mode: f.mode,
      recommendations,
      sample: f.sampleInfo,
      shardMetrics: f.advice,
      shards,
      source: f.source,
      stream: f.stream,
      streamMetrics: f.streamMetrics
        ? {
            bytesPerSec: roundStats(f.streamMetrics.bytesPerSec),
            recordsPerSec: roundStats(f.streamMetrics.recordsPerSec),
            throttledRecords: f.streamMetrics.throttledRecords,
            utilisationIfEven: roundStats(f.streamMetrics.utilisationIfEven, 4),
          }
        : undefined,
      threshold: options.threshold,
      verdict,
      window: {end: new Date(f.window.endMs).toISOString(), seconds, start: new Date(f.window.startMs).toISOString()},
    },
    warnings: f.warnings,
  }
}

function recommend(f: FinishInput, shards: ShardResult[], hotKeys: HotKeyResult[], verdict: Verdict): string[] {
  const out: string[] = []
  const streamArg = f.stream ?? 'STREAM'
  for (const k of hotKeys.filter((x) => x.exceedsShardLimit)) {
    out.push(
      `Key "${k.partitionKey}" alone writes ${rateText(k.bytesPerSec, k.recordsPerSec)} to ${k.shardId}, at a shard's limit (1 MiB/s or 1000 records/s): splitting cannot help; salt or re-key it (e.g. append a suffix 0…N−1 to spread it over N shards and merge on read), or batch its records with KPL aggregation.`,
    )
  }

  const hot = shards.filter((s) => s.hot)
  if (f.mode === 'ON_DEMAND' && hot.length > 0) {
    out.push(
      "This is an on-demand stream: AWS splits a shard that stays above about 500 KB/s, evenly and within about 15 minutes, but does not isolate hot keys, and SplitShard/MergeShards/UpdateShardCount are not available in on-demand mode. For skewed keys, switch to provisioned mode (aws kinesis update-stream-mode, at most twice per 24 h) and split the hot shards; a single key still cannot exceed one shard's 1 MiB/s and 1000 records/s.",
    )
  } else if (hot.some((s) => s.split)) {
    for (const s of hot) {
      if (!s.split) continue
      const dominant = s.topKeys.find(
        (k) => k.share >= 0.5 && !hotKeys.some((h) => h.exceedsShardLimit && h.partitionKey === k.partitionKey),
      )
      const [a, b] = s.split.children
      out.push(
        `Split ${s.shardId} at hash key ${s.split.newStartingHashKey} (${s.split.basis}): predicted children at ${fmtPct(a!.utilisation.avg)} and ${fmtPct(b!.utilisation.avg)} average utilisation (p99 ${fmtPct(a!.utilisation.p99)} / ${fmtPct(b!.utilisation.p99)}).${dominant ? ` Key "${dominant.partitionKey}" carries ${fmtPct(dominant.share)} of it: pipeops kinesis reshard --stream ${streamArg} --isolate-key '${dominant.partitionKey.replaceAll("'", String.raw`'\''`)}' gives it a shard of its own.` : ''}`,
      )
    }

    const offlineArgs = f.kind === 'offline' && f.sourceArgs ? ` ${f.sourceArgs}` : ''
    out.push(
      `Run: pipeops kinesis reshard --stream ${streamArg} --split-hot --threshold ${f.options.threshold}${offlineArgs}  (prints the plan; add --apply to reshard)`,
    )
    if (hot.some((s) => s.split?.basis.startsWith('midpoint'))) {
      out.push(
        `Split points marked "midpoint" assume even load inside the shard; sample records for a load-weighted split: pipeops kinesis hot-shards --stream ${streamArg} --source records`,
      )
    }
  }

  if (f.advice && !f.advice.enabled && !f.advice.enabledNow) {
    out.push(
      `Enable shard-level metrics for per-shard rates and throttling: ${f.advice.awsCli} (≈ $${f.advice.monthlyCostUsd}/month), or ${f.advice.pipeops}`,
    )
  }

  for (const s of shards) {
    if (s.read && (s.read.throttledGetRecords > 0 || s.read.iteratorAgeMaxMs >= 60_000)) {
      out.push(
        `Read side of ${s.shardId}: ${s.read.throttledGetRecords} GetRecords call(s) throttled, iterator age up to ${Math.round(s.read.iteratorAgeMaxMs / 1000)} s: consumers are falling behind (too many polling consumers share its 5 reads/s and 2 MiB/s; consider enhanced fan-out).`,
      )
    }
  }

  if (verdict === 'healthy') {
    const measured = shards.filter((s) => s.measured)
    // A record file or a sample carries no throttling count: "no records were throttled" only when it was counted.
    const throttlingUnknown = measured.some((s) => s.throttledRecords === null)
    out.push(
      measured.length === 0
        ? 'Nothing was measured, so nothing can be called hot: enable shard-level metrics or sample records (--source records).'
        : throttlingUnknown
          ? `No shard went above its write limit or reached ${fmtPct(f.options.threshold)} of it for ${f.options.minMinutes} minute(s); whether records were throttled is unknown for this source (no WriteProvisionedThroughputExceeded count).`
          : `No shard reached ${fmtPct(f.options.threshold)} of its write limit for ${f.options.minMinutes} minute(s), and no records were throttled in the window.`,
    )
  }

  return out
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

function roundStats(s: RateStats, digits = 2): RateStats {
  return {avg: round(s.avg, digits), max: round(s.max, digits), p99: round(s.p99, digits)}
}
