/* eslint-disable unicorn/text-encoding-identifier-case -- UTF8/UTF16 here are COPY's ENCODING keywords, not Node encoding names */
/**
 * `redshift copy-check`: every record of a file checked against a table's columns with COPY's
 * own rules, in one streaming pass, before the load. The same `RecordChecker` runs inside
 * `copy-split --check-table` on the chunks it already decompresses.
 *
 * Record and field rules (DG copy-parameters-data-format.html, copy-parameters-data-conversion.html):
 * - text (the default): fields split on DELIMITER (default '|'); with ESCAPE a backslash makes the
 *   next byte literal (delimiter, newline, backslash) and without it a backslash is data;
 *   REMOVEQUOTES strips surrounding quotes and keeps delimiters inside them; an unmatched quote
 *   fails the row.
 * - CSV: a quoted field may hold delimiters and newlines, a quote inside it is doubled, white
 *   space between a delimiter and a quote is ignored.
 * - NULL: a field equal to NULL AS (default \N) is NULL; an empty field of a non-character column
 *   is NULL, and of a CHAR/VARCHAR column is '' unless EMPTYASNULL; a blank (spaces only) field
 *   of a non-character column is NULL, and of a character column stays blank unless BLANKSASNULL.
 * - IGNOREHEADER n skips n lines; IGNOREBLANKLINES skips empty lines; FILLRECORD loads missing
 *   trailing columns as NULL (''  for character columns without EMPTYASNULL).
 * - Column mapping: the COPY column list if given; otherwise every column in order, leaving out
 *   IDENTITY columns unless EXPLICIT_IDS (DG r_COPY_command_examples.html, "Load … with
 *   IDENTITY"; copy-parameters-data-conversion.html EXPLICIT_IDS).
 * COPY logs one error per rejected line; so does this check (the first failing field).
 *
 * JSON is read by json-check.ts, FIXEDWIDTH by fixedwidth-check.ts.
 * Not modelled (reported as such, never as errors): AVRO/Parquet/ORC formats, JSON 'noshred',
 * ENCODING other than UTF8, SUPER/GEOMETRY/VARBYTE values.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {isUtf8} from 'node:buffer'

import type {RunContext} from '../core/run-context.js'
import type {CopyOptions} from './copy-options.js'
import type {ColumnDef, TableDef} from './table-ddl.js'

import {InputError, UsageError} from '../core/errors.js'
import {parseS3Uri} from '../core/parse/s3-uri.js'
import {FastRecordPath} from './fast-records.js'
import {FixedWidthRecordChecker, fixedWidthWarnings} from './fixedwidth-check.js'
import {type Compression, decompress, decompressionError, describeInput, type InputSpec} from './input.js'
import {JsonPathsError, type JsonPathStep, JsonRecordChecker, parseJsonPaths} from './json-check.js'
import {codeMeaning, fixFor} from './load-error-codes.js'
import {openPlainFile} from './plain-file.js'
import {
  checkValue,
  compileColumn,
  type CompiledColumn,
  type ConversionSettings,
  isBlankField,
  OK,
} from './value-check.js'

export interface CopyCheckFinding {
  code: number
  /** Column name, or null for a record-level error (field count, quoting). */
  column: null | string
  fix: string
  line: number
  message: string
  value: string
}

export interface CopyCheckSummary {
  badRecords: number
  /** Bad records per code. */
  byCode: Record<string, number>
  /** Bad records per column (record-level errors under "(record)"). */
  byColumn: Record<string, number>
  /** Records whose line ends in CR LF (the CR was not counted as data: see the warning). */
  crlfRecords: number
  errors: CopyCheckFinding[]
  /** True when more bad records were found than `errors` lists (see --max-errors). */
  errorsTruncated: boolean
  records: number
}

const LF = 0x0a
const CR = 0x0d
const BACKSLASH = 0x5c
const SPACE = 0x20
const TAB = 0x09
const MAX_VALUE_CHARS = 200

