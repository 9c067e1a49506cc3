/**
 * Every apply converges under faults (issue "prove nothing is lost under faults"): each flow that
 * changes state runs once with a fault injected on every third request to its emulator (latency,
 * connection resets, 500, 503, the service's throttling error, truncated responses), then again
 * without faults. Whatever the first run's exit code (a documented one, never 70), after the
 * second the state is exactly the planned one: the shard layout, the lifecycle rules, the COPY
 * parts and manifest. docs/reliability.md records the matrix.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis'
import {CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {NodeHttpHandler} from '@smithy/node-http-handler'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {gzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {coverageProblems} from '../../src/lib/kinesis/hash-key.js'
import {CLASSIC_POLICY} from '../../src/lib/sandbox/tour.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {type Fault, type FaultProxy, startFaultProxy} from '../helpers/fault-proxy.js'
import {runJson} from '../helpers/run.js'
import {type LifecycleFake, startLifecycleFake} from '../helpers/s3-lifecycle-fake.js'

const FAULTS: Fault[] = ['latency', 'reset', '500', '503', 'throttle', 'truncate']
/** Exit codes a faulted run may end with: success, throttled/unreachable after retries, partial apply. */
const DOCUMENTED = [0, 5, 7]
const emu = useEmulators({kinesis: true, s3: true})
const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-faults-'))
let kinesisProxy: FaultProxy
let s3Proxy: FaultProxy
let lifecycle: LifecycleFake
let lifecycleProxy: FaultProxy
let kinesis: KinesisClient
/** flow | fault | first exit | second exit, printed at the end for docs/reliability.md. */
const matrix: string[] = []
let s3: S3Client

