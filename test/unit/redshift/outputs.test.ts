import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {createHash, randomBytes} from 'node:crypto'
import {beforeEach, describe, expect, it} from 'vitest'

import {EtagCalculator, MIB, S3Target} from '../../../src/lib/redshift/outputs.js'

const s3 = mockClient(S3Client)
const md5 = (b: Buffer) => createHash('md5').update(b).digest()

function s3Etag(data: Buffer, partSize: number): string {
  if (data.length <= partSize) return `"${md5(data).toString('hex')}"`
  const digests: Buffer[] = []
  for (let o = 0; o < data.length; o += partSize) digests.push(md5(data.subarray(o, o + partSize)))
  return `"${md5(Buffer.concat(digests)).toString('hex')}-${digests.length}"`
}

function chunks(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = []
  for (let i = 0, o = 0; o < data.length; i++) {
    const n = sizes[i % sizes.length]!
    out.push(data.subarray(o, o + n))
    o += n
  }

  return out
}

describe('S3 output', () => {
  beforeEach(() => s3.reset())

  it('computes the ETag S3 gives a single or multipart upload, whatever the write sizes', () => {
    const partSize = 1000
    for (const length of [0, 999, 1000, 1001, 2000, 2001, 5555]) {
      const data = randomBytes(length)
      const calc = new EtagCalculator(partSize)
      for (const c of chunks(data, [7, 300, 1500, 1])) calc.update(c)
      const etags = calc.matchingEtags()
      expect(etags[0]).toBe(s3Etag(data, partSize))
      // The whole-object MD5 too (what some S3-compatible servers give multipart objects).
      expect(etags).toContain(`"${md5(data).toString('hex')}"`)
    }
  })

  it('uploads in exact 5 MiB pieces (last one smaller), completes in order, under a run prefix', async () => {
    s3.on(ListObjectsV2Command).resolves({Contents: []})
    s3.on(CreateMultipartUploadCommand).resolves({UploadId: 'u1'})
    s3.on(UploadPartCommand).callsFake((input: {PartNumber: number}) => ({ETag: `"e${input.PartNumber}"`}))
    s3.on(CompleteMultipartUploadCommand).resolves({})
    s3.on(PutObjectCommand).resolves({})
    const target = new S3Target(new S3Client({region: 'us-east-1'}), {
      location: {bucket: 'b', key: 'loads'},
      partSize: 5 * MIB,
      runId: 'run-x',
    })
    await target.prepare()
    const writer = await target.openPart('part-0000.csv.gz')
    const data = randomBytes(12 * MIB + 123)
    for (const c of chunks(data, [700_000, 1_300_000])) await writer.write(c)
    expect(await writer.end()).toEqual({skipped: false})
    const parts = s3.commandCalls(UploadPartCommand).map((c) => c.args[0].input)
    expect(parts.map((p) => (p.Body as Buffer).length)).toEqual([5 * MIB, 5 * MIB, 2 * MIB + 123])
    expect(Buffer.concat(parts.map((p) => p.Body as Buffer)).equals(data)).toBe(true)
    expect(parts[0]).toMatchObject({Bucket: 'b', Key: 'loads/run-x/part-0000.csv.gz', UploadId: 'u1'})
    const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input
    expect(complete.MultipartUpload?.Parts).toEqual([
      {ETag: '"e1"', PartNumber: 1},
      {ETag: '"e2"', PartNumber: 2},
      {ETag: '"e3"', PartNumber: 3},
    ])
    // A small part is one PutObject.
    const small = await target.openPart('part-0001.csv.gz')
    await small.write(Buffer.from('tiny'))
    await small.end()
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({Key: 'loads/run-x/part-0001.csv.gz'})
    expect(target.manifestLocation).toBe('s3://b/loads/run-x/manifest.json')
  })

  it('on a re-run, skips an identical part, re-uploads a changed one, and removes the old manifest first', async () => {
    const same = randomBytes(3000)
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        {ETag: s3Etag(same, 5 * MIB), Key: 'p/run-y/part-0000.csv', Size: 3000},
        {ETag: '"0123"', Key: 'p/run-y/part-0001.csv', Size: 3000},
        {ETag: '"m"', Key: 'p/run-y/manifest.json', Size: 10},
      ],
    })
    s3.on(DeleteObjectCommand).resolves({})
    s3.on(PutObjectCommand).resolves({})
    const target = new S3Target(new S3Client({region: 'us-east-1'}), {
      location: {bucket: 'b', key: 'p/'},
      partSize: 5 * MIB,
      runId: 'run-y',
    })
    await target.prepare()
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({Bucket: 'b', Key: 'p/run-y/manifest.json'})
    const a = await target.openPart('part-0000.csv')
    await a.write(same)
    expect(await a.end()).toEqual({skipped: true})
    const b = await target.openPart('part-0001.csv')
    await b.write(randomBytes(3000))
    expect(await b.end()).toEqual({skipped: false})
    await target.commit()
    expect(target.skipped).toEqual(['part-0000.csv'])
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['p/run-y/part-0001.csv'])
  })
})
