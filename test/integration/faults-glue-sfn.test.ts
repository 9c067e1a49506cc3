/**
 * Glue and Step Functions applies converge under injected faults (issue 23): there is no local
 * emulator of either, so each runs against a loopback fake that speaks the service's JSON
 * protocol over HTTP (test/helpers/json-service-fake.ts, with the in-memory models
 * MemoryGlue and MemorySfn), with the fault proxy in front of it. Each flow runs once under each
 * fault (latency, reset, 500, 503, the service's `ThrottlingException`, a truncated answer) and
 * is then run again without faults; and once killed (SIGKILL) right after a random state change
 * was made and before its answer arrived, then run again. The final state must be exactly the
 * planned one: every partition once at its S3 location, every stopped execution redriven once.
 * docs/reliability.md records the matrix.
 */
import type {Table} from '@aws-sdk/client-glue'

import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {NodeHttpHandler} from '@smithy/node-http-handler'
import {type ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {MemoryGlue} from '../fixtures/glue/memory-glue.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {type Fault, type FaultProxy, startFaultProxy, type WireFormat} from '../helpers/fault-proxy.js'
import {type JsonServiceFake, startJsonServiceFake} from '../helpers/json-service-fake.js'
import {MemorySfn} from '../helpers/memory-sfn.js'
import {runJson} from '../helpers/run.js'

const FAULTS: Fault[] = ['latency', 'reset', '500', '503', 'throttle', 'truncate']
/** Exit codes a faulted run may end with: success, throttled/unreachable after retries, partial apply. */
const DOCUMENTED = [0, 5, 7]
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const HOUR = 3_600_000
const emu = useEmulators({s3: true})
/** flow | fault | first exit | second exit, printed at the end for docs/reliability.md. */
const matrix: string[] = []
let s3: S3Client

useTestAwsEnv({AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER'})

beforeAll(() => {
  s3 = new S3Client({
    credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
    endpoint: emu.s3!.url,
    forcePathStyle: true,
    region: 'us-east-1',
    requestHandler: new NodeHttpHandler(),
  })
})

afterAll(() => {
  process.stdout.write(`fault matrix (flow | fault | faulted run exit | clean re-run exit):\n${matrix.join('\n')}\n`)
  s3?.destroy()
})

/** A fake service, and (for faulted runs) the proxy in front of it. */
interface Wire {
  fake: JsonServiceFake
  proxy: FaultProxy
  stop(): Promise<void>
}

async function wire(format: WireFormat, fake: Parameters<typeof startJsonServiceFake>[0]): Promise<Wire> {
  const server = await startJsonServiceFake(fake)
  const proxy = await startFaultProxy({every: 3, format, target: server.url})
  return {
    fake: server,
    proxy,
    async stop() {
      await proxy.stop()
      await server.stop()
    },
  }
}

/** Run once with the fault (every third request, or an outage from the third on), then clean. */
async function faultedThenClean(
  fault: Fault,
  outage: boolean,
  endpoint: {env: string; wire: Wire},
  argv: string[],
): Promise<{first: number; second: number}> {
  process.env[endpoint.env] = endpoint.wire.proxy.url
  endpoint.wire.proxy.set(fault, outage ? {outageAfter: 2} : {})
  const first = await runJson([...argv, '--max-attempts', '3'])
  // The matrix is not vacuous: the faulted run met at least one fault.
  expect(endpoint.wire.proxy.injected).toBeGreaterThan(0)
  endpoint.wire.proxy.set(undefined)
  const second = await runJson(argv)
  matrix.push(
    `${argv.slice(0, 2).join(' ')} | ${fault}${outage ? ' (outage)' : ' (every 3rd)'} | ${first.exitCode} | ${second.exitCode}`,
  )
  return {first: first.exitCode, second: second.exitCode}
}

/** The CLI in a child process, killed with SIGKILL when `killNow` is called (from the fake). */
function spawnCli(argv: string[], env: Record<string, string>): {child: ChildProcess; exited: Promise<void>} {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/dev.js'), ...argv, '--json'], {
    cwd: ROOT,
    env: {...process.env, ...env},
    stdio: 'ignore',
  })
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
  })
  return {child, exited}
}

/**
 * Run the CLI in a child process against the fake (no proxy) and SIGKILL it from the fake right
 * after its `killAfter`-th state change, then run the same command again in-process.
 */
