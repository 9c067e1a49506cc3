import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {createServer} from 'node:http'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, expect, it} from 'vitest'

describe('Ctrl-C', () => {
  it('stops a running command with exit 8 and the error envelope', async () => {
    // An endpoint that accepts requests and never answers: the command is busy when interrupted.
    const server = createServer(() => {})
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve)
    })
    const {port} = server.address() as {port: number}
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bin/dev.js', 'trail', 'lookup', '--json', '--endpoint-url', `http://127.0.0.1:${port}`],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'x',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          AWS_SECRET_ACCESS_KEY: 'y',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    // Wait until the request has reached the server: the command is then busy in an AWS call.
    const state = {connected: false}
    server.once('request', () => {
      state.connected = true
    })
    const deadline = Date.now() + 30_000
    while (!state.connected && Date.now() < deadline) await delay(100)
    // The test is about interrupting a command that is busy in an AWS call: it must have got there.
    expect(state.connected).toBe(true)
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number]
    server.closeAllConnections()
    server.close()
    expect(code).toBe(8)
    expect(JSON.parse(stdout)).toMatchObject({error: {code: 'Aborted', exitCode: 8}, status: 'error'})
  }, 60_000)
})
