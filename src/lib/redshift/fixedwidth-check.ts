/**
 * `copy-check` of a FIXEDWIDTH load: each line is one record, cut into fields by the widths of
 * the `FIXEDWIDTH 'label:width,…'` spec, in order, one field per target column.
 *
 * What the COPY reference says, and what this check does with it:
 * - Widths are read in **bytes** (DG copy-parameters-data-format.html, FIXEDWIDTH: "the length of
 *   CHAR and VARCHAR columns is expressed in bytes, so be sure that the column width that you
 *   specify accommodates the binary length of multibyte characters"). The tutorial and the UNLOAD
 *   page say "characters"; the two readings differ only on lines with multi-byte characters, which
 *   are counted and named in a warning.
 * - A line may end inside its last field: the COPY examples' VENUE file ends "IL0" where the spec
 *   gives venueseats 6 (DG r_COPY_command_examples.html, "Load VENUE from a fixed-width data
 *   file"), and it loads. So the last field is what the line holds.
 * - A line that ends before its last field begins is short. With FILLRECORD the missing columns
 *   load NULL (for VARCHAR too: the '' of FILLRECORD is for text and CSV, DG
 *   copy-parameters-data-conversion.html); without it the line is reported as 1214, the code COPY
 *   logs for a short delimited line (which code COPY logs for a short fixed-width line is not
 *   documented: that is our reading).
 * - Bytes after the last field: not documented; counted and warned about, never reported.
 * - Padding: blank fields of non-character columns load NULL, blank character fields stay blank
 *   unless BLANKSASNULL (DG BLANKSASNULL); an empty (cut) field is NULL for non-character columns
 *   and '' for character columns unless EMPTYASNULL. Spaces around a non-character value are not
 *   part of it (numbers are read so in delimited text too; the guide pads integers with zeros and
 *   its own VENUE file pads them with trailing spaces). NULL AS matches the field with its padding
 *   spaces removed (COPY's reading is not documented; this way a padded `\N` is not reported).
 * - ESCAPE is refused with FIXEDWIDTH (copy-options.ts); REMOVEQUOTES is not modelled here.
 */
import type {CopyOptions, FixedWidthField} from './copy-options.js'
import type {TableDef} from './table-ddl.js'

import {UsageError} from '../core/errors.js'
import {
  conversionSettings,
  type CopyCheckSummary,
  emptySummary,
  recordFinding,
  targetColumns,
  valueMessage,
} from './copy-check.js'
import {
  checkValue,
  compileColumn,
  type CompiledColumn,
  type ConversionSettings,
  isBlankField,
  OK,
} from './value-check.js'

const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20

export interface FixedWidthCheckerOptions {
  copy: CopyOptions
  maxErrors: number
  table: TableDef
}

/** Counts the warnings of a fixed-width check needs beside the summary. */
export interface FixedWidthNotes {
  /** Lines longer than the spec's total width (the extra bytes' fate is not documented). */
  longLines: number
  /** Lines holding bytes above 0x7F (where a reading of the widths in characters would cut differently). */
  multiByteLines: number
  totalWidth: number
}

/** The fields' [start, end) offsets within a line, from the widths. */
function offsets(fields: FixedWidthField[]): {ends: Int32Array; starts: Int32Array; total: number} {
  const starts = new Int32Array(fields.length)
  const ends = new Int32Array(fields.length)
  let at = 0
  for (const [i, f] of fields.entries()) {
    starts[i] = at
    at += f.width
    ends[i] = at
  }

  return {ends, starts, total: at}
}

/** Feed consecutive chunks of decompressed input; `finish()` after the last. */
export class FixedWidthRecordChecker {
  readonly notes: FixedWidthNotes
  readonly summary: CopyCheckSummary = emptySummary()
  private readonly blanksAsNull: boolean
  private readonly columns: CompiledColumn[]
  private readonly emptyAsNull: boolean
  private readonly ends: Int32Array
  private readonly fillRecord: boolean
  private headerLeft: number
  private readonly ignoreBlankLines: boolean
  private readonly labels: string[]
  private leftover: Buffer | undefined
  private line = 0
  private readonly maxErrors: number
  private readonly nullBytes: Buffer
  private readonly settings: ConversionSettings
  private readonly starts: Int32Array

  constructor(options: FixedWidthCheckerOptions) {
    const {copy} = options
    const fields = copy.fixedWidths
    if (!fields) throw new Error('FixedWidthRecordChecker needs the FIXEDWIDTH spec read')
    if (copy.removeQuotes)
      throw new UsageError('copy-check does not model REMOVEQUOTES with FIXEDWIDTH', {
        code: 'UnsupportedFormat',
        suggestions: ['Leave REMOVEQUOTES out of the check, or validate on the cluster with COPY … NOLOAD.'],
      })
    this.settings = conversionSettings(copy)
    this.columns = targetColumns(options.table, copy).map((c) => compileColumn(c, this.settings))
    if (fields.length !== this.columns.length)
      throw new UsageError(
        `FIXEDWIDTH gives ${fields.length} field(s) for ${this.columns.length} target column(s) of ${options.table.name}: the label:width pairs must match the columns one for one, in order`,
        {
          code: 'InvalidCopyOptions',
          suggestions: [
            `Target columns: ${this.columns.map((c) => c.def.name).join(', ')} (a COPY column list picks fewer; IDENTITY columns are left out unless EXPLICIT_IDS).`,
          ],
        },
      )
    const {ends, starts, total} = offsets(fields)
    this.starts = starts
    this.labels = fields.map((field) => field.label)
    this.ends = ends
    this.notes = {longLines: 0, multiByteLines: 0, totalWidth: total}
    this.emptyAsNull = copy.emptyAsNull
    this.blanksAsNull = copy.blanksAsNull
    this.fillRecord = copy.fillRecord
    this.ignoreBlankLines = copy.ignoreBlankLines
    this.headerLeft = copy.ignoreHeader
    // NULL AS is compared with the field less its padding spaces (see the file comment).
    this.nullBytes = Buffer.from(copy.nullAs, 'utf8')
    this.maxErrors = options.maxErrors
  }

