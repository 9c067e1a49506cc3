/**
 * `kinesis hot-shards --watch`: a live view on stdout, one bar per shard coloured by
 * utilisation, throttling marks, and the top keys of sampled shards; refreshed every interval.
 */
import {Box, Text} from 'ink'

import type {HotShardsAnalysis, HotShardsResult} from '../lib/kinesis/hot-shards.js'

import {displayKey, pct} from './kinesis-hot-shards.js'
import {watchLoop, type WatchLoopState, WatchStatus} from './watch-loop.js'

export interface WatchState extends WatchLoopState<HotShardsResult> {
  threshold: number
}

const BAR_WIDTH = 24

function colourFor(u: number, threshold: number): 'green' | 'red' | 'yellow' {
  if (u >= threshold) return 'red'
  if (u >= threshold * 0.6) return 'yellow'
  return 'green'
}

export function bar(u: number, width = BAR_WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round(Math.min(u, 1) * width)))
  return '█'.repeat(filled) + '░'.repeat(width - filled)
}

export function WatchView({state}: {state: WatchState}) {
  const r = state.result
  const idWidth = Math.max(12, ...(r?.shards ?? []).map((s) => s.shardId.length))
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{r?.stream ?? 'stream'}</Text>
        {r ? <Text dimColor>{`  ${r.mode}  window ${r.window.seconds}s  source ${r.source}`}</Text> : null}
        {r ? <Text color={r.verdict === 'healthy' ? 'green' : 'red'}>{`  ${r.verdict}`}</Text> : null}
      </Text>
      <Text dimColor>{`${''.padEnd(idWidth + BAR_WIDTH + 2)}    avg /     p99 /     max`}</Text>
      {(r?.shards ?? []).map((s) => (
        <Text key={s.shardId}>
          <Text>{s.shardId.padEnd(idWidth)} </Text>
          <Text color={colourFor(s.utilisation.max, state.threshold)}>{bar(s.utilisation.max)}</Text>
          <Text>{` ${[s.utilisation.avg, s.utilisation.p99, s.utilisation.max].map((u) => pct(u).padStart(7)).join(' /')}`}</Text>
          {s.throttledRecords ? <Text color="red">{`  ⚠ ${Math.round(s.throttledRecords)} throttled`}</Text> : null}
          {s.measured ? null : <Text dimColor> not measured</Text>}
        </Text>
      ))}
      {(r?.shards ?? [])
        .filter((s) => s.topKeys.length > 0)
        .map((s) => (
          <Text dimColor key={`k-${s.shardId}`}>
            {`${s.shardId} top keys: ${s.topKeys
              .slice(0, 3)
              .map((k) => `${displayKey(k.partitionKey, 24)} ${pct(k.share)}`)
              .join(', ')}`}
          </Text>
        ))}
      <WatchStatus state={state} />
    </Box>
  )
}

export interface WatchOptions {
  analyse: (signal: AbortSignal) => Promise<HotShardsAnalysis>
  intervalMs: number
  signal: AbortSignal
  stdout?: NodeJS.WriteStream
  threshold: number
}

/** Refresh until the signal aborts (Ctrl-C); returns the last result. */
export async function runWatch(options: WatchOptions): Promise<HotShardsResult | undefined> {
  return watchLoop<HotShardsResult>({
    analyse: options.analyse,
    intervalMs: options.intervalMs,
    signal: options.signal,
    ...(options.stdout ? {stdout: options.stdout} : {}),
    view: (state) => <WatchView state={{...state, threshold: options.threshold}} />,
  })
}
