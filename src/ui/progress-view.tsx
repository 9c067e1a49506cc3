import {Box, render, Text} from 'ink'
import {useEffect, useState} from 'react'

import type {ProgressReporter, ProgressState} from './progress.js'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

function Spinner() {
  const [frame, setFrame] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setFrame((f) => (f + 1) % FRAMES.length), 80)
    return () => clearInterval(timer)
  }, [])
  return <Text color="cyan">{FRAMES[frame]}</Text>
}

export function ProgressLine(props: ProgressState) {
  const counts =
    props.total === undefined
      ? props.done === undefined
        ? ''
        : ` ${props.done}`
      : ` ${props.done ?? 0}/${props.total}`
  return (
    <Box>
      <Spinner />
      <Text>
        {' '}
        {props.label}
        {counts}
      </Text>
      {props.detail ? <Text dimColor> {props.detail}</Text> : null}
    </Box>
  )
}

/** The ink view behind createProgress (progress.ts), loaded only when a progress line is shown. */
export function renderProgressView(stream: NodeJS.WriteStream): ProgressReporter {
  let app: ReturnType<typeof render> | undefined
  return {
    stop() {
      app?.clear()
      app?.unmount()
      app = undefined
    },
    update(state) {
      const element = <ProgressLine {...state} />
      if (app) app.rerender(element)
      else app = render(element, {exitOnCtrlC: false, patchConsole: false, stdout: stream})
    },
  }
}
