/**
 * A fault-injecting HTTP proxy for the test harness (loopback only): it sits in front of an
 * emulator (kinesis-local, s3rver) and, on every `every`-th request, injects one fault instead of
 * (or on top of) forwarding: added latency, a connection reset, a 500 or 503, the service's own
 * throttling error, or a response cut off half-way. Requests are forwarded unchanged (the Host
 * header included, so signatures stay as the client made them).
 */
import {createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse} from 'node:http'

import {serveOnLoopback} from './loopback.js'

export type Fault = '500' | '503' | 'latency' | 'reset' | 'throttle' | 'truncate'
/** The service's error format: Kinesis, Glue (JSON 1.1) and Step Functions (JSON 1.0) say `__type`; S3 says XML. */
export type WireFormat = 'glue-json' | 'kinesis-json' | 's3-xml' | 'sfn-json'

/** Each service's own throttling and internal-error answers. */
const SERVICE_ERRORS: Record<WireFormat, {internal: string; throttle: [number, string, string]}> = {
  'glue-json': {internal: 'InternalServiceException', throttle: [400, 'ThrottlingException', 'Rate exceeded']},
  'kinesis-json': {internal: 'InternalFailure', throttle: [400, 'LimitExceededException', 'Rate exceeded']},
  's3-xml': {internal: 'InternalFailure', throttle: [503, 'SlowDown', 'Please reduce your request rate.']},
  'sfn-json': {internal: 'InternalFailure', throttle: [400, 'ThrottlingException', 'Rate exceeded']},
}

export interface FaultProxy {
  /** Faults injected so far. */
  readonly injected: number
  /** Requests seen so far. */
  readonly requests: number
  /**
   * Change the fault (or none) for the requests that follow: on every `every`-th request (the
   * proxy's default), or on every request after the next `outageAfter` (an outage mid-run).
   */
  set(fault: Fault | undefined, options?: {outageAfter?: number}): void
  stop(): Promise<void>
  url: string
}

function errorBody(format: WireFormat, code: string, message: string): {body: string; type: string} {
  if (format === 'sfn-json') return {body: JSON.stringify({__type: code, message}), type: 'application/x-amz-json-1.0'}
  return format === 's3-xml'
    ? {
        body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault</RequestId></Error>`,
        type: 'application/xml',
      }
    : {body: JSON.stringify({__type: code, message}), type: 'application/x-amz-json-1.1'}
}

function sendError(res: ServerResponse, format: WireFormat, [status, code, message]: [number, string, string]): void {
  const {body, type} = errorBody(format, code, message)
  res.writeHead(status, {'Content-Type': type, 'x-amzn-ErrorType': code})
  res.end(body)
}

export async function startFaultProxy(options: {
  every: number
  format: WireFormat
  target: string
}): Promise<FaultProxy> {
  const target = new URL(options.target)
  let fault: Fault | undefined
  let outageFrom: number | undefined
  let requests = 0
  let injected = 0

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, truncate: boolean): void => {
    const upstream = httpRequest(
      {headers: req.headers, hostname: target.hostname, method: req.method, path: req.url, port: target.port},
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (c: Buffer) => chunks.push(c))
        answer.on('end', () => {
          const data = Buffer.concat(chunks)
          const headers = {...answer.headers, 'content-length': String(data.length)}
          delete headers['transfer-encoding']
          res.writeHead(answer.statusCode ?? 502, headers)
          if (truncate && data.length > 1) {
            // Half the body, then the connection goes: the client sees a short read.
            res.write(data.subarray(0, Math.floor(data.length / 2)))
            res.socket?.destroy()
            return
          }

          res.end(data)
        })
      },
    )
    upstream.on('error', () => res.socket?.destroy())
    upstream.end(body)
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      requests++
      const body = Buffer.concat(chunks)
      const hit = outageFrom === undefined ? requests % options.every === 0 : requests > outageFrom
      const now = fault === undefined || !hit ? undefined : fault
      if (now) injected++
      switch (now) {
        case '500': {
          sendError(res, options.format, [500, SERVICE_ERRORS[options.format].internal, 'injected internal error'])
          return
        }

        case '503': {
          sendError(res, options.format, [503, 'ServiceUnavailable', 'injected unavailability'])
          return
        }

        case 'latency': {
          setTimeout(() => forward(req, res, body, false), 300)
          return
        }

        case 'reset': {
          req.socket.destroy()
          return
        }

        case 'throttle': {
          sendError(res, options.format, SERVICE_ERRORS[options.format].throttle)
          return
        }

        case 'truncate': {
          forward(req, res, body, true)
          return
        }

        default: {
          forward(req, res, body, false)
        }
      }
    })
  })
  const served = await serveOnLoopback(server)
  return {
    get injected() {
      return injected
    },
    get requests() {
      return requests
    },
    set(next, how = {}) {
      fault = next
      outageFrom = how.outageAfter === undefined ? undefined : requests + how.outageAfter
    },
    stop: served.stop,
    url: served.url,
  }
}
