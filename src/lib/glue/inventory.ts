/**
 * S3 Inventory as the source of a table's objects (`glue partition-sync --inventory
 * s3://…/manifest.json`): no list calls for millions of objects, one GetObject per data file.
 *
 * Facts (reference/athena-scale.md §4; S3-UG storage-inventory-location.html): `manifest.json`
 * names the source bucket, the destination bucket (ARN), `creationTimestamp` (epoch ms, a string),
 * `fileFormat` (CSV | ORC | Parquet), `fileSchema` and `files[{key, size, MD5checksum}]`. CSV files
 * are gzip-compressed, have no header (column order = fileSchema) and URL-encode the key; Parquet
 * files name their columns in snake_case (`key`, `size`, `last_modified_date`). ORC is refused:
 * there is no maintained pure-JavaScript ORC reader (docs/scale.md).
 *
 * The report is up to a day (daily) or a week (weekly) old and eventually consistent: objects
 * written after it are listed live (see inventory-discovery.ts).
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {GetObjectCommand} from '@aws-sdk/client-s3'
import {createInterface} from 'node:readline'
import {Readable} from 'node:stream'
import {createGunzip} from 'node:zlib'

import {abortOpts} from '../aws/abort.js'
import {InputError, UsageError} from '../core/errors.js'
import {splitCsvLine} from '../core/parse/csv-line.js'
import {parseS3Uri} from '../core/parse/s3-uri.js'

export interface InventoryManifest {
  /** When S3 wrote the report (epoch ms); undefined when the manifest does not say (hand-made ones). */
  creationTimestamp: number | undefined
  /** The bucket the data files are in (from the destination ARN). */
  destinationBucket: string
  fileFormat: 'CSV' | 'ORC' | 'Parquet'
  files: Array<{key: string; size: number}>
  /** Column names of a CSV report, in order. */
  fileSchema: string
  sourceBucket: string
}

export interface InventoryObject {
  Key: string
  LastModified?: Date | undefined
  Size?: number | undefined
}

/** Read and check a manifest.json (as S3 writes it). */
export function parseInventoryManifest(text: string, name: string): InventoryManifest {
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new InputError(`${name} is not JSON: ${(error as Error).message}`, {
      suggestions: ['Give the manifest.json of one S3 Inventory delivery (…/YYYY-MM-DDTHH-MMZ/manifest.json).'],
    })
  }

  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError(
      `${name} is not an S3 Inventory manifest: it holds ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}, not an object`,
      {
        suggestions: ['Give the manifest.json of one S3 Inventory delivery (…/YYYY-MM-DDTHH-MMZ/manifest.json).'],
      },
    )
  const need = (field: string): unknown => {
    if (raw[field] === undefined)
      throw new InputError(`${name} has no "${field}": it is not an S3 Inventory manifest`, {
        suggestions: ['Give the manifest.json of one S3 Inventory delivery (…/YYYY-MM-DDTHH-MMZ/manifest.json).'],
      })
    return raw[field]
  }

  const format = String(need('fileFormat'))
  if (format !== 'CSV' && format !== 'ORC' && format !== 'Parquet')
    throw new InputError(`${name}: fileFormat "${format}" is not CSV, ORC or Parquet`)
  const created = creationTime(raw.creationTimestamp, name)
  const dest = String(need('destinationBucket'))
  const files = need('files')
  if (!Array.isArray(files)) throw new InputError(`${name}: "files" is not a list`)
  return {
    creationTimestamp: created,
    destinationBucket: dest.startsWith('arn:') ? dest.slice(dest.lastIndexOf(':') + 1) : dest,
    fileFormat: format,
    files: files.map((f: {key?: unknown; size?: unknown}, i) => {
      if (typeof f?.key !== 'string') throw new InputError(`${name}: files[${i}] has no key`)
      return {key: f.key, size: Number(f.size ?? 0)}
    }),
    fileSchema: String(raw.fileSchema ?? ''),
    sourceBucket: String(need('sourceBucket')),
  }
}

/**
 * S3 writes epoch milliseconds as a string; hand-made manifests seen in public code write epoch
 * seconds as a number (Python's time.mktime): below 1e11 a value is read as seconds (1e11 ms is
 * 1973, 1e11 s is year 5138).
 */
function creationTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new InputError(`${name}: creationTimestamp "${String(value)}" is not an epoch time`)
  return n < 1e11 ? Math.round(n * 1000) : n
}

/** A CSV report's key, URL-encoded by S3 (form encoding: "+" is a space); `where` names the report file in a refusal. */
export function decodeInventoryKey(encoded: string, where = 'the inventory report'): string {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '))
  } catch {
    throw new InputError(`${where}: key "${encoded}" is not URL-encoded text`)
  }
}

/** A report file that is not what the manifest says (not gzip, not Parquet, cut short): a refusal naming it, not a crash. */
function unreadableReport(file: string, format: string, error: unknown): InputError {
  return new InputError(`${file} is not a readable ${format} inventory file: ${(error as Error).message}`, {
    cause: error,
    suggestions: [
      'Check that the manifest belongs to this delivery and its files are complete, or sync by listing (drop --inventory).',
    ],
  })
}

