/**
 * Where `kinesis reshard` gets shard load: the hot-shards analysis (`analyseHotShards`), either
 * live (shard-level metrics, then a record sample of the hot shards) or offline on a record file
 * (--records) routed through the stream's current open ranges.
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {KinesisClient} from '@aws-sdk/client-kinesis'

import type {RunContext} from '../../core/run-context.js'
import type {ShardRange} from '../hash-key.js'
import type {ShardLoadProfile} from '../load-profile.js'
import type {StreamState} from '../stream.js'

import {analyseHotShards, type HotShardsAnalysis, type HotShardsOptions} from '../hot-shards.js'
import {openLines} from '../offline-input.js'

/** Live analysis: CloudWatch (absent: record sample only) and Kinesis. */
export interface LoadSourceClients {
  cloudwatch?: CloudWatchClient | undefined
  kinesis: KinesisClient
}

export interface LoadSourceRequest {
  /** Minutes at or above the threshold that make a shard hot (the analysis' own rule). */
  minMinutes?: number | undefined
  /** Analyse this local record file instead of the live stream ("-": stdin). */
  records?: string | undefined
  stdin: NodeJS.ReadableStream
  /** Analyse a table of archived records instead (`--athena-table`, ../athena/hot-shards-athena.ts), over the stream's open ranges. */
  tableAnalysis?: ((ranges: ShardRange[], base: HotShardsOptions) => Promise<HotShardsAnalysis>) | undefined
  /** Utilisation that counts as hot. */
  threshold: number
  window: {endMs: number; given: boolean; startMs: number}
}

/**
 * A loader of the open shards' load profiles. Shards the analysis did not measure (not sampled,
 * no metrics) are left out, so planners treat their load as unknown rather than zero.
 */
export function hotShardsLoadSource(
  clients: LoadSourceClients,
  options: LoadSourceRequest,
  /** Problems the analysis found go to `ctx.warn`. */
  ctx: RunContext,
): (state: StreamState) => Promise<ShardLoadProfile[]> {
  return async (state) => {
    const base: HotShardsOptions = {
      endMs: options.window.endMs,
      minMinutes: options.minMinutes ?? 1,
      source: clients.cloudwatch ? 'auto' : 'records',
      startMs: options.window.startMs,
      threshold: options.threshold,
      windowGiven: options.window.given,
    }
    let analysis
    if (options.tableAnalysis) {
      analysis = await options.tableAnalysis(
        state.open.map((r) => ({
          endingHashKey: r.endingHashKey,
          shardId: r.shardId!,
          startingHashKey: r.startingHashKey,
        })),
        base,
      )
    } else if (options.records === undefined) {
      analysis = await analyseHotShards(
        {cloudwatch: clients.cloudwatch, kinesis: clients.kinesis},
        {...base, stream: state},
        ctx,
      )
    } else {
      const lines = await openLines(options.records, options.stdin)
      try {
        const ranges = state.open.map((r) => ({
          endingHashKey: r.endingHashKey,
          shardId: r.shardId!,
          startingHashKey: r.startingHashKey,
        }))
        analysis = await analyseHotShards(
          {},
          {
            ...base,
            offline: {
              lines,
              ranges,
              rangesSource: `the open shards of ${state.streamName}`,
              sourceName: options.records,
            },
          },
          ctx,
        )
      } finally {
        lines.close()
      }
    }

    for (const w of analysis.warnings) ctx.warn(w)
    const measured = new Set(analysis.result.shards.filter((s) => s.measured).map((s) => s.shardId))
    return analysis.profiles.filter((p) => measured.has(p.shardId))
  }
}
