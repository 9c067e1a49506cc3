/**
 * Checks on the first part of the decompressed input: is it the declared format at all, and is
 * its first record a header? Both look at a sample only (the first records), so they cost nothing
 * on big inputs.
 */
import {InputError} from '../core/errors.js'
import {type RecordFormat, splitFields, splitRecords} from './records.js'

export type HeaderMode = 'auto' | 'none' | 'repeat' | 'strip'

export interface SniffOptions {
  delimiter: string
  format: RecordFormat
  quote: string
}

export interface SniffResult {
  /** Whether the first record looks like a header (csv/text only). */
  headerDetected: boolean
  /** Why, in words, for the report. */
  headerReason: string
  warnings: string[]
}

const SAMPLE_RECORDS = 1000
const NUMBER = /^[+-]?(\d+([.,]\d*)?|\.\d+)([eE][+-]?\d+)?$/
const DATE = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const NAME = /^[\p{L}_][\p{L}\p{N}_ .#$-]{0,126}$/u

/**
 * Validate the sample against the declared format (exit 6 when it is plainly something else)
 * and decide whether the first record is a header.
 *
 * @param sample the first bytes of the decompressed input
 * @param complete whether the sample is the whole input
 */
export function sniff(sample: Buffer, complete: boolean, options: SniffOptions): SniffResult {
  const warnings: string[] = []
  const nul = sample.indexOf(0)
  if (nul !== -1) {
    throw new InputError(
      `the input is not ${describe(options.format)}: it holds binary data (a NUL byte at offset ${nul} of the decompressed data)`,
      {
        suggestions: [
          'Check that --input is the data file (gzip, zstd or plain text), not an archive (zip, tar) or a Parquet/ORC file.',
        ],
      },
    )
  }

  checkUtf8(sample, complete, options.format)
  const scannerOptions = {format: options.format, quote: Buffer.from(options.quote)[0] ?? 0x22}
  let records = splitRecords(sample, scannerOptions)
  // The last record of a partial sample may be cut: leave it out.
  if (!complete && records.length > 1) records = records.slice(0, -1)
  records = records.slice(0, SAMPLE_RECORDS)
  const texts = records.map((r) => r.toString('utf8'))
  if (options.format === 'json') {
    for (const [i, t] of texts.entries()) {
      const line = t.trim()
      if (line === '') continue
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        value = undefined
      }

      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(`the input is not JSON lines: line ${i + 1} is not a JSON object: ${preview(line)}`, {
          suggestions: [
            '--format json expects one JSON object per line.',
            ...(looksLikeJsonArray(texts) ? [JSON_ARRAY_FIX] : []),
            'For delimited data use --format csv or --format text.',
          ],
        })
      }
    }

    return {headerDetected: false, headerReason: 'JSON lines have no header', warnings}
  }

  if (looksLikeJsonArray(texts)) {
    throw new InputError(
      `the input is not ${describe(options.format)}: it is a JSON array (line 1: ${preview(texts.find((t) => t.trim() !== '') ?? '')})`,
      {suggestions: [JSON_ARRAY_FIX]},
    )
  }

  const jsonLike = texts.filter((t) => t.trim() !== '').slice(0, 20)
  if (jsonLike.length > 0 && jsonLike.every((t) => looksLikeJsonObject(t))) {
    throw new InputError(
      `the input is not ${describe(options.format)}: its lines are JSON objects (line 1: ${preview(texts[0] ?? '')})`,
      {
        suggestions: ['Use --format json for one JSON object per line.'],
      },
    )
  }

  // Spreadsheet exports often start with a UTF-8 byte-order mark: judge the header without it.
  const bom = texts[0]?.startsWith('\uFEFF') ?? false
  if (bom) texts[0] = texts[0]!.slice(1)
  const rows = texts.map((t) =>
    splitFields(t, {delimiter: options.delimiter, format: options.format, quote: options.quote}),
  )
  const counts = new Map<number, number>()
  for (const r of rows.slice(1)) counts.set(r.length, (counts.get(r.length) ?? 0) + 1)
  const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0]
  if (usual !== undefined) {
    const odd = rows.findIndex((r) => r.length !== usual)
    if (odd !== -1) {
      warnings.push(
        `records do not all have ${usual} field(s): record ${odd + 1} has ${rows[odd]!.length} (checked the first ${rows.length} records); COPY rejects such rows unless FILLRECORD or MAXERROR allows it`,
      )
    }

    if (usual === 1 && rows.length > 1) {
      const other = ['\t', '|', ',', ';'].find(
        (d) => d !== options.delimiter && texts.slice(0, 20).every((t) => t.includes(d)),
      )
      if (other)
        warnings.push(
          `every record has one field with delimiter ${JSON.stringify(options.delimiter)}, but each contains ${JSON.stringify(other)}: did you mean --delimiter ${JSON.stringify(other)}?`,
        )
    }
  }

  const header = detectHeader(rows)
  if (bom) {
    warnings.push(
      header.headerDetected
        ? 'the input starts with a UTF-8 byte-order mark (BOM); it stays in the header line, which IGNOREHEADER skips'
        : String.raw`the input starts with a UTF-8 byte-order mark (BOM) and has no header: COPY would read it as part of the first value; remove it first (sed "1s/^\xEF\xBB\xBF//")`,
    )
  }

  return {...header, warnings}
}