export interface CheckerOptions {
  copy: CopyOptions
  /** Lines of the file before the first byte fed (a header removed by the caller). */
  linesBefore?: number
  maxErrors: number
  /** Read every record with the reference path only (the fast path's equality test compares the two). */
  referenceOnly?: boolean
  table: TableDef
}

export function emptySummary(): CopyCheckSummary {
  return {badRecords: 0, byCode: {}, byColumn: {}, crlfRecords: 0, errors: [], errorsTruncated: false, records: 0}
}

/** The value conversion options of a COPY, as value-check.ts takes them. */
export function conversionSettings(copy: CopyOptions): ConversionSettings {
  return {
    acceptAnyDate: copy.acceptAnyDate,
    acceptInvChars: copy.acceptInvChars !== undefined,
    dateFormat: copy.dateFormat,
    timeFormat: copy.timeFormat,
    truncateColumns: copy.truncateColumns,
  }
}

/** Target columns of the file's fields, in order. */
export function targetColumns(table: TableDef, copy: CopyOptions): ColumnDef[] {
  if (copy.columns) {
    return copy.columns.map((name) => {
      const column = table.columns.find((c) => c.name === name || c.name.toLowerCase() === name.toLowerCase())
      if (!column)
        throw new UsageError(`the COPY column list names "${name}", which table ${table.name} does not have`, {
          suggestions: [`Columns of ${table.name}: ${table.columns.map((c) => c.name).join(', ')}.`],
        })
      return column
    })
  }

  return table.columns.filter((c) => copy.explicitIds || c.identity !== 'always')
}

export function checkSupported(copy: CopyOptions): void {
  if (copy.format === 'json' && copy.formatArgument?.toLowerCase() === 'noshred')
    throw new UsageError("copy-check does not check JSON 'noshred' (the whole record into one SUPER column)", {
      code: 'UnsupportedFormat',
      suggestions: ["COPY … FORMAT JSON 'noshred' NOLOAD on the cluster validates without loading."],
    })
  if (!['csv', 'fixedwidth', 'json', 'text'].includes(copy.format)) {
    throw new UsageError(
      `copy-check reads CSV, delimited text, fixed-width text and JSON; ${copy.format.toUpperCase()} input is not checked`,
      {
        code: 'UnsupportedFormat',
        suggestions: [
          'Give the options of a CSV, delimited-text, FIXEDWIDTH or JSON COPY; for other formats, COPY … NOLOAD on the cluster validates without loading.',
        ],
      },
    )
  }

  if (copy.encoding !== 'UTF8')
    throw new UsageError(`copy-check reads UTF-8 input; ENCODING ${copy.encoding} is not checked`, {
      code: 'UnsupportedFormat',
      suggestions: ['Convert the file to UTF-8 first (iconv), and drop ENCODING from the options.'],
    })
}

/**
 * Feed it consecutive chunks of decompressed input; `finish()` after the last. Holds at most one
 * partial record between chunks.
 */
export class RecordChecker {
  readonly summary: CopyCheckSummary = emptySummary()
  private readonly blanksAsNull: boolean
  private readonly columns: CompiledColumn[]
  private readonly csv: boolean
  private readonly delimiter: number
  private readonly emptyAsNull: boolean
  private readonly escape: boolean
  /** Clean records in one pass (fast-records.ts); undefined when it cannot serve these options. */
  private readonly fast: FastRecordPath | undefined
  /** Reference-path records to read before trying the fast path again (it just declined one). */
  private fastPause = 0
  private fastPauseNext = 1
  // Field boundaries of the current record (reused: no allocation per record).
  private fieldEnd = new Int32Array(64)
  private fieldExtra = new Int32Array(64)
  private fieldQuoted = new Uint8Array(64)
  // Results of the last split (set by splitCsv/splitText).
  private fields = 0
  private fieldStart = new Int32Array(64)
  private readonly fillRecord: boolean
  private headerLeft: number
  private readonly ignoreBlankLines: boolean
  private leftover: Buffer | undefined
  private lfInRecord = 0
  /** Physical lines consumed before the current buffer position. */
  private line = 0
  private readonly maxErrors: number
  private readonly nullBytes: Buffer
  private readonly quote: number
  private recordProblem = 0
  private readonly removeQuotes: boolean
  private readonly settings: ConversionSettings

