/**
 * Local file inputs: CSV headers (BOM detection, quoted headers, delimiter detection), JSON Lines
 * samples (key paths at every depth, case-only duplicate keys kept apart) and Parquet footers
 * (schema read with hyparquet, without reading any data page). Gzip-compressed files are read
 * transparently.
 */
import {asyncBufferFromFile, parquetMetadataAsync, parquetSchema, type SchemaTree} from 'hyparquet'
import {createReadStream} from 'node:fs'
import {open} from 'node:fs/promises'
import path from 'node:path'
import {createInterface} from 'node:readline'
import {createGunzip} from 'node:zlib'

import type {ColumnDef, HiveType, SchemaInput, StructField} from '../model.js'

export class FileInputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FileInputError'
  }
}

/** `events.csv.gz` → `events` */
export function tableNameFromFile(file: string): string {
  return path
    .basename(file)
    .replace(/(\.gz)?$/i, '')
    .replace(/\.[^.]+$/, '')
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r')
  try {
    const {buffer, bytesRead} = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } finally {
    await handle.close()
  }
}

async function fileStream(file: string): Promise<NodeJS.ReadableStream> {
  const gzip = await isGzip(file)
  const raw = createReadStream(file)
  return gzip ? raw.pipe(createGunzip()) : raw
}

/** The first `max` bytes of a file (decompressed when gzip). */
async function readHead(file: string, max: number): Promise<{bytes: Buffer; complete: boolean}> {
  const stream = await fileStream(file)
  const chunks: Buffer[] = []
  let size = 0
  let complete = true
  for await (const chunk of stream) {
    const buf = chunk as Buffer
    chunks.push(buf)
    size += buf.length
    if (size >= max) {
      complete = false
      break
    }
  }

  ;(stream as unknown as {destroy?: () => void}).destroy?.()
  return {bytes: Buffer.concat(chunks).subarray(0, max), complete}
}

export interface CsvOptions {
  /** Field delimiter; detected from the header when undefined. */
  delimiter?: string | undefined
}

const HEAD_BYTES = 4 * 1024 * 1024

/** The header row of a CSV file as table columns (no types). The BOM, if any, stays in the first name. */
export async function readCsvHeader(file: string, options: CsvOptions = {}): Promise<SchemaInput> {
  const {bytes, complete} = await readHead(file, HEAD_BYTES)
  const notes: string[] = []
  let text: string
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = `\uFEFF${new TextDecoder('utf-16le').decode(bytes.subarray(2))}`
    notes.push(`${file}: UTF-16 LE byte-order mark; Athena reads CSV as UTF-8, convert the file first`)
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = `\uFEFF${new TextDecoder('utf-16be').decode(bytes.subarray(2))}`
    notes.push(`${file}: UTF-16 BE byte-order mark; Athena reads CSV as UTF-8, convert the file first`)
  } else {
    text = new TextDecoder('utf8', {ignoreBOM: true}).decode(bytes)
    if (text.startsWith('\uFEFF'))
      notes.push(`${file}: starts with a UTF-8 byte-order mark; it becomes part of the first column name`)
  }

  if (text.replace(/^\uFEFF/, '').trim() === '')
    throw new FileInputError(`${file} is empty: a CSV header row is needed`)
  const delimiter = options.delimiter ?? detectDelimiter(text)
  const {fields, openQuoteAt, terminated} = parseCsvRecord(text, delimiter)
  if (openQuoteAt !== undefined && complete) {
    // The header's quote is never closed: the rest of the file would become one column name.
    const lineStart = text.lastIndexOf('\n', openQuoteAt) + 1
    const line = text.slice(0, openQuoteAt).split('\n').length
    throw new FileInputError(
      `${file}:${line}:${openQuoteAt - lineStart + 1}: the quote that opens header field ${fields.length} is never closed, so the rest of the file would be read as one column name`,
    )
  }

  if (!terminated && !complete)
    throw new FileInputError(
      `${file}: no end of the header row in the first ${HEAD_BYTES / 1024 / 1024} MiB (unclosed quote?)`,
    )
  const columns: ColumnDef[] = fields.map((name) => ({name}))
  return {
    databases: [],
    notes,
    tables: [
      {
        columns,
        database: null,
        kind: 'table',
        partitionKeys: [],
        source: {file, kind: 'csv'},
        table: tableNameFromFile(file),
        tableNameInferred: true,
      },
    ],
  }
}

