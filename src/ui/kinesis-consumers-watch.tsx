/** `kinesis consumers --watch`: the text report redrawn in place every interval (the shared watch loop). */
import {Box, Text} from 'ink'

import type {ConsumersResult} from '../lib/kinesis/consumers/types.js'

import {renderConsumers} from './kinesis-consumers.js'
import {watchLoop, type WatchLoopState, WatchStatus} from './watch-loop.js'

export function ConsumersWatchView({state}: {state: WatchLoopState<ConsumersResult>}) {
  return (
    <Box flexDirection="column">
      {state.result ? <Text>{renderConsumers(state.result)}</Text> : <Text dimColor>reading the consumers…</Text>}
      <WatchStatus state={state} />
    </Box>
  )
}

export async function watchConsumers(options: {
  analyse: (signal: AbortSignal) => Promise<{result: ConsumersResult; warnings: string[]}>
  intervalMs: number
  signal: AbortSignal
  stdout?: NodeJS.WriteStream
}): Promise<ConsumersResult | undefined> {
  return watchLoop<ConsumersResult>({...options, view: (state) => <ConsumersWatchView state={state} />})
}
