import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, expect, it} from 'vitest'

import {findFreePort} from '../../src/lib/sandbox/emulators.js'

/** Local addresses listening on a TCP port, read from /proc (no traffic is sent anywhere). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const out: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }

    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      const [addr, p] = (cols[1] ?? '').split(':')
      if (p === hexPort && cols[3] === '0A') out.push(addr!)
    }
  }

  return out
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** A script run in "another shell": plain AWS SDK clients configured only by the exported variables. */
const CLIENT_SCRIPT = `
import {KinesisClient, ListStreamsCommand} from '@aws-sdk/client-kinesis'
import {S3Client, ListBucketsCommand} from '@aws-sdk/client-s3'
import {NodeHttpHandler} from '@smithy/node-http-handler'
const http1 = new NodeHttpHandler()
const kinesis = new KinesisClient({requestHandler: http1})
const s3 = new S3Client({forcePathStyle: true, requestHandler: http1})
const streams = await kinesis.send(new ListStreamsCommand({}))
const buckets = await s3.send(new ListBucketsCommand({}))
console.log(JSON.stringify({buckets: buckets.Buckets.map((b) => b.Name), streams: streams.StreamNames}))
`

describe('pipeops sandbox', () => {
  it('serves Kinesis, S3 and STS on 127.0.0.1 only, reachable from another process via its exports, and leaves nothing behind on Ctrl-C', async () => {
    const [kinesisPort, s3Port, stsPort, dynamodbPort] = [
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
    ]
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-sbx-test-'))
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/dev.js',
        'sandbox',
        '--json',
        '--dir',
        dir,
        '--kinesis-port',
        String(kinesisPort),
        '--s3-port',
        String(s3Port),
        '--sts-port',
        String(stsPort),
        '--dynamodb-port',
        String(dynamodbPort),
      ],
      {
        env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    // The envelope is printed once the emulators accept connections and the demo data is seeded.
    const deadline = Date.now() + 90_000
    while (!stdout.trim().endsWith('}') && Date.now() < deadline && child.exitCode === null) await delay(200)
    let envelope: {
      result: {endpoints: Record<string, string>; exports: string[]; resources: Array<{name: string}>}
      status: string
    }
    try {
      envelope = JSON.parse(stdout)
    } catch {
      child.kill('SIGKILL')
      throw new Error(`sandbox did not print its envelope:\n${stdout}\n${stderr}`)
    }

    expect(envelope.status).toBe('ok')
    expect(envelope.result.endpoints).toEqual({
      dynamodb: `http://127.0.0.1:${dynamodbPort}`,
      kinesis: `http://127.0.0.1:${kinesisPort}`,
      s3: `http://127.0.0.1:${s3Port}`,
      sts: `http://127.0.0.1:${stsPort}`,
    })
    expect(envelope.result.resources.map((r) => r.name)).toContain('pipeops-sandbox')
    for (const port of [kinesisPort, s3Port, stsPort, dynamodbPort])
      expect(listeningAddresses(port)).toEqual(['0100007F'])

    // Another shell: only the export lines, nothing else from the test's environment.
    const env: Record<string, string> = {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PATH: process.env.PATH ?? '',
    }
    for (const line of envelope.result.exports) {
      const m = /^export (\w+)=(.*)$/.exec(line)
      if (m) env[m[1]!] = m[2]!
    }

    const client = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_SCRIPT], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let clientOut = ''
    let clientErr = ''
    client.stdout.on('data', (c: Buffer) => {
      clientOut += c.toString()
    })
    client.stderr.on('data', (c: Buffer) => {
      clientErr += c.toString()
    })
    const [clientCode] = (await once(client, 'exit')) as [number]
    expect(clientCode, clientErr).toBe(0)
    expect(JSON.parse(clientOut).buckets).toContain('pipeops-sandbox')

    const doctor = spawn(process.execPath, ['--import', 'tsx', 'bin/dev.js', 'doctor', '--json'], {
      env: {...env, HOME: dir},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let doctorOut = ''
    doctor.stdout.on('data', (c: Buffer) => {
      doctorOut += c.toString()
    })
    const [doctorCode] = (await once(doctor, 'exit')) as [number]
    expect(doctorCode).toBe(0)
    expect(JSON.parse(doctorOut).result.identity.account).toBe('000000000000')

    const pids = readChildPids(child.pid!)
    expect(pids.length).toBeGreaterThanOrEqual(2)
    child.kill('SIGINT')
    const [code] = (await once(child, 'exit')) as [number]
    expect(code).toBe(0)
    await delay(500)
    expect(pids.filter((pid) => alive(pid))).toEqual([])
    for (const port of [kinesisPort, s3Port, stsPort]) expect(listeningAddresses(port)).toEqual([])
  }, 120_000)

  for (const keep of [false, true]) {
    it(`sandbox --demo${keep ? ' --keep' : ''} on Ctrl-C: exit 8, emulators stopped, its temp folder ${keep ? 'kept' : 'removed'}`, async () => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'bin/dev.js', 'sandbox', '--demo', '--json', ...(keep ? ['--keep'] : [])],
        {
          env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let stderr = ''
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString()
      })
      // The demo's folder is named after its process; wait until the emulators are running in it.
      const workDir = path.join(tmpdir(), `pipeops-sandbox-demo-${child.pid}`)
      const deadline = Date.now() + 60_000
      while (readChildPids(child.pid!).length < 2 && Date.now() < deadline && child.exitCode === null) await delay(200)
      expect(existsSync(workDir), stderr).toBe(true)
      const pids = readChildPids(child.pid!)
      expect(pids.length, stderr).toBeGreaterThanOrEqual(2)
      child.kill('SIGINT')
      const [code] = (await once(child, 'exit')) as [number]
      expect(code, stderr).toBe(8)
      // Emulators still starting when Ctrl-C came follow their parent within a second (exit-with-parent.cjs).
      const gone = Date.now() + 5000
      while (pids.some((pid) => alive(pid)) && Date.now() < gone) await delay(200)
      expect(pids.filter((pid) => alive(pid))).toEqual([])
      expect(existsSync(workDir)).toBe(keep)
      await rm(workDir, {force: true, recursive: true})
    }, 120_000)
  }
})

/** Direct children of a process, from /proc. */
function readChildPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}
