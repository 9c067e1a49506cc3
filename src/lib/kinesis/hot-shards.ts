/**
 * `kinesis hot-shards`: which shards of a stream are hot, why (one hot key, or a range that is
 * simply overloaded), and what to do. The entry point is `analyseHotShards`, also used by
 * `kinesis reshard --split-hot` (it reads `.profiles`, see ./load-profile.ts) and finished the same
 * way for Athena's aggregates (`finishTallied`, ./athena/hot-shards-sql.ts).
 *
 *   live (./hot-shards/live.ts): shard-level metrics, then a record sample of the hottest shards
 *   offline (./hot-shards/offline.ts): a record file over given shard ranges, without AWS
 *   result (./hot-shards/result.ts): rates against the hot rule, keys, splits, verdict, advice
 */
import type {RunContext} from '../core/run-context.js'
import type {HotShardsAnalysis, HotShardsClients, HotShardsOptions} from './hot-shards/types.js'

import {UsageError} from '../core/errors.js'
import {analyseOffline} from './hot-shards/offline.js'

export {finishTallied} from './hot-shards/offline.js'
export {formatSeconds} from './hot-shards/result.js'
export * from './hot-shards/types.js'

/** Run the hot-shard analysis: live (a stream's state) or offline (a record file). */
export async function analyseHotShards(
  clients: HotShardsClients,
  request: HotShardsOptions,
  ctx: RunContext,
): Promise<HotShardsAnalysis> {
  if (request.offline) return analyseOffline(request.offline, request, ctx)
  if (!request.stream) throw new UsageError('give --stream NAME (or --records FILE with --shards N / --shard-map FILE)')
  if (!clients.kinesis) throw new UsageError('a Kinesis client is needed for live analysis')
  // The live part (and the Kinesis SDK classes it sends) loads only for a live run: an offline
  // run of a record file starts without it.
  const {analyseLive} = await import('./hot-shards/live.js')
  return analyseLive({cloudwatch: clients.cloudwatch, kinesis: clients.kinesis}, request.stream, request, ctx)
}
