import {DescribeClustersCommand, RedshiftClient} from '@aws-sdk/client-redshift'
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {chmod, mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {CopySplitResult} from '../../../src/lib/redshift/copy-split.js'

import RedshiftCopySplit from '../../../src/commands/redshift/copy-split.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const redshift = mockClient(RedshiftClient)
const data = mockClient(RedshiftDataClient)
const s3 = mockClient(S3Client)

let dir: string
let gz: string
const ROWS = 20_000
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-copy-split-cmd-'))
  const lines = ['id,name,amount']
  for (let i = 0; i < ROWS; i++) lines.push(`${i},"name ${i % 97}, ""x""\nsecond line",${(i * 1.5).toFixed(1)}`)
  gz = path.join(dir, 'events.csv.gz')
  await writeFile(gz, gzipSync(Buffer.from(lines.join('\n') + '\n')))
})
afterAll(async () => {
  await rm(dir, {force: true, recursive: true})
})

describe('redshift copy-split', () => {
  useTestAwsEnv()

  beforeEach(() => {
    redshift.reset()
    data.reset()
    s3.reset()
  })

  it('splits a local gzip CSV into a directory and returns the documented result', async () => {
    const out = path.join(dir, 'out1')
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--out',
      out,
      '--slices',
      '4',
      '--table',
      'public.events',
      '--iam-role',
      'arn:aws:iam::123456789012:role/Copy',
      '--upload-prefix',
      's3://bucket/loads/',
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(Object.keys(r).sort()).toEqual([
      'balance',
      'copySql',
      'elapsedMs',
      'input',
      'manifest',
      'parts',
      'slices',
      'throughputMBps',
    ])
    expect(r.input).toMatchObject({format: 'csv', header: 'repeat', records: ROWS})
    expect(r.slices).toEqual({count: 4, source: 'given with --slices'})
    expect(r.parts).toHaveLength(4)
    expect(r.parts.reduce((n, p) => n + (p.records ?? 0), 0)).toBe(ROWS)
    expect(r.copySql).toContain(
      "COPY public.events\nFROM 's3://bucket/loads/manifest.json'\nIAM_ROLE 'arn:aws:iam::123456789012:role/Copy'\nMANIFEST",
    )
    expect(r.copySql).toContain('IGNOREHEADER 1')
    expect(r.copySql).toContain("REGION 'us-east-1'")
    const manifest = JSON.parse(await readFile(r.manifest, 'utf8')) as {
      entries: Array<{mandatory: boolean; meta: {content_length: number}; url: string}>
    }
    expect(manifest.entries.map((e) => e.url)).toEqual(r.parts.map((p) => `s3://bucket/loads/${path.basename(p.path)}`))
    expect(manifest.entries.every((e, i) => e.mandatory && e.meta.content_length === r.parts[i]!.bytes)).toBe(true)
    const files = (await readdir(out)).sort()
    expect(files).toEqual([
      'manifest.json',
      'part-0000.csv.gz',
      'part-0001.csv.gz',
      'part-0002.csv.gz',
      'part-0003.csv.gz',
    ])
    for (const p of r.parts)
      expect(
        gunzipSync(await readFile(p.path))
          .toString()
          .startsWith('id,name,amount\n'),
      ).toBe(true)
    // Small test input: the only warning is AWS's 1 MB minimum.
    expect(run.envelope.warnings).toEqual([expect.stringMatching(/cannot speed up|under AWS's 1 MB/)])
  })

  it('prints a readable report with the COPY statement', async () => {
    const run = await runText([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--out',
      path.join(dir, 'out2'),
      '--node-type',
      'ra3.xlplus',
      '--nodes',
      '2',
      '--header',
      'strip',
      '--level',
      '1',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Slices\s+4 — ra3\.xlplus × 2 node\(s\) × 2 slices per node/)
    expect(run.stdout).toMatch(/Verified\s+20,000 records in = 20,000 records in the parts/)
    expect(run.stdout).toContain('IGNOREHEADER 0')
    expect(run.stdout).toContain('COPY <schema.table>')
  })

  it('--dry-run plans without writing anything', async () => {
    const out = path.join(dir, 'dry')
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--out',
      out,
      '--slices',
      '2',
      '--files-per-slice',
      '3',
      '--dry-run',
    ])
    const r = resultOf(run)
    expect(r.parts).toHaveLength(6)
    expect(r.parts[0]).toMatchObject({checksum: null, records: null})
    expect(r.input.records).toBeNull()
    await expect(readdir(out)).rejects.toThrow()
  })

  it('counts slices with the Data API for --cluster, and declares every call', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'ra3.4xlarge', NumberOfNodes: 2}]})
    data.on(ExecuteStatementCommand).resolves({Id: 'q1'})
    data.on(DescribeStatementCommand).resolves({Status: 'FINISHED'})
    data.on(GetStatementResultCommand).resolves({Records: [[{longValue: 8}]]})
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--dry-run',
      '--cluster',
      'analytics',
      '--database',
      'dev',
      '--db-user',
      'loader',
    ])
    const r = resultOf(run)
    expect(r.slices).toEqual({
      count: 8,
      source: 'SELECT COUNT(*) FROM stv_slices on cluster analytics (Redshift Data API)',
    })
    expect(r.parts).toHaveLength(8)
    expectCallsDeclared(RedshiftCopySplit.iam, {redshift, 'redshift-data': data})
  })

  it('exit 6 with the line number for an unbalanced quote, leaving nothing behind', async () => {
    const bad = path.join(dir, 'bad.csv')
    await writeFile(bad, 'a,b\n1,2\n3,"no end\n4,5\n')
    const out = path.join(dir, 'out-bad')
    const run = await runJson(['redshift', 'copy-split', '--input', bad, '--out', out, '--slices', '2'])
    expect(run.exitCode).toBe(6)
    const error = errorOf(run)
    expect(error.code).toBe('UnbalancedQuote')
    expect(error.message).toMatch(/line 3/)
    // The run made the folder: a failed run removes it again.
    await expect(readdir(out)).rejects.toMatchObject({code: 'ENOENT'})
  })

  it('refuses --target-size below 1 MB (exit 2) and a JSON array given as CSV (exit 6)', async () => {
    const zero = await runJson([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--dry-run',
      '--slices',
      '2',
      '--target-size',
      '0',
    ])
    expect(zero.exitCode).toBe(2)
    expect(errorOf(zero).message).toBe('--target-size 0 is below 1 MB')
    for (const [name, text] of [
      ['array.json', '[\n  {"id": 1, "name": "a"},\n  {"id": 2, "name": "b"}\n]\n'],
      ['one-line.json', '[{"id": 1}, {"id": 2}]\n'],
    ] as const) {
      const file = path.join(dir, name)
      await writeFile(file, text)
      const out = path.join(dir, `out-${name}`)
      const run = await runJson(['redshift', 'copy-split', '--input', file, '--out', out, '--slices', '2'])
      expect(run.exitCode).toBe(6)
      expect(errorOf(run).message).toMatch(/is not CSV: it is a JSON array/)
      expect(errorOf(run).suggestions.join(' ')).toMatch(/jq -c '\.\[\]'/)
      await expect(readdir(out)).rejects.toMatchObject({code: 'ENOENT'})
    }
  })

  it('a re-run with fewer parts removes the parts its previous manifest listed, and refuses parts it did not write', async () => {
    const out = path.join(dir, 'out-rerun')
    await runJson(['redshift', 'copy-split', '--input', gz, '--out', out, '--slices', '4'])
    expect((await readdir(out)).filter((f) => f.startsWith('part-'))).toHaveLength(4)
    const again = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      gz,
      '--out',
      out,
      '--slices',
      '2',
    ])
    expect(again.exitCode).toBe(0)
    expect((await readdir(out)).filter((f) => f.startsWith('part-')).sort()).toEqual(
      resultOf(again)
        .parts.map((p) => path.basename(p.path))
        .sort(),
    )
    expect(again.envelope.warnings.join('\n')).toMatch(/removed 2 part file\(s\) of the previous run/)
    await writeFile(path.join(out, 'part-0099.csv.gz'), 'not ours')
    const foreign = await runJson(['redshift', 'copy-split', '--input', gz, '--out', out, '--slices', '2'])
    expect(foreign.exitCode).toBe(6)
    expect(errorOf(foreign)).toMatchObject({code: 'ForeignParts'})
    expect(errorOf(foreign).message).toMatch(/part-0099\.csv\.gz/)
    expect(await readdir(out)).toContain('part-0099.csv.gz')
  })

  it('exit 6 for a truncated gzip and for an empty file', async () => {
    const full = await readFile(gz)
    const cut = path.join(dir, 'cut.csv.gz')
    await writeFile(cut, full.subarray(0, Math.floor(full.length / 2)))
    const truncated = await runJson([
      'redshift',
      'copy-split',
      '--input',
      cut,
      '--out',
      path.join(dir, 'out-cut'),
      '--slices',
      '2',
    ])
    expect(truncated.exitCode).toBe(6)
    expect(errorOf(truncated).code).toBe('TruncatedGzip')
    // The run made the folder: a failed run removes it again.
    await expect(readdir(path.join(dir, 'out-cut'))).rejects.toMatchObject({code: 'ENOENT'})
    const empty = path.join(dir, 'empty.csv')
    await writeFile(empty, '')
    const e = await runJson([
      'redshift',
      'copy-split',
      '--input',
      empty,
      '--out',
      path.join(dir, 'out-empty'),
      '--slices',
      '2',
    ])
    expect(e.exitCode).toBe(6)
    expect(errorOf(e).code).toBe('EmptyInput')
  })

  it('exit 6 when the output directory is not writable', async () => {
    const ro = path.join(dir, 'readonly')
    await rm(ro, {force: true, recursive: true})
    await writeFile(ro, 'a file, not a directory')
    const run = await runJson(['redshift', 'copy-split', '--input', gz, '--out', path.join(ro, 'x'), '--slices', '2'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).code).toBe('OutputNotWritable')
    await chmod(ro, 0o644)
  })

  it('usage errors: no slice source, conflicting flags, bad sizes (exit 2)', async () => {
    const none = await runJson(['redshift', 'copy-split', '--input', gz, '--out', path.join(dir, 'x')])
    expect(none.exitCode).toBe(2)
    expect(errorOf(none).suggestions.join(' ')).toMatch(/--slices N/)
    expect((await runJson(['redshift', 'copy-split', '--input', gz, '--slices', '2'])).exitCode).toBe(2)
    expect(
      (await runJson(['redshift', 'copy-split', '--input', gz, '--slices', '2', '--cluster', 'c', '--dry-run']))
        .exitCode,
    ).toBe(2)
    expect(
      (await runJson(['redshift', 'copy-split', '--input', gz, '--slices', '2', '--target-size', 'big', '--dry-run']))
        .exitCode,
    ).toBe(2)
    expect(
      (
        await runJson([
          'redshift',
          'copy-split',
          '--input',
          gz,
          '--slices',
          '2',
          '--input-format',
          'json',
          '--header',
          'repeat',
          '--dry-run',
        ])
      ).exitCode,
    ).toBe(2)
  })

  it('aborts the multipart uploads and writes no manifest when S3 fails mid-upload', async () => {
    // Big enough (incompressible) that each part needs a multipart upload.
    const {randomBytes} = await import('node:crypto')
    const lines: string[] = []
    for (let i = 0; i < 120_000; i++) lines.push(`${i},${randomBytes(48).toString('base64')}`)
    const big = path.join(dir, 'big.csv')
    await writeFile(big, lines.join('\n') + '\n')
    s3.on(ListObjectsV2Command).resolves({Contents: []})
    s3.on(CreateMultipartUploadCommand).resolves({UploadId: 'up-1'})
    s3.on(UploadPartCommand)
      .resolvesOnce({ETag: '"e1"'})
      .rejects(
        Object.assign(new Error('We encountered an internal error'), {
          $fault: 'server',
          $metadata: {httpStatusCode: 500, requestId: 'r-9'},
          name: 'InternalError',
        }),
      )
    s3.on(AbortMultipartUploadCommand).resolves({})
    const run = await runJson([
      'redshift',
      'copy-split',
      '--input',
      big,
      '--out',
      's3://bucket/loads/',
      '--slices',
      '1',
      '--level',
      '1',
    ])
    expect(run.exitCode).toBe(5)
    expect(errorOf(run).requestId).toBe('r-9')
    expect(s3.commandCalls(AbortMultipartUploadCommand).length).toBeGreaterThan(0)
    expect(s3.commandCalls(AbortMultipartUploadCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'bucket',
      UploadId: 'up-1',
    })
    expect(s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Key?.endsWith('manifest.json'))).toEqual([])
    expectCallsDeclared(RedshiftCopySplit.iam, {s3})
  })
})
