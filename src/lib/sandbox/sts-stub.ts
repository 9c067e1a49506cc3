/**
 * A minimal local STS for the sandbox: answers GetCallerIdentity (AWS Query protocol, XML) with a
 * fixed sandbox identity, so `pipeops doctor` and the AWS CLI's `sts get-caller-identity` work
 * against the sandbox without reaching AWS.
 *
 * It is also the sandbox's catch-all endpoint (AWS_ENDPOINT_URL): a call to a service the sandbox
 * does not emulate (Glue, CloudWatch, …) gets a client error that says so, in the request's own
 * protocol where it can, instead of leaving 127.0.0.1 for the real AWS.
 */
import {randomUUID} from 'node:crypto'
import {createServer} from 'node:http'

export const SANDBOX_ACCOUNT = '000000000000'
export const SANDBOX_ARN = `arn:aws:iam::${SANDBOX_ACCOUNT}:user/pipeops-sandbox`

export interface StsStubHandle {
  port: number
  stop(): Promise<void>
  url: string
}

export async function startStsStub(port = 0): Promise<StsStubHandle> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8') || (req.url?.split('?')[1] ?? ''))
      const action = params.get('Action')
      const requestId = randomUUID()
      res.setHeader('Content-Type', 'text/xml')
      res.setHeader('x-amzn-RequestId', requestId)
      if (action === 'GetCallerIdentity') {
        res.end(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${SANDBOX_ARN}</Arn><UserId>AIDAPIPEOPSSANDBOX</UserId><Account>${SANDBOX_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
        )
        return
      }

      const target = req.headers['x-amz-target']
      const what = typeof target === 'string' ? target.replace(/^.*\./, '') : (action ?? `${req.method} ${req.url}`)
      const message = `The pipeops sandbox does not emulate this service (${what}); only Kinesis, S3 and STS GetCallerIdentity run locally. Use the command's offline mode (local files) in the sandbox.`
      res.statusCode = 400
      res.setHeader('x-amzn-ErrorType', 'NotEmulatedInSandbox')
      // Query-protocol services (form-encoded requests) read XML errors; every JSON flavour reads this.
      if (!/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
        res.setHeader('Content-Type', 'application/x-amz-json-1.1')
        res.end(JSON.stringify({__type: 'NotEmulatedInSandbox', message}))
        return
      }

      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>NotEmulatedInSandbox</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      )
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const actual = typeof address === 'object' && address ? address.port : port
  return {
    port: actual,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
      })
    },
    url: `http://127.0.0.1:${actual}`,
  }
}
