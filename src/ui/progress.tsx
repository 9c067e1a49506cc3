import {Box, render, Text} from 'ink'
import {useEffect, useState} from 'react'

export interface ProgressState {
  detail?: string
  done?: number
  label: string
  total?: number
}

export interface ProgressReporter {
  stop(): void
  update(state: ProgressState): void
}

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

const SILENT: ProgressReporter = {
  stop() {},
  update() {},
}

/**
 * A one-line live progress display on stderr. Silent (no-op) under --json or when stderr is not a
 * terminal, so scripts and CI logs get clean output.
 */
export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!enabled) return SILENT
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