  constructor(options: CheckerOptions) {
    const {copy} = options
    checkSupported(copy)
    if (copy.format === 'json' || copy.format === 'fixedwidth')
      throw new Error('RecordChecker reads CSV and text; JSON and FIXEDWIDTH have their own checkers')
    this.settings = conversionSettings(copy)
    this.columns = targetColumns(options.table, copy).map((c) => compileColumn(c, this.settings))
    this.csv = copy.format === 'csv'
    this.delimiter = copy.delimiter.codePointAt(0)!
    this.quote = copy.quote.codePointAt(0)!
    this.escape = copy.escape
    this.removeQuotes = copy.removeQuotes
    this.emptyAsNull = copy.emptyAsNull
    this.blanksAsNull = copy.blanksAsNull
    this.fillRecord = copy.fillRecord
    this.ignoreBlankLines = copy.ignoreBlankLines
    this.headerLeft = copy.ignoreHeader
    this.nullBytes = Buffer.from(copy.nullAs, 'utf8')
    this.maxErrors = options.maxErrors
    this.line = options.linesBefore ?? 0
    this.fast = options.referenceOnly ? undefined : FastRecordPath.for(this.columns, copy, this.settings)
  }

  feed(chunk: Buffer): void {
    let from = 0
    if (this.leftover) {
      // A record cut by the chunk boundary: join its start with as much of the new chunk as it
      // needs (up to one line feed more at a time), not the whole chunk, so no chunk is copied.
      const head = this.leftover
      this.leftover = undefined
      let upto = chunk.indexOf(LF)
      for (;;) {
        if (upto === -1) {
          this.leftover = Buffer.concat([head, chunk])
          return
        }

        const piece = Buffer.concat([head, chunk.subarray(0, upto + 1)])
        const consumed = this.process(piece, 0, false)
        if (consumed > head.length || (consumed === piece.length && consumed > 0)) {
          from = consumed - head.length
          break
        }

        upto = chunk.indexOf(LF, upto + 1)
      }
    }

    const consumed = this.process(chunk, from, false)
    if (consumed < chunk.length) this.leftover = Buffer.from(chunk.subarray(consumed))
  }

  finish(): CopyCheckSummary {
    if (this.leftover && this.leftover.length > 0) {
      const buf = this.leftover
      this.leftover = undefined
      this.process(buf, 0, true)
    }

    return this.summary
  }

