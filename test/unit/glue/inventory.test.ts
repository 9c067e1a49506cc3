/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {GetObjectCommand, type GetObjectCommandOutput, ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'

import {parseDateFormat} from '../../../src/lib/glue/date-format.js'
import {discoverFromInventory} from '../../../src/lib/glue/inventory-discovery.js'
import {decodeInventoryKey, inventoryObjects, parseInventoryManifest} from '../../../src/lib/glue/inventory.js'
import {hiveLayout, type PartitionKey, templateLayout} from '../../../src/lib/glue/layout.js'
import {makeScope} from '../../../src/lib/glue/scope.js'
import {MemoryS3} from '../../fixtures/glue/memory-s3.js'

const REPORT_MS = Date.UTC(2026, 11, 6, 1, 0)
const SCHEMA = 'Bucket, Key, Size, LastModifiedDate, ETag, StorageClass'

/** A manifest as S3 writes one (our own values; fields per the S3 user guide). */
function manifest(files: Array<{key: string; size: number}>, format = 'CSV'): string {
  return JSON.stringify({
    creationTimestamp: String(REPORT_MS),
    destinationBucket: 'arn:aws:s3:::inventory-dest',
    fileFormat: format,
    files: files.map((f) => ({...f, MD5checksum: '0123456789abcdef0123456789abcdef'})),
    fileSchema: SCHEMA,
    sourceBucket: 'lake',
    version: '2016-11-30',
  })
}

/** A CSV report line: every field quoted, the key URL-encoded (form encoding), no header. */
function line(key: string, size: number): string {
  const encoded = encodeURIComponent(key).replaceAll('%20', '+')
  return `"lake","${encoded}","${size}","2026-12-05T10:00:00.000Z","\\"abc\\"","STANDARD"`
}

/** A GetObject body: the SDK returns a Node stream in Node, and the reader only iterates it. */
function body(bytes: Buffer | string): GetObjectCommandOutput['Body'] {
  return Readable.from([Buffer.from(bytes)]) as unknown as GetObjectCommandOutput['Body']
}

const hourKey: PartitionKey = {
  format: {text: 'yyyy/MM/dd/HH', tokens: parseDateFormat('yyyy/MM/dd/HH')},
  name: 'dt',
  type: 'string',
}

describe('S3 Inventory', () => {
  it('reads a manifest and names what is missing', () => {
    const m = parseInventoryManifest(manifest([{key: 'lake/cfg/data/a.csv.gz', size: 10}]), 'manifest.json')
    expect(m).toMatchObject({creationTimestamp: REPORT_MS, destinationBucket: 'inventory-dest', fileFormat: 'CSV'})
    expect(() => parseInventoryManifest('{"files":[]}', 'm.json')).toThrow(
      /m.json has no "fileFormat": it is not an S3 Inventory manifest/,
    )
    expect(() => parseInventoryManifest('not json', 'm.json')).toThrow(/m.json is not JSON/)
    // Hand-made manifests seen in public code: epoch seconds as a number, or no creationTimestamp at all.
    const base = {
      destinationBucket: 'arn:aws:s3:::d',
      fileFormat: 'CSV',
      files: [],
      fileSchema: 'Bucket, Key, Size',
      sourceBucket: 's',
    }
    expect(
      parseInventoryManifest(JSON.stringify({...base, creationTimestamp: 1_733_400_000.5}), 'm').creationTimestamp,
    ).toBe(1_733_400_000_500)
    expect(parseInventoryManifest(JSON.stringify(base), 'm').creationTimestamp).toBeUndefined()
  })

  it('decodes keys as a CSV report encodes them', () => {
    expect(decodeInventoryKey('fh/dt%3D2026-12-05/part+0%2B1.gz')).toBe('fh/dt=2026-12-05/part 0+1.gz')
  })

  it("finds the report's partitions without listing, and lists live only from a day before the report", async () => {
    const days = ['01', '02', '03', '04', '05']
    const inReport = days.flatMap((d) => [`fh/2026/12/${d}/07/part 1.gz`, `fh/2026/12/${d}/08/part-2.gz`])
    // After the report: two new hours, and one more object in a known partition.
    const live = [...inReport, 'fh/2026/12/06/03/new.gz', 'fh/2026/12/07/00/new.gz', 'fh/2026/12/05/08/late.gz']
    const memory = new MemoryS3(live.map((key) => ({key, size: 100})))
    const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
    const mock = mockClient(s3)
    mock.on(ListObjectsV2Command).callsFake((input) => memory.list(input))
    const half = Math.ceil(inReport.length / 2)
    const csv = [inReport.slice(0, half), inReport.slice(half)].map((keys) =>
      gzipSync(`${[...keys.map((k) => line(k, 100)), line('other/table/x.gz', 5)].join('\n')}\n`),
    )
    mock
      .on(GetObjectCommand, {Bucket: 'inventory-dest', Key: 'lake/cfg/2026-12-06T01-00Z/manifest.json'})
      .callsFake(() => ({
        Body: body(
          manifest([
            {key: 'lake/cfg/data/1.csv.gz', size: 1},
            {key: 'lake/cfg/data/2.csv.gz', size: 1},
          ]),
        ),
      }))
      .on(GetObjectCommand, {Bucket: 'inventory-dest', Key: 'lake/cfg/data/1.csv.gz'})
      .callsFake(() => ({Body: body(csv[0]!)}))
      .on(GetObjectCommand, {Bucket: 'inventory-dest', Key: 'lake/cfg/data/2.csv.gz'})
      .callsFake(() => ({Body: body(csv[1]!)}))
    const keys = [hourKey]
    const out = await discoverFromInventory(
      s3,
      {concurrency: 4, layout: templateLayout('s3://lake/fh/${dt}/', keys), scope: makeScope(keys, {})},
      {
        hasDateKey: true,
        scopeSince: (since) => makeScope(keys, {}, since),
        uri: 's3://inventory-dest/lake/cfg/2026-12-06T01-00Z/manifest.json',
      },
    )
    expect(out.discovery.partitions.map((p) => p.values[0])).toEqual([
      ...days.flatMap((d) => [`2026/12/${d}/07`, `2026/12/${d}/08`]),
      '2026/12/06/03',
      '2026/12/07/00',
    ])
    expect(out.info).toMatchObject({objects: 10, reportDate: '2026-12-06T01:00:00.000Z', sourceBucket: 'lake'})
    // The live walk starts a day before the report: days 01–04 are never listed.
    expect(out.info.gap).toMatchObject({partitions: 4, since: '2026-12-05T01:00:00.000Z'})
    expect(memory.calls.map((c) => c.prefix)).not.toContain('fh/2026/12/01/')
    expect(memory.calls.map((c) => c.prefix)).toContain('fh/2026/12/06/')
  })

  it('says when objects newer than the report cannot be seen (no date key to prune a live walk)', async () => {
    const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
    const mock = mockClient(s3)
    mock
      .on(GetObjectCommand, {Key: 'm/manifest.json'})
      .callsFake(() => ({Body: body(manifest([{key: 'd/1.csv.gz', size: 1}]))}))
      .on(GetObjectCommand, {Key: 'd/1.csv.gz'})
      .callsFake(() => ({Body: body(gzipSync(`${line('t/region=eu/x.gz', 3)}\n`))}))
    const keys: PartitionKey[] = [{format: undefined, name: 'region', type: 'string'}]
    const out = await discoverFromInventory(
      s3,
      {concurrency: 1, layout: hiveLayout('s3://lake/t/', keys), scope: makeScope(keys, {})},
      {hasDateKey: false, scopeSince: (since) => makeScope(keys, {}, since), uri: 's3://inv/m/manifest.json'},
    )
    expect(out.discovery.partitions.map((p) => p.location)).toEqual(['s3://lake/t/region=eu/'])
    expect(out.warnings[0]).toMatch(/no date partition key .* objects written after the report are not seen/)
  })
})

/** Every object of a one-file report served by a mocked S3. */
async function readAll(format: 'CSV' | 'Parquet', key: string, data: Buffer): Promise<unknown> {
  const mock = mockClient(S3Client)
  mock.on(GetObjectCommand).callsFake(() => ({Body: body(data)}))
  const parsed = parseInventoryManifest(manifest([{key, size: data.length}], format), 'manifest.json')
  const out = []
  for await (const page of inventoryObjects(new S3Client({region: 'us-east-1'}), parsed, {prefix: ''}))
    out.push(...page)
  return out
}

describe('a broken S3 Inventory delivery is refused naming the file (found by fuzzing)', () => {
  it('a manifest holding null, a list or a number', () => {
    for (const text of ['null', '[]', '7'])
      expect(() => parseInventoryManifest(text, 's3://inv/m/manifest.json')).toThrow(
        /s3:\/\/inv\/m\/manifest\.json is not an S3 Inventory manifest/,
      )
  })

  it('a CSV report that is not gzip', async () => {
    await expect(readAll('CSV', 'd/plain.csv.gz', Buffer.from('"lake","k","1"\n'))).rejects.toThrow(
      /d\/plain\.csv\.gz is not a readable gzip CSV inventory file/,
    )
  })

  it('a Parquet report that is cut short', async () => {
    await expect(readAll('Parquet', 'd/cut.parquet', Buffer.from('PAR1\u0000\u0001PAR1'))).rejects.toThrow(
      /s3:\/\/inventory-dest\/d\/cut\.parquet is not a readable Parquet inventory file/,
    )
  })

  it('a CSV key that is not URL-encoded names the report file', async () => {
    await expect(readAll('CSV', 'd/bad-key.csv.gz', gzipSync('"lake","100%zz","1"\n'))).rejects.toThrow(
      /d\/bad-key\.csv\.gz: key "100%zz" is not URL-encoded text/,
    )
  })
})