async function killedThenRerun(
  endpointEnv: string,
  start: (afterMutation: () => void) => Promise<Wire>,
  argv: string[],
  killAfter: number,
): Promise<number> {
  let mutations = 0
  let cli: ReturnType<typeof spawnCli> | undefined
  const w = await start(() => {
    if (++mutations === killAfter) cli?.child.kill('SIGKILL')
  })
  try {
    cli = spawnCli(argv, {[endpointEnv]: w.fake.url})
    await cli.exited
    expect(cli.child.signalCode).toBe('SIGKILL')
    process.env[endpointEnv] = w.fake.url
    return (await runJson(argv)).exitCode
  } finally {
    await w.stop()
  }
}

// ---- Glue: partition-sync --apply -------------------------------------------------------------

const DAYS = Array.from({length: 12}, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`)

function salesTable(bucket: string): Table {
  return {
    DatabaseName: 'lake',
    Name: 'sales',
    Parameters: {classification: 'json'},
    PartitionKeys: [{Name: 'dt', Type: 'string'}],
    StorageDescriptor: {
      Columns: [{Name: 'id', Type: 'bigint'}],
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      Location: `s3://${bucket}/sales/`,
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: {SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'},
    },
    TableType: 'EXTERNAL_TABLE',
  }
}

/**
 * S3 holds 12 daily partitions; the catalog holds 3 of them right, one at an old location (a
 * relocation) and two whose data is gone (drops with --prune): the plan adds 8, relocates 1, drops 2.
 */
async function glueWorld(bucket: string): Promise<MemoryGlue> {
  await s3.send(new CreateBucketCommand({Bucket: bucket}))
  for (const day of DAYS)
    await s3.send(new PutObjectCommand({Body: '{"id":1}\n', Bucket: bucket, Key: `sales/dt=${day}/part-0.json`}))
  const glue = new MemoryGlue(salesTable(bucket))
  for (const day of DAYS.slice(0, 3)) glue.put([day], `s3://${bucket}/sales/dt=${day}/`)
  glue.put([DAYS[3]!], `s3://${bucket}/staging/dt=${DAYS[3]}/`)
  for (const gone of ['2023-12-30', '2023-12-31']) glue.put([gone], `s3://${bucket}/sales/dt=${gone}/`)
  return glue
}

/** Exactly the planned catalog: the 12 days, each once, at its S3 prefix, nothing else. */
function expectGlueConverged(glue: MemoryGlue, bucket: string): void {
  const catalog = [...glue.partitions.values()]
    .map((p) => [p.Values![0], p.StorageDescriptor?.Location])
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
  expect(catalog).toEqual(DAYS.map((day) => [day, `s3://${bucket}/sales/dt=${day}/`]))
}

const GLUE_MUTATIONS = ['BatchCreatePartition', 'BatchDeletePartition', 'BatchUpdatePartition']
const glueArgv = [
  'glue',
  'partition-sync',
  '--database',
  'lake',
  '--table',
  'sales',
  '--prune',
  '--max-drop-pct',
  '100',
]

async function glueWire(glue: MemoryGlue, afterMutation?: () => void): Promise<Wire> {
  return wire('glue-json', {
    afterMutation,
    answer: (op, input) => glue.answer(op as Parameters<MemoryGlue['answer']>[0], input),
    contentType: 'application/x-amz-json-1.1',
    mutations: GLUE_MUTATIONS,
    targetPrefix: 'AWSGlue',
  })
}

function useS3(): void {
  process.env.AWS_ENDPOINT_URL_S3 = emu.s3!.url
}

describe('glue partition-sync --apply through the fault proxy', () => {
  for (const [i, fault] of FAULTS.entries()) {
    for (const outage of [false, true]) {
      it(`${fault}${outage ? ', outage' : ', every third request'}`, async () => {
        const bucket = `faults-glue-${i}-${outage ? 'o' : 'e'}`
        const glue = await glueWorld(bucket)
        const w = await glueWire(glue)
        try {
          useS3()
          const runs = await faultedThenClean(fault, outage, {env: 'AWS_ENDPOINT_URL_GLUE', wire: w}, [
            ...glueArgv,
            '--apply',
            '--yes',
          ])
          expect(DOCUMENTED).toContain(runs.first)
          expect(runs.second).toBe(0)
          expectGlueConverged(glue, bucket)
        } finally {
          await w.stop()
        }
      }, 120_000)
    }
  }

  it('killed (SIGKILL) right after a random batch was applied, then run again', async () => {
    const bucket = 'faults-glue-killed'
    const glue = await glueWorld(bucket)
    // One of the three batches (create, delete, update), picked at random: the kill lands after it.
    const killAfter = 1 + Math.floor(Math.random() * GLUE_MUTATIONS.length)
    useS3()
    const again = await killedThenRerun(
      'AWS_ENDPOINT_URL_GLUE',
      (afterMutation) => glueWire(glue, afterMutation),
      [...glueArgv, '--apply', '--yes'],
      killAfter,
    )
    matrix.push(`glue partition-sync | kill after mutation ${killAfter} of 3 | killed | ${again}`)
    expect(again).toBe(0)
    expectGlueConverged(glue, bucket)
  }, 120_000)
})

