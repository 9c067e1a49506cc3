/**
 * Demo data for `glue partition-sync`: two partitioned table layouts in the sandbox S3 and, in the
 * sandbox folder, the catalog dumps (`aws glue get-table` / `get-partitions` / `get-tables` output)
 * that the tour syncs against offline.
 *
 * orders (Hive layout, keys region/dt): in sync except one new partition, one partition the catalog
 * points elsewhere, one stale catalog partition, one with a drifted SerDe, markers of every kind,
 * an empty partition, a bad date, a stray prefix and a nested table.
 * clicks (Firehose layout, one key dt = yyyy/MM/dd/HH over four path segments).
 */
import {CreateBucketCommand, HeadBucketCommand, PutObjectCommand} from '@aws-sdk/client-s3'
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'
import {makePartName} from '../../glue/hive-path.js'

export const GLUE_DEMO_BUCKET = 'pipeops-demo-lake'
const ORDERS_ROOT = 'warehouse/orders/'
const CLICKS_ROOT = 'firehose/clicks/'

const PARQUET_SD = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: {
    Parameters: {'serialization.format': '1'},
    SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
}
const JSON_SD = {
  InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  SerdeInfo: {Parameters: {}, SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'},
}

const REGIONS = ['eu', 'us']
const DAYS = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21']

function ordersLocation(region: string, dt: string): string {
  return `s3://${GLUE_DEMO_BUCKET}/${ORDERS_ROOT}${makePartName(['region', 'dt'], [region, dt])}/`
}

/** Objects of the demo layouts: key → body ('' = zero bytes). */
export function glueDemoObjects(): Map<string, string> {
  const objects = new Map<string, string>()
  for (const region of REGIONS) {
    for (const dt of DAYS) {
      const dir = `${ORDERS_ROOT}${makePartName(['region', 'dt'], [region, dt])}/`
      objects.set(`${dir}part-00000.parquet`, `demo ${region} ${dt}`)
      objects.set(`${dir}_SUCCESS`, '')
    }
  }

  // Markers that must be ignored, not read as partitions.
  objects.set(`${ORDERS_ROOT}region=eu_$folder$`, '')
  objects.set(`${ORDERS_ROOT}region=us/`, '')
  objects.set(`${ORDERS_ROOT}region=us/dt=2026-11-21/_temporary/0/part-00001.parquet`, 'still writing')
  objects.set(`${ORDERS_ROOT}.hive-staging/x`, 'x')
  // An empty partition: markers only.
  objects.set(`${ORDERS_ROOT}region=apac/dt=2026-11-21/_SUCCESS`, '')
  // Anomalies: a value that is not a date, and a stray prefix.
  objects.set(`${ORDERS_ROOT}region=eu/dt=2026-13-01/part-00000.parquet`, 'bad month')
  objects.set(`${ORDERS_ROOT}backup/orders.csv`, 'stray')
  // A table nested inside this one (it has its own catalog entry).
  objects.set(`${ORDERS_ROOT}returns/part-00000.parquet`, 'returns table')
  // Firehose: yyyy/MM/dd/HH.
  for (const hour of ['08', '09', '10', '11'])
    objects.set(`${CLICKS_ROOT}2026/11/21/${hour}/clicks-1-2026-11-21-${hour}-00-00.gz`, `clicks ${hour}`)
  objects.set(`${CLICKS_ROOT}2026/11/20/23/clicks-1-2026-11-20-23-00-00.gz`, 'clicks 23')
  // Zero-byte "folder" keys, as the S3 console creates them. partition-sync ignores them; s3rver
  // needs them to report a CommonPrefix whose objects all sit two or more levels down.
  for (const key of objects.keys()) {
    const parts = key.split('/')
    for (let i = 3; i < parts.length - 1; i++) objects.set(`${parts.slice(0, i).join('/')}/`, '')
  }

  return objects
}

function ordersTable(): Record<string, unknown> {
  return {
    Table: {
      CreateTime: '2026-11-01T00:00:00Z',
      DatabaseName: 'sales',
      Name: 'orders',
      Parameters: {classification: 'parquet', EXTERNAL: 'TRUE'},
      PartitionKeys: [
        {Name: 'region', Type: 'string'},
        {Name: 'dt', Type: 'date'},
      ],
      StorageDescriptor: {
        ...PARQUET_SD,
        Columns: [
          {Name: 'order_id', Type: 'bigint'},
          {Name: 'amount', Type: 'decimal(10,2)'},
        ],
        Location: `s3://${GLUE_DEMO_BUCKET}/${ORDERS_ROOT}`,
      },
      TableType: 'EXTERNAL_TABLE',
    },
  }
}

function ordersPartitions(): Record<string, unknown> {
  const partitions: Array<Record<string, unknown>> = []
  for (const region of REGIONS) {
    for (const dt of DAYS) {
      if (region === 'us' && dt === '2026-11-21') continue // new in S3: to add
      let location = ordersLocation(region, dt)
      let sd: Record<string, unknown> = PARQUET_SD
      if (region === 'eu' && dt === '2026-11-18')
        location = `s3://${GLUE_DEMO_BUCKET}/staging/orders/region=eu/dt=2026-11-18/` // relocated
      if (region === 'us' && dt === '2026-11-19') sd = JSON_SD // drifted
      partitions.push({
        DatabaseName: 'sales',
        StorageDescriptor: {...sd, Location: location},
        TableName: 'orders',
        Values: [region, dt],
      })
    }
  }

  // In the catalog, gone from S3: dropped with --prune.
  partitions.push({
    DatabaseName: 'sales',
    StorageDescriptor: {...PARQUET_SD, Location: ordersLocation('eu', '2026-11-16')},
    TableName: 'orders',
    Values: ['eu', '2026-11-16'],
  })
  return {Partitions: partitions}
}

function clicksTable(): Record<string, unknown> {
  return {
    Table: {
      DatabaseName: 'weblogs',
      Name: 'clicks',
      Parameters: {
        classification: 'json',
        'projection.dt.format': 'yyyy/MM/dd/HH',
        'projection.dt.type': 'date',
        'projection.enabled': 'false',
        'storage.location.template': `s3://${GLUE_DEMO_BUCKET}/${CLICKS_ROOT}\${dt}/`,
      },
      PartitionKeys: [{Name: 'dt', Type: 'string'}],
      StorageDescriptor: {
        ...JSON_SD,
        Columns: [{Name: 'url', Type: 'string'}],
        Location: `s3://${GLUE_DEMO_BUCKET}/${CLICKS_ROOT}`,
      },
      TableType: 'EXTERNAL_TABLE',
    },
  }
}

function clicksPartitions(): Record<string, unknown> {
  return {
    Partitions: ['08', '09'].map((h) => ({
      DatabaseName: 'weblogs',
      StorageDescriptor: {...JSON_SD, Location: `s3://${GLUE_DEMO_BUCKET}/${CLICKS_ROOT}2026/11/21/${h}/`},
      TableName: 'clicks',
      Values: [`2026/11/21/${h}`],
    })),
  }
}

export const glueSeed: Seed = {
  name: 'glue',
  async run({log, s3, workDir}) {
    try {
      await s3.send(new HeadBucketCommand({Bucket: GLUE_DEMO_BUCKET}))
    } catch {
      await s3.send(new CreateBucketCommand({Bucket: GLUE_DEMO_BUCKET}))
    }

    const objects = glueDemoObjects()
    log(`glue: writing ${objects.size} objects to s3://${GLUE_DEMO_BUCKET}/`)
    for (const [key, body] of objects)
      await s3.send(new PutObjectCommand({Body: Buffer.from(body), Bucket: GLUE_DEMO_BUCKET, Key: key}))
    const dir = path.join(workDir, 'glue')
    await mkdir(dir, {recursive: true})
    const files: Array<[string, unknown]> = [
      ['orders-table.json', ordersTable()],
      ['orders-partitions.json', ordersPartitions()],
      [
        'sales-tables.json',
        {
          TableList: [
            ordersTable().Table,
            {
              DatabaseName: 'sales',
              Name: 'returns',
              StorageDescriptor: {...PARQUET_SD, Location: `s3://${GLUE_DEMO_BUCKET}/${ORDERS_ROOT}returns/`},
            },
          ],
        },
      ],
      ['clicks-table.json', clicksTable()],
      ['clicks-partitions.json', clicksPartitions()],
    ]
    for (const [name, data] of files) await writeFileAtomic(path.join(dir, name), `${JSON.stringify(data, null, 2)}\n`)
    return [
      {
        kind: 'S3 bucket',
        name: GLUE_DEMO_BUCKET,
        note: 'partitioned layouts: warehouse/orders/ (Hive), firehose/clicks/ (yyyy/MM/dd/HH)',
      },
      ...files.map(([name]) => ({
        kind: 'local file',
        name: path.join(dir, name),
        note: 'Glue catalog dump for partition-sync',
      })),
    ]
  },
}
