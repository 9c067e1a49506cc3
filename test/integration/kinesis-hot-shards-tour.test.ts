import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import type {HotShardsResult} from '../../src/lib/kinesis/hot-shards.js'
import type {KeySpreadResult} from '../../src/lib/kinesis/key-spread.js'

import {createClientFactory} from '../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../src/lib/aws/settings.js'
import {KINESIS_DEMO_HOT_KEY, KINESIS_DEMO_STREAM, kinesisSeed} from '../../src/lib/sandbox/seeds/kinesis.js'
import {TOUR} from '../../src/lib/sandbox/tour.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {useEmulators} from '../helpers/emulators.js'
import {resultOf, runJson} from '../helpers/run.js'

describe('kinesis sandbox seed and tour steps (kinesis-local)', () => {
  const emu = useEmulators({kinesis: true})
  useTestAwsEnv()
  const workDir = mkdtempSync(join(tmpdir(), 'pipeops-kinesis-tour-'))
  afterAll(() => rmSync(workDir, {force: true, recursive: true}))

  it('seeds the skewed stream (idempotently) and every kinesis tour step exits as the tour expects', async () => {
    const settings = await resolveAwsSettings({endpointUrl: emu.kinesis!.url, env: {}, region: 'us-east-1'})
    const kinesis = await createClientFactory(settings, 'pipeops/test').create('kinesis')
    const context = {kinesis, log() {}, s3: undefined as never, workDir}
    const first = await kinesisSeed.run(context)
    const second = await kinesisSeed.run(context)
    expect(second).toEqual(first)
    expect(first[0]).toMatchObject({kind: 'Kinesis stream', name: KINESIS_DEMO_STREAM})

    process.env.AWS_ENDPOINT_URL_KINESIS = emu.kinesis!.url
    // The hot-shards flow's own steps (the resharding demo's steps follow them in the tour).
    const steps = TOUR.filter(
      (t) =>
        t.argv[0] === 'kinesis' &&
        ['hot-shards', 'key-spread', 'where-is'].includes(t.argv[1]!) &&
        !t.argv.some((a) => a.includes('shards-after')),
    )
    expect(steps.length).toBe(4)
    for (const step of steps) {
      const argv = step.argv.map((a) => a.replaceAll('{workDir}', workDir))

      const run = await runJson(argv)
      expect({exit: run.exitCode, step: step.title}).toEqual({exit: (step.expectExit ?? [0])[0], step: step.title})
      if (argv[1] === 'hot-shards') {
        const r = resultOf(run as Awaited<ReturnType<typeof runJson<HotShardsResult>>>)
        expect(r.verdict).toBe('hot-shard')
        expect(r.shards[0]!.topKeys[0]!.partitionKey).toBe(KINESIS_DEMO_HOT_KEY)
        expect(r.shards[0]!.split?.basis).toBe('load-weighted median')
      }

      if (argv[1] === 'key-spread') {
        const r = resultOf(run as Awaited<ReturnType<typeof runJson<KeySpreadResult>>>)
        expect(r.counts.map((c) => c.shardCount)).toEqual([4, 8, 16])
        expect(r.smallestShardCount?.shardCount).toBeGreaterThan(4)
      }
    }
  }, 120_000)
})