useTestAwsEnv({AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER'})

beforeAll(async () => {
  kinesisProxy = await startFaultProxy({every: 3, format: 'kinesis-json', target: emu.kinesis!.url})
  s3Proxy = await startFaultProxy({every: 3, format: 's3-xml', target: emu.s3!.url})
  lifecycle = await startLifecycleFake()
  lifecycleProxy = await startFaultProxy({every: 3, format: 's3-xml', target: lifecycle.url})
  const common = {
    credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
    region: 'us-east-1',
    requestHandler: new NodeHttpHandler(),
  }
  kinesis = new KinesisClient({...common, endpoint: emu.kinesis!.url})
  s3 = new S3Client({...common, endpoint: emu.s3!.url, forcePathStyle: true})
})

afterAll(async () => {
  process.stdout.write(`fault matrix (flow | fault | faulted run exit | clean re-run exit):\n${matrix.join('\n')}\n`)
  kinesis?.destroy()
  s3?.destroy()
  await Promise.all([kinesisProxy?.stop(), s3Proxy?.stop(), lifecycleProxy?.stop(), lifecycle?.stop()])
})

/** Run a command through the proxies: once with the fault, then again without. */
async function faultedThenClean(
  fault: Fault,
  argv: string[],
  s3Endpoint: FaultProxy = s3Proxy,
): Promise<{first: number; second: number}> {
  process.env.AWS_ENDPOINT_URL_KINESIS = kinesisProxy.url
  process.env.AWS_ENDPOINT_URL_S3 = s3Endpoint.url
  // Odd-numbered runs: a fault on every third request (retries absorb it). Even-numbered: an
  // outage that starts a few requests in and lasts past every retry (the run stops early).
  const outage = matrix.length % 2 === 1
  for (const proxy of [kinesisProxy, s3Endpoint]) proxy.set(fault, outage ? {outageAfter: 2} : {})
  const injectedBefore = kinesisProxy.injected + s3Endpoint.injected
  const first = await runJson([...argv, '--max-attempts', '3'])
  // The matrix is not vacuous: the faulted run met at least one fault.
  expect(kinesisProxy.injected + s3Endpoint.injected).toBeGreaterThan(injectedBefore)
  for (const proxy of [kinesisProxy, s3Endpoint]) proxy.set(undefined)
  const second = await runJson(argv)
  matrix.push(
    `${argv.slice(0, 3).join(' ')} | ${fault}${outage ? ' (outage)' : ' (every 3rd)'} | ${first.exitCode} | ${second.exitCode}`,
  )
  return {first: first.exitCode, second: second.exitCode}
}

async function openShards(
  stream: string,
): Promise<Array<{endingHashKey: bigint; shardId: string; startingHashKey: bigint}>> {
  const page = await kinesis.send(new ListShardsCommand({StreamName: stream}))
  return (page.Shards ?? [])
    .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
    .map((s) => ({
      endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
      shardId: s.ShardId!,
      startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
    }))
}

async function text(bucket: string, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({Bucket: bucket, Key: key}))
  return Buffer.from(await out.Body!.transformToByteArray())
}

describe('applies converge under injected faults', () => {
  for (const fault of FAULTS) {
    it(`kinesis reshard --target-shards, ${fault}`, async () => {
      const stream = `faults-${fault}`
      await kinesis.send(new CreateStreamCommand({ShardCount: 2, StreamName: stream}))
      for (let i = 0; i < 200; i++) {
        const s = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: stream}))
        if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break
        await delay(50)
      }

      const runs = await faultedThenClean(fault, [
        'kinesis',
        'reshard',
        '--stream',
        stream,
        '--target-shards',
        '4',
        '--apply',
        '--yes',
      ])
      expect(DOCUMENTED).toContain(runs.first)
      expect(runs.second).toBe(0)
      const open = await openShards(stream)
      expect(open).toHaveLength(4)
      expect(coverageProblems(open.sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1)))).toEqual([])
    }, 120_000)

    it(`s3 lifecycle generate --apply, ${fault}`, async () => {
      // s3rver has no lifecycle API: a small fake that stores the configuration stands in.
      const bucket = `faults-lifecycle-${fault}`
      const runs = await faultedThenClean(
        fault,
        [...CLASSIC_POLICY, '--bucket', bucket, '--apply', '--yes', '--backup-out', path.join(dir, `${bucket}.json`)],
        lifecycleProxy,
      )
      expect(DOCUMENTED).toContain(runs.first)
      expect(runs.second).toBe(0)
      const stored = lifecycle.configurations.get(bucket) ?? ''
      expect(stored.match(/<Rule>/g)).toHaveLength(1)
      expect(stored).toContain('<Prefix>raw/csv/</Prefix>')
    }, 120_000)

    it(`redshift copy-split to S3, ${fault}`, async () => {
      const bucket = `faults-copy-${fault}`
      await s3.send(new CreateBucketCommand({Bucket: bucket}))
      const input = path.join(dir, `events-${fault}.csv.gz`)
      const lines = Array.from({length: 3000}, (_, i) => `${i},event-${i},${'x'.repeat(i % 50)}`)
      writeFileSync(input, gzipSync(`${lines.join('\n')}\n`))
      const argv = ['redshift', 'copy-split', '--input', input, '--out', `s3://${bucket}/events/`, '--slices', '2']
      const runs = await faultedThenClean(fault, argv)
      expect(DOCUMENTED).toContain(runs.first)
      expect(runs.second).toBe(0)
      // The run's manifest lists exactly the parts under its prefix, each whole, every record once.
      const listed = await s3.send(new ListObjectsV2Command({Bucket: bucket, Prefix: 'events/'}))
      const manifests = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith('manifest.json'))
      expect(manifests.length).toBeGreaterThanOrEqual(1)
      for (const key of manifests) {
        const manifest = JSON.parse((await text(bucket, key)).toString()) as {
          entries: Array<{meta: {content_length: number}; url: string}>
        }
        const ids: number[] = []
        for (const entry of manifest.entries) {
          const part = await text(bucket, entry.url.replace(`s3://${bucket}/`, ''))
          expect(part.length).toBe(entry.meta.content_length)
          const {gunzipSync} = await import('node:zlib')
          for (const line of gunzipSync(part).toString().split('\n').filter(Boolean))
            ids.push(Number(line.split(',')[0]))
        }

        expect(ids.sort((a, b) => a - b)).toEqual(lines.map((_, i) => i))
      }
    }, 120_000)
  }
})