async function getBody(s3: S3Client, bucket: string, key: string, signal: AbortSignal | undefined): Promise<Readable> {
  const out = await s3.send(new GetObjectCommand({Bucket: bucket, Key: key}), abortOpts(signal))
  if (!out.Body) throw new InputError(`s3://${bucket}/${key} has no body`)
  return out.Body as Readable
}

export async function readInventoryManifest(
  s3: S3Client,
  uri: string,
  signal?: AbortSignal,
): Promise<InventoryManifest> {
  const loc = parseS3Uri(uri, '--inventory')
  if (!loc.key.endsWith('manifest.json'))
    throw new UsageError(`--inventory must name a manifest.json, not "${uri}"`, {
      suggestions: ['e.g. --inventory s3://inventory-bucket/source-bucket/config-id/2026-12-06T01-00Z/manifest.json'],
    })
  const body = await getBody(s3, loc.bucket, loc.key, signal)
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array))
  return parseInventoryManifest(Buffer.concat(chunks).toString('utf8'), uri)
}

/**
 * The report's objects under `prefix` (keys in the source bucket), in pages of up to 1000, like
 * ListObjectsV2 pages. Delete markers and non-latest versions (all-versions reports) are skipped.
 */
export async function* inventoryObjects(
  s3: S3Client,
  manifest: InventoryManifest,
  options: {prefix: string; signal?: AbortSignal | undefined},
): AsyncGenerator<InventoryObject[]> {
  if (manifest.fileFormat === 'ORC')
    throw new InputError('this S3 Inventory report is ORC, which pipeops cannot read', {
      suggestions: [
        'Configure the inventory as CSV or Parquet (both are read), or sync by listing (drop --inventory).',
      ],
    })
  let page: InventoryObject[] = []
  for (const file of manifest.files) {
    const rows =
      manifest.fileFormat === 'CSV'
        ? csvRows(
            await getBody(s3, manifest.destinationBucket, file.key, options.signal),
            manifest.fileSchema,
            file.key,
          )
        : parquetRows(s3, manifest.destinationBucket, file.key, options.signal)
    for await (const o of rows) {
      if (!o.Key.startsWith(options.prefix)) continue
      page.push(o)
      if (page.length === 1000) {
        yield page
        page = []
      }
    }
  }

  if (page.length > 0) yield page
}

interface Columns {
  deleteMarker: number
  key: number
  latest: number
  modified: number
  size: number
}

function columnsOf(schema: string, file: string): Columns {
  const names = schema.split(',').map((s) => s.trim().toLowerCase())
  const at = (n: string): number => names.indexOf(n)
  const cols = {
    deleteMarker: at('isdeletemarker'),
    key: at('key'),
    latest: at('islatest'),
    modified: at('lastmodifieddate'),
    size: at('size'),
  }
  if (cols.key < 0) throw new InputError(`${file}: the manifest's fileSchema "${schema}" has no Key column`)
  return cols
}

async function* csvRows(body: Readable, schema: string, file: string): AsyncGenerator<InventoryObject> {
  const cols = columnsOf(schema, file)
  const lines = createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: body.pipe(createGunzip())})
  let n = 0
  const each = lines[Symbol.asyncIterator]()
  for (;;) {
    let next: IteratorResult<string>
    try {
      next = await each.next()
    } catch (error) {
      throw unreadableReport(file, 'gzip CSV', error)
    }

    if (next.done) break
    const line = next.value
    n++
    if (line === '') continue
    const f = splitCsvLine(line)
    if (!f) throw new InputError(`${file} line ${n}: a quoted field is not closed`)
    if (cols.deleteMarker >= 0 && f[cols.deleteMarker] === 'true') continue
    if (cols.latest >= 0 && f[cols.latest] === 'false') continue
    yield {
      Key: decodeInventoryKey(f[cols.key] ?? '', file),
      LastModified: cols.modified >= 0 && f[cols.modified] ? new Date(f[cols.modified]!) : undefined,
      Size: cols.size >= 0 && f[cols.size] ? Number(f[cols.size]) : undefined,
    }
  }
}

async function* parquetRows(
  s3: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<InventoryObject> {
  const {parquetReadObjects} = await import('hyparquet')
  const body = await getBody(s3, bucket, key, signal)
  const chunks: Buffer[] = []
  for await (const c of body) chunks.push(Buffer.from(c as Uint8Array))
  const buf = Buffer.concat(chunks)
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
  let rows: Array<Record<string, unknown>>
  try {
    rows = (await parquetReadObjects({file})) as Array<Record<string, unknown>>
  } catch (error) {
    throw unreadableReport(`s3://${bucket}/${key}`, 'Parquet', error)
  }

  for (const r of rows) {
    if (r.is_delete_marker === true || r.is_latest === false) continue
    if (typeof r.key !== 'string') throw new InputError(`s3://${bucket}/${key}: a row has no key column`)
    const modified = r.last_modified_date
    yield {
      Key: r.key,
      LastModified:
        modified instanceof Date
          ? modified
          : typeof modified === 'number' || typeof modified === 'bigint'
            ? new Date(Number(modified))
            : undefined,
      Size: r.size === undefined || r.size === null ? undefined : Number(r.size),
    }
  }
}