  private checkRecord(buf: Buffer, start: number, end: number, utf8Known: boolean): void {
    const line = this.line + 1
    this.line += this.lfInRecord + (buf[end - 1] === LF ? 1 : 0)
    this.summary.records++
    const {fields} = this
    // A CR before the LF: not data (counted and reported as a warning by the caller).
    const last = fields - 1
    if (this.fieldEnd[last]! > start && buf[this.fieldEnd[last]! - 1] === CR && this.fieldQuoted[last] === 0) {
      this.fieldEnd[last]!--
      this.summary.crlfRecords++
    }

    if (this.recordProblem !== 0) {
      this.report(line, null, this.recordProblem, buf.subarray(start, end), 'the quoting of this line is not valid')
      return
    }

    const {columns} = this
    const nColumns = columns.length
    if (fields === 1 && this.fieldEnd[0] === this.fieldStart[0] && this.fieldQuoted[0] === 0 && nColumns > 1) {
      this.report(line, null, 1211, Buffer.alloc(0), 'the line is empty')
      return
    }

    if (fields > nColumns) {
      this.report(
        line,
        null,
        1202,
        buf.subarray(start, end),
        `${fields} fields for ${nColumns} column(s): extra column(s) found`,
      )
      return
    }

    if (fields < nColumns && !this.fillRecord) {
      this.report(
        line,
        columns[fields]!.def.name,
        1214,
        buf.subarray(start, end),
        `${fields} field(s) for ${nColumns} column(s): the line ends before column "${columns[fields]!.def.name}" (delimiter not found)`,
      )
      return
    }

    const {nullBytes} = this
    const nullLength = nullBytes.length
    for (let f = 0; f < nColumns; f++) {
      const col = columns[f]!
      if (f >= fields) {
        // FILLRECORD: missing trailing columns load as NULL ('' for character columns without EMPTYASNULL).
        if (col.def.notNull && !(col.isString && !this.emptyAsNull)) {
          this.report(
            line,
            col.def.name,
            1213,
            Buffer.alloc(0),
            `FILLRECORD fills "${col.def.name}" with NULL, but it is NOT NULL`,
          )
          return
        }

        continue
      }

      const s = this.fieldStart[f]!
      const e = this.fieldEnd[f]!
      let isNull = false
      const len = e - s
      if (
        len === nullLength &&
        this.fieldQuoted[f] === 0 &&
        nullLength > 0 &&
        buf.compare(nullBytes, 0, nullLength, s, e) === 0
      )
        isNull = true
      else if (len === 0) isNull = !col.isString || this.emptyAsNull
      else if ((buf[s] === SPACE || buf[s] === TAB) && isBlankField(buf, s, e))
        isNull = col.isString ? this.blanksAsNull : col.kind !== 0
      if (isNull) {
        if (col.def.notNull) {
          this.report(line, col.def.name, 1213, buf.subarray(s, e), `NULL for NOT NULL column "${col.def.name}"`)
          return
        }

        continue
      }

      const code = checkValue(col, buf, s, e, this.settings, utf8Known, this.fieldExtra[f]!)
      if (code !== OK) {
        this.report(
          line,
          col.def.name,
          code,
          this.loadedValue(buf, s, e, this.fieldExtra[f]!),
          valueMessage(code, col, buf.subarray(s, e), this.fieldExtra[f]!),
        )
        return
      }
    }
  }