function detectDelimiter(text: string): string {
  const newline = text.indexOf('\n')
  const firstLine = newline > 0 ? text.slice(0, newline) : text
  let best = ','
  let bestCount = 0
  for (const d of [',', '\t', ';', '|']) {
    let count = 0
    let quoted = false
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted
      else if (ch === d && !quoted) count++
    }

    if (count > bestCount) {
      best = d
      bestCount = count
    }
  }

  return best
}

/** RFC 4180 first record: quoted fields, doubled quotes, newlines inside quotes; CR LF or LF. */
export function parseCsvRecord(
  text: string,
  delimiter: string,
): {
  fields: string[]
  /** Offset of a quote still open at the end of the text. */ openQuoteAt?: number
  terminated: boolean
} {
  const fields: string[] = []
  let field = ''
  let quoted = false
  let quoteAt = -1
  let i = 0
  let wasQuoted = false
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += ch
      continue
    }

    if (ch === '"' && (field === '' || field === '\uFEFF') && !wasQuoted) {
      quoted = true
      quoteAt = i
      wasQuoted = true
      continue
    }

    if (ch === delimiter) {
      fields.push(field)
      field = ''
      wasQuoted = false
      continue
    }

    if (ch === '\n' || ch === '\r') {
      fields.push(field)
      return {fields, terminated: true}
    }

    field += ch
  }

  fields.push(field)
  return quoted ? {fields, openQuoteAt: quoteAt, terminated: false} : {fields, terminated: false}
}

type Shape =
  | {element: Shape | undefined; kind: 'array'}
  | {fields: Map<string, Shape>; kind: 'object'}
  | {kind: 'scalar'; types: Set<string>}

function merge(shape: Shape | undefined, value: unknown): Shape {
  if (Array.isArray(value)) {
    const s: Shape = shape?.kind === 'array' ? shape : {element: undefined, kind: 'array'}
    for (const v of value) s.element = merge(s.element, v)
    return s
  }

  if (value !== null && typeof value === 'object') {
    const s: Shape = shape?.kind === 'object' ? shape : {fields: new Map(), kind: 'object'}
    for (const [k, v] of Object.entries(value)) s.fields.set(k, merge(s.fields.get(k), v))
    return s
  }

  if (shape && shape.kind !== 'scalar') return shape
  const s: Shape = shape ?? {kind: 'scalar', types: new Set()}
  if (value === null) return s
  s.types.add(
    typeof value === 'number'
      ? Number.isInteger(value)
        ? 'bigint'
        : 'double'
      : typeof value === 'boolean'
        ? 'boolean'
        : 'string',
  )
  return s
}

function shapeToType(shape: Shape | undefined): HiveType {
  if (!shape) return {kind: 'primitive', name: 'string'}
  switch (shape.kind) {
    case 'array': {
      return {element: shapeToType(shape.element), kind: 'array'}
    }

    case 'object': {
      const fields: StructField[] = [...shape.fields].map(([name, s]) => ({name, type: shapeToType(s)}))
      return {fields, kind: 'struct'}
    }

    case 'scalar': {
      const t = shape.types
      const name = t.size === 1 ? [...t][0]! : t.size === 2 && t.has('bigint') && t.has('double') ? 'double' : 'string'
      return {kind: 'primitive', name}
    }
  }
}

/**
 * A JSON Lines sample (or one JSON array of objects): every key at every depth, merged over all
 * records. Keys that differ only in case stay separate, so the linter can flag them before the
 * OpenX SerDe fails with "Duplicate key".
 */
