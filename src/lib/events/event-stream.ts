/**
 * Evaluates a compiled pattern over a JSON Lines stream (one event per line) without holding
 * the file: bytes are split into lines as they arrive, lines the quick scan rules out
 * (prefilter.ts) are counted without being parsed, and the rest are parsed and matched.
 *
 * What a line must be: a JSON object. A line that is not one is refused (InputError, exit 6,
 * naming the file and line) — checked by parsing for every line the scan keeps, and for the lines
 * it rules out by their first and last non-blank bytes (`{` … `}`), which catches a truncated
 * write or a line that is an array or a string. Blank lines are skipped and not counted.
 */
import {InputError} from '../core/errors.js'
import type {RunContext} from '../core/run-context.js'
import type {CompiledPattern} from './compile-pattern.js'
import {nodeMatches} from './match.js'
import {LineScanner, requiredNeedles} from './prefilter.js'

export interface StreamVerdicts {
  /** Non-blank lines read. */
  events: number
  matched: number
  /** 1-based line numbers of the events that matched, in order. */
  matchedLines: number[]
  unmatched: number
  unmatchedLines: number[]
}

const NEWLINE = 0x0a
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d
}

/**
 * Match every line of `chunks` (e.g. `createReadStream(file)`) against `pattern`. `source` names
 * the stream in errors.
 */
export async function evaluateEventStream(
  pattern: CompiledPattern,
  chunks: AsyncIterable<Buffer>,
  source: string,
  ctx: RunContext,
): Promise<StreamVerdicts> {
  const verdicts: StreamVerdicts = {events: 0, matched: 0, matchedLines: [], unmatched: 0, unmatchedLines: []}
  const scanner = new LineScanner(requiredNeedles(pattern.root))
  const root = pattern.root
  let carry: Buffer | undefined
  let lineNumber = 0

  const refuse = (line: number, reason: string): never => {
    throw new InputError(`${source} line ${line}: ${reason}`, {
      suggestions: ['Each line of --events must be one JSON event object (JSON Lines).'],
    })
  }

  const judge = (buffer: Buffer, start: number, end: number): void => {
    lineNumber++
    let first = start
    let last = end - 1
    while (first <= last && isBlank(buffer[first]!)) first++
    while (last >= first && isBlank(buffer[last]!)) last--
    if (first > last) return
    verdicts.events++
    let matched = false
    if (scanner.mayMatch(first, last + 1)) {
      let event: unknown
      try {
        event = JSON.parse(buffer.toString('utf8', first, last + 1))
      } catch (error) {
        refuse(lineNumber, `not JSON (${(error as Error).message})`)
      }

      if (typeof event !== 'object' || event === null || Array.isArray(event))
        refuse(lineNumber, 'not a JSON object; an event is an object')
      matched = nodeMatches(root, event as {[key: string]: unknown})
    } else if (buffer[first] !== OPEN_BRACE || buffer[last] !== CLOSE_BRACE) {
      refuse(lineNumber, 'not a JSON object (it does not start with { and end with })')
    }

    if (matched) {
      verdicts.matched++
      verdicts.matchedLines.push(lineNumber)
    } else {
      verdicts.unmatched++
      verdicts.unmatchedLines.push(lineNumber)
    }
  }

  for await (const chunk of chunks) {
    if (ctx.signal.aborted) break
    const buffer = carry ? Buffer.concat([carry, chunk]) : chunk
    const lastNewline = buffer.lastIndexOf(NEWLINE)
    if (lastNewline === -1) {
      carry = buffer
      continue
    }

    scanner.reset(buffer)
    let start = 0
    while (start <= lastNewline) {
      const end = buffer.indexOf(NEWLINE, start)
      judge(buffer, start, end)
      start = end + 1
    }

    carry = start < buffer.length ? buffer.subarray(start) : undefined
    if (verdicts.events % 65_536 < 1024) ctx.progress({done: verdicts.events, label: `${source}: events read`})
  }

  if (carry && carry.length > 0) {
    // Copy: the carried slice may share memory with the stream's last chunk.
    const last = Buffer.from(carry)
    scanner.reset(last)
    judge(last, 0, last.length)
  }

  return verdicts
}
