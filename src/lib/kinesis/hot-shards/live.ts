/**
 * The live hot-shard analysis of a stream read once by the caller (StreamState):
 *
 *   stage 1 (metrics): GetMetricData at shard level (stream level when shard metrics are off)
 *   stage 2 (records): GetShardIterator AT_TIMESTAMP/LATEST + GetRecords on the hottest shards
 *
 * then finished into the common result (./result.ts).
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'

import {EnableEnhancedMonitoringCommand, type KinesisClient} from '@aws-sdk/client-kinesis'

import type {RunContext} from '../../core/run-context.js'
import type {StreamState} from '../stream.js'
import type {HotShardsAnalysis, HotShardsOptions, HotShardsResult, Working} from './types.js'

import {UsageError} from '../../core/errors.js'
import {HashCache} from '../hash-cache.js'
import {LoadTally} from '../load-tally.js'
import {
  alignToMinutes,
  enableShardMetricsAdvice,
  fetchShardMetrics,
  fetchStreamMetrics,
  METRICS_TO_ENABLE,
  shardMetricsEnabled,
} from '../metrics.js'
import {sampleShards} from '../sampling.js'
import {type RateStats, statsFromMinuteSums, statsFromSeconds} from '../shard-stats.js'
import {finish, formatSeconds, isHot} from './result.js'
import {MAX_SHARDS_TO_SAMPLE} from './types.js'

/** Live: shard-level metrics (stage 1), then a record sample of the hottest shards (stage 2). */
export async function analyseLive(
  clients: {cloudwatch?: CloudWatchClient | undefined; kinesis: KinesisClient},
  summary: StreamState,
  options: HotShardsOptions,
  ctx: RunContext,
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
      ctx.progress({detail: `${ranges.length} shards`, label: 'Reading shard-level metrics'})
      const fetched = await fetchShardMetrics(
        clients.cloudwatch,
        summary.streamName,
        ranges.map((r) => r.shardId),
        window,
        ctx.signal,
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
      ctx.progress({label: 'Reading stream-level metrics'})
      const sm = await fetchStreamMetrics(clients.cloudwatch, summary.streamName, window, ctx.signal)
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
      ctx.progress({
        detail: `${chosen.length} shard(s)`,
        label: live ? 'Sampling new records' : 'Sampling records',
      })
      const reports = await sampleShards(
        clients,
        {
          budgetMs,
          callSpacingMs: 1000,
          counter: {cache: new HashCache(200_000), tally},
          endMs: options.endMs,
          live,
          maxBytes: options.sampleBytes ?? 100 * 1024 * 1024,
          recordsPerCall: options.recordsPerCall ?? 1000,
          shardIndexes: chosen,
          startMs: options.startMs,
          stream: liveRef,
        },
        ctx,
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
