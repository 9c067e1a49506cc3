/**
 * copy-check for `FORMAT JSON`: each JSON object (or array) in the stream is one record, and
 * may span lines or share one (DG copy-usage_notes-copy-from-json.html). Its values are mapped
 * to the target columns and checked with the same conversion rules as CSV/text (value-check.ts).
 *
 * Mapping (DG copy-usage_notes-copy-from-json.html, copy-parameters-data-format.html):
 * - `'auto'`: a top-level key loads into the column of the same name, case-sensitive (column
 *   names are lower case, so a mixed-case key matches nothing); `'auto ignorecase'`: any case.
 *   A column whose key is absent loads NULL; keys with no column are ignored. A top-level array
 *   needs a JSONPaths file.
 * - JSONPaths: one path per target column, in order; `$.a.b`, `$['a']['b']`, `[n]` array
 *   elements; no wildcards or filters. A path that finds nothing loads NULL.
 * - An object or array value loads as its JSON text; numbers are read as floating point (so they
 *   may lose precision); `\n`, `\t`, `\\` escapes are decoded.
 * COPY logs a JSON record's error at the object's last line; so does this check.
 *
 * Not known from the documentation, so not reported as errors: a boolean into a numeric column,
 * and whether white space inside a nested object counts towards a VARCHAR's length (the compact
 * text is checked: if even that is too long, COPY rejects it).
 */
import {isUtf8} from 'node:buffer'

import type {CopyOptions} from './copy-options.js'
import type {TableDef} from './table-ddl.js'

import {InputError} from '../core/errors.js'
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
  KIND,
  OK,
} from './value-check.js'

const LF = 0x0a
const QUOTE = 0x22
const BACKSLASH = 0x5c

export type JsonPathStep = number | string

export interface JsonCheckerOptions {
  copy: CopyOptions
  /** The parsed JSONPaths file, when the COPY names one. */
  jsonPaths?: JsonPathStep[][] | undefined
  maxErrors: number
  table: TableDef
}

export class JsonPathsError extends Error {}

/**
 * The paths of a JSONPaths file, or undefined when its only key is not "jsonpaths" (COPY then
 * reads the data as with 'auto').
 */
export function parseJsonPaths(text: string): JsonPathStep[][] | undefined {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    throw new JsonPathsError(`the JSONPaths file is not JSON: ${(error as Error).message}`)
  }

  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new JsonPathsError('the JSONPaths file must hold one JSON object: {"jsonpaths": ["$.a", …]}')
  if (!('jsonpaths' in doc)) return undefined
  const paths = (doc as {jsonpaths: unknown}).jsonpaths
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string'))
    throw new JsonPathsError('"jsonpaths" must be an array of JSONPath strings')
  return (paths as string[]).map((p) => parseJsonPath(p))
}

/** `$.a.b[0]` or `$['a']['b'][0]`: names and array indexes; wildcards and filters are refused. */
export function parseJsonPath(path: string): JsonPathStep[] {
  const steps: JsonPathStep[] = []
  if (!path.startsWith('$')) throw new JsonPathsError(`JSONPath "${path}" must start with $`)
  let i = 1
  while (i < path.length) {
    const rest = path.slice(i)
    const dot = /^\.([^.'[\]*]+)/.exec(rest)
    const bracketName = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest) ?? /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest)
    const index = /^\[(\d+)\]/.exec(rest)
    if (dot) steps.push(dot[1]!)
    else if (bracketName) steps.push(bracketName[1]!)
    else if (index) steps.push(Number(index[1]))
    else
      throw new JsonPathsError(
        `JSONPath "${path}" is not supported at "${rest}": COPY takes $.name, $['name'] and [n] only (no wildcards or filters)`,
      )
    i += (dot ?? bracketName ?? index)![0].length
  }

  return steps
}

/** Feed consecutive chunks of decompressed JSON; `finish()` after the last. */
export class JsonRecordChecker {
  readonly summary: CopyCheckSummary = emptySummary()
  private readonly blanksAsNull: boolean
  private readonly columns: CompiledColumn[]
  private readonly emptyAsNull: boolean
  private readonly ignoreCase: boolean
  private leftover: Buffer | undefined
  /** Line feeds before the start of the unconsumed input. */
  private line = 0
  private readonly maxErrors: number
  private readonly paths: JsonPathStep[][] | undefined
  private readonly settings: ConversionSettings

  constructor(options: JsonCheckerOptions) {
    const {copy} = options
    this.settings = conversionSettings(copy)
    this.columns = targetColumns(options.table, copy).map((c) => compileColumn(c, this.settings))
    this.paths = options.jsonPaths
    if (this.paths && this.paths.length !== this.columns.length)
      throw new InputError(
        `the JSONPaths file has ${this.paths.length} path(s) for ${this.columns.length} target column(s) of ${options.table.name}: COPY needs one path per column`,
        {
          code: 'InvalidJsonPaths',
          suggestions: ['Give one JSONPath per column, in the order of the columns (or of the COPY column list).'],
        },
      )
    this.ignoreCase = (copy.formatArgument ?? 'auto').toLowerCase() === 'auto ignorecase'
    this.emptyAsNull = copy.emptyAsNull
    this.blanksAsNull = copy.blanksAsNull
    this.maxErrors = options.maxErrors
  }

  feed(chunk: Buffer): void {
    const buf = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk
    this.leftover = undefined
    const consumed = this.process(buf, false)
    if (consumed < buf.length) this.leftover = Buffer.from(buf.subarray(consumed))
  }

  finish(): CopyCheckSummary {
    if (this.leftover && this.leftover.length > 0) {
      const buf = this.leftover
      this.leftover = undefined
      this.process(buf, true)
    }

    return this.summary
  }