export async function readJsonSample(
  file: string,
  options: {maxRecords?: number | undefined} = {},
): Promise<SchemaInput> {
  const max = options.maxRecords ?? Number.POSITIVE_INFINITY
  let root: Shape | undefined
  let records = 0
  const head = await readHead(file, 64)
  const firstChar = head.bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0]
  if (firstChar === '[') {
    const {bytes, complete} = await readHead(file, 512 * 1024 * 1024)
    if (!complete)
      throw new FileInputError(`${file}: a JSON array sample larger than 512 MiB; use JSON Lines (one object per line)`)
    let doc: unknown
    try {
      doc = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
    } catch (error) {
      throw new FileInputError(`${file} is not valid JSON: ${(error as Error).message}`)
    }

    for (const item of doc as unknown[]) {
      if (records >= max) break
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        throw new FileInputError(`${file}: item ${records + 1} of the array is not a JSON object`)
      root = merge(root, item)
      records++
    }
  } else {
    const lines = createInterface({crlfDelay: Number.POSITIVE_INFINITY, input: await fileStream(file)})
    let lineNo = 0
    for await (const raw of lines) {
      lineNo++
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw
      if (line.trim() === '') continue
      if (records >= max) break
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch (error) {
        lines.close()
        throw new FileInputError(
          `${file}:${lineNo}: not a JSON object (${(error as Error).message}); --json-sample expects JSON Lines, one object per line`,
        )
      }

      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        lines.close()
        throw new FileInputError(
          `${file}:${lineNo}: a JSON Lines record must be an object, found ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
        )
      }

      root = merge(root, value)
      records++
    }
  }

  if (!root || root.kind !== 'object' || records === 0) throw new FileInputError(`${file} has no JSON records`)
  const columns: ColumnDef[] = [...root.fields].map(([name, s]) => ({name, type: shapeToType(s)}))
  return {
    databases: [],
    notes: [],
    tables: [
      {
        columns,
        database: null,
        kind: 'table',
        partitionKeys: [],
        serde: 'org.openx.data.jsonserde.JsonSerDe',
        source: {file, kind: 'json-sample'},
        table: tableNameFromFile(file),
        tableNameInferred: true,
      },
    ],
  }
}

function parquetLeafType(node: SchemaTree): string {
  const e = node.element
  const logical = e.logical_type as undefined | {precision?: number; scale?: number; type: string}
  const converted = e.converted_type
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL')
    return `decimal(${logical?.precision ?? e.precision ?? 38},${logical?.scale ?? e.scale ?? 0})`
  if (logical?.type === 'DATE' || converted === 'DATE') return 'date'
  if (
    logical?.type === 'TIMESTAMP' ||
    converted === 'TIMESTAMP_MILLIS' ||
    converted === 'TIMESTAMP_MICROS' ||
    e.type === 'INT96'
  )
    return 'timestamp'

  if (
    logical?.type === 'STRING' ||
    logical?.type === 'ENUM' ||
    logical?.type === 'JSON' ||
    // eslint-disable-next-line unicorn/text-encoding-identifier-case -- Parquet's ConvertedType is spelled UTF8
    converted === 'UTF8' ||
    converted === 'ENUM' ||
    converted === 'JSON'
  )
    return 'string'
  switch (e.type) {
    case 'BOOLEAN': {
      return 'boolean'
    }

    case 'DOUBLE': {
      return 'double'
    }

    case 'FLOAT': {
      return 'float'
    }

    case 'INT32': {
      return converted === 'INT_8' ? 'tinyint' : converted === 'INT_16' ? 'smallint' : 'int'
    }

    case 'INT64': {
      return 'bigint'
    }

    default: {
      return 'binary'
    }
  }
}

function parquetNodeType(node: SchemaTree): HiveType {
  const e = node.element
  const logical = (e.logical_type as undefined | {type: string})?.type
  let type: HiveType
  if (node.children.length === 0) {
    type = {kind: 'primitive', name: parquetLeafType(node)}
  } else if ((logical === 'LIST' || e.converted_type === 'LIST') && node.children.length === 1) {
    const repeated = node.children[0]!
    const single =
      repeated.children.length === 1 && repeated.element.name !== 'array' && repeated.element.name !== `${e.name}_tuple`
    const element = single
      ? parquetNodeType(repeated.children[0]!)
      : repeated.children.length === 0
        ? {kind: 'primitive' as const, name: parquetLeafType(repeated)}
        : structOf(repeated)
    return {element, kind: 'array'}
  } else if (
    (logical === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') &&
    node.children.length === 1 &&
    node.children[0]!.children.length === 2
  ) {
    const [k, v] = node.children[0]!.children as [SchemaTree, SchemaTree]
    return {key: parquetNodeType(k), kind: 'map', value: parquetNodeType(v)}
  } else {
    type = structOf(node)
  }

  // A repeated field outside a LIST annotation is a legacy list.
  return e.repetition_type === 'REPEATED' ? {element: type, kind: 'array'} : type
}

function structOf(node: SchemaTree): HiveType {
  return {fields: node.children.map((c) => ({name: c.element.name, type: parquetNodeType(c)})), kind: 'struct'}
}

/** Column names and nested fields from a Parquet footer. */
export async function readParquetSchema(file: string): Promise<SchemaInput> {
  let tree: SchemaTree
  try {
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file))
    tree = parquetSchema(metadata)
  } catch (error) {
    throw new FileInputError(`${file} is not a readable Parquet file: ${(error as Error).message}`)
  }

  const columns: ColumnDef[] = tree.children.map((c) => ({name: c.element.name, type: parquetNodeType(c)}))
  return {
    databases: [],
    notes: [],
    tables: [
      {
        columns,
        database: null,
        kind: 'table',
        partitionKeys: [],
        serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        source: {file, kind: 'parquet'},
        table: tableNameFromFile(file),
        tableNameInferred: true,
      },
    ],
  }
}
