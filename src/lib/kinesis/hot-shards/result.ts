/**
 * The result of a hot-shard analysis, live or offline: each shard's rates against the hot rule,
 * its top keys and the keys at a shard's limit, a load-weighted split for the hot ones, the
 * verdict, the recommendations and the load profiles for the resharding planner.
 */
import type {StreamSummary} from '../stream.js'
import type {
  HotKeyResult,
  HotShardsAnalysis,
  HotShardsOptions,
  HotShardsResult,
  ShardResult,
  TallyView,
  TopKeyResult,
  Working,
} from './types.js'

import {keySpaceShare} from '../hash-key.js'
import {buildLoadProfiles, type ShardKeyLoadInput, writeUtilisation} from '../load-profile.js'
import {type RateStats} from '../shard-stats.js'
import {decideVerdict, HOT_KEY_SHARE, hotReasons, keyExceedsShardLimit, splitPoint, type Verdict} from '../verdict.js'

const fmtPct = (x: number): string => `${Math.round(x * 100)} %`

function rateText(bytesPerSec: number, recordsPerSec: number): string {
  return `${bytesPerSec >= 1024 * 1024 ? `${(bytesPerSec / 1024 / 1024).toFixed(2)} MiB/s` : `${(bytesPerSec / 1024).toFixed(1)} KiB/s`}, ${recordsPerSec.toFixed(recordsPerSec < 10 ? 1 : 0)} records/s`
}

export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0 && seconds >= 3600) return `${seconds / 3600}h`
  if (seconds % 60 === 0 && seconds >= 60) return `${seconds / 60}m`
  return `${Math.round(seconds)}s`
}

export function isHot(w: Working, options: HotShardsOptions): boolean {
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

export interface FinishInput {
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

export function finish(f: FinishInput): HotShardsAnalysis {
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
