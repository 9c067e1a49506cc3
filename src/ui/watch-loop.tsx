/**
 * The refresh loop behind every `--watch` view (hot-shards, consumers): one ink app on stdout,
 * re-analysed every interval until the signal aborts (Ctrl-C); a failed refresh is shown and the
 * previous result stays on screen.
 */
import type {ReactElement} from 'react'

import {render, Text} from 'ink'

import {AbortedError} from '../lib/core/errors.js'
import {sleep} from '../lib/core/sleep.js'

export interface WatchLoopState<T> {
  error?: string | undefined
  refreshing: boolean
  result?: T | undefined
  updatedAt?: Date | undefined
  warnings: string[]
}

/** The lines under every watch view: warnings, a failed refresh, and when it was last updated. */
export function WatchStatus<T>({state}: {state: WatchLoopState<T>}) {
  return (
    <>
      {state.warnings.map((w) => (
        <Text color="yellow" key={w}>{`! ${w}`}</Text>
      ))}
      {state.error ? <Text color="red">{`Refresh failed: ${state.error}`}</Text> : null}
      <Text dimColor>
        {state.refreshing ? 'refreshing… ' : ''}
        {state.updatedAt ? `updated ${state.updatedAt.toISOString()}  ` : ''}Ctrl-C to exit
      </Text>
    </>
  )
}

export interface WatchLoopOptions<T> {
  analyse: (signal: AbortSignal) => Promise<{result: T; warnings: string[]}>
  intervalMs: number
  signal: AbortSignal
  stdout?: NodeJS.WriteStream
  view: (state: WatchLoopState<T>) => ReactElement
}

/** Refresh until the signal aborts; returns the last result (undefined when none finished). */
export async function watchLoop<T>(options: WatchLoopOptions<T>): Promise<T | undefined> {
  const state: WatchLoopState<T> = {refreshing: true, warnings: []}
  const app = render(options.view(state), {
    exitOnCtrlC: false,
    patchConsole: false,
    ...(options.stdout ? {stdout: options.stdout} : {}),
  })
  const redraw = (): void => app.rerender(options.view({...state}))
  try {
    while (!options.signal.aborted) {
      state.refreshing = true
      redraw()
      try {
        const analysis = await options.analyse(options.signal)
        state.result = analysis.result
        state.warnings = analysis.warnings
        state.error = undefined
      } catch (error) {
        if (options.signal.aborted) break
        state.error = error instanceof Error ? error.message : String(error)
      }

      state.refreshing = false
      state.updatedAt = new Date()
      redraw()

      // Ctrl-C ends the wait at once (the shared abortable sleep); the loop then stops, and
      // leaving the view is not an error.
      await sleep(options.intervalMs, options.signal).catch((error: unknown) => {
        if (!(error instanceof AbortedError)) throw error
      })
    }
  } finally {
    const exited = app.waitUntilExit()
    app.unmount()
    await exited
  }

  return state.result
}