  /** False when the field fails (and was reported). */
  private checkField(col: CompiledColumn, value: unknown, line: number): boolean {
    if (value === undefined || value === null) {
      if (!col.def.notNull) return true
      this.report(
        line,
        col.def.name,
        1213,
        Buffer.alloc(0),
        `no value (${value === null ? 'null' : 'key absent'}) for NOT NULL column "${col.def.name}"`,
      )
      return false
    }

    let text: string
    let lowerBound = false
    if (typeof value === 'string') text = value
    else if (typeof value === 'number') text = String(value)
    else if (typeof value === 'boolean') {
      if (!col.isString && col.kind !== KIND.boolean) return true
      text = String(value)
    } else {
      if (!col.isString) return true
      text = JSON.stringify(value)
      lowerBound = true
    }

    const bytes = Buffer.from(text, 'utf8')
    const len = bytes.length
    const isNull =
      len === 0
        ? !col.isString || this.emptyAsNull
        : isBlankField(bytes, 0, len) && (col.isString ? this.blanksAsNull : col.kind !== KIND.unchecked)
    if (isNull) {
      if (!col.def.notNull) return true
      this.report(line, col.def.name, 1213, bytes, `NULL for NOT NULL column "${col.def.name}"`)
      return false
    }

    const code = checkValue(col, bytes, 0, len, this.settings, true, 0)
    if (code === OK) return true
    this.report(
      line,
      col.def.name,
      code,
      bytes,
      valueMessage(code, col, bytes, 0) + (lowerBound ? ' (the nested value, without its white space)' : ''),
    )
    return false
  }

  private checkRecord(buf: Buffer, start: number, end: number, line: number): void {
    this.summary.records++
    const raw = buf.subarray(start, end)
    if (!isUtf8(raw) && !this.settings.acceptInvChars) {
      this.report(line, null, 1220, raw, 'the record is not valid UTF-8')
      return
    }

    let doc: unknown
    try {
      doc = JSON.parse(raw.toString('utf8'))
    } catch (error) {
      this.report(line, null, 1216, raw, `the record is not valid JSON (${(error as Error).message})`)
      return
    }

    if (Array.isArray(doc) && !this.paths) {
      this.report(line, null, 1216, raw, "a top-level JSON array loads only with a JSONPaths file, not with 'auto'")
      return
    }

    const keys =
      this.paths || Array.isArray(doc) ? undefined : keyIndex(doc as Record<string, unknown>, this.ignoreCase)
    for (const [c, col] of this.columns.entries()) {
      const value = this.paths
        ? follow(doc, this.paths[c]!)
        : keys!.get(this.ignoreCase ? col.def.name.toLowerCase() : col.def.name)
      if (!this.checkField(col, value, line)) return
    }
  }

  /** Checks every whole record from the start of buf; returns the offset of the first byte not consumed. */
  private process(buf: Buffer, final: boolean): number {
    const {length} = buf
    let pos = 0
    let lines = this.line
    while (pos < length) {
      const b = buf[pos]!
      if (b === LF) {
        lines++
        pos++
        continue
      }

      if (b === 0x20 || b === 0x09 || b === 0x0d) {
        pos++
        continue
      }

      if (b !== 0x7b && b !== 0x5b) {
        // Not the start of an object or array: the rest of the line is not a record.
        let lf = buf.indexOf(LF, pos)
        if (lf === -1) {
          if (!final) break
          lf = length
        }

        this.summary.records++
        this.report(lines + 1, null, 1216, buf.subarray(pos, lf), 'expected a JSON object ({…}) or array ([…])')
        pos = lf
        continue
      }

      const scanned = scanValue(buf, pos)
      if (scanned.end === -1) {
        if (!final) break
        this.summary.records++
        this.report(
          lines + 1,
          null,
          1216,
          buf.subarray(pos),
          'the JSON record that starts on this line is never closed',
        )
        lines += scanned.lfs
        pos = length
        break
      }

      lines += scanned.lfs
      this.checkRecord(buf, pos, scanned.end, lines + 1)
      pos = scanned.end
    }

    // Line feeds are counted up to pos only: the part not consumed is scanned again with more input.
    this.line = lines
    return pos
  }

  private report(line: number, column: null | string, code: number, raw: Uint8Array, message: string): void {
    recordFinding(this.summary, this.maxErrors, this.columns, {code, column, line, message, raw})
  }
}

/** The end (exclusive) of the object/array at `start`, or -1 when buf ends first; and its line feeds. */
function scanValue(buf: Buffer, start: number): {end: number; lfs: number} {
  let depth = 0
  let lfs = 0
  let inString = false
  for (let i = start; i < buf.length; i++) {
    const b = buf[i]!
    if (b === LF) lfs++
    if (inString) {
      if (b === BACKSLASH) i++
      else if (b === QUOTE) inString = false
      continue
    }

    if (b === QUOTE) inString = true
    else if (b === 0x7b || b === 0x5b) depth++
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return {end: i + 1, lfs}
  }

  return {end: -1, lfs}
}

function keyIndex(doc: Record<string, unknown>, ignoreCase: boolean): Map<string, unknown> {
  const map = new Map<string, unknown>()
  for (const [k, v] of Object.entries(doc)) {
    const key = ignoreCase ? k.toLowerCase() : k
    if (!map.has(key)) map.set(key, v)
  }

  return map
}

function follow(doc: unknown, path: JsonPathStep[]): unknown {
  let at: unknown = doc
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined
    if (typeof step === 'number') {
      if (!Array.isArray(at)) return undefined
      at = at[step]
    } else {
      if (Array.isArray(at)) return undefined
      at = (at as Record<string, unknown>)[step]
    }
  }

  return at
}
