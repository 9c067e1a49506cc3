/**
 * Would COPY convert this field into this column? Each check reads the field's bytes in place
 * (no string per field: the streaming check must keep up with `wc -l`) and returns the load error
 * code COPY would log (DG r_Load_Error_Reference.html), or 0 when the value loads.
 *
 * Code per failure (the reference lists meanings, not which check raises which code; these follow
 * the reasons COPY writes into STL_LOAD_ERRORS, e.g. "Invalid digit, Value '.', Pos 8, Type: Long"
 * = 1207, "String length exceeds DDL length" = 1204):
 * - 1207 a character other than 0–9 in an integer or DECIMAL field;
 * - 1204 a value beyond the type's range: integer overflow, too many integer digits for
 *   DECIMAL(p,s), a string longer than the column in bytes (DG r_Character_types.html: CHAR and
 *   VARCHAR lengths are bytes; excess that is only spaces is trimmed, not an error);
 * - 1208 not a FLOAT/REAL/DOUBLE literal; 1210 not a BOOLEAN literal (DG r_Boolean_type.html:
 *   TRUE 't' 'true' 'y' 'yes' '1' / FALSE 'f' 'false' 'n' 'no' '0');
 * - 1205 date, 1206 timestamp/time not in DATEFORMAT/TIMEFORMAT (datetime-format.ts);
 * - 1220 invalid UTF-8 (VARCHAR without ACCEPTINVCHARS), or any byte above 0x7F in a CHAR column
 *   (DG multi-byte-character-load-errors.html: CHAR takes single-byte characters only).
 */
import {isUtf8} from 'node:buffer'

import type {ColumnDef} from './table-ddl.js'

import {type DateTimeMatcher, dateTimeMatcher} from './datetime-format.js'

export const OK = 0

/** A column prepared for checking: kind as a number, limits resolved, format matchers built. */
export interface CompiledColumn {
  /** Matcher for DATE/TIMESTAMP/TIME columns. */
  dateTime?: DateTimeMatcher
  def: ColumnDef
  isString: boolean
  kind: number
  length: number
  /** DECIMAL: most integer digits (precision − scale). */
  maxIntDigits: number
  /** Integers: the largest magnitude as ASCII digits (positive and negative). */
  maxNegative: string
  maxPositive: string
}

export const KIND = {
  bigint: 3,
  boolean: 7,
  char: 8,
  date: 10,
  decimal: 4,
  double: 6,
  integer: 2,
  real: 5,
  smallint: 1,
  super: 14,
  time: 13,
  timestamp: 11,
  timestamptz: 12,
  timetz: 15,
  unchecked: 0,
  varchar: 9,
} as const

const INTEGER_LIMITS: Record<number, [string, string]> = {
  [KIND.bigint]: ['9223372036854775807', '9223372036854775808'],
  [KIND.integer]: ['2147483647', '2147483648'],
  [KIND.smallint]: ['32767', '32768'],
}

export interface ConversionSettings {
  acceptAnyDate: boolean
  acceptInvChars: boolean
  dateFormat: string | undefined
  timeFormat: string | undefined
  truncateColumns: boolean
}

export function compileColumn(def: ColumnDef, settings: ConversionSettings): CompiledColumn {
  const kind = KIND[def.kind]
  const limits = INTEGER_LIMITS[kind] ?? ['', '']
  const column: CompiledColumn = {
    def,
    isString: kind === KIND.char || kind === KIND.varchar,
    kind,
    length: def.length ?? 0,
    maxIntDigits: (def.precision ?? 18) - (def.scale ?? 0),
    maxNegative: limits[1],
    maxPositive: limits[0],
  }
  switch (def.kind) {
    case 'date': {
      column.dateTime = dateTimeMatcher('date', settings.dateFormat)
      break
    }

    case 'time':
    case 'timetz': {
      column.dateTime = dateTimeMatcher(def.kind, undefined)
      break
    }

    case 'timestamp':
    case 'timestamptz': {
      column.dateTime = dateTimeMatcher(def.kind, settings.timeFormat)
      break
    }

    default: {
      break
    }
  }

  return column
}

const SPACE = 0x20
const TAB = 0x09

function isBlank(b: number): boolean {
  return b === SPACE || b === TAB
}

/**
 * The code COPY would raise for the bytes buf[s, e) in `col` (0 = loads). `utf8Known` is true
 * when the caller validated the whole chunk as UTF-8 already. `extraBytes` are bytes in [s, e)
 * that do not reach the value (escape backslashes, the second quote of a doubled quote).
 */
export function checkValue(
  col: CompiledColumn,
  buf: Uint8Array,
  s: number,
  e: number,
  settings: ConversionSettings,
  utf8Known: boolean,
  extraBytes: number,
): number {
  switch (col.kind) {
    case KIND.bigint:
    case KIND.integer:
    case KIND.smallint: {
      return checkInteger(col, buf, s, e)
    }

    case KIND.boolean: {
      return checkBoolean(buf, s, e)
    }

    case KIND.char:
    case KIND.varchar: {
      return checkString(col, buf, s, e, settings, utf8Known, extraBytes)
    }

    case KIND.date:
    case KIND.time:
    case KIND.timestamp:
    case KIND.timestamptz:
    case KIND.timetz: {
      if (col.dateTime!(buf, s, e)) return OK
      if (settings.acceptAnyDate && (col.kind === KIND.date || col.kind === KIND.timestamp)) return OK
      return col.kind === KIND.date ? 1205 : 1206
    }

    case KIND.decimal: {
      return checkDecimal(col, buf, s, e)
    }

    case KIND.double:
    case KIND.real: {
      return checkFloat(col, buf, s, e)
    }

    default: {
      return OK
    }
  }
}

