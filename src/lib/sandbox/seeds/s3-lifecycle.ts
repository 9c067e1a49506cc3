/**
 * Demo data for `s3 lifecycle`: in the sandbox folder, a hand-written lifecycle policy with the
 * classic mistakes (Standard-IA before 30 days, expiration before the Glacier transition, abort
 * with a tag filter, delete markers with Days) for `lint`; in the sandbox S3, a small data lake of
 * CSV files of mixed sizes (many tiny ones) for `generate --sample-bucket` estimates.
 */
import {CreateBucketCommand, HeadBucketCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

export const LIFECYCLE_DEMO_BUCKET = 'pipeops-demo-lifecycle'

/** The broken policy lint demonstrates: each rule carries a mistake S3 rejects. */
export const BROKEN_POLICY = {
  Rules: [
    {
      AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7},
      Expiration: {Days: 365},
      Filter: {And: {Prefix: 'raw/csv/', Tags: [{Key: 'team', Value: 'data'}]}},
      ID: 'csv-archive',
      Status: 'Enabled',
      Transitions: [
        {Days: 14, StorageClass: 'STANDARD_IA'},
        {Days: 730, StorageClass: 'GLACIER'},
      ],
    },
    {
      Expiration: {Days: 30, ExpiredObjectDeleteMarker: true},
      Filter: {Prefix: ''},
      ID: 'cleanup',
      Status: 'Enabled',
    },
  ],
}

/** Keys and sizes of the demo lake: 40 tiny CSV files and 6 large ones. */
export function lifecycleDemoObjects(): Array<{key: string; size: number}> {
  const objects: Array<{key: string; size: number}> = []
  for (let i = 0; i < 40; i++)
    objects.push({key: `raw/csv/2026/11/small-${String(i).padStart(3, '0')}.csv`, size: 2000 + i * 50})
  for (let i = 0; i < 6; i++) objects.push({key: `raw/csv/2026/11/daily-${i}.csv`, size: 512 * 1024 + i * 1024})
  return objects
}

export const s3LifecycleSeed: Seed = {
  name: 's3-lifecycle',
  async run({log, s3, workDir}) {
    const dir = path.join(workDir, 's3-lifecycle')
    await mkdir(dir, {recursive: true})
    const broken = path.join(dir, 'broken-lifecycle.json')
    await writeFileAtomic(broken, `${JSON.stringify(BROKEN_POLICY, null, 2)}\n`)
    try {
      await s3.send(new HeadBucketCommand({Bucket: LIFECYCLE_DEMO_BUCKET}))
    } catch {
      await s3.send(new CreateBucketCommand({Bucket: LIFECYCLE_DEMO_BUCKET}))
    }

    const objects = lifecycleDemoObjects()
    log(`s3-lifecycle: writing ${objects.length} CSV objects to s3://${LIFECYCLE_DEMO_BUCKET}/raw/csv/`)
    for (const o of objects) {
      // Same key and body every run: the seed stays idempotent.
      await s3.send(new PutObjectCommand({Body: Buffer.alloc(o.size, 'a'), Bucket: LIFECYCLE_DEMO_BUCKET, Key: o.key}))
    }

    return [
      {kind: 'local file', name: broken, note: 'a lifecycle policy S3 would reject, for lint'},
      {
        kind: 'S3 bucket',
        name: LIFECYCLE_DEMO_BUCKET,
        note: `${objects.length} CSV objects under raw/csv/ (40 under 128 KB)`,
      },
    ]
  },
}
