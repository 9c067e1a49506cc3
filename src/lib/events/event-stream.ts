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
import {open} from 'node:fs/promises'

import type {RunContext} from '../core/run-context.js'
import type {CompiledPattern} from './compile-pattern.js'

import {InputError} from '../core/errors.js'
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
 * A file's bytes in chunks read into one reused buffer: no allocation (and no fresh pages to fault
 * in) per chunk. Each chunk is valid until the next one is asked for.
 */
export async function* readChunks(file: string, signal: AbortSignal, size = 1 << 20): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.allocUnsafe(size)
    while (!signal.aborted) {
      const {bytesRead} = await handle.read(buffer, 0, size, null)
      if (bytesRead === 0) return
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}

/**
 * Match every line of `chunks` (e.g. `readChunks(file)`) against `pattern`. `source` names
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
  const {root} = pattern
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
    let start = 0
    if (carry) {
      // Only the line split across two chunks is copied; the rest is read where it lies.
      const firstNewline = chunk.indexOf(NEWLINE)
      if (firstNewline === -1) {
        carry = Buffer.concat([carry, chunk])
        continue
      }

      const joined = Buffer.concat([carry, chunk.subarray(0, firstNewline)])
      scanner.reset(joined)
      judge(joined, 0, joined.length)
      carry = undefined
      start = firstNewline + 1
    }

    const lastNewline = chunk.lastIndexOf(NEWLINE)
    scanner.reset(chunk)
    while (start <= lastNewline) {
      const end = chunk.indexOf(NEWLINE, start)
      judge(chunk, start, end)
      start = end + 1
    }

    // Copied: the reader reuses the chunk's memory for the next read.
    if (start < chunk.length) carry = Buffer.from(chunk.subarray(start))
    ctx.progress({done: verdicts.events, label: `${source}: events read`})
  }

  if (carry && carry.length > 0) {
    scanner.reset(carry)
    judge(carry, 0, carry.length)
  }

  return verdicts
}
