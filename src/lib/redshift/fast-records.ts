/**
 * The clean-record fast path of `RecordChecker`: one pass over the bytes that finds each field and
 * checks it at once, for records that are plainly fine. It never decides that a record is bad:
 * the moment a record holds anything it does not handle (quotes it cannot read simply, blanks,
 * NULL AS values of NOT NULL columns, CR other than a CR LF line end, escapes, a value it cannot
 * prove loads, a wrong field count), it stops before that record and the reference path
 * (splitCsv/splitText + checkValue in copy-check.ts) reads it. So COPY's rules live in one place;
 * this file only knows a subset of values that surely load:
 * - integers: optional sign, 1 to (digits of the type's maximum − 1) digits;
 * - DECIMAL(p,s): optional sign, digits and one dot, at most p − s digits before the dot (leading
 *   zeros counted, so a few valid values go the reference way);
 * - REAL/DOUBLE: the same without an exponent, at most 38 digits before the dot;
 * - CHAR/VARCHAR: at most the column's length in bytes (any length with TRUNCATECOLUMNS); CHAR
 *   bytes below 0x80; the caller runs this only on bytes already validated as UTF-8;
 * - other types: the reference value check itself (checkValue) on the field's bytes.
 * Empty fields follow the same NULL rules as the reference (a NOT NULL column goes the reference
 * way). A property test (test/unit/redshift/fast-records.test.ts) holds the two paths equal.
 */
import type {CopyOptions} from './copy-options.js'

import {checkValue, type CompiledColumn, type ConversionSettings, KIND, OK} from './value-check.js'

const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const TAB = 0x09
const BACKSLASH = 0x5c
const MINUS = 0x2d
const PLUS = 0x2b
const DOT = 0x2e

// How a column's field is read on the fast path.
const INTEGER = 1
const DECIMAL = 2
const FLOAT = 3
const STRING = 4
const OTHER = 5

export class FastRecordPath {
  /** CR LF line ends among the records of the last `run`. */
  crlf = 0
  /** Records accepted by the last `run`. */
  records = 0
  private readonly allowEmpty: Uint8Array
  private readonly columns: CompiledColumn[]
  private readonly csv: boolean
  private readonly delimiter: number
  private readonly ignoreBlankLines: boolean
  /** The record just read ended in CR LF after an unquoted last field. */
  private lastFieldCr = false
  private readonly limit: Int32Array
  private readonly mode: Uint8Array
  private readonly notNull: Uint8Array
  private readonly null0: number
  private readonly nullBytes: Uint8Array
  private readonly quote: number
  private readonly removeQuotes: boolean
  private readonly settings: ConversionSettings
  /** Per string column: 1 for the bytes that end or leave the fast scan of an unquoted field. */
  private readonly stops: Uint8Array[]

  private constructor(columns: CompiledColumn[], copy: CopyOptions, settings: ConversionSettings) {
    const n = columns.length
    this.columns = columns
    this.settings = settings
    this.csv = copy.format === 'csv'
    this.delimiter = copy.delimiter.codePointAt(0)!
    this.quote = copy.quote.codePointAt(0)!
    this.removeQuotes = copy.removeQuotes
    this.ignoreBlankLines = copy.ignoreBlankLines
    this.nullBytes = Buffer.from(copy.nullAs, 'utf8')
    this.null0 = this.nullBytes.length > 0 ? this.nullBytes[0]! : -1
    this.mode = new Uint8Array(n)
    this.limit = new Int32Array(n)
    this.notNull = new Uint8Array(n)
    this.allowEmpty = new Uint8Array(n)
    this.stops = []
    for (const [c, col] of columns.entries()) {
      this.notNull[c] = col.def.notNull ? 1 : 0
      // An empty field is NULL, except in a character column without EMPTYASNULL ('' then).
      const emptyIsNull = !col.isString || copy.emptyAsNull
      this.allowEmpty[c] = emptyIsNull && col.def.notNull ? 0 : 1
      const stop = new Uint8Array(256)
      stop[this.delimiter] = 1
      stop[LF] = 1
      stop[CR] = 1
      if (copy.escape && !this.csv) stop[BACKSLASH] = 1
      if (col.kind === KIND.char) stop.fill(1, 0x80)
      this.stops.push(stop)
      switch (col.kind) {
        case KIND.bigint:
        case KIND.integer:
        case KIND.smallint: {
          this.mode[c] = INTEGER
          this.limit[c] = col.maxPositive.length - 1
          break
        }

        case KIND.char:
        case KIND.varchar: {
          this.mode[c] = STRING
          this.limit[c] = copy.truncateColumns ? 0x7f_ff_ff_ff : col.length
          break
        }

        case KIND.decimal: {
          this.mode[c] = DECIMAL
          this.limit[c] = col.maxIntDigits
          break
        }

        case KIND.double:
        case KIND.real: {
          this.mode[c] = FLOAT
          this.limit[c] = 38
          break
        }

        default: {
          this.mode[c] = OTHER
        }
      }
    }
  }

