import {describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {compilePattern} from '../../../src/lib/events/compile-pattern.js'
import {evaluateEventStream} from '../../../src/lib/events/event-stream.js'
import {nodeMatches} from '../../../src/lib/events/match.js'

async function* chunksOf(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8')
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

const pattern = compilePattern({detail: {key: [{prefix: 'in/'}]}, source: ['aws.s3']})

const lines = [
  '{"source":"aws.s3","detail":{"key":"in/a.csv"}}',
  '{"source":"aws.ec2","detail":{"key":"in/a.csv"}}',
  '',
  // Escaped characters: the byte scan cannot rule these out, the parser decides.
  String.raw`{"source":"aws\u002es3","detail":{"key":"in\/b.csv"}}`,
  '  {"source":"aws.s3","detail":{"key":"out/c.csv"}}  ',
  '{"source":"aws.s3","detail":{"key":["x","in/é.csv"]}}',
  '{"source":"aws.s3","detail":{"key.x":"in/dotted"}}',
]

describe('evaluateEventStream', () => {
  for (const size of [1, 7, 64, 1 << 20]) {
    it(`gives the verdict of the matcher for every line (chunks of ${size} bytes)`, async () => {
      const verdicts = await evaluateEventStream(pattern, chunksOf(lines.join('\n'), size), 'e.jsonl', testRunContext())
      const expected = lines
        .map((line, i) => [line, i + 1] as const)
        .filter(([line]) => line.trim())
        .map(([line, n]) => [n, nodeMatches(pattern.root, JSON.parse(line))] as const)
      expect(verdicts.matchedLines).toEqual(expected.filter(([, m]) => m).map(([n]) => n))
      expect(verdicts.unmatchedLines).toEqual(expected.filter(([, m]) => !m).map(([n]) => n))
      expect(verdicts).toMatchObject({events: 6, matched: 3, unmatched: 3})
    })
  }

  it('refuses a line that is not JSON, naming the file and the line', async () => {
    const text = `${lines[0]}\n{"source":"aws.s3","detail":{"key":"in/x"\n`
    await expect(evaluateEventStream(pattern, chunksOf(text, 16), 'e.jsonl', testRunContext())).rejects.toMatchObject({
      exitCode: 6,
      message: expect.stringMatching(/^e\.jsonl line 2: not JSON/),
    })
  })

  it('refuses a truncated line even when the byte scan rules it out', async () => {
    const text = `${lines[0]}\n{"source":"aws.ec2","detail":{"ke\n`
    await expect(
      evaluateEventStream(pattern, chunksOf(text, 1 << 20), 'e.jsonl', testRunContext()),
    ).rejects.toMatchObject({
      exitCode: 6,
      message: 'e.jsonl line 2: not a JSON object (it does not start with { and end with })',
    })
  })

  it('refuses a line that is JSON but not an object', async () => {
    const text = `["aws.s3","in/a"]\n`
    const all = compilePattern({source: [{exists: false}]})
    await expect(evaluateEventStream(all, chunksOf(text, 1 << 20), 'e.jsonl', testRunContext())).rejects.toMatchObject({
      message: 'e.jsonl line 1: not a JSON object; an event is an object',
    })
  })

  it('reads the last line without a newline', async () => {
    const verdicts = await evaluateEventStream(pattern, chunksOf(lines[0]!, 5), 'e.jsonl', testRunContext())
    expect(verdicts).toMatchObject({events: 1, matched: 1, matchedLines: [1]})
  })
})
