import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import type {EventStreamResult, SingleEventResult} from '../../../src/lib/events/test-pattern.js'

import {resultOf, runJson, runText} from '../../helpers/run.js'

const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-events-'))
const event = {
  detail: {bucket: {name: 'raw-landing'}, object: {key: 'orders/2026/batch.csv', size: 10}},
  'detail-type': 'Object Created',
  source: 'aws.s3',
}
const eventFile = path.join(dir, 'event.json')
writeFileSync(eventFile, JSON.stringify(event, null, 2))
const patternFile = path.join(dir, 'pattern.json')
writeFileSync(patternFile, JSON.stringify({detail: {object: {key: [{prefix: 'orders/'}]}}, source: ['aws.s3']}))
const eventsFile = path.join(dir, 'events.jsonl')
writeFileSync(eventsFile, [event, {...event, source: 'aws.ec2'}, event].map((e) => JSON.stringify(e)).join('\n') + '\n')

/** `events test-pattern --pattern PATTERN ...rest --json`. */
async function testPattern<T>(pattern: string, ...rest: string[]) {
  return runJson<T>(['events', 'test-pattern', '--pattern', pattern, ...rest])
}

describe('events test-pattern', () => {
  it('exit 0 and the explanation when the pattern matches (files)', async () => {
    const run = await testPattern<SingleEventResult>(patternFile, '--event', eventFile)
    expect(run.exitCode).toBe(0)
    expect(resultOf(run)).toEqual({
      explanation: [
        {field: 'detail.object.key', ok: true, pattern: [{prefix: 'orders/'}], value: 'orders/2026/batch.csv'},
        {field: 'source', ok: true, pattern: ['aws.s3'], value: 'aws.s3'},
      ],
      matches: true,
      mode: 'event',
    })
  })

  it('exit 1 and the failing field when it does not (inline JSON)', async () => {
    const run = await testPattern<SingleEventResult>(
      '{"detail":{"object":{"key":[{"prefix":"returns/"}]}}}',
      '--event',
      JSON.stringify(event),
    )
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    expect(resultOf(run).explanation).toEqual([
      {field: 'detail.object.key', ok: false, pattern: [{prefix: 'returns/'}], value: 'orders/2026/batch.csv'},
    ])
  })

  it('exit 6 with the EventBridge reason for an invalid pattern', async () => {
    const run = await testPattern('{"source":"aws.s3"}', '--event', eventFile)
    expect(run.exitCode).toBe(6)
    expect(run.envelope.status === 'error' && run.envelope.error).toMatchObject({
      code: 'InvalidEventPattern',
      message: 'inline --pattern at source: Event pattern is not valid. Reason: "source" must be an object or an array',
    })
  })

  it('exit 6 naming the file and the line for an event file that is not JSON', async () => {
    const bad = path.join(dir, 'bad.json')
    writeFileSync(bad, '{\n  "source": "aws.s3",\n  "detail": {\n}')
    const run = await testPattern(patternFile, '--event', bad)
    expect(run.exitCode).toBe(6)
    expect(run.envelope.status === 'error' && run.envelope.error.message).toMatch(
      new RegExp(`^${bad.replaceAll(/[.\\/]/g, String.raw`\$&`)} is not valid JSON at line 4`),
    )
  })

  it('--events: counts, line numbers, and the exit code of --expect', async () => {
    const all = await testPattern<EventStreamResult>(patternFile, '--events', eventsFile)
    expect(all.exitCode).toBe(1)
    expect(resultOf(all)).toMatchObject({
      events: 3,
      expect: 'all',
      expectationMet: false,
      matched: 2,
      matchedLines: [1, 3],
      unmatched: 1,
      unmatchedLines: [2],
    })
    const any = await testPattern<EventStreamResult>(patternFile, '--events', eventsFile, '--expect', 'any')
    expect(any.exitCode).toBe(0)
  })

  it('text: the table and the verdict', async () => {
    const run = await runText(['events', 'test-pattern', '--pattern', patternFile, '--event', eventFile])
    expect(run.stdout).toContain('detail.object.key')
    expect(run.stdout).toContain('✔ The pattern matches the event.')
  })

  it('usage errors: no event, --expect with --event, AWS flags', async () => {
    expect((await testPattern(patternFile)).exitCode).toBe(2)
    expect((await testPattern(patternFile, '--event', eventFile, '--expect', 'any')).exitCode).toBe(2)
    expect((await testPattern(patternFile, '--event', eventFile, '--region', 'eu-west-1')).exitCode).toBe(2)
  })
})
