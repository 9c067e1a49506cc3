/**
 * `events test-pattern`: an EventBridge event pattern against one event (verdict and field-by-
 * field explanation) or against a JSON Lines file of events (counts and line numbers). Local
 * only: no AWS client, so the entry point takes no clients.
 */
import {readFile} from 'node:fs/promises'

import type {RunContext} from '../core/run-context.js'

import {classifyError, InputError} from '../core/errors.js'
import {type CompiledPattern, compilePattern} from './compile-pattern.js'
import {evaluateEventStream, readChunks, type StreamVerdicts} from './event-stream.js'
import {explainNode, type FieldExplanation, nodeMatches} from './match.js'
import {InvalidEventPatternError} from './pattern-error.js'

/** What a JSON Lines run is expected to show: every event matches, at least one does, or none does. */
export type StreamExpectation = 'all' | 'any' | 'none'

export interface TestPatternRequest {
  /** A file path or inline JSON (text starting with `{` or `[`). */
  event?: string | undefined
  /** A JSON Lines file of events. */
  events?: string | undefined
  expect?: StreamExpectation | undefined
  pattern: string
}

export interface SingleEventResult {
  explanation: FieldExplanation[]
  matches: boolean
  mode: 'event'
}

export interface EventStreamResult extends StreamVerdicts {
  expect: StreamExpectation
  /** Whether the run showed what `expect` asks; the command's exit code follows it. */
  expectationMet: boolean
  mode: 'events'
  source: string
}

export type TestPatternResult = EventStreamResult | SingleEventResult

interface JsonInput {
  /** How to name it in messages: the file path, or "inline --pattern". */
  label: string
  text: string
}

function looksInline(value: string): boolean {
  const first = value.trimStart()[0]
  return first === '{' || first === '['
}

/** Inline JSON or the content of a file, with a label for messages. */
export async function readJsonArgument(value: string, flag: string): Promise<JsonInput> {
  if (looksInline(value)) return {label: `inline ${flag}`, text: value}
  try {
    return {label: value, text: await readFile(value, 'utf8')}
  } catch (error) {
    throw classifyError(error)
  }
}

/** JSON.parse with the position turned into a line and column, naming the input. */
export function parseJsonInput({label, text}: JsonInput): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const {message} = error as Error
    const position = /position (\d+)/.exec(message)
    let where = ''
    if (position) {
      const before = text.slice(0, Number(position[1]))
      const line = before.split('\n').length
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`
    }

    throw new InputError(`${label} is not valid JSON${where}: ${message}`, {
      suggestions: ['Give a file path or inline JSON (quote it for the shell).'],
    })
  }
}

/** Parse and compile a pattern argument; an invalid pattern names its source. */
export async function loadPattern(value: string): Promise<CompiledPattern> {
  const input = await readJsonArgument(value, '--pattern')
  const parsed = parseJsonInput(input)
  try {
    return compilePattern(parsed)
  } catch (error) {
    if (error instanceof InvalidEventPatternError) {
      throw new InvalidEventPatternError(error.reason, {
        path: error.patternPath,
        source: input.label,
      })
    }

    throw error
  }
}

export function matchOneEvent(pattern: CompiledPattern, event: unknown, label: string): SingleEventResult {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new InputError(`${label}: an event is a JSON object`, {
      suggestions: ['For many events, give a JSON Lines file with --events.'],
    })
  const object = event as {[key: string]: unknown}
  return {explanation: explainNode(pattern.root, object), matches: nodeMatches(pattern.root, object), mode: 'event'}
}

export async function testEventPattern(request: TestPatternRequest, ctx: RunContext): Promise<TestPatternResult> {
  const pattern = await loadPattern(request.pattern)
  if (request.event !== undefined) {
    const input = await readJsonArgument(request.event, '--event')
    return matchOneEvent(pattern, parseJsonInput(input), input.label)
  }

  const file = request.events!
  const expect = request.expect ?? 'all'
  let verdicts: StreamVerdicts
  try {
    verdicts = await evaluateEventStream(pattern, readChunks(file, ctx.signal), file, ctx)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw classifyError(error)
  }

  const expectationMet =
    expect === 'all'
      ? verdicts.unmatched === 0 && verdicts.events > 0
      : expect === 'any'
        ? verdicts.matched > 0
        : verdicts.matched === 0
  return {...verdicts, expect, expectationMet, mode: 'events', source: file}
}
