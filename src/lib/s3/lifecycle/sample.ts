/**
 * --sample-bucket: list objects with ListObjectsV2 (up to a limit) for counts, sizes, ages and
 * current storage classes, to feed the estimate with the real size distribution.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import type {Cohort} from './estimate.js'

import {abortOpts} from '../../aws/abort.js'
import {isStorageClassName, KB128, type StorageClassName} from './model.js'

export interface SizeBucket {
  bytes: number
  label: string
  objects: number
}

export interface BucketSample {
  bucket: string
  bytes: number
  /** False when the listing stopped at the limit: counts are a lower bound. */
  complete: boolean
  objects: number
  pages: number
  prefix: string
  sizes: SizeBucket[]
}

const SIZE_EDGES: Array<[number, string]> = [
  [40 * 1024, '< 40 KiB'],
  [KB128, '40–128 KiB'],
  [2 ** 20, '128 KiB–1 MiB'],
  [16 * 2 ** 20, '1–16 MiB'],
  [128 * 2 ** 20, '16–128 MiB'],
  [2 ** 30, '128 MiB–1 GiB'],
  [Number.POSITIVE_INFINITY, '≥ 1 GiB'],
]

export interface SampleOptions {
  limit: number
  now: Date
  onPage?: ((listed: number) => void) | undefined
  prefix: string
  signal?: AbortSignal | undefined
}

export async function sampleBucket(
  s3: S3Client,
  bucket: string,
  options: SampleOptions,
): Promise<{cohorts: Cohort[]; sample: BucketSample}> {
  const {ListObjectsV2Command} = await import('@aws-sdk/client-s3')
  const cohorts: Cohort[] = []
  const sizes: SizeBucket[] = SIZE_EDGES.map(([, label]) => ({bytes: 0, label, objects: 0}))
  let token: string | undefined
  let pages = 0
  let bytes = 0
  let complete = false
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        ContinuationToken: token,
        MaxKeys: Math.min(1000, options.limit - cohorts.length),
        ...(options.prefix ? {Prefix: options.prefix} : {}),
      }),
      abortOpts(options.signal),
    )
    pages++
    for (const o of page.Contents ?? []) {
      if (cohorts.length >= options.limit) break
      const size = o.Size ?? 0
      const modified = o.LastModified ? new Date(o.LastModified).getTime() : options.now.getTime()
      const storageClass: StorageClassName = isStorageClassName(o.StorageClass) ? o.StorageClass : 'STANDARD'
      cohorts.push({
        ageDays: Math.max(0, Math.floor((options.now.getTime() - modified) / 86_400_000)),
        count: 1,
        key: o.Key ?? '',
        size,
        storageClass,
        tags: {},
      })
      bytes += size
      const idx = SIZE_EDGES.findIndex(([edge]) => size < edge)
      sizes[idx]!.objects++
      sizes[idx]!.bytes += size
    }

    options.onPage?.(cohorts.length)
    token = page.IsTruncated ? page.NextContinuationToken : undefined
    if (!token) complete = true
  } while (token && cohorts.length < options.limit)

  return {
    cohorts,
    sample: {
      bucket,
      bytes,
      complete,
      objects: cohorts.length,
      pages,
      prefix: options.prefix,
      sizes: sizes.filter((s) => s.objects > 0),
    },
  }
}
