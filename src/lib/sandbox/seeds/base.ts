import {CreateBucketCommand, HeadBucketCommand} from '@aws-sdk/client-s3'

import type {Seed} from '../types.js'

export const SANDBOX_BUCKET = 'pipeops-sandbox'

/** A general-purpose bucket every demo may write to (copy-split output, lifecycle tests). */
export const baseSeed: Seed = {
  name: 'base',
  async run({s3}) {
    try {
      await s3.send(new HeadBucketCommand({Bucket: SANDBOX_BUCKET}))
    } catch {
      await s3.send(new CreateBucketCommand({Bucket: SANDBOX_BUCKET}))
    }

    return [{kind: 'S3 bucket', name: SANDBOX_BUCKET, note: 'scratch space for the demos'}]
  },
}
