/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {setTimeout as sleep} from 'node:timers/promises'
import {describe, expect, it} from 'vitest'

import {parseDateFormat} from '../../../src/lib/glue/date-format.js'
import {classifyObject, discoverPartitions} from '../../../src/lib/glue/discover.js'
import {hiveLayout, type PartitionKey, templateLayout} from '../../../src/lib/glue/layout.js'
import {makeScope} from '../../../src/lib/glue/scope.js'
import {MemoryS3} from '../../fixtures/glue/memory-s3.js'

function s3Over(objects: Array<[string, number?]>): {memory: MemoryS3; s3: S3Client} {
  const memory = new MemoryS3(objects.map(([key, size]) => ({key, size: size ?? 10})))
  const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
  mockClient(s3)
    .on(ListObjectsV2Command)
    .callsFake((input) => memory.list(input))
  return {memory, s3}
}

const key = (name: string, type = 'string', format?: string): PartitionKey => ({
  format: format ? {text: format, tokens: parseDateFormat(format)} : undefined,
  name,
  type,
})
const noScope = makeScope([], {})

describe('S3 discovery: the walk', () => {
  it('pages past 1,000 common prefixes at one level and costs Σ⌈children/1000⌉ requests', async () => {
    const objects: Array<[string]> = []
    for (let d = 0; d < 2500; d++)
      objects.push(
        [`t/id=${String(d).padStart(4, '0')}/part-0.parquet`],
        [`t/id=${String(d).padStart(4, '0')}/part-1.parquet`],
      )
    const {memory, s3} = s3Over(objects)
    const layout = hiveLayout('s3://lake/t/', [key('id', 'int')])
    const d = await discoverPartitions(s3, {concurrency: 4, layout, scope: noScope})
    expect(d.partitions).toHaveLength(2500)
    expect(d.partitions[0]).toEqual({hasData: undefined, location: 's3://lake/t/id=0000/', values: ['0000']})
    expect(d.partitions.at(-1)!.values).toEqual(['2499'])
    // One prefix walked with 2,500 children: ⌈2500/1000⌉ = 3 requests, and no request inside a partition.
    expect(d.scanned.requests).toBe(3)
    expect(memory.calls.every((c) => c.prefix === 't/' && c.delimiter === '/')).toBe(true)
  })

  it('walks each level once per prefix and never lists inside partitions', async () => {
    const objects: Array<[string]> = []
    for (const r of ['eu', 'us', 'apac'])
      for (let day = 1; day <= 30; day++)
        objects.push([`t/region=${r}/dt=2024-06-${String(day).padStart(2, '0')}/f.parquet`])
    const {s3} = s3Over(objects)
    const d = await discoverPartitions(s3, {
      concurrency: 16,
      layout: hiveLayout('s3://lake/t/', [key('region'), key('dt', 'date')]),
      scope: noScope,
    })
    expect(d.partitions).toHaveLength(90)
    expect(d.scanned.requests).toBe(1 + 3)
    expect(d.scanned.prefixes).toBe(4)
  })

  it('skips and counts markers, and reports prefixes that hold only markers as empty', async () => {
    const {s3} = s3Over([
      ['t/region=eu_$folder$', 0],
      ['t/region=eu/', 0],
      ['t/region=eu/dt=2024-01-01/part-0.parquet'],
      ['t/region=eu/_SUCCESS', 0],
      ['t/region=eu/_temporary/0/x'],
      ['t/region=eu/.spark-staging/x'],
      ['t/region=eu/_tmp/x'],
      ['t/region=us/dt=2024-01-01/_SUCCESS', 0],
      ['t/region=us/dt=2024-01-02/_temporary/0/part'],
      ['t/region=us/dt=2024-01-03/data.json'],
      ['t/region=us/dt=2024-01-03/_SUCCESS', 0],
    ])
    const d = await discoverPartitions(s3, {
      checkEmpty: true,
      concurrency: 2,
      layout: hiveLayout('s3://lake/t/', [key('region'), key('dt', 'date')]),
      scope: noScope,
    })
    expect(d.partitions.map((p) => [p.values.join('/'), p.hasData])).toEqual([
      ['eu/2024-01-01', true],
      ['us/2024-01-01', false],
      ['us/2024-01-02', false],
      ['us/2024-01-03', true],
    ])
    expect(d.scanned.empty).toBe(2)
    expect(d.scanned.partitions).toBe(2)
    expect(d.scanned.ignored).toEqual({folderKeys: 1, folderMarkers: 1, hidden: 2, successFiles: 3, temporary: 2})
  })

  it('reports anomalies: no template match, empty value, wrong key order, objects above partitions, nested tables', async () => {
    const {s3} = s3Over([
      ['t/region=eu/dt=2024-01-01/a'],
      ['t/backup/x.csv'],
      ['t/region=/dt=2024-01-01/a'],
      ['t/dt=2024-01-01/region=eu/a'],
      ['t/stray.csv'],
      ['t/returns/part-0'],
      ['t/Region=us/dt=2024-01-01/a'],
    ])
    const d = await discoverPartitions(s3, {
      concurrency: 2,
      exclude: ['t/returns/'],
      layout: hiveLayout('s3://lake/t/', [key('region'), key('dt', 'date')]),
      scope: noScope,
    })
    expect(d.partitions.map((p) => p.values)).toEqual([
      ['eu', '2024-01-01'],
      ['us', '2024-01-01'],
    ])
    expect(d.caseMismatches).toEqual([{expected: 'region', found: 'Region'}])
    expect(d.anomalies.map((a) => [a.kind, a.location]).sort()).toEqual([
      ['empty-value', 's3://lake/t/region=/'],
      ['nested-table', 's3://lake/t/returns/'],
      ['no-template-match', 's3://lake/t/backup/'],
      ['objects-outside-partitions', 's3://lake/t/'],
      ['wrong-key-order', 's3://lake/t/dt=2024-01-01/'],
    ])
  })

  it('prunes by --since on a Firehose layout without listing old prefixes', async () => {
    const objects: Array<[string]> = []
    for (const day of ['28', '29', '30'])
      for (let h = 0; h < 24; h++) objects.push([`fh/2024/06/${day}/${String(h).padStart(2, '0')}/f.gz`])
    objects.push(['fh/2023/12/31/23/f.gz'])
    const {memory, s3} = s3Over(objects)
    const keys = [key('dt', 'string', 'yyyy/MM/dd/HH')]
    const layout = templateLayout('s3://lake/fh/${dt}/', keys)
    const d = await discoverPartitions(s3, {
      concurrency: 4,
      layout,
      scope: makeScope(keys, {}, Date.UTC(2024, 5, 30, 20, 30)),
    })
    expect(d.partitions.map((p) => p.values[0])).toEqual([
      '2024/06/30/20',
      '2024/06/30/21',
      '2024/06/30/22',
      '2024/06/30/23',
    ])
    expect(d.partitions[0]!.location).toBe('s3://lake/fh/2024/06/30/20/')
    // fh/, fh/2024/, fh/2024/06/, fh/2024/06/30/: 2023 and days 28–29 are never listed.
    expect(memory.calls.map((c) => c.prefix)).toEqual(['fh/', 'fh/2024/', 'fh/2024/06/', 'fh/2024/06/30/'])
    expect(d.scanned.pruned).toBe(1 + 2 + 20)
  })

  it('prunes by --where before listing', async () => {
    const {memory, s3} = s3Over([['t/region=eu/dt=2024-01-01/a'], ['t/region=us/dt=2024-01-01/a']])
    const keys = [key('region'), key('dt', 'date')]
    const d = await discoverPartitions(s3, {
      concurrency: 2,
      layout: hiveLayout('s3://lake/t/', keys),
      scope: makeScope(keys, {region: 'us'}),
    })
    expect(d.partitions.map((p) => p.values)).toEqual([['us', '2024-01-01']])
    expect(memory.calls.map((c) => c.prefix)).toEqual(['t/', 't/region=us/'])
  })

  it('keeps at most --concurrency list requests in flight', async () => {
    const objects: Array<[string]> = []
    for (let a = 0; a < 40; a++) objects.push([`t/a=${a}/b=1/x`])
    const memory = new MemoryS3(objects.map(([k]) => ({key: k, size: 1})))
    const s3 = new S3Client({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
    let inFlight = 0
    let peak = 0
    mockClient(s3)
      .on(ListObjectsV2Command)
      .callsFake(async (input) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        await sleep(5)
        inFlight--
        return memory.list(input)
      })
    const d = await discoverPartitions(s3, {
      concurrency: 3,
      layout: hiveLayout('s3://lake/t/', [key('a'), key('b')]),
      scope: noScope,
    })
    expect(d.partitions).toHaveLength(40)
    expect(peak).toBe(3)
  })
})

describe('S3 discovery: --full-listing', () => {
  it('lists once, knows empty partitions, and costs ⌈objects/1000⌉ requests', async () => {
    const objects: Array<[string, number?]> = []
    for (let i = 0; i < 1500; i++) objects.push([`t/k=${i}/part.parquet`])
    objects.push(['t/k=empty/_SUCCESS', 0], ['t/k=1/_SUCCESS', 0], ['t/_temporary/0/x'], ['t/top.csv'], ['t/bad/x'])
    const {s3} = s3Over(objects)
    const d = await discoverPartitions(s3, {
      concurrency: 2,
      fullListing: true,
      layout: hiveLayout('s3://lake/t/', [key('k')]),
      scope: noScope,
    })
    expect(d.scanned.requests).toBe(2)
    expect(d.scanned.partitions).toBe(1500)
    expect(d.scanned.empty).toBe(1)
    expect(d.partitions.find((p) => p.values[0] === 'empty')?.hasData).toBe(false)
    expect(d.scanned.ignored.successFiles).toBe(2)
    expect(d.scanned.ignored.temporary).toBe(1)
    expect(d.anomalies.map((a) => a.kind).sort()).toEqual(['no-template-match', 'objects-outside-partitions'])
  })
})

describe('classifyObject', () => {
  it.each([
    ['', 0, 'folderKeys'],
    ['sub/', 0, 'folderKeys'],
    ['a_$folder$', 0, 'folderMarkers'],
    ['_SUCCESS', 0, 'successFiles'],
    ['_temporary/0/part', 5, 'temporary'],
    ['.crc', 5, 'hidden'],
    ['_metadata', 5, 'hidden'],
    ['_k=1/part', 5, 'data'],
    ['part-0000.parquet', 5, 'data'],
    ['sub/part-0000.parquet', 5, 'data'],
  ])('%j (%d bytes) is %s', (rel, size, cls) => {
    expect(classifyObject(rel, size)).toBe(cls)
  })
})
