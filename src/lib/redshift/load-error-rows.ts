/**
 * Load error rows, whatever their origin, in one shape: rows of STL_LOAD_ERRORS (provisioned) or
 * SYS_LOAD_ERROR_DETAIL (provisioned and Serverless) from the Data API, from the JSON of
 * `aws redshift-data get-statement-result`, or from a CSV/TSV export or a psql paste of either.
 *
 * Column names (DG r_STL_LOAD_ERRORS.html, SYS_LOAD_ERROR_DETAIL.html): STL query, filename,
 * line_number, colname, type, col_length, position, raw_line, raw_field_value, err_code,
 * err_reason; SYS query_id, file_name, line_number, column_name, column_type, column_length,
 * position, error_code, error_message. SYS has no raw value: it is read from the message
 * ("Invalid digit, Value 'a', Pos 0, Type: Integer") when the message quotes it.
 */
import type {Cell} from './data-api.js'

export interface LoadErrorRow {
  code: number | undefined
  column: string | undefined
  columnLength: string | undefined
  columnType: string | undefined
  file: string | undefined
  line: number | undefined
  position: number | undefined
  queryId: number | undefined
  rawLine: string | undefined
  rawValue: string | undefined
  reason: string | undefined
  startTime: string | undefined
  table: string | undefined
}

const ALIASES: Record<keyof LoadErrorRow, string[]> = {
  code: ['err_code', 'error_code', 'errcode', 'code'],
  column: ['colname', 'column_name', 'column', 'col_name'],
  columnLength: ['col_length', 'column_length'],
  columnType: ['type', 'column_type', 'col_type'],
  file: ['filename', 'file_name', 'input', 'file'],
  line: ['line_number', 'line', 'linenumber'],
  position: ['position', 'pos'],
  queryId: ['query', 'query_id', 'queryid'],
  rawLine: ['raw_line'],
  rawValue: ['raw_field_value', 'raw_value', 'value'],
  reason: ['err_reason', 'error_message', 'reason', 'message', 'error'],
  startTime: ['starttime', 'start_time'],
  table: ['table_name', 'tablename', 'table', 'tbl_name', 'name'],
}

function text(value: Cell | undefined): string | undefined {
  if (value === null || value === undefined) return undefined
  const s = String(value).trim()
  return s === '' ? undefined : s
}

function integer(value: Cell | undefined): number | undefined {
  const s = text(value)
  if (s === undefined) return undefined
  const n = Number(s)
  return Number.isFinite(n) ? n : undefined
}

/** A row keyed by any of the system tables' column names (case-insensitive). */
export function normaliseRow(raw: Record<string, Cell>): LoadErrorRow {
  const lower: Record<string, Cell> = {}
  for (const [k, v] of Object.entries(raw)) lower[k.trim().toLowerCase()] = v
  const pick = (field: keyof LoadErrorRow): Cell | undefined => {
    for (const name of ALIASES[field]) if (name in lower) return lower[name]
    return undefined
  }

  const reason = text(pick('reason'))
  let rawValue = text(pick('rawValue'))
  // SYS_LOAD_ERROR_DETAIL has no raw value; messages quote it: "…, Value 'x', Pos 0, …".
  if (rawValue === undefined && reason) rawValue = /Value '([^']*)'/.exec(reason)?.[1]
  return {
    code: integer(pick('code')),
    column: text(pick('column')),
    columnLength: text(pick('columnLength')),
    columnType: text(pick('columnType')),
    file: text(pick('file')),
    line: integer(pick('line')),
    position: integer(pick('position')),
    queryId: integer(pick('queryId')),
    rawLine: text(pick('rawLine')),
    rawValue,
    reason,
    startTime: text(pick('startTime')),
    table: text(pick('table')),
  }
}

export class ErrorsFileError extends Error {}

/** Rows of an errors file: get-statement-result JSON, CSV/TSV with a header, or psql output. */
export function parseErrorsFile(content: string): Array<Record<string, Cell>> {
  const trimmed = content.replace(/^\uFEFF/, '').trim()
  if (trimmed === '') throw new ErrorsFileError('the file is empty')
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(trimmed)
  if (/^-\[ RECORD \d+ \]/m.test(trimmed)) return parseExpanded(trimmed)
  return parseDelimited(trimmed)
}

interface StatementResultJson {
  ColumnMetadata?: Array<{label?: string; name?: string}>
  Records?: Array<Array<Record<string, unknown>>>
}

function parseJson(text: string): Array<Record<string, Cell>> {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new ErrorsFileError(`not valid JSON: ${(error as Error).message}`)
  }

  if (Array.isArray(data)) return data.filter((r) => r && typeof r === 'object') as Array<Record<string, Cell>>
  const result = data as StatementResultJson
  if (!Array.isArray(result.Records))
    throw new ErrorsFileError('JSON without "Records": give the output of aws redshift-data get-statement-result')
  const names = (result.ColumnMetadata ?? []).map((c, i) => c.name ?? c.label ?? `col${i}`)
  if (names.length === 0)
    throw new ErrorsFileError('the JSON has no "ColumnMetadata": the first page of get-statement-result carries it')
  return result.Records.map((record) => {
    const row: Record<string, Cell> = {}
    for (const [i, field] of record.entries()) {
      const f = field as {
        booleanValue?: boolean
        doubleValue?: number
        isNull?: boolean
        longValue?: number
        stringValue?: string
      }
      row[names[i] ?? `col${i}`] = f.isNull
        ? null
        : (f.stringValue ?? f.longValue ?? f.doubleValue ?? f.booleanValue ?? null)
    }

    return row
  })
}

/** psql's expanded display (\x): "-[ RECORD 1 ]---" then "name | value" lines. */
function parseExpanded(text: string): Array<Record<string, Cell>> {
  const rows: Array<Record<string, Cell>> = []
  let current: Record<string, Cell> | undefined
  for (const line of text.split(/\r?\n/)) {
    if (/^-\[ RECORD \d+ \]/.test(line)) {
      current = {}
      rows.push(current)
      continue
    }

    const bar = line.indexOf('|')
    if (current && bar > 0) current[line.slice(0, bar).trim()] = line.slice(bar + 1).trim()
  }

  return rows
}

function parseDelimited(text: string): Array<Record<string, Cell>> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^\(\d+ rows?\)$/.test(l.trim()))
  const header = lines[0]!
  const delimiter = header.includes('\t') ? '\t' : header.includes('|') ? '|' : ','
  const split = (line: string): string[] =>
    delimiter === ',' ? splitCsvLine(line) : line.split(delimiter).map((c) => c.trim())
  const names = split(header).map((n) => n.trim())
  if (!names.some((n) => Object.values(ALIASES).some((list) => list.includes(n.toLowerCase()))))
    throw new ErrorsFileError(
      `the first line does not name STL_LOAD_ERRORS or SYS_LOAD_ERROR_DETAIL columns (found: ${names.slice(0, 6).join(', ')})`,
    )
  const rows: Array<Record<string, Cell>> = []
  for (const line of lines.slice(1)) {
    // psql's rule under the header (----+----).
    if (/^[-+\s|]+$/.test(line)) continue
    const cells = split(line)
    const row: Record<string, Cell> = {}
    for (const [i, name] of names.entries()) row[name] = cells[i] ?? null
    rows.push(row)
  }

  return rows
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      cells.push(cell)
      cell = ''
    } else cell += c
  }

  cells.push(cell)
  return cells
}