  /** The fast path for these settings, or undefined when it cannot serve them (the reference path then reads every record). */
  static for(columns: CompiledColumn[], copy: CopyOptions, settings: ConversionSettings): FastRecordPath | undefined {
    if (columns.length === 0 || copy.fillRecord) return undefined
    const delimiter = copy.delimiter.codePointAt(0)!
    const quote = copy.quote.codePointAt(0)!
    // Single-byte ASCII separators only; a quote equal to the delimiter is left to the reference.
    if (delimiter >= 0x80 || quote >= 0x80 || delimiter === quote) return undefined
    // Separators that a value scan would read as part of a value (a digit, sign or dot of a
    // number, a blank, an escape) are left to the reference path too.
    if (/[\d\s+.\\-]/.test(String.fromCodePoint(delimiter))) return undefined
    return new FastRecordPath(columns, copy, settings)
  }

  /**
   * Accepts consecutive records of buf from `pos` while each is plainly loadable; stops before
   * `end` (a record start after a line feed) or before the first record it cannot vouch for.
   * Returns where it stopped; `records` and `crlf` count what it accepted.
   */
  run(buf: Uint8Array, pos: number, end: number): number {
    let records = 0
    let crlf = 0
    while (pos < end) {
      if (this.ignoreBlankLines && (buf[pos] === LF || buf[pos] === CR)) break
      const next = this.record(buf, pos)
      if (next < 0) break
      records++
      if (this.lastFieldCr) crlf++
      pos = next
    }

    this.records = records
    this.crlf = crlf
    return pos
  }

  /** The unquoted field of column c at p: the offset of the byte that ends it (checked by the caller), or -1. */
  private field(c: number, buf: Uint8Array, p: number): number {
    let b = buf[p]
    // Blanks before a value (or before a quote) and REMOVEQUOTES quotes: the reference's.
    if (b === SPACE || b === TAB || (this.removeQuotes && !this.csv && (b === 0x22 || b === 0x27))) return -1
    const s = p
    const kind = this.mode[c]!
    let i = s
    if (kind === INTEGER || kind === DECIMAL || kind === FLOAT) {
      if (b === MINUS || b === PLUS) b = buf[++i]
      const digitsFrom = i
      while (b !== undefined && b >= 0x30 && b <= 0x39) b = buf[++i]
      const intDigits = i - digitsFrom
      let digits = intDigits
      if (b === DOT && kind !== INTEGER) {
        b = buf[++i]
        const fractionFrom = i
        while (b !== undefined && b >= 0x30 && b <= 0x39) b = buf[++i]
        digits += i - fractionFrom
      }

      if (intDigits > this.limit[c]! || (digits === 0 && i !== s)) return -1
    } else {
      const stop = this.stops[c]!
      while (b !== undefined && stop[b] === 0) b = buf[++i]
    }

    // A CR LF line end: the CR is not data (the reference counts it too).
    const e = i
    if (b === CR) {
      if (c !== this.columns.length - 1 || buf[i + 1] !== LF) return -1
      this.lastFieldCr = true
      i++
    }

    if (e === s) return this.allowEmpty[c] === 1 ? i : -1
    if (buf[s] === this.null0 && this.isNullAs(buf, s, e)) return this.notNull[c] === 1 ? -1 : i
    if (kind === STRING) return e - s > this.limit[c]! ? -1 : i
    if (kind === OTHER && checkValue(this.columns[c]!, buf, s, e, this.settings, true, 0) !== OK) return -1
    return i
  }

  private isNullAs(buf: Uint8Array, s: number, e: number): boolean {
    const {nullBytes} = this
    if (e - s !== nullBytes.length) return false
    for (let i = 0; i < nullBytes.length; i++) if (buf[s + i] !== nullBytes[i]) return false
    return true
  }

  /** A quoted CSV field of column c at p in its simple form (no doubled quote, no line feed inside): the offset after its closing quote, or -1. */
  private quotedField(c: number, buf: Uint8Array, p: number): number {
    const {quote} = this
    const s = p + 1
    let i = s
    let b = buf[i]
    while (b !== quote) {
      if (b === LF || b === undefined) return -1
      b = buf[++i]
    }

    return this.quotedFieldLoads(c, buf, s, i) ? i + 1 : -1
  }

  /** The value of a quoted CSV field buf[s, e) of column c surely loads (NULL AS does not apply to quoted fields). */
  private quotedFieldLoads(c: number, buf: Uint8Array, s: number, e: number): boolean {
    if (e === s) return this.allowEmpty[c] === 1
    // Blanks are NULL for non-character types, and for character ones with BLANKSASNULL.
    if (buf[s] === SPACE || buf[s] === TAB) return false
    const col = this.columns[c]!
    if (this.mode[c] !== STRING) return checkValue(col, buf, s, e, this.settings, true, 0) === OK
    if (e - s > this.limit[c]!) return false
    if (col.kind === KIND.char) for (let i = s; i < e; i++) if (buf[i]! >= 0x80) return false
    return true
  }

  /** Offset after the line feed of the record at `pos` when it surely loads, else -1. */
  private record(buf: Uint8Array, pos: number): number {
    const last = this.columns.length - 1
    const {delimiter} = this
    let p = pos
    this.lastFieldCr = false
    for (let c = 0; c <= last; c++) {
      p = this.csv && buf[p] === this.quote ? this.quotedField(c, buf, p) : this.field(c, buf, p)
      if (p < 0 || buf[p] !== (c === last ? LF : delimiter)) return -1
      p++
    }

    return p
  }
}
