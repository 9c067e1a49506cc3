import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pLimit from 'p-limit'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {PartitionSyncResult} from '../../src/lib/glue/partition-sync.js'

import {discoverPartitions} from '../../src/lib/glue/discover.js'
import {hiveLayout} from '../../src/lib/glue/layout.js'
import {makeScope} from '../../src/lib/glue/scope.js'
import {GLUE_DEMO_BUCKET, glueSeed} from '../../src/lib/sandbox/seeds/glue.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {resultOf, runJson} from '../helpers/run.js'

describe('glue partition-sync against s3rver', () => {
  useTestAwsEnv()
  const emu = useEmulators({s3: true})
  let workDir: string
  let s3: S3Client

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'pipeops-glue-int-'))
    s3 = new S3Client({
      credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
      endpoint: emu.s3!.url,
      forcePathStyle: true,
      region: 'us-east-1',
    })
    await glueSeed.run({kinesis: undefined as never, log() {}, s3, workDir})
    // A wide level: 1,200 partitions, each with an s3n `_$folder$` marker next to it, so that one
    // delimiter listing has 2,400 entries and must follow continuation tokens.
    await s3.send(new CreateBucketCommand({Bucket: 'wide'}))
    const limit = pLimit(16)
    await Promise.all(
      Array.from({length: 1200}, (_, i) => String(i).padStart(4, '0')).flatMap((id) => [
        limit(() =>
          s3.send(new PutObjectCommand({Body: Buffer.from('x'), Bucket: 'wide', Key: `events/id=${id}/part-0.json`})),
        ),
        limit(() =>
          s3.send(new PutObjectCommand({Body: Buffer.alloc(0), Bucket: 'wide', Key: `events/id=${id}_$folder$`})),
        ),
      ]),
    )
  }, 180_000)

  afterAll(async () => {
    await rm(workDir, {force: true, recursive: true})
  })

  beforeEach(() => {
    // s3rver checks signatures against its own default key pair.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_ENDPOINT_URL_S3: emu.s3!.url,
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    })
  })

  it('walks a level of 1,200 partitions with real ListObjectsV2 paging (delimiter + continuation tokens)', async () => {
    const d = await discoverPartitions(s3, {
      concurrency: 4,
      layout: hiveLayout('s3://wide/events/', [{name: 'id', type: 'int'}]),
      scope: makeScope([], {}),
    })
    expect(d.partitions).toHaveLength(1200)
    expect(new Set(d.partitions.map((p) => p.values[0])).size).toBe(1200)
    expect(d.partitions[1199]).toMatchObject({location: 's3://wide/events/id=1199/', values: ['1199']})
    expect(d.scanned.ignored.folderMarkers).toBe(1200)
    expect(d.scanned.requests).toBeGreaterThanOrEqual(2)
  })

  it('plans the sandbox orders table offline: add, relocate, drop, drift and anomalies', async () => {
    const dir = path.join(workDir, 'glue')
    const run = await runJson<PartitionSyncResult>([
      'glue',
      'partition-sync',
      '--table-json',
      path.join(dir, 'orders-table.json'),
      '--partitions-json',
      path.join(dir, 'orders-partitions.json'),
      '--tables-json',
      path.join(dir, 'sales-tables.json'),
      '--prune',
      '--check-empty',
    ])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.plan.add).toEqual([
      {location: `s3://${GLUE_DEMO_BUCKET}/warehouse/orders/region=us/dt=2026-11-21/`, values: ['us', '2026-11-21']},
    ])
    expect(r.plan.relocate).toEqual([
      {
        from: `s3://${GLUE_DEMO_BUCKET}/staging/orders/region=eu/dt=2026-11-18/`,
        to: `s3://${GLUE_DEMO_BUCKET}/warehouse/orders/region=eu/dt=2026-11-18/`,
        values: ['eu', '2026-11-18'],
      },
    ])
    expect(r.plan.drop).toEqual([
      {
        hasData: false,
        location: `s3://${GLUE_DEMO_BUCKET}/warehouse/orders/region=eu/dt=2026-11-16/`,
        values: ['eu', '2026-11-16'],
      },
    ])
    expect(r.plan.drift.map((d) => d.values)).toEqual([['us', '2026-11-19']])
    // The staging partition outside the table's root is relocated above: the relocation is its
    // fix, so it is not also reported as an outside-root anomaly.
    expect(r.plan.anomalies.map((a) => a.kind).sort()).toEqual(['invalid-value', 'nested-table', 'no-template-match'])
    expect(r.scanned.empty).toBe(1)
    expect(r.scanned.ignored).toMatchObject({folderMarkers: 1, hidden: 1})
    expect(r.refusals).toEqual([])
  })

  it('plans the sandbox Firehose table from its storage.location.template', async () => {
    const dir = path.join(workDir, 'glue')
    const run = await runJson<PartitionSyncResult>([
      'glue',
      'partition-sync',
      '--table-json',
      path.join(dir, 'clicks-table.json'),
      '--partitions-json',
      path.join(dir, 'clicks-partitions.json'),
    ])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.template).toBe(`s3://${GLUE_DEMO_BUCKET}/firehose/clicks/\${dt}/`)
    expect(r.plan.add.map((a) => a.values[0])).toEqual(['2026/11/20/23', '2026/11/21/10', '2026/11/21/11'])
    expect(r.plan.add[0]!.location).toBe(`s3://${GLUE_DEMO_BUCKET}/firehose/clicks/2026/11/20/23/`)
  })
})
