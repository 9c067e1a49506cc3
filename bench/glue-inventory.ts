/**
 * glue partition-sync discovery: S3 Inventory report vs the listing walk, with 30 ms added to
 * every S3 call (list and get alike). Scaled to PARTITIONS partitions × OBJECTS_PER_PARTITION
 * objects (the 5 M / 200,000 scaled by SCALE). Run: node --import tsx bench/glue-inventory.ts [scale]
 */
import {GetObjectCommand, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {Readable} from 'node:stream'
import {setTimeout as sleep} from 'node:timers/promises'
import {gzipSync} from 'node:zlib'

import {discoverPartitions} from '../src/lib/glue/discover.js'
import {discoverFromInventory} from '../src/lib/glue/inventory-discovery.js'
import {hiveLayout, type PartitionKey} from '../src/lib/glue/layout.js'
import {makeScope} from '../src/lib/glue/scope.js'
import {MemoryS3} from '../test/fixtures/glue/memory-s3.js'

const LATENCY_MS = 30
const SCALE = Number(process.argv[2] ?? '0.1')
const REGIONS = 20
const DAYS = Math.round(1000 * SCALE)
const SOURCES = 10
const OBJECTS_PER_PARTITION = 25
const REPORT_MS = Date.UTC(2026, 0, 1) + DAYS * 86_400_000

const keys: PartitionKey[] = [
  {format: undefined, name: 'region', type: 'string'},
  {format: undefined, name: 'dt', type: 'date'},
  {format: undefined, name: 'source', type: 'string'},
]
const day = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)
const objects: Array<{key: string; size: number}> = []
for (let r = 0; r < REGIONS; r++)
  for (let d = 0; d < DAYS; d++)
    for (let s = 0; s < SOURCES; s++)
      for (let o = 0; o < OBJECTS_PER_PARTITION; o++)
        objects.push({key: `t/region=r${r}/dt=${day(d)}/source=s${s}/part-${o}.parquet`, size: 1000})
const partitions = REGIONS * DAYS * SOURCES
const memory = new MemoryS3(objects)
const FILE_ROWS = 100_000
const files: Buffer[] = []
for (let i = 0; i < objects.length; i += FILE_ROWS)
  files.push(
    gzipSync(
      objects
        .slice(i, i + FILE_ROWS)
        .map((o) => `"lake","${encodeURIComponent(o.key)}","${o.size}","2026-01-01T00:00:00.000Z"`)
        .join('\n'),
    ),
  )
const manifest = JSON.stringify({
  creationTimestamp: String(REPORT_MS),
  destinationBucket: 'arn:aws:s3:::inv',
  fileFormat: 'CSV',
  files: files.map((f, i) => ({key: `data/${i}.csv.gz`, MD5checksum: '0', size: f.length})),
  fileSchema: 'Bucket, Key, Size, LastModifiedDate',
  sourceBucket: 'lake',
  version: '2016-11-30',
})
const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
const mock = mockClient(s3)
let calls = 0
mock.on(ListObjectsV2Command).callsFake(async (input) => {
  calls++
  await sleep(LATENCY_MS)
  return memory.list(input)
})
mock.on(GetObjectCommand).callsFake(async (input: {Key?: string}) => {
  calls++
  await sleep(LATENCY_MS)
  const body =
    input.Key === 'm/manifest.json' ? Buffer.from(manifest) : files[Number(/data\/(\d+)/.exec(input.Key!)![1])]!
  return {Body: Readable.from([body])}
})
const layout = hiveLayout('s3://lake/t/', keys)

async function measure(name: string, fn: () => Promise<number>): Promise<void> {
  calls = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const found = await fn()
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  console.log(
    `${name}: ${found} partitions, ${calls} S3 calls, ${wall.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
  )
}

console.log(
  `${objects.length} objects, ${partitions} partitions (scale ${SCALE}), ${LATENCY_MS} ms per S3 call, concurrency 16; loadavg ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
for (let round = 0; round < 2; round++) {
  await measure(
    'walk     ',
    async () => (await discoverPartitions(s3, {concurrency: 16, layout, scope: makeScope(keys, {})})).partitions.length,
  )
  await measure('inventory', async () => {
    const out = await discoverFromInventory(
      s3,
      {concurrency: 16, layout, scope: makeScope(keys, {})},
      {hasDateKey: true, scopeSince: (since) => makeScope(keys, {}, since), uri: 's3://inv/m/manifest.json'},
    )
    return out.discovery.partitions.length
  })
}
