import {S3Client} from '@aws-sdk/client-s3'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {GenerateCommandResult} from '../../src/commands/s3/lifecycle/generate.js'

import {LIFECYCLE_DEMO_BUCKET, lifecycleDemoObjects, s3LifecycleSeed} from '../../src/lib/sandbox/seeds/s3-lifecycle.js'
import {TOUR} from '../../src/lib/sandbox/tour.js'
import {CLASSIC_GENERATE} from '../fixtures/s3-lifecycle/classic-argv.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {resultOf, runJson, runText} from '../helpers/run.js'

const emu = useEmulators({s3: true})
const log = (): void => {}

describe('s3 lifecycle against s3rver (seed, --sample-bucket, tour)', () => {
  useTestAwsEnv({AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER'})
  const workDir = mkdtempSync(path.join(tmpdir(), 's3lc-sandbox-'))

  beforeEach(() => {
    process.env.AWS_ENDPOINT_URL_S3 = emu.s3!.url
  })

  it('seeds idempotently, samples the bucket and runs every lifecycle tour step with its expected exit code', async () => {
    const s3 = new S3Client({
      credentials: {accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER'},
      endpoint: emu.s3!.url,
      forcePathStyle: true,
      region: 'us-east-1',
    })
    const first = await s3LifecycleSeed.run({kinesis: undefined as never, log, s3, workDir})
    const second = await s3LifecycleSeed.run({kinesis: undefined as never, log, s3, workDir})
    expect(second).toEqual(first)

    const result = resultOf(
      await runJson<GenerateCommandResult>([...CLASSIC_GENERATE, '--sample-bucket', LIFECYCLE_DEMO_BUCKET]),
    )
    const objects = lifecycleDemoObjects()
    expect(result.estimate!.sample).toMatchObject({
      bucket: LIFECYCLE_DEMO_BUCKET,
      complete: true,
      objects: objects.length,
    })
    expect(result.estimate!.sample!.bytes).toBe(objects.reduce((s, o) => s + o.size, 0))
    // The 40 tiny files never move (128 KB default minimum); the 6 large new ones go to IA at day 180 and Glacier at 730.
    expect(result.estimate!.scenarios[0]!.smallObjects).toBe(40)
    expect(result.estimate!.scenarios[0]!.transitions.map((t) => [t.storageClass, t.requests])).toEqual([
      ['STANDARD_IA', 6],
      ['GLACIER', 6],
    ])

    // --sample-limit stops the listing and the sample says it is partial.
    const limited = resultOf(
      await runJson<GenerateCommandResult>([
        's3',
        'lifecycle',
        'generate',
        '--expire-after',
        '30d',
        '--sample-bucket',
        LIFECYCLE_DEMO_BUCKET,
        '--sample-limit',
        '10',
      ]),
    )
    expect(limited.estimate!.sample).toMatchObject({complete: false, objects: 10})

    const steps = TOUR.filter((s) => s.argv[0] === 's3' && s.argv[1] === 'lifecycle')
    expect(steps.length).toBeGreaterThanOrEqual(5)
    for (const step of steps) {
      const argv = step.argv.map((a) => a.replace('{workDir}', workDir))
      const run = await runText(argv)
      expect(step.expectExit ?? [0], `${step.title}\n${run.stderr}`).toContain(run.exitCode)
    }
  })
})
