/**
 * A loopback HTTP server that speaks the AWS JSON protocol (the `X-Amz-Target: <prefix>.<Operation>`
 * header, a JSON body, `__type` errors, timestamps as epoch seconds) for services with no local
 * emulator: Glue (JSON 1.1) and Step Functions (JSON 1.0). The answers come from an in-memory
 * model of the service; the server is only its wire. Put the fault proxy in front of it and point
 * the CLI at it with `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import {createServer} from 'node:http'

import {serveOnLoopback} from './loopback.js'

export interface JsonServiceFake {
  /** Operations answered so far, in order. */
  readonly operations: string[]
  stop(): Promise<void>
  url: string
}

export interface JsonServiceFakeOptions {
  /**
   * Called after a state-changing operation was applied and before its answer is sent: the
   * worst moment for the client to die (the change is made, the client never learns it).
   */
  afterMutation?: ((operation: string) => Promise<void> | void) | undefined
  answer(operation: string, input: unknown): Promise<unknown> | unknown
  /** `application/x-amz-json-1.1` (Glue) or `application/x-amz-json-1.0` (Step Functions). */
  contentType: string
  /** Operations that change state (the ones `afterMutation` follows). */
  mutations: readonly string[]
  /** The target prefix before the dot, e.g. `AWSGlue`, `AWSStepFunctions`. */
  targetPrefix: string
}

/** JSON with Dates as epoch seconds, as the AWS JSON protocol writes timestamps. */
function toWire(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key]
    return raw instanceof Date ? raw.getTime() / 1000 : v
  })
}

/** An SDK-shaped error (`name`, `$metadata.httpStatusCode`) as the service would send it. */
function errorAnswer(error: unknown): {body: string; status: number; type: string} {
  const e = error as {$metadata?: {httpStatusCode?: number}; message?: string; name?: string}
  const type = e.name ?? 'InternalFailure'
  return {
    body: JSON.stringify({__type: type, message: e.message ?? type}),
    status: e.$metadata?.httpStatusCode ?? 500,
    type,
  }
}

export async function startJsonServiceFake(options: JsonServiceFakeOptions): Promise<JsonServiceFake> {
  const operations: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '')
      const operation = target.startsWith(`${options.targetPrefix}.`)
        ? target.slice(options.targetPrefix.length + 1)
        : ''
      res.setHeader('Content-Type', options.contentType)
      res.setHeader('x-amzn-RequestId', `fake-${operations.length}`)
      let status = 200
      let body: string
      try {
        if (!operation) throw Object.assign(new Error(`unknown target ${target}`), {name: 'UnknownOperationException'})
        operations.push(operation)
        const input = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : {}
        body = toWire(await options.answer(operation, input))
        if (options.mutations.includes(operation)) await options.afterMutation?.(operation)
      } catch (error) {
        const answer = errorAnswer(error)
        status = answer.status
        body = answer.body
        res.setHeader('x-amzn-ErrorType', answer.type)
      }

      if (res.destroyed) return
      res.statusCode = status
      res.end(body)
    })
  })
  return {...(await serveOnLoopback(server)), operations}
}