/** csv.Sniffer-style vote: the first row is a header if it is all names and some column below it is typed. */
export function detectHeader(rows: string[][]): {headerDetected: boolean; headerReason: string} {
  const first = rows[0]
  if (!first) return {headerDetected: false, headerReason: 'empty input'}
  if (rows.length < 2) return {headerDetected: false, headerReason: 'only one record: cannot tell'}
  if (!first.every((f) => NAME.test(f.trim()))) {
    return {
      headerDetected: false,
      headerReason: 'the first record has values that are not column names (empty, numeric or long fields)',
    }
  }

  if (new Set(first.map((f) => f.trim().toLowerCase())).size !== first.length) {
    return {
      headerDetected: false,
      headerReason: 'the first record repeats a value, so it is not a list of column names',
    }
  }

  const body = rows.slice(1, 201)
  const typedColumns: string[] = []
  for (const [i, name] of first.entries()) {
    const values = body.map((r) => r[i]?.trim() ?? '').filter((v) => v !== '')
    if (values.length > 0 && values.every((v) => NUMBER.test(v) || DATE.test(v))) typedColumns.push(name.trim())
  }

  if (typedColumns.length > 0) {
    return {
      headerDetected: true,
      headerReason: `the first record names the columns and column "${typedColumns[0]}" holds numbers or dates below it`,
    }
  }

  const firstLine = first.join('\u0000')
  if (body.some((r) => r.join('\u0000') === firstLine))
    return {headerDetected: false, headerReason: 'the first record also appears as data'}
  return {headerDetected: false, headerReason: 'every column is text, so a header cannot be told from data'}
}

const JSON_ARRAY_FIX =
  "COPY reads JSON as one object per line: convert the array with jq -c '.[]' FILE > FILE.jsonl, then use --format json."

/**
 * A JSON array document: the first non-blank line opens an array of objects or arrays ("[", "[{",
 * "[[", or a whole one-line array). A CSV field never starts a record with "[" followed by "{".
 */
function looksLikeJsonArray(texts: string[]): boolean {
  const first = texts.find((t) => t.trim() !== '')?.trim()
  if (first === undefined || !first.startsWith('[')) return false
  if (first === '[' || /^\[\s*[{[]/.test(first)) return true
  try {
    return Array.isArray(JSON.parse(first))
  } catch {
    return false
  }
}

function looksLikeJsonObject(text: string): boolean {
  const t = text.trim()
  if (!t.startsWith('{') || !t.endsWith('}')) return false
  try {
    const v: unknown = JSON.parse(t)
    return typeof v === 'object' && v !== null
  } catch {
    return false
  }
}

function checkUtf8(sample: Buffer, complete: boolean, format: RecordFormat): void {
  // A sample may end inside a character: drop up to 3 trailing bytes of an unfinished sequence.
  let end = sample.length
  if (!complete) {
    let back = 0
    while (back < 3 && end - back - 1 >= 0 && (sample[end - back - 1]! & 0xc0) === 0x80) back++
    const lead = sample[end - back - 1]
    if (lead !== undefined && lead >= 0xc0) end = end - back - 1
  }

  try {
    new TextDecoder('utf8', {fatal: true}).decode(sample.subarray(0, end))
  } catch {
    const at = firstInvalidUtf8(sample.subarray(0, end))
    throw new InputError(
      `the input is not ${describe(format)}: it is not valid UTF-8 (first bad byte at offset ${at} of the decompressed data)`,
      {
        suggestions: [
          'COPY needs UTF-8 text. Convert it first, e.g.: iconv -f LATIN1 -t UTF-8 in.csv > out.csv',
          'Check that --input is the data file and not an archive.',
        ],
      },
    )
  }
}

function firstInvalidUtf8(buf: Buffer): number {
  const decoder = new TextDecoder('utf8', {fatal: true})
  let lo = 0
  let hi = buf.length
  // Binary search for the shortest invalid prefix (within a few bytes of the bad byte).
  while (hi - lo > 4) {
    const mid = (lo + hi) >> 1
    try {
      decoder.decode(buf.subarray(0, mid), {stream: true})
      decoder.decode()
      lo = mid
    } catch {
      hi = mid
    }
  }

  return lo
}

function describe(format: RecordFormat): string {
  return format === 'csv' ? 'CSV' : format === 'json' ? 'JSON lines' : 'delimited text'
}

function preview(text: string): string {
  const t = text.replaceAll(/\s+/g, ' ').trim()
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}…` : t)
}