  feed(chunk: Buffer): void {
    const buf = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk
    this.leftover = undefined
    let pos = 0
    for (;;) {
      const lf = buf.indexOf(LF, pos)
      if (lf === -1) break
      this.line++
      this.checkLine(buf, pos, lf)
      pos = lf + 1
    }

    if (pos < buf.length) this.leftover = Buffer.from(buf.subarray(pos))
  }

  finish(): CopyCheckSummary {
    if (this.leftover && this.leftover.length > 0) {
      const buf = this.leftover
      this.leftover = undefined
      this.line++
      this.checkLine(buf, 0, buf.length)
    }

    return this.summary
  }

  /** Field `f` of the line: buf[s, e). */
  private checkField(f: number, buf: Buffer, s: number, e: number, line: number): boolean {
    const col = this.columns[f]!
    let ts = s
    let te = e
    while (ts < te && buf[ts] === SPACE) ts++
    while (te > ts && buf[te - 1] === SPACE) te--
    const {nullBytes} = this
    let isNull = false
    if (
      nullBytes.length > 0 &&
      te - ts === nullBytes.length &&
      buf.compare(nullBytes, 0, nullBytes.length, ts, te) === 0
    )
      isNull = true
    else if (e === s) isNull = !col.isString || this.emptyAsNull
    else if (isBlankField(buf, s, e)) isNull = col.isString ? this.blanksAsNull : col.kind !== 0
    if (isNull) {
      if (!col.def.notNull) return true
      this.report(line, col.def.name, 1213, buf.subarray(s, e), `NULL for NOT NULL column "${col.def.name}"`)
      return false
    }

    // Character values keep their bytes; other values are read without their padding.
    const [vs, ve] = col.isString ? [s, e] : [ts, te]
    const code = checkValue(col, buf, vs, ve, this.settings, false, 0)
    if (code === OK) return true
    // Where the field is, so a spec that does not line up with the file shows (a shifted value).
    const where = ` (bytes ${this.starts[f]! + 1}–${this.ends[f]!} of the line, FIXEDWIDTH "${this.labels[f]}")`
    this.report(
      line,
      col.def.name,
      code,
      buf.subarray(vs, ve),
      valueMessage(code, col, buf.subarray(vs, ve), 0) + where,
    )
    return false
  }

  private checkLine(buf: Buffer, start: number, end: number): void {
    if (this.headerLeft > 0) {
      this.headerLeft--
      return
    }

    const {line} = this
    if (end > start && buf[end - 1] === CR) {
      end--
      this.summary.crlfRecords++
    }

    if (end === start && this.ignoreBlankLines) return
    this.summary.records++
    const length = end - start
    if (length === 0) {
      this.report(line, null, 1211, Buffer.alloc(0), 'the line is empty')
      return
    }

    if (hasHighByte(buf, start, end)) this.notes.multiByteLines++
    const {columns, ends, starts} = this
    const last = columns.length - 1
    if (length > this.notes.totalWidth) this.notes.longLines++
    for (let f = 0; f <= last; f++) {
      const col = columns[f]!
      const s = start + starts[f]!
      if (s >= end && f < last) {
        // Whole columns missing (the line ends before this field).
        if (!this.fillRecord) {
          this.report(
            line,
            col.def.name,
            1214,
            buf.subarray(start, end),
            `the line is ${length} bytes; column "${col.def.name}" starts at byte ${starts[f]! + 1} (FIXEDWIDTH, ${this.notes.totalWidth} bytes in all)`,
          )
          return
        }

        if (col.def.notNull) {
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

      const e = Math.min(start + ends[f]!, end)
      if (e < start + ends[f]! && f < last && !this.fillRecord) {
        this.report(
          line,
          col.def.name,
          1214,
          buf.subarray(start, end),
          `the line is ${length} bytes and ends inside column "${col.def.name}" (bytes ${starts[f]! + 1}–${ends[f]!})`,
        )
        return
      }

      if (!this.checkField(f, buf, Math.min(s, end), e, line)) return
    }
  }

  private report(line: number, column: null | string, code: number, raw: Uint8Array, message: string): void {
    recordFinding(this.summary, this.maxErrors, this.columns, {code, column, line, message, raw})
  }
}

function hasHighByte(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (buf[i]! > 0x7f) return true
  return false
}

/** The warnings of a fixed-width check (beside checkWarnings' common ones). */
export function fixedWidthWarnings(notes: FixedWidthNotes): string[] {
  const warnings: string[] = []
  if (notes.multiByteLines > 0)
    warnings.push(
      `${notes.multiByteLines} line(s) hold bytes above 0x7F: the FIXEDWIDTH widths were read in bytes, as the COPY reference says (copy-parameters-data-format.html); the tutorial's "characters" would cut these lines elsewhere — keep fixed-width files ASCII, or check one such line with COPY … NOLOAD`,
    )
  if (notes.longLines > 0)
    warnings.push(
      `${notes.longLines} line(s) are longer than the FIXEDWIDTH spec's ${notes.totalWidth} bytes; what COPY does with the bytes after the last field is not documented, so they were not reported — check the spec covers every column`,
    )
  return warnings
}