// ---- Step Functions: sfn redrive ----------------------------------------------------------------

/** Five executions stopped in the last day (to redrive), one that succeeded, one stopped long ago. */
function sfnWorld(machine: string): {redrivable: string[]; sfn: MemorySfn} {
  const sfn = new MemorySfn(machine)
  const now = Date.now()
  const stopped = (name: string, hoursAgo: number, status: 'ABORTED' | 'FAILED' | 'TIMED_OUT') =>
    sfn.add({
      cause: 'Rate exceeded',
      error: 'Lambda.TooManyRequestsException',
      name,
      redriveCount: 0,
      startDate: new Date(now - (hoursAgo + 1) * HOUR),
      status,
      stopDate: new Date(now - hoursAgo * HOUR),
    })
  const redrivable = [
    stopped('failed-1', 1, 'FAILED'),
    stopped('failed-2', 2, 'FAILED'),
    stopped('failed-3', 3, 'FAILED'),
    stopped('timed-out', 4, 'TIMED_OUT'),
    stopped('aborted', 5, 'ABORTED'),
  ]
  stopped('last-month', 24 * 30, 'FAILED')
  sfn.add({name: 'fine', redriveCount: 0, startDate: new Date(now - HOUR), status: 'SUCCEEDED', stopDate: new Date()})
  return {redrivable, sfn}
}

/** Every execution of the window redriven exactly once; the others untouched. */
function expectSfnConverged(sfn: MemorySfn, redrivable: string[]): void {
  for (const [arn, e] of sfn.executions) {
    expect([e.name, e.redriveCount]).toEqual([e.name, redrivable.includes(arn) ? 1 : 0])
    if (redrivable.includes(arn)) expect(e.status).toBe('RUNNING')
  }
}

async function sfnWire(sfn: MemorySfn, afterMutation?: () => void): Promise<Wire> {
  return wire('sfn-json', {
    afterMutation,
    answer: (op, input) => sfn.answer(op, input as Record<string, unknown>),
    contentType: 'application/x-amz-json-1.0',
    mutations: ['RedriveExecution'],
    targetPrefix: 'AWSStepFunctions',
  })
}

describe('sfn redrive --apply through the fault proxy', () => {
  for (const [i, fault] of FAULTS.entries()) {
    for (const outage of [false, true]) {
      it(`${fault}${outage ? ', outage' : ', every third request'}`, async () => {
        const {redrivable, sfn} = sfnWorld(`orders-${i}-${outage ? 'o' : 'e'}`)
        const w = await sfnWire(sfn)
        try {
          const argv = ['sfn', 'redrive', '--state-machine', sfn.machineName, '--rate', '50', '--apply', '--yes']
          const runs = await faultedThenClean(fault, outage, {env: 'AWS_ENDPOINT_URL_SFN', wire: w}, argv)
          expect(DOCUMENTED).toContain(runs.first)
          expect(runs.second).toBe(0)
          expectSfnConverged(sfn, redrivable)
        } finally {
          await w.stop()
        }
      }, 120_000)
    }
  }

  it('killed (SIGKILL) right after a random redrive was accepted, then run again', async () => {
    const {redrivable, sfn} = sfnWorld('orders-killed')
    const killAfter = 1 + Math.floor(Math.random() * redrivable.length)
    const again = await killedThenRerun(
      'AWS_ENDPOINT_URL_SFN',
      (afterMutation) => sfnWire(sfn, afterMutation),
      ['sfn', 'redrive', '--state-machine', sfn.machineName, '--rate', '50', '--apply', '--yes'],
      killAfter,
    )
    matrix.push(`sfn redrive | kill after redrive ${killAfter} of ${redrivable.length} | killed | ${again}`)
    expect(again).toBe(0)
    expectSfnConverged(sfn, redrivable)
  }, 120_000)
})
