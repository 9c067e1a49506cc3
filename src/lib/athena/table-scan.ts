/**
 * What a query over one table will read: the table's metadata (Athena GetTableMetadata: columns,
 * partition keys, parameters with the location and partition projection), the time partitions
 * the window selects (./time-partitions.ts), and an estimate of the bytes scanned from the sizes
 * of the objects under the selected partitions (S3 ListObjectsV2). Athena bills the bytes it
 * reads, which for columnar formats is less than the objects' size: the estimate is an upper
 * bound, which is what a guard (`--max-scan-gb`) wants.
 */
import type {AthenaClient} from '@aws-sdk/client-athena'
import type {S3Client} from '@aws-sdk/client-s3'

import {NotFoundError, UsageError} from '../core/errors.js'
import {type PartitionColumn, type TimePartitionPlan} from './time-partitions.js'

export interface TableDescription {
  columns: PartitionColumn[]
  location: string | undefined
  parameters: Record<string, string>
  partitionKeys: PartitionColumn[]
}

function columnsOf(list: Array<{Name?: string | undefined; Type?: string | undefined}> | undefined): PartitionColumn[] {
  return (list ?? []).map((c) => ({name: c.Name ?? '', type: c.Type ?? ''}))
}

/** A partition's S3 location: the projection template with its values, or Hive-style `col=value/` folders. */
function partitionUri(base: string, template: string | undefined, values: Record<string, string>): string {
  if (!template)
    return `${base}${Object.entries(values)
      .map(([k, v]) => `${k}=${v}/`)
      .join('')}`
  let out = template
  for (const [k, v] of Object.entries(values)) out = out.replaceAll(`\${${k}}`, v)
  return out
}

export async function describeTable(
  athena: AthenaClient,
  ref: {catalog?: string | undefined; database: string; table: string},
  signal: AbortSignal,
): Promise<TableDescription> {
  // SDK classes load when a table is read, not when a command offering --athena-table starts.
  const {GetTableMetadataCommand} = await import('@aws-sdk/client-athena')
  let out
  try {
    out = await athena.send(
      new GetTableMetadataCommand({
        CatalogName: ref.catalog ?? 'AwsDataCatalog',
        DatabaseName: ref.database,
        TableName: ref.table,
      }),
      {abortSignal: signal},
    )
  } catch (error) {
    if ((error as {name?: string}).name === 'MetadataException')
      throw new NotFoundError(`table ${ref.database}.${ref.table} was not found: ${(error as Error).message}`, {
        cause: error,
      })
    throw error
  }

  const meta = out.TableMetadata
  const parameters = meta?.Parameters ?? {}
  return {
    columns: columnsOf(meta?.Columns),
    location: parameters.location,
    parameters,
    partitionKeys: columnsOf(meta?.PartitionKeys),
  }
}

/** `db.table` → its parts (a name without a database is refused: Athena needs one). */
export function parseTableRef(
  text: string,
  flag = '--athena-table',
  example = 'streams.orders_archive',
): {database: string; table: string} {
  const m = /^([^.\s]+)\.([^.\s]+)$/.exec(text.trim())
  if (!m)
    throw new UsageError(`${flag} must be DATABASE.TABLE, not "${text}"`, {
      suggestions: [`e.g. ${flag} ${example}`],
    })
  return {database: m[1]!, table: m[2]!}
}

/** Check that the named columns exist (case-insensitive, as Athena's names are lowercase). */
export function checkColumns(table: TableDescription, wanted: Record<string, string | undefined>): void {
  const all = new Set([...table.columns, ...table.partitionKeys].map((c) => c.name.toLowerCase()))
  for (const [flag, name] of Object.entries(wanted)) {
    if (name !== undefined && !all.has(name.toLowerCase()))
      throw new UsageError(`${flag} ${name}: the table has no such column`, {
        suggestions: [`Columns: ${[...all].join(', ')}`],
      })
  }
}

export interface ScanEstimate {
  /** Upper bound of the bytes read (object sizes); null when unknown. */
  bytes: null | number
  /** Why it is unknown, or how it was obtained. */
  note: string
  objects: number
  /** S3 prefixes listed. */
  prefixes: number
}

function s3Parts(uri: string): undefined | {bucket: string; prefix: string} {
  const m = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri)
  return m ? {bucket: m[1]!, prefix: m[2]!} : undefined
}

const MAX_LIST_PAGES = 200

/**
 * Sum the sizes of the objects under the partitions the plan selects (a projection template or
 * Hive-style `col=value/` folders under the table's location), or under the whole location.
 */
export async function estimateScan(
  s3: S3Client,
  table: TableDescription,
  plan: TimePartitionPlan | undefined,
  signal: AbortSignal,
): Promise<ScanEstimate> {
  if (!table.location) return {bytes: null, note: 'the table has no location in its metadata', objects: 0, prefixes: 0}
  const base = table.location.endsWith('/') ? table.location : `${table.location}/`
  let uris: string[]
  if (!plan) uris = [base]
  else if (plan.values) {
    const template = table.parameters['storage.location.template']
    uris = plan.values.map((v) => partitionUri(base, template, v))
  } else {
    return {bytes: null, note: 'too many partitions to list', objects: 0, prefixes: 0}
  }

  const {ListObjectsV2Command} = await import('@aws-sdk/client-s3')
  let bytes = 0
  let objects = 0
  let pages = 0
  for (const uri of uris) {
    const p = s3Parts(uri)
    if (!p) return {bytes: null, note: `location ${uri} is not an s3:// URI`, objects, prefixes: uris.length}
    let token: string | undefined
    do {
      if (++pages > MAX_LIST_PAGES)
        return {
          bytes: null,
          note: `more than ${MAX_LIST_PAGES} pages of objects (at least ${objects} objects, ${bytes} bytes) under the selected partitions`,
          objects,
          prefixes: uris.length,
        }
      const out = await s3.send(
        new ListObjectsV2Command({Bucket: p.bucket, ContinuationToken: token, Prefix: p.prefix}),
        {abortSignal: signal},
      )
      for (const o of out.Contents ?? []) {
        bytes += o.Size ?? 0
        objects++
      }

      token = out.IsTruncated ? out.NextContinuationToken : undefined
    } while (token)
  }

  return {bytes, note: `sizes of the objects under ${uris.length} S3 prefix(es)`, objects, prefixes: uris.length}
}

export {timePartitionPlan} from './time-partitions.js'
