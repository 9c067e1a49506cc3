import {S3Client} from '@aws-sdk/client-s3'
import {afterAll, beforeAll} from 'vitest'

import {type EmulatorHandle, startDynalite, startKinesisLocal, startS3rver} from '../../src/lib/sandbox/emulators.js'

export interface Emulators {
  dynamodb?: EmulatorHandle
  kinesis?: EmulatorHandle
  s3?: EmulatorHandle
}

/**
 * Start the requested emulators on free 127.0.0.1 ports before the file's tests and stop them
 * (by PID) afterwards. The returned object is filled in by beforeAll.
 */
export function useEmulators(which: {dynamodb?: boolean; kinesis?: boolean; s3?: boolean}): Emulators {
  const emulators: Emulators = {}
  beforeAll(async () => {
    const env = {PATH: process.env.PATH}
    const [kinesis, s3, dynamodb] = await Promise.all([
      which.kinesis ? startKinesisLocal({env, operationDelayMs: 100}) : undefined,
      which.s3 ? startS3rver({env}) : undefined,
      which.dynamodb ? startDynalite({env}) : undefined,
    ])
    if (kinesis) emulators.kinesis = kinesis
    if (s3) emulators.s3 = s3
    if (dynamodb) emulators.dynamodb = dynamodb
  })
  afterAll(async () => {
    await Promise.all([emulators.kinesis?.stop(), emulators.s3?.stop(), emulators.dynamodb?.stop()])
  })
  return emulators
}

/** An S3 client for the s3rver emulator at `url` (its fixed credentials, path-style addressing). */
export function s3rverClient(url: string): S3Client {
  return new S3Client({
    credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
    endpoint: url,
    forcePathStyle: true,
    region: 'us-east-1',
  })
}
