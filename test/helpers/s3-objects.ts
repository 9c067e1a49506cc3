import type {AwsStub} from 'aws-sdk-client-mock'

import {GetObjectCommand} from '@aws-sdk/client-s3'
import {Readable} from 'node:stream'

/** Serve `objects` by key from a mocked S3 client, honouring Range: bytes=a-b as S3 does (Content-Range a-b/total). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stub's types are the S3 client's
export function serveObjects(s3: AwsStub<any, any, any>, objects: Record<string, Buffer>): void {
  s3.on(GetObjectCommand).callsFake((input: {Key: string; Range?: string}) => {
    const body = objects[input.Key]
    if (!body) throw Object.assign(new Error('The specified key does not exist.'), {name: 'NoSuchKey'})
    const [, a, b] = /bytes=(\d+)-(\d+)/.exec(input.Range ?? '') ?? []
    const start = a === undefined ? 0 : Number(a)
    const end = b === undefined ? body.length - 1 : Math.min(Number(b), body.length - 1)
    const part = body.subarray(start, end + 1)
    return {
      // The SDK's stream body: a Readable with transformToByteArray.
      Body: Object.assign(Readable.from([part]), {transformToByteArray: async () => new Uint8Array(part)}),
      ContentLength: part.length,
      ContentRange: `bytes ${start}-${end}/${body.length}`,
    }
  })
}
