/**
 * Kinesis demo data: a 4-shard stream fed by a skewed producer (one tenant sends half of all
 * records, plus a KPL-aggregating producer), and the same mix at production rates as a local
 * record file, with the stream's saved shard map, for the offline demos. `kinesis hot-shards` finds the tenant's shard and key;
 * `kinesis reshard --split-hot` can then split it.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'

import type {Seed} from '../types.js'

import {abortOpts} from '../../aws/abort.js'
import {writeFileAtomic} from '../../core/atomic-write.js'
import {sleep} from '../../core/sleep.js'
import {hashKeyOfPartitionKey} from '../../kinesis/hash-key.js'
import {aggregate} from '../../kinesis/kpl.js'

/** The sandbox's skewed stream (also used by the resharding demo). */
export const KINESIS_DEMO_STREAM = 'pipeops-demo-clicks'
export const KINESIS_DEMO_SHARDS = 4
/** The tenant whose traffic makes one shard hot. */
export const KINESIS_DEMO_HOT_KEY = 'tenant-acme'

/** What the seed writes to the emulator: small, because kinesis-local takes about 1 ms per record. */
const STREAM_TRAFFIC = {hotEvery: 2, payloadBytes: 200, records: 4000, seconds: 60}
/**
 * The offline record file: three minutes at about 1200 records/s of 1.6 KB. The tenant's shard
 * runs near 90 % of its limit, the tenant alone near 60 %: a split at the load-weighted median fixes it.
 */
const FILE_TRAFFIC = {hotEvery: 3, payloadBytes: 1600, records: 212_400, seconds: 180}

export interface DemoRecord {
  explicitHashKey?: string | undefined
  partitionKey: string
  payload: Uint8Array
  timestampMs: number
  /** The user records packed in a KPL aggregate (for files, which hold user records). */
  users?: Array<{bytes: number; partitionKey: string}> | undefined
}

/**
 * The demo traffic, deterministic: one record in `hotEvery` comes from one tenant, one in fifty is
 * a KPL aggregate of 25 device readings (20 from one device), the rest from 2000 users.
 */
export function demoTraffic(
  startMs: number,
  shape: {hotEvery: number; payloadBytes: number; records: number; seconds: number},
): DemoRecord[] {
  const out: DemoRecord[] = []
  const payload = new Uint8Array(shape.payloadBytes).fill(0x78)
  const kplUsers = Array.from({length: 25}, (_, i) => ({
    data: new Uint8Array(120).fill(0x79),
    partitionKey: i < 20 ? 'device-42' : `device-${100 + i}`,
  }))
  const kpl = aggregate(kplUsers)
  const users = kplUsers.map((u) => ({bytes: u.data.length, partitionKey: u.partitionKey}))
  for (let i = 0; i < shape.records; i++) {
    const timestampMs = startMs + Math.floor((i / shape.records) * shape.seconds * 1000)
    if (i % shape.hotEvery === 0) out.push({partitionKey: KINESIS_DEMO_HOT_KEY, payload, timestampMs})
    else if (i % 50 === 7)
      out.push({
        explicitHashKey: hashKeyOfPartitionKey('device-42').toString(),
        partitionKey: 'kpl-aggregate',
        payload: kpl,
        timestampMs,
        users,
      })
    else out.push({partitionKey: `user-${(i * 7919) % 2000}`, payload, timestampMs})
  }

  return out
}

async function ensureStream(kinesis: KinesisClient): Promise<boolean> {
  try {
    await kinesis.send(new DescribeStreamSummaryCommand({StreamName: KINESIS_DEMO_STREAM}))
    return false
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as Error).name !== 'ResourceNotFoundException')
      throw error
  }

  await kinesis.send(new CreateStreamCommand({ShardCount: KINESIS_DEMO_SHARDS, StreamName: KINESIS_DEMO_STREAM}))
  return true
}

async function waitActive(kinesis: KinesisClient): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({StreamName: KINESIS_DEMO_STREAM}))
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return

    await delay(100)
  }

  throw new Error(`${KINESIS_DEMO_STREAM} did not become ACTIVE`)
}