function checkString(
  col: CompiledColumn,
  buf: Uint8Array,
  s: number,
  e: number,
  settings: ConversionSettings,
  utf8Known: boolean,
  extraBytes: number,
): number {
  if (col.kind === KIND.char) {
    for (let i = s; i < e; i++) if (buf[i]! > 0x7f) return 1220
  } else if (!utf8Known && !settings.acceptInvChars && !isUtf8(buf.subarray(s, e))) {
    return 1220
  }

  const bytes = e - s - extraBytes
  if (bytes <= col.length || settings.truncateColumns) return OK
  // Excess that is only trailing spaces is trimmed silently (DG r_Character_types.html).
  let end = e
  while (end > s && buf[end - 1] === SPACE) end--
  return end - s - extraBytes <= col.length ? OK : 1204
}

function checkInteger(col: CompiledColumn, buf: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(buf[s]!)) s++
  while (e > s && isBlank(buf[e - 1]!)) e--
  let negative = false
  if (buf[s] === 0x2d || buf[s] === 0x2b) {
    negative = buf[s] === 0x2d
    s++
  }

  if (s >= e) return 1207
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 0x30
    if (d < 0 || d > 9) return 1207
  }

  while (s < e - 1 && buf[s] === 0x30) s++
  const limit = negative ? col.maxNegative : col.maxPositive
  const digits = e - s
  if (digits < limit.length) return OK
  if (digits > limit.length) return 1204
  for (let i = 0; i < digits; i++) {
    const d = buf[s + i]!
    const l = limit.codePointAt(i)!
    if (d !== l) return d < l ? OK : 1204
  }

  return OK
}

function checkDecimal(col: CompiledColumn, buf: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(buf[s]!)) s++
  while (e > s && isBlank(buf[e - 1]!)) e--
  if (buf[s] === 0x2d || buf[s] === 0x2b) s++
  let intDigits = 0
  let significant = false
  let digits = 0
  let dot = false
  for (let i = s; i < e; i++) {
    const b = buf[i]!
    if (b === 0x2e && !dot) {
      dot = true
      continue
    }

    const d = b - 0x30
    if (d < 0 || d > 9) return 1207
    digits++
    if (!dot) {
      if (d !== 0) significant = true
      if (significant) intDigits++
    }
  }

  if (digits === 0) return 1207
  // Extra fraction digits are truncated (or rounded with ROUNDEC), not an error.
  return intDigits > col.maxIntDigits ? 1204 : OK
}

const REAL_MAX = 3.402_823_47e38

function checkFloat(col: CompiledColumn, buf: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(buf[s]!)) s++
  while (e > s && isBlank(buf[e - 1]!)) e--
  let i = s
  if (buf[i] === 0x2d || buf[i] === 0x2b) i++
  const first = buf[i]
  // nan, inf, infinity (any case): PostgreSQL's float input, which Redshift follows.
  if (first !== undefined && ((first | 0x20) === 0x6e || (first | 0x20) === 0x69)) {
    const word = Buffer.from(buf.buffer, buf.byteOffset + i, e - i)
      .toString('latin1')
      .toLowerCase()
    return word === 'nan' || word === 'inf' || word === 'infinity' ? OK : 1208
  }

  let digits = 0
  let intDigits = 0
  let dot = false
  let exponent = false
  for (; i < e; i++) {
    const b = buf[i]!
    const d = b - 0x30
    if (d >= 0 && d <= 9) {
      digits++
      if (!dot) intDigits++
      continue
    }

    if (b === 0x2e && !dot) {
      dot = true
      continue
    }

    if ((b | 0x20) === 0x65 && digits > 0) {
      exponent = true
      i++
      if (buf[i] === 0x2d || buf[i] === 0x2b) i++
      if (i >= e) return 1208
      for (; i < e; i++) {
        const x = buf[i]! - 0x30
        if (x < 0 || x > 9) return 1208
      }

      break
    }

    return 1208
  }

  if (digits === 0) return 1208
  if (exponent || intDigits > 38) {
    const value = Math.abs(Number(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1')))
    if (!Number.isFinite(value) || (col.kind === KIND.real && value > REAL_MAX)) return 1204
  }

  return OK
}

// Lower-case literals by length; compared byte by byte (ASCII | 0x20 folds case) so no string is made per value.
const BOOLEANS: readonly string[][] = [[], ['0', '1', 'f', 'n', 't', 'y'], ['no'], ['yes'], ['true'], ['false']]

function checkBoolean(buf: Uint8Array, s: number, e: number): number {
  while (s < e && isBlank(buf[s]!)) s++
  while (e > s && isBlank(buf[e - 1]!)) e--
  const words = BOOLEANS[e - s]
  if (!words) return 1210
  for (const word of words) {
    let i = 0
    while (i < word.length && (buf[s + i]! | 0x20) === word.codePointAt(i)) i++
    if (i === word.length) return OK
  }

  return 1210
}

/** Fields of only spaces/tabs (BLANKSASNULL; blank fields of non-character types load as NULL). */
export function isBlankField(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isBlank(buf[i]!)) return false
  return true
}