  private grow(): void {
    const size = this.fieldStart.length * 2
    const grow32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size)
      b.set(a)
      return b
    }

    this.fieldStart = grow32(this.fieldStart)
    this.fieldEnd = grow32(this.fieldEnd)
    this.fieldExtra = grow32(this.fieldExtra)
    const q = new Uint8Array(size)
    q.set(this.fieldQuoted)
    this.fieldQuoted = q
  }

  /**
   * The value COPY would load from buf[s, e): a doubled quote (CSV) or an escape backslash (text
   * with ESCAPE) counts once, so the value and byte count shown are the loaded ones, not the file's.
   */
  private loadedValue(buf: Uint8Array, s: number, e: number, extra: number): Uint8Array {
    if (extra === 0) return buf.subarray(s, e)
    const out = new Uint8Array(e - s - extra)
    let n = 0
    for (let i = s; i < e; i++) {
      const b = buf[i]!
      if (this.csv ? b === this.quote && buf[i + 1] === this.quote : b === BACKSLASH && i + 1 < e) i++
      out[n++] = buf[i]!
    }

    return out.subarray(0, n)
  }

  /** Checks every whole record in buf from `pos`; returns the offset of the first byte not consumed. */
  private process(buf: Buffer, pos: number, final: boolean): number {
    const {length} = buf
    while (this.headerLeft > 0 && pos < length) {
      const lf = buf.indexOf(LF, pos)
      if (lf === -1) {
        if (!final) return pos
        this.headerLeft = 0
        return length
      }

      pos = lf + 1
      this.line++
      this.headerLeft--
    }

    // Validate UTF-8 once for the whole records in this buffer (a line feed never falls inside a
    // multi-byte character); fields are then checked one by one only if this fails.
    const lastLf = final ? length - 1 : buf.lastIndexOf(LF)
    const utf8Known = lastLf >= pos && isUtf8(buf.subarray(pos, lastLf + 1))
    // The fast path reads only bytes already validated as UTF-8; each record it declines goes
    // through the reference path below (after a few such records it pauses, so a file it cannot
    // serve costs little more than the reference path alone).
    const fastEnd = utf8Known ? lastLf + 1 : pos
    const {fast} = this
    while (pos < length) {
      if (fast && pos < fastEnd) {
        pos = this.runFast(fast, buf, pos, fastEnd)
        if (pos >= length) break
      }

      if (this.ignoreBlankLines && (buf[pos] === LF || (buf[pos] === CR && buf[pos + 1] === LF))) {
        pos += buf[pos] === LF ? 1 : 2
        this.line++
        continue
      }

      const end = this.csv ? this.splitCsv(buf, pos, final) : this.splitText(buf, pos, final)
      if (end < 0) return pos
      this.checkRecord(buf, pos, end, utf8Known && end <= lastLf + 1)
      pos = end
    }

    return pos
  }

  private report(line: number, column: null | string, code: number, raw: Uint8Array, message: string): void {
    recordFinding(this.summary, this.maxErrors, this.columns, {code, column, line, message, raw})
  }

  /** The fast path from pos (unless it is pausing); the position after the records it took. */
  private runFast(fast: FastRecordPath, buf: Buffer, pos: number, end: number): number {
    if (this.fastPause > 0) {
      this.fastPause--
      return pos
    }

    const next = fast.run(buf, pos, end)
    const {records} = fast
    this.summary.records += records
    this.summary.crlfRecords += fast.crlf
    this.line += records
    if (records > 0) this.fastPauseNext = 1
    else {
      this.fastPause = this.fastPauseNext
      this.fastPauseNext = Math.min(this.fastPauseNext * 2, 256)
    }

    return next
  }

  /**
   * Field boundaries of the CSV record at `pos`; returns the offset after its line feed, or -1
   * when the record does not end inside buf (and more input may follow).
   */
  private splitCsv(buf: Buffer, pos: number, final: boolean): number {
    const {delimiter, quote} = this
    const {length} = buf
    let fields = 0
    let lfs = 0
    let problem = 0
    let i = pos
    for (;;) {
      if (fields === this.fieldStart.length) this.grow()
      // White space before an opening quote is ignored.
      let j = i
      while (j < length && (buf[j] === SPACE || buf[j] === TAB)) j++
      if (j < length && buf[j] === quote) {
        let k = j + 1
        let extra = 0
        for (;;) {
          if (k >= length) {
            if (!final) return -1
            problem = 1216
            break
          }

          const b = buf[k]!
          if (b === quote) {
            if (buf[k + 1] === quote) {
              extra++
              k += 2
              continue
            }

            break
          }

          if (b === LF) lfs++
          k++
        }

        this.fieldStart[fields] = j + 1
        this.fieldEnd[fields] = Math.min(k, length)
        this.fieldExtra[fields] = extra
        this.fieldQuoted[fields] = 1
        fields++
        i = k + 1
        // After the closing quote: optional white space, then a delimiter or the line end.
        while (i < length && (buf[i] === SPACE || buf[i] === TAB || buf[i] === CR)) i++
        if (i >= length) {
          if (!final) return -1
          break
        }

        const b = buf[i]!
        if (b === delimiter) {
          i++
          continue
        }

        if (b === LF) {
          i++
          break
        }

        // Data after a closing quote: the line is malformed; skip to the delimiter or line end.
        problem ||= 1216
        while (i < length && buf[i] !== delimiter && buf[i] !== LF) i++
        if (i >= length) {
          if (!final) return -1
          break
        }

        if (buf[i] === LF) {
          i++
          break
        }

        i++
        continue
      }

      // Unquoted field.
      let k = i
      while (k < length) {
        const b = buf[k]!
        if (b === delimiter || b === LF) break
        k++
      }

      if (k >= length && !final) return -1
      this.fieldStart[fields] = i
      this.fieldEnd[fields] = k
      this.fieldExtra[fields] = 0
      this.fieldQuoted[fields] = 0
      fields++
      if (k >= length) {
        i = length
        break
      }

      i = k + 1
      if (buf[k] === LF) break
    }

    this.fields = fields
    this.lfInRecord = lfs
    this.recordProblem = problem
    return i
  }

  /** Field boundaries of a delimited-text record (ESCAPE, REMOVEQUOTES as configured). */
  private splitText(buf: Buffer, pos: number, final: boolean): number {
    const {delimiter, escape, removeQuotes} = this
    const {length} = buf
    let fields = 0
    let lfs = 0
    let problem = 0
    let i = pos
    for (;;) {
      if (fields === this.fieldStart.length) this.grow()
      let start = i
      let extra = 0
      let quoted = 0
      let quoteChar = -1
      if (removeQuotes && i < length && (buf[i] === 0x22 || buf[i] === 0x27)) {
        quoteChar = buf[i]!
        quoted = 1
        start = i + 1
      }

      let k = quoteChar === -1 ? i : i + 1
      let end = -1
      let ended = false
      while (k < length) {
        const b = buf[k]!
        if (escape && b === BACKSLASH) {
          if (k + 1 >= length) break
          if (buf[k + 1] === LF) lfs++
          extra++
          k += 2
          continue
        }

        if (quoteChar !== -1 && end === -1) {
          if (b === quoteChar) {
            end = k
            k++
            continue
          }

          if (b === LF) {
            // An unmatched quote fails the row (DG REMOVEQUOTES).
            problem ||= 1216
            end = k
            ended = true
            break
          }

          k++
          continue
        }

        if (b === delimiter || b === LF) {
          ended = true
          break
        }

        // Bytes after the closing quote, before the delimiter.
        if (quoteChar !== -1) problem ||= 1216
        k++
      }

      if (!ended && !final) return -1
      if (quoteChar !== -1 && end === -1) {
        problem ||= 1216
        end = k
      }

      this.fieldStart[fields] = start
      this.fieldEnd[fields] = quoteChar === -1 ? k : end
      this.fieldExtra[fields] = extra
      this.fieldQuoted[fields] = quoted
      fields++
      if (!ended) {
        i = length
        break
      }

      i = k + 1
      if (buf[k] === LF) break
    }

    this.fields = fields
    this.lfInRecord = lfs
    this.recordProblem = problem
    return i
  }
}