async function putTraffic(kinesis: KinesisClient, traffic: DemoRecord[], signal?: AbortSignal): Promise<void> {
  const entries: PutRecordsRequestEntry[] = traffic.map((t) => ({
    Data: t.payload,
    PartitionKey: t.partitionKey,
    ...(t.explicitHashKey ? {ExplicitHashKey: t.explicitHashKey} : {}),
  }))
  for (let i = 0; i < entries.length; i += 500) {
    const out = await kinesis.send(
      new PutRecordsCommand({Records: entries.slice(i, i + 500), StreamName: KINESIS_DEMO_STREAM}),
      abortOpts(signal),
    )
    if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} demo records were rejected by the emulator`)
  }
}

/**
 * While the sandbox runs, the demo producer keeps writing the same skewed mix (one tenant sends
 * half of the records), so `kinesis hot-shards` finds the hot shard whenever it is run, not only
 * in the minutes after seeding. 250 records of 200 bytes every 5 s (50 records/s, 10 KB/s in all;
 * the hot shard gets about 30 records/s): far inside a shard's limits and the emulator's speed
 * (about 1 ms per record). Stops when `signal` aborts; `onError` hears a failure, then it stops.
 */
export async function keepProducing(
  kinesis: KinesisClient,
  options: {everyMs?: number; onError?: (message: string) => void; signal: AbortSignal; sleep?: typeof sleep},
): Promise<number> {
  const everyMs = options.everyMs ?? 5000
  const wait = options.sleep ?? sleep
  let batches = 0
  while (!options.signal.aborted) {
    try {
      await putTraffic(kinesis, demoTraffic(Date.now(), PRODUCER_TRAFFIC), options.signal)
      batches++
      await wait(everyMs, options.signal)
    } catch (error) {
      if (!options.signal.aborted) options.onError?.(`the demo producer stopped: ${(error as Error).message}`)
      break
    }
  }

  return batches
}

/** One batch of the running producer: the seed's mix, 5 seconds at 50 records/s. */
const PRODUCER_TRAFFIC = {hotEvery: 2, payloadBytes: 200, records: 250, seconds: 5}

export const kinesisSeed: Seed = {
  name: 'kinesis',
  async run({kinesis, log, workDir}) {
    const created = await ensureStream(kinesis)
    await waitActive(kinesis)
    log(
      `${created ? 'Created' : 'Reusing'} stream ${KINESIS_DEMO_STREAM} (${KINESIS_DEMO_SHARDS} shards); writing ${STREAM_TRAFFIC.records} records from a skewed producer`,
    )
    await putTraffic(kinesis, demoTraffic(Date.now(), STREAM_TRAFFIC))

    // The same traffic offline: a JSON Lines record file and the stream's saved shard map.
    const dir = join(workDir, 'kinesis')
    await mkdir(dir, {recursive: true})
    const fileStart = Date.parse('2026-01-15T09:00:00Z')
    const lines: string[] = []
    for (const t of demoTraffic(fileStart, FILE_TRAFFIC)) {
      const timestamp = new Date(t.timestampMs).toISOString()
      if (t.users)
        for (const u of t.users) lines.push(JSON.stringify({bytes: u.bytes, partitionKey: u.partitionKey, timestamp}))
      else lines.push(JSON.stringify({bytes: t.payload.length, partitionKey: t.partitionKey, timestamp}))
    }

    await writeFileAtomic(join(dir, 'clicks.jsonl'), `${lines.join('\n')}\n`)
    const shards = await kinesis.send(
      new ListShardsCommand({ShardFilter: {Type: 'AT_LATEST'}, StreamName: KINESIS_DEMO_STREAM}),
    )
    await writeFileAtomic(join(dir, 'shards.json'), `${JSON.stringify({Shards: shards.Shards ?? []}, null, 2)}\n`)
    return [
      {
        kind: 'Kinesis stream',
        name: KINESIS_DEMO_STREAM,
        note: `${KINESIS_DEMO_SHARDS} shards; "${KINESIS_DEMO_HOT_KEY}" sends half of the records, one shard is hot`,
      },
      {
        kind: 'local file',
        name: join(dir, 'clicks.jsonl'),
        note: 'three minutes of the skewed traffic at full rate, as JSON Lines',
      },
      {kind: 'local file', name: join(dir, 'shards.json'), note: 'saved ListShards output of the stream'},
    ]
  },
}
