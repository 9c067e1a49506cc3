/**
 * The stream's fast paths (prefilter.ts: the text scan that skips JSON.parse; event-stream.ts:
 * latin1 windows, ASCII and non-ASCII chunks, lines cut by chunk ends) must give the verdict of
 * the slow path — JSON.parse of the line and the matcher — for every line.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {compilePattern} from '../../../src/lib/events/compile-pattern.js'
import {evaluateEventStream} from '../../../src/lib/events/event-stream.js'
import {nodeMatches} from '../../../src/lib/events/match.js'
import {LineScanner, requiredNeedles} from '../../../src/lib/events/prefilter.js'

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

/** The slow path: each non-blank line parsed and matched. */
function expectedVerdicts(
  pattern: ReturnType<typeof compilePattern>,
  lines: string[],
): {matched: number[]; unmatched: number[]} {
  const matched: number[] = []
  const unmatched: number[] = []
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue
    ;(nodeMatches(pattern.root, JSON.parse(line) as {[key: string]: unknown}) ? matched : unmatched).push(i + 1)
  }

  return {matched, unmatched}
}

// Characters that stress the scan: quotes and backslashes (escaped in JSON), non-ASCII (more
// than one UTF-8 byte, and a latin1 text of other characters), a slash (escapable as \/).
// Drawn from one small pool for patterns and events alike, so that many events match.
const text = fc.oneof(
  fc.constantFrom('a', 'in/', 'in/é', 'é', 'b"', String.raw`x\y`, '€', 'in/😀a', '', 'a.b', 'aws.s3'),
  fc.string({maxLength: 6, unit: fc.constantFrom('a', 'b', 'in/', '"', '\\', 'é', '€', '😀', ' ', '.')}),
)
const leaf = fc.oneof(text, fc.integer({max: 3, min: -3}), fc.constant(null), fc.boolean())
const value = fc.oneof(leaf, fc.array(leaf, {maxLength: 3}))
const event = fc.record(
  {
    detail: fc.record({key: value, name: value}, {requiredKeys: []}),
    'detail.key': value,
    source: value,
  },
  {requiredKeys: ['source']},
)
const condition = fc.oneof(
  text,
  text.map((prefix) => ({prefix})),
  text.map((suffix) => ({suffix})),
  text.map((v) => ({'anything-but': v})),
  fc.boolean().map((exists) => ({exists})),
  fc.integer({max: 3, min: -3}),
)
const conditions = fc.array(condition, {maxLength: 3, minLength: 1})
const pattern = fc.oneof(
  fc.record({source: conditions}),
  fc.record({detail: fc.record({key: conditions})}),
  fc.record({detail: fc.record({key: conditions, name: conditions}, {requiredKeys: ['key']}), source: conditions}),
  fc.record({'detail.key': conditions, source: conditions}, {requiredKeys: ['source']}),
  fc.record({$or: fc.tuple(fc.record({source: conditions}), fc.record({detail: fc.record({key: conditions})}))}),
)

/** An event as a line: JSON, some characters written as \u escapes, some blanks around. */
const line = fc.tuple(event, fc.boolean(), fc.constantFrom('', ' ', '\t', ' \r')).map(([e, escape, blank]) => {
  const json = JSON.stringify(e)
  // Inside string tokens only (keys and values): `a`, `/` and `é` as \u escapes.
  const written = escape
    ? json.replaceAll(/"(?:[^"\\]|\\.)*"/g, (token) =>
        token.replaceAll(/[a/é]/g, (c) => String.raw`\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`),
      )
    : json
  return `${blank}${written}${blank}`
})

describe('the stream fast paths equal the slow path', () => {
  it('for generated patterns, events, escapes and chunk sizes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        pattern,
        fc.array(fc.oneof(line, line, line, fc.constant('')), {maxLength: 30, minLength: 1}),
        fc.integer({max: 64, min: 1}),
        async (p, lines, size) => {
          const compiled = compilePattern(p)
          const expected = expectedVerdicts(compiled, lines)
          const got = await evaluateEventStream(
            compiled,
            chunksOf(Buffer.from(lines.join('\n'), 'utf8'), size),
            'e.jsonl',
            testRunContext(),
          )
          expect(got.matchedLines).toEqual(expected.matched)
          expect(got.unmatchedLines).toEqual(expected.unmatched)
          expect(got.events).toBe(expected.matched.length + expected.unmatched.length)
        },
      ),
      {numRuns: 400},
    )
  })

  it('across 64 KiB windows and 1 MiB chunks, ASCII and not, with long lines', async () => {
    const compiled = compilePattern({detail: {key: [{prefix: 'in/'}]}, source: ['aws.s3']})
    const lines: string[] = []
    for (let i = 0; i < 6000; i++) {
      const key = i % 3 === 0 ? `in/${i}` : i % 3 === 1 ? `out/${i}` : `in/é${i}`
      const padding = i % 997 === 0 ? 'x'.repeat(70_000) : ''
      lines.push(JSON.stringify({detail: {key, padding}, source: i % 5 === 0 ? 'aws.ec2' : 'aws.s3'}))
      if (i % 1000 === 0) lines.push('')
    }

    const expected = expectedVerdicts(compiled, lines)
    for (const size of [1 << 20, 100_000, 4093]) {
      const got = await evaluateEventStream(
        compiled,
        chunksOf(Buffer.from(`${lines.join('\n')}\n`, 'utf8'), size),
        'e.jsonl',
        testRunContext(),
      )
      expect(got.matchedLines).toEqual(expected.matched)
      expect(got.unmatchedLines).toEqual(expected.unmatched)
    }
  })
})

describe('LineScanner', () => {
  it('rules out a line only when a required needle is missing from it, wherever its search starts', () => {
    const compiled = compilePattern({detail: {name: ['landing-zone']}, source: ['aws.s3']})
    const lines = [
      '{"source":"aws.s3","detail":{"name":"landing-zone"}}',
      // The needle without its opening quote occurs (in an ARN): not a token, ruled out.
      '{"source":"aws.s3","detail":{"name":"x","arn":"arn:aws:s3:::landing-zone"}}',
      '{"source":"aws.ec2","detail":{"name":"landing-zone"}}',
    ]
    const text = lines.join('\n')
    const scanner = new LineScanner(requiredNeedles(compiled.root))
    scanner.reset(Buffer.from(text).toString('latin1'))
    let start = 0
    const verdicts = lines.map((l) => {
      const verdict = scanner.mayMatch(start, start + l.length)
      start += l.length + 1
      return verdict
    })
    expect(verdicts).toEqual([true, false, false])
  })
})
