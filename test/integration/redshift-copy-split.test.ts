import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {CopySplitResult} from '../../src/lib/redshift/copy-split.js'

import {REDSHIFT_DEMO_BUCKET, redshiftSeed} from '../../src/lib/sandbox/seeds/redshift.js'
import {TOUR} from '../../src/lib/sandbox/tour.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {s3rverClient, useEmulators} from '../helpers/emulators.js'
import {errorOf, resultOf, runJson, runText} from '../helpers/run.js'

const emu = useEmulators({s3: true})
let dir: string
let small: string
let big: string

function client(): S3Client {
  return s3rverClient(emu.s3!.url)
}

async function body(key: string): Promise<Buffer> {
  const out = await client().send(new GetObjectCommand({Bucket: 'loads', Key: key}))
  return Buffer.from(await out.Body!.transformToByteArray())
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-copy-split-s3-'))
  const lines = ['id,payload']
  for (let i = 0; i < 5000; i++) lines.push(`${i},"v ${i}, ""q""\nnext"`)
  small = path.join(dir, 'small.csv.gz')
  await writeFile(small, gzipSync(Buffer.from(lines.join('\n') + '\n')))
  // Incompressible rows: one part of ~9 MB, so it goes up as a multipart upload.
  const rows: string[] = []
  for (let i = 0; i < 110_000; i++) rows.push(`${i},${randomBytes(60).toString('base64')}`)
  big = path.join(dir, 'big.csv')
  await writeFile(big, rows.join('\n') + '\n')
})
afterAll(async () => {
  await rm(dir, {force: true, recursive: true})
})

describe('redshift copy-split to S3 (s3rver)', () => {
  useTestAwsEnv()

  beforeEach(async () => {
    process.env.AWS_ENDPOINT_URL_S3 = emu.s3!.url
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
    await client()
      .send(new CreateBucketCommand({Bucket: 'loads'}))
      .catch(() => {})
  })

  it('uploads the parts under a run sub-prefix and writes the manifest last', async () => {
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      small,
      '--out',
      's3://loads/events/',
      '--slices',
      '2',
      '--table',
      'events',
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(r.manifest).toMatch(/^s3:\/\/loads\/events\/run-[0-9a-f]{12}\/manifest\.json$/)
    expect(r.copySql).toContain(`FROM '${r.manifest}'`)
    const prefix = r.manifest.replace('s3://loads/', '').replace('manifest.json', '')
    const listed = await client().send(new ListObjectsV2Command({Bucket: 'loads', Prefix: prefix}))
    expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual([
      `${prefix}manifest.json`,
      `${prefix}part-0000.csv.gz`,
      `${prefix}part-0001.csv.gz`,
    ])
    const manifest = JSON.parse((await body(`${prefix}manifest.json`)).toString()) as {
      entries: Array<{meta: {content_length: number}; url: string}>
    }
    expect(manifest.entries.map((e) => e.url)).toEqual(r.parts.map((p) => p.path))
    let records = 0
    for (const e of manifest.entries) {
      const data = await body(e.url.replace('s3://loads/', ''))
      expect(data.length).toBe(e.meta.content_length)
      records += (gunzipSync(data).toString().match(/^\d+,/gm) ?? []).length
    }

    expect(records).toBe(5000)
  })

  it('reads the input from S3 too', async () => {
    const {readFile} = await import('node:fs/promises')
    await client().send(new PutObjectCommand({Body: await readFile(small), Bucket: 'loads', Key: 'raw/small.csv.gz'}))
    const r = resultOf(
      await runJson<CopySplitResult>([
        'redshift',
        'copy-split',
        '--input',
        's3://loads/raw/small.csv.gz',
        '--out',
        's3://loads/from-s3/',
        '--slices',
        '2',
      ]),
    )
    expect(r.input.records).toBe(5000)
    const missing = await runJson([
      'redshift',
      'copy-split',
      '--input',
      's3://loads/raw/nope.csv.gz',
      '--out',
      's3://loads/x/',
      '--slices',
      '2',
    ])
    expect(missing.exitCode).toBe(4)
  })

  it('uses multipart uploads for big parts, and a re-run skips identical parts', async () => {
    const argv = ['redshift', 'copy-split', '--input', big, '--out', 's3://loads/big/', '--slices', '1', '--level', '1']
    const first = resultOf(await runJson<CopySplitResult>(argv))
    expect(first.parts[0]!.bytes).toBeGreaterThan(5 * 1024 * 1024)
    const uploaded = await body(first.parts[0]!.path.replace('s3://loads/', ''))
    expect(uploaded.length).toBe(first.parts[0]!.bytes)
    expect(gunzipSync(uploaded).toString().split('\n').length - 1).toBe(110_000)
    const again = await runText(argv)
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toMatch(/Skipped\s+1 part\(s\) already uploaded with the same size and checksum/)
    // The manifest was removed at the start of the re-run and written again at its end.
    const manifest = JSON.parse((await body(first.manifest.replace('s3://loads/', ''))).toString()) as {
      entries: unknown[]
    }
    expect(manifest.entries).toHaveLength(1)
  }, 60_000)

  it('a missing bucket is exit 4 and leaves nothing', async () => {
    const run = await runJson([
      'redshift',
      'copy-split',
      '--input',
      small,
      '--out',
      's3://no-such-bucket/x/',
      '--slices',
      '2',
    ])
    expect(run.exitCode).toBe(4)
    expect(errorOf(run).message).toMatch(/bucket/i)
  })

  it('the sandbox seed and the tour steps work against the emulator', async () => {
    const workDir = path.join(dir, 'sandbox')
    const s3 = client()
    const seeded = await redshiftSeed.run({kinesis: undefined as never, log() {}, s3, workDir})
    expect(seeded.map((r) => r.name)).toContain(REDSHIFT_DEMO_BUCKET)
    // Idempotent: a second run changes nothing and does not fail.
    await redshiftSeed.run({kinesis: undefined as never, log() {}, s3, workDir})
    // The copy-split steps (the copy-check step reads a local file: the package smoke test runs it).
    const steps = TOUR.filter((t) => t.argv[0] === 'redshift' && t.argv[1] === 'copy-split')
    expect(steps).toHaveLength(2)
    for (const step of steps) {
      const argv = step.argv.map((a) => a.replace('{workDir}', workDir))
      const run = await runJson<CopySplitResult>(argv)
      expect(step.expectExit ?? [0]).toContain(run.exitCode)
      const r = resultOf(run)
      expect(r.parts).toHaveLength(4)
      expect(r.input.header).toBe('repeat')
    }
  }, 60_000)
})
