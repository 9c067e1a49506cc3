/**
 * A loopback S3 that answers ListObjectsV2 only (path-style `GET /BUCKET?list-type=2&…`, REST XML),
 * from MemoryS3 with S3's paging rules: enough for the glue benchmark's end-to-end row to point
 * the built CLI at it with `AWS_ENDPOINT_URL_S3`. s3rver could hold the objects too, but putting
 * 100,000 of them takes minutes and it returns every CommonPrefix in one page (see MemoryS3).
 */
import {createServer} from 'node:http'
import {setTimeout as sleep} from 'node:timers/promises'

import type {MemoryS3} from '../test/fixtures/glue/memory-s3.js'

import {serveOnLoopback} from '../test/helpers/loopback.js'

const xml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')

export async function startS3ListFake(
  memory: MemoryS3,
  options: {latencyMs: number},
): Promise<{requests: () => number; stop(): Promise<void>; url: string}> {
  let requests = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '')
    if (req.method !== 'GET' || url.searchParams.get('list-type') !== '2') {
      res.statusCode = 501
      res.setHeader('Content-Type', 'application/xml')
      res.end('<Error><Code>NotImplemented</Code><Message>this fake answers ListObjectsV2 only</Message></Error>')
      return
    }

    requests++
    const q = (name: string): string | undefined => url.searchParams.get(name) ?? undefined
    const page = memory.list({
      Bucket: bucket,
      ContinuationToken: q('continuation-token'),
      Delimiter: q('delimiter'),
      MaxKeys: q('max-keys') === undefined ? undefined : Number(q('max-keys')),
      Prefix: q('prefix'),
      StartAfter: q('start-after'),
    })
    const body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${xml(bucket)}</Name><Prefix>${xml(page.Prefix ?? '')}</Prefix><KeyCount>${page.KeyCount}</KeyCount><MaxKeys>1000</MaxKeys>`,
      q('delimiter') === undefined ? '' : `<Delimiter>${xml(q('delimiter')!)}</Delimiter>`,
      `<IsTruncated>${page.IsTruncated ? 'true' : 'false'}</IsTruncated>`,
      ...(page.Contents ?? []).map(
        (o) =>
          `<Contents><Key>${xml(o.Key!)}</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified><ETag>&quot;0&quot;</ETag><Size>${o.Size ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      ),
      ...(page.CommonPrefixes ?? []).map((p) => `<CommonPrefixes><Prefix>${xml(p.Prefix!)}</Prefix></CommonPrefixes>`),
      page.NextContinuationToken
        ? `<NextContinuationToken>${xml(page.NextContinuationToken)}</NextContinuationToken>`
        : '',
      '</ListBucketResult>',
    ].join('')
    sleep(options.latencyMs).then(
      () => {
        res.setHeader('Content-Type', 'application/xml')
        res.end(body)
      },
      () => {},
    )
  })
  return {...(await serveOnLoopback(server)), requests: () => requests}
}
