/**
 * Evaluates a compiled pattern over a JSON Lines stream (one event per line) without holding
 * the file: each chunk's whole lines are read into one string as they arrive, lines the quick
 * scan rules out (prefilter.ts) are counted without being parsed, and the rest are parsed and
 * matched.
 *
 * What a line must be: a JSON object. A line that is not one is refused (InputError, exit 6,
 * naming the file and line) — checked by parsing for every line the scan keeps, and for the lines
 * it rules out by their first and last non-blank bytes (`{` … `}`), which catches a truncated
 * write or a line that is an array or a string. Blank lines are skipped and not counted.
 */
import {isAscii} from 'node:buffer'
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
/**
 * Bytes read into one string at a time. Below V8's large-object size (128 KiB), so each string is
 * made in the young generation, whose memory is reused, instead of fresh pages for every chunk
 * (page faults cost more than the copy when a 1 MiB chunk was one string).
 */
const WINDOW = 64 * 1024
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d
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
 * Line numbers gathered in a growing typed array: pushing millions of numbers onto a JavaScript
 * array cost 9× as much (each growth copies a large array that the collector then scans).
 */
class LineNumbers {
  private length = 0
  private numbers = new Float64Array(1024)

  add(line: number): void {
    if (this.length === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2)
      grown.set(this.numbers)
      this.numbers = grown
    }

    this.numbers[this.length++] = line
  }

  toArray(): number[] {
    const list = Array.from<number>({length: this.length})
    for (let i = 0; i < this.length; i++) list[i] = this.numbers[i]!
    return list
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
  const scanner = new LineScanner(requiredNeedles(pattern.root))
  const {root} = pattern
  const matchedLines = new LineNumbers()
  const unmatchedLines = new LineNumbers()
  let events = 0
  let lineNumber = 0

  const refuse = (line: number, reason: string): never => {
    throw new InputError(`${source} line ${line}: ${reason}`, {
      suggestions: ['Each line of --events must be one JSON event object (JSON Lines).'],
    })
  }

  // The window being judged: `text` holds its bytes one character per byte; they begin at
  // `offset` in `bytes`, from which a line is decoded when they are not all ASCII.
  let text = ''
  let ascii = true
  let bytes: Buffer = Buffer.alloc(0)
  let offset = 0

  /** One line: characters `start` to `end` (exclusive, without its line feed) of `text`. */
  const judge = (start: number, end: number): void => {
    lineNumber++
    let first = start
    let last = end - 1
    while (first <= last && isBlank(text.codePointAt(first)!)) first++
    while (last >= first && isBlank(text.codePointAt(last)!)) last--
    if (first > last) return
    events++
    let matched = false
    if (scanner.mayMatch(first, last + 1)) {
      let event: unknown
      try {
        event = JSON.parse(
          ascii ? text.slice(first, last + 1) : bytes.toString('utf8', offset + first, offset + last + 1),
        )
      } catch (error) {
        refuse(lineNumber, `not JSON (${(error as Error).message})`)
      }

      if (typeof event !== 'object' || event === null || Array.isArray(event))
        refuse(lineNumber, 'not a JSON object; an event is an object')
      matched = nodeMatches(root, event as {[key: string]: unknown})
    } else if (text.codePointAt(first) !== OPEN_BRACE || text.codePointAt(last) !== CLOSE_BRACE) {
      refuse(lineNumber, 'not a JSON object (it does not start with { and end with })')
    }

    if (matched) matchedLines.add(lineNumber)
    else unmatchedLines.add(lineNumber)
  }

  /**
   * Every line of `window` from `from` to `to`: whole lines without the last one's line feed (an
   * empty range is one blank line). Read as latin1 (a copy of the bytes, 25× cheaper than UTF-8
   * decoding in Node 20); for all-ASCII bytes, the usual case, that text is also their UTF-8
   * decoding and lines are parsed from it directly, otherwise each parsed line is decoded.
   */
  const judgeLines = (window: Buffer, from: number, to: number): void => {
    text = window.toString('latin1', from, to)
    ascii = isAscii(window.subarray(from, to))
    bytes = window
    offset = from
    scanner.reset(text)
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      if (newline === -1) break
      judge(start, newline)
      start = newline + 1
    }

    judge(start, to - from)
  }

  // The bytes of a line cut by the end of a chunk, at the start of `work`, followed by the next chunk.
  let work: Buffer = Buffer.alloc(0)
  let carried = 0
  const keep = (read: Buffer, from: number): void => {
    carried = read.length - from
    if (read.buffer === work.buffer && read.byteOffset === work.byteOffset) {
      work.copyWithin(0, from, read.length)
      return
    }

    if (work.length < carried) work = Buffer.allocUnsafe(Math.max(carried, 2 * work.length))
    read.copy(work, 0, from)
  }

  for await (const chunk of chunks) {
    if (ctx.signal.aborted) break
    let read = chunk
    if (carried > 0) {
      const length = carried + chunk.length
      if (work.length < length) {
        const grown = Buffer.allocUnsafe(Math.max(length, 2 * work.length))
        work.copy(grown, 0, 0, carried)
        work = grown
      }

      chunk.copy(work, carried)
      read = work.subarray(0, length)
    }

    // Windows of whole lines, each ending at a line feed (a byte no UTF-8 sequence contains, so no
    // character is cut in two), read as one string each.
    const lastNewline = read.lastIndexOf(NEWLINE)
    let start = 0
    while (start <= lastNewline) {
      let end = start + WINDOW >= lastNewline ? lastNewline : read.lastIndexOf(NEWLINE, start + WINDOW)
      if (end < start) end = read.indexOf(NEWLINE, start + WINDOW)
      judgeLines(read, start, end)
      start = end + 1
    }

    // Copied: the reader reuses the chunk's memory for the next read.
    keep(read, start)
    ctx.progress({done: events, label: `${source}: events read`})
  }

  if (carried > 0) judgeLines(work, 0, carried)
  const matched = matchedLines.toArray()
  const unmatched = unmatchedLines.toArray()
  return {
    events,
    matched: matched.length,
    matchedLines: matched,
    unmatched: unmatched.length,
    unmatchedLines: unmatched,
  }
}