/** Counts a bad record and lists it (up to maxErrors) as COPY would log it, with the fix. */
export function recordFinding(
  s: CopyCheckSummary,
  maxErrors: number,
  columns: CompiledColumn[],
  finding: {code: number; column: null | string; line: number; message: string; raw: Uint8Array},
): void {
  const {code, column} = finding
  s.badRecords++
  s.byCode[code] = (s.byCode[code] ?? 0) + 1
  const key = column ?? '(record)'
  s.byColumn[key] = (s.byColumn[key] ?? 0) + 1
  if (s.errors.length >= maxErrors) {
    s.errorsTruncated = true
    return
  }

  let value = Buffer.from(finding.raw)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (value.length > MAX_VALUE_CHARS) value = `${value.slice(0, MAX_VALUE_CHARS)}…`
  const def = column === null ? undefined : columns.find((c) => c.def.name === column)?.def
  s.errors.push({
    code,
    column,
    fix: fixFor(code, {column: def, value}),
    line: finding.line,
    message: `${codeMeaning(code)} ${finding.message}`,
    value,
  })
}

export function valueMessage(code: number, col: CompiledColumn, raw: Uint8Array, extra: number): string {
  const {type} = col.def
  if (code === 1204 && col.isString) {
    const bytes = raw.length - extra
    return `${bytes} bytes for ${type} (${col.length} bytes)`
  }

  if (code === 1220)
    return col.kind === 8 ? `non-ASCII byte in ${type} (CHAR takes single-byte characters only)` : 'invalid UTF-8'
  return `value does not convert to ${type}`
}

export interface CopyCheckRequest {
  copy: CopyOptions
  input: InputSpec
  maxErrors: number
  table: TableDef
  zstdPath?: string | undefined
}

export interface CopyCheckClients {
  s3?: (() => S3Client) | undefined
}

export interface CopyCheckResult extends CopyCheckSummary {
  bytes: number
  elapsedMs: number
  input: string
  table: string
}

