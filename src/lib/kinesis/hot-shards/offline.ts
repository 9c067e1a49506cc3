/**
 * The offline hot-shard analysis: a record file (or Athena's aggregates, ../athena/) tallied over
 * given shard ranges, then finished like a live run (./result.ts) with rates from the file's
 * timestamps, or from the window when it has none.
 */
import type {RunContext} from '../../core/run-context.js'
import type {HotShardsAnalysis, HotShardsOptions, OfflineInput, TallyView, Working} from './types.js'

import {HashCache} from '../hash-cache.js'
import {LoadTally} from '../load-tally.js'
import {statsFromSeconds, statsFromTotals} from '../shard-stats.js'
import {tallyRecords} from '../tally-records.js'
import {finish, formatSeconds} from './result.js'

/** Offline: a record file routed through the given shard ranges (no AWS call). */
export async function analyseOffline(
  input: OfflineInput,
  options: HotShardsOptions,
  ctx: Pick<RunContext, 'progress' | 'signal'>,
): Promise<HotShardsAnalysis> {
  const warnings: string[] = []
  const tally = new LoadTally(input.ranges, options.heavyHitterCapacity ?? 1000)
  ctx.progress({label: `Reading ${input.sourceName}`})
  const {keyBytesOnly, summary} = await tallyRecords({
    cache: new HashCache(),
    input: input.chunks ? {chunks: input.chunks} : {lines: input.lines ?? []},
    perSecond: true,
    signal: ctx.signal,
    sourceName: input.sourceName,
    tallies: [tally],
  })
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
          s.minuteSums,
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
