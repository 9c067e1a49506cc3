import {GetObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {readFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {fetchLines, markField} from '../../../src/lib/redshift/fetch-lines.js'
import {serveObjects} from '../../helpers/s3-objects.js'

const s3 = mockClient(S3Client)
const ctx = testRunContext({})
beforeEach(() => s3.reset())

const serve = (objects: Record<string, Buffer>): void => serveObjects(s3, objects)

const rows = Array.from({length: 2000}, (_, i) => `${i},name-${i},2026-01-${String((i % 28) + 1).padStart(2, '0')}`)
const plain = Buffer.from(`id,name,day\n${rows.join('\n')}\n`)

describe('fetchLines', () => {
  it('reads lines of a plain object with ranged GETs and stops at the last line wanted', async () => {
    serve({'loads/a.csv': plain})
    const got = await fetchLines(
      new S3Client({}),
      [
        {file: 's3://bkt/loads/a.csv', line: 3},
        {file: 's3://bkt/loads/a.csv', line: 12},
      ],
      {window: 64},
      ctx,
    )
    expect(got).toEqual([
      {file: 's3://bkt/loads/a.csv', line: 3, text: '1,name-1,2026-01-02', truncated: false},
      {file: 's3://bkt/loads/a.csv', line: 12, text: '10,name-10,2026-01-11', truncated: false},
    ])
    const calls = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range)
    expect(calls[0]).toBe('bytes=0-63')
    // 12 lines of ~20 bytes: a handful of 64-byte windows, not the whole 50 KB object.
    expect(calls.length).toBeLessThan(6)
  })

  it('decompresses a gzip object from the same ranged reads', async () => {
    serve({'a.csv.gz': gzipSync(plain)})
    const got = await fetchLines(new S3Client({}), [{file: 's3://bkt/a.csv.gz', line: 1500}], {window: 4096}, ctx)
    expect(got).toEqual([{file: 's3://bkt/a.csv.gz', line: 1500, text: '1498,name-1498,2026-01-15', truncated: false}])
  })

  it('decompresses a bzip2 object (two streams, as pbzip2 writes) from the same ranged reads', async () => {
    const bz2 = readFileSync(new URL('../../fixtures/redshift/rows-two-streams.csv.bz2', import.meta.url))
    serve({'a.csv.bz2': bz2})
    const got = await fetchLines(
      new S3Client({}),
      [
        {file: 's3://bkt/a.csv.bz2', line: 2},
        {file: 's3://bkt/a.csv.bz2', line: 1501},
      ],
      {window: 1024},
      ctx,
    )
    expect(got).toEqual([
      {file: 's3://bkt/a.csv.bz2', line: 2, text: '0,name-0,2026-01-01', truncated: false},
      {file: 's3://bkt/a.csv.bz2', line: 1501, text: '1499,name-1499,2026-01-16', truncated: false},
    ])
  })

  it('a truncated bzip2 object: the lines after the cut are not read, with why', async () => {
    const bz2 = readFileSync(new URL('../../fixtures/redshift/rows-two-streams.csv.bz2', import.meta.url))
    serve({'cut.csv.bz2': bz2.subarray(0, 1500)})
    const [got] = await fetchLines(new S3Client({}), [{file: 's3://bkt/cut.csv.bz2', line: 1900}], {window: 1024}, ctx)
    expect(got).toMatchObject({line: 1900, problem: expect.stringMatching(/not read|fewer lines/)})
    expect(got).not.toHaveProperty('text')
  })

  it('says why a line was not read: past the end, no line number, not S3, the object missing', async () => {
    serve({'short.csv': Buffer.from('a\nb')})
    const got = await fetchLines(
      new S3Client({}),
      [
        {file: 's3://bkt/short.csv', line: 2},
        {file: 's3://bkt/short.csv', line: 5},
        {file: 's3://bkt/short.csv', line: -1},
        {file: '/local/file.csv', line: 1},
        {file: 's3://bkt/gone.csv', line: 1},
      ],
      {},
      ctx,
    )
    expect(got[0]).toEqual({file: 's3://bkt/short.csv', line: 2, text: 'b', truncated: false})
    expect(got[1]).toMatchObject({problem: expect.stringMatching(/fewer lines/)})
    expect(got[2]).toMatchObject({problem: expect.stringMatching(/no line number/)})
    expect(got[3]).toMatchObject({problem: 'not an s3:// object'})
    expect(got[4]).toMatchObject({problem: expect.stringMatching(/not read: .*does not exist/)})
  })
})

describe('markField', () => {
  it('finds the logged value in the line, or says nothing', () => {
    expect(markField('7|Zürich café|x', 'Zürich café')).toEqual({length: 11, start: 2})
    expect(markField('7|a|x', 'zz')).toBeUndefined()
    expect(markField('7|a|x', undefined)).toBeUndefined()
  })
})