export async function copyCheck(
  clients: CopyCheckClients,
  request: CopyCheckRequest,
  ctx: RunContext,
): Promise<{result: CopyCheckResult; warnings: string[]}> {
  const started = ctx.now().getTime()
  const {copy, maxErrors, table} = request
  const checker =
    copy.format === 'json'
      ? new JsonRecordChecker({copy, jsonPaths: await readJsonPaths(copy, clients.s3), maxErrors, table})
      : copy.format === 'fixedwidth'
        ? new FixedWidthRecordChecker({copy, maxErrors, table})
        : new RecordChecker({copy, maxErrors, table})
  const input = await describeInput(request.input, clients.s3)
  let bytes = 0
  const feedAll = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of chunks) {
      if (ctx.signal.aborted) throw new InputError('interrupted')
      bytes += chunk.length
      checker.feed(chunk)
    }
  }

  // A plain local file goes through two reused buffers (plain-file.ts); RecordChecker copies
  // what it keeps of a chunk, so the buffers can be refilled.
  const plain =
    request.input.kind === 'file' && checker instanceof RecordChecker
      ? await openPlainFile(request.input.path)
      : undefined
  let compression: Compression = 'none'
  if (plain) await feedAll(plain.chunks)
  else {
    const raw = await input.open()
    const decompressed = await decompress(raw, request.zstdPath).catch((error: unknown) => {
      raw.destroy()
      throw error
    })
    compression = decompressed.compression
    try {
      await feedAll(decompressed.chunks)
    } catch (error) {
      throw decompressionError(error, decompressed.compression, decompressed.compressedRead(), bytes) ?? error
    } finally {
      raw.destroy()
    }
  }

  const summary = checker.finish()
  const warnings = checkWarnings(summary, request.copy, compression)
  if (checker instanceof FixedWidthRecordChecker) warnings.push(...fixedWidthWarnings(checker.notes))
  return {
    result: {
      ...summary,
      bytes,
      elapsedMs: Math.max(1, ctx.now().getTime() - started),
      input: input.name,
      table: request.table.name,
    },
    warnings,
  }
}

export function checkWarnings(summary: CopyCheckSummary, copy: CopyOptions, compression: string): string[] {
  const warnings: string[] = []
  if (summary.crlfRecords > 0)
    warnings.push(
      `${summary.crlfRecords} line(s) end in CR LF (Windows line ends); the CR was not treated as data here, but COPY's handling of it is not documented: convert to LF (dos2unix) to be sure`,
    )
  if (compression !== 'none' && copy.compression === 'none')
    warnings.push(
      `the input is ${compression}-compressed but the COPY options have no ${compression.toUpperCase()}: COPY would read the compressed bytes as text`,
    )
  if (summary.records === 0) warnings.push('the input holds no records after the header')
  return warnings
}

/** The JSONPaths file a JSON COPY names (a local path or s3://), parsed; undefined for 'auto'. */
export async function readJsonPaths(
  copy: CopyOptions,
  s3: (() => S3Client) | undefined,
): Promise<JsonPathStep[][] | undefined> {
  const arg = copy.formatArgument ?? 'auto'
  if (/^auto( ignorecase)?$/i.test(arg)) return undefined
  const spec: InputSpec = arg.startsWith('s3://')
    ? {kind: 's3', location: parseS3Uri(arg, "JSON 's3://…'")}
    : {kind: 'file', path: arg}
  let text: string
  try {
    const stream = await (await describeInput(spec, s3)).open()
    const parts: Buffer[] = []
    for await (const part of stream) parts.push(part as Buffer)
    text = Buffer.concat(parts).toString('utf8')
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new InputError(`the JSONPaths file ${arg} cannot be read: ${(error as Error).message}`, {
      cause: error,
      code: 'JsonPathsUnreadable',
      suggestions: ["Give FORMAT JSON 'auto', or a JSONPaths file that exists (a local path works for the check)."],
    })
  }

  try {
    return parseJsonPaths(text)
  } catch (error) {
    if (error instanceof JsonPathsError)
      throw new InputError(`${arg}: ${error.message}`, {
        code: 'InvalidJsonPaths',
        suggestions: ['A JSONPaths file is {"jsonpaths": ["$.id", "$.store.book.title", "$.location[0]"]}.'],
      })
    throw error
  }
}
