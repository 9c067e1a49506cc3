/**
 * A minimal S3 that keeps one lifecycle configuration per bucket (s3rver has no lifecycle API):
 * PUT/GET/DELETE `?lifecycle` and GET `?versioning`, in S3's XML, on 127.0.0.1. Enough for
 * `s3 lifecycle generate --apply` to write, read back and verify.
 */
import {createServer} from 'node:http'

import {serveOnLoopback} from './loopback.js'

export interface LifecycleFake {
  /** The stored XML of each bucket. */
  configurations: Map<string, string>
  stop(): Promise<void>
  url: string
}

export async function startLifecycleFake(): Promise<LifecycleFake> {
  const configurations = new Map<string, string>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const bucket = url.pathname.split('/')[1] ?? ''
      res.setHeader('x-amz-request-id', 'fake')
      if (url.searchParams.has('versioning')) {
        res.setHeader('Content-Type', 'application/xml')
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
        )
        return
      }

      if (!url.searchParams.has('lifecycle')) {
        res.statusCode = 501
        res.end()
        return
      }

      if (req.method === 'PUT') {
        configurations.set(bucket, Buffer.concat(chunks).toString('utf8'))
        res.end()
        return
      }

      if (req.method === 'DELETE') {
        configurations.delete(bucket)
        res.statusCode = 204
        res.end()
        return
      }

      const stored = configurations.get(bucket)
      res.setHeader('Content-Type', 'application/xml')
      if (!stored) {
        res.statusCode = 404
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchLifecycleConfiguration</Code><Message>The lifecycle configuration does not exist</Message></Error>',
        )
        return
      }

      res.end(stored)
    })
  })
  return {...(await serveOnLoopback(server)), configurations}
}
