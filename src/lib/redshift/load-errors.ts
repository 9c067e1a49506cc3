/**
 * `redshift load-errors`: why a COPY failed. Reads the load error rows (Data API or a saved file),
 * groups them by (table, column, code, reason pattern), explains each code with its cause and fix
 * (load-error-codes.ts), shows byte lengths of the offending values, and builds a corrected COPY
 * for review from the COPY text when it is readable (it is never run).
 *
 * Where errors live (DG r_STL_LOAD_ERRORS.html, SYS_LOAD_ERROR_DETAIL.html, SYS_LOAD_HISTORY.html,
 * SYS_QUERY_TEXT.html): SYS_LOAD_ERROR_DETAIL on provisioned clusters and Serverless;
 * STL_LOAD_ERRORS on provisioned only (Serverless answers "permission denied"), with the raw line
 * and field. Regular users see only their own rows.
 */
import type {RedshiftDataClient} from '@aws-sdk/client-redshift-data'
import type {S3Client} from '@aws-sdk/client-s3'

import type {RunContext} from '../core/run-context.js'

import {InputError, UsageError} from '../core/errors.js'
import {type CopyOptions, CopyOptionsError, formatCopyOptions, parseCopyOptions} from './copy-options.js'
import {type Cell, type DataApiTarget, runStatement, StatementFailedError} from './data-api.js'
import {fetchLines, markField} from './fetch-lines.js'
import {codeMeaning, fixFor, LOAD_ERROR_CODES, matchReason, MAXERROR_NOTE, utf8Bytes} from './load-error-codes.js'
import {ErrorsFileError, type LoadErrorRow, normaliseRow, parseErrorsFile} from './load-error-rows.js'

export type ErrorSource = 'stl' | 'sys'

export interface LoadErrorsRequest {
  /** Offline: the content of a saved result (JSON/CSV/TSV/psql) and its name. */
  errorsFile?: undefined | {content: string; name: string}
  /** Read the offending lines from the S3 objects the rows name (s3:GetObject). */
  fetchLines?: boolean | undefined
  /** Most error rows to read (newest first). */
  limit: number
  queryId?: number | undefined
  since?: Date | undefined
  source: ErrorSource
  table?: string | undefined
  target?: DataApiTarget | undefined
  zstdPath?: string | undefined
}

export interface LoadErrorsClients {
  data?: (() => RedshiftDataClient) | undefined
  s3?: (() => S3Client) | undefined
}

export interface ErrorExample {
  /** Byte length in UTF-8 of the value (VARCHAR/CHAR lengths count bytes). */
  bytes: number | undefined
  file: string | undefined
  line: number | undefined
  /** --fetch-lines: the line as it is in the file (at most 64 KiB). */
  lineText?: string | undefined
  /** --fetch-lines: why the line was not read. */
  lineUnread?: string | undefined
  /** --fetch-lines: where the logged value is in lineText (UTF-16 offsets), when it is there. */
  mark?: undefined | {length: number; start: number}
  value: string | undefined
}

export interface ErrorGroup {
  cause: string
  code: number | undefined
  column: string | undefined
  columnLength: string | undefined
  columnType: string | undefined
  count: number
  examples: ErrorExample[]
  fix: string
  meaning: string
  /** The reason with the value and position taken out, as grouped. */
  reason: string
  table: string | undefined
}

export interface LoadRecord {
  dataSource: string | undefined
  errorCount: number | undefined
  loadedRows: number | undefined
  queryId: number | undefined
  status: string | undefined
  table: string | undefined
}

export interface LoadErrorsResult {
  /** The COPY text as run, when it could be read. */
  copyText: string | undefined
  /** The COPY with the suggested option changes, for review (never run). */
  correctedCopy: string | undefined
  groups: ErrorGroup[]
  loads: LoadRecord[]
  queryIds: number[]
  rows: number
  source: string
}

const EXAMPLES_PER_GROUP = 3

/** Reason text with the quoted value and the position removed, so equal failures group together. */
export function reasonPattern(reason: string | undefined): string {
  if (!reason) return ''
  return reason
    .replaceAll(/Value '[^']*'/g, "Value '…'")
    .replaceAll(/Pos \d+/g, 'Pos n')
    .replaceAll(/(hex sequence:|Invalid char:) [\da-f ]+/gi, '$1 …')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * The code whose meaning explains a row: its own code when the reason agrees (or is unknown),
 * else the code of the reason text (a pasted row may have no code, and a statement error's
 * internal code, e.g. 8001 "Value too long for character type", is not a load error code).
 */
export function explainCode(row: LoadErrorRow): {code: number | undefined; fix?: string; note?: string} {
  const byReason = matchReason(row.reason)
  if (row.code === undefined)
    return byReason
      ? {...byReason, note: `No code in the row; the reason is that of ${byReason.code}.`}
      : {code: undefined}
  if (byReason && byReason.code !== row.code && !(row.code in LOAD_ERROR_CODES && sameFamily(row.code, byReason.code)))
    return {
      ...byReason,
      note: `The reason is that of load error ${byReason.code}, not of ${row.code} ("${codeMeaning(row.code)}"): explained by the reason.`,
    }
  return byReason?.fix ? {code: row.code, fix: byReason.fix} : {code: row.code}
}

/** Codes whose reasons overlap (range and digit errors; format errors of one family). */
function sameFamily(a: number, b: number): boolean {
  const families = [
    [1204, 1207, 1208, 1209, 1222],
    [1201, 1202, 1203, 1214],
    [1216, 1200],
  ]
  return families.some((f) => f.includes(a) && f.includes(b))
}

export function groupErrors(rows: LoadErrorRow[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>()
  for (const row of rows) {
    const pattern = reasonPattern(row.reason)
    const key = JSON.stringify([row.table, row.column, row.code, pattern])
    let group = groups.get(key)
    if (!group) {
      const explained = explainCode(row)
      const known = explained.code === undefined ? undefined : LOAD_ERROR_CODES[explained.code]
      group = {
        cause:
          (explained.note ? `${explained.note} ` : '') +
          (known?.cause ??
            (explained.code === undefined
              ? 'No error code in the row, and the reason is not a known one.'
              : `Code ${explained.code} is not in the documented list of load errors.`)),
        code: row.code ?? explained.code,
        column: row.column,
        columnLength: row.columnLength,
        columnType: row.columnType,
        count: 0,
        examples: [],
        fix:
          explained.fix ??
          (explained.code === undefined
            ? `Read the reason text. ${MAXERROR_NOTE}`
            : fixFor(explained.code, {
                columnLength: row.columnLength,
                columnType: row.columnType,
                reason: row.reason,
                value: row.rawValue,
              })),
        meaning: explained.code === undefined ? 'unknown' : codeMeaning(explained.code),
        reason: pattern,
        table: row.table,
      }
      groups.set(key, group)
    }

    group.count++
    if (group.examples.length < EXAMPLES_PER_GROUP)
      group.examples.push({
        bytes: row.rawValue === undefined ? undefined : utf8Bytes(row.rawValue),
        file: row.file,
        line: row.line,
        value: row.rawValue,
      })
  }

  return [...groups.values()].sort((a, b) => b.count - a.count)
}

/** The COPY option changes the error groups point to (only options; data/column fixes are comments). */
export function correctCopy(copyText: string, groups: ErrorGroup[]): string | undefined {
  let options: CopyOptions
  try {
    options = parseCopyOptions(copyText)
  } catch (error) {
    if (error instanceof CopyOptionsError) return undefined
    throw error
  }

  const notes: string[] = []
  const codes = new Set(groups.map((g) => g.code))
  if (codes.has(1205) && options.dateFormat === undefined) {
    options.dateFormat = 'auto'
    notes.push("DATEFORMAT 'auto': dates were not in YYYY-MM-DD (1205)")
  }

  if (codes.has(1206) && options.timeFormat === undefined) {
    options.timeFormat = 'auto'
    notes.push("TIMEFORMAT 'auto': timestamps were not in YYYY-MM-DD HH:MI:SS (1206)")
  }

  if (codes.has(1211) && !options.ignoreBlankLines) {
    options.ignoreBlankLines = true
    notes.push('IGNOREBLANKLINES: empty lines (1211)')
  }

  const headerWords = groups.some(
    (g) =>
      g.code === 1207 && g.examples.some((e) => e.line === 1 && e.value !== undefined && /^[A-Za-z_ ]+$/.test(e.value)),
  )
  if (headerWords && options.ignoreHeader === 0) {
    options.ignoreHeader = 1
    notes.push('IGNOREHEADER 1: line 1 holds column names (1207 on line 1)')
  }

  const invalidUtf8 = groups.some(
    (g) => g.code === 1220 && !/^char/i.test(g.columnType ?? '') && !/^bpchar/i.test(g.columnType ?? ''),
  )
  if (invalidUtf8 && options.acceptInvChars === undefined) {
    options.acceptInvChars = '?'
    notes.push(
      'ACCEPTINVCHARS: invalid UTF-8 in VARCHAR columns is replaced by ? (the original bytes are lost) — or convert the file to UTF-8 instead (1220)',
    )
  }

  const data = groups.filter((g) => [1202, 1203, 1204, 1207, 1208, 1209, 1210, 1213, 1214, 1216].includes(g.code ?? 0))
  for (const g of data) notes.push(`not changed by an option — ${g.code} on ${g.column ?? 'the line'}: ${g.fix}`)
  if (notes.length === 0) return undefined
  const head = `COPY ${options.table ?? '<schema.table>'}${options.columns ? ` (${options.columns.join(', ')})` : ''}\nFROM '${options.source ?? 's3://<bucket>/<prefix>'}'`
  const auth =
    /\b(IAM_ROLE\s+(?:default|'[^']*')|CREDENTIALS\s+'[^']*')/i.exec(copyText)?.[1] ?? "IAM_ROLE '<role-arn>'"
  const region = /\bREGION\s+(?:AS\s+)?'[^']*'/i.exec(copyText)?.[0]
  return (
    [...notes.map((n) => `-- ${n}`), head, auth, ...formatCopyOptions(options), ...(region ? [region] : [])].join(
      '\n',
    ) + ';'
  )
}

function queryFilter(
  request: LoadErrorsRequest,
  column: string,
  timeColumn: string,
): {parameters: Array<{name: string; value: string}>; where: string[]} {
  const where: string[] = []
  const parameters: Array<{name: string; value: string}> = []
  if (request.queryId !== undefined) {
    where.push(`${column} = :query_id`)
    parameters.push({name: 'query_id', value: String(request.queryId)})
  }

  if (request.since !== undefined) {
    where.push(`${timeColumn} >= CAST(:since AS TIMESTAMP)`)
    parameters.push({name: 'since', value: request.since.toISOString().replace('T', ' ').replace('Z', '')})
  }

  if (request.table !== undefined) {
    const [schema, table] = request.table.includes('.') ? request.table.split('.', 2) : [undefined, request.table]
    where.push('TRIM(t."table") = :table_name')
    parameters.push({name: 'table_name', value: table!})
    if (schema) {
      where.push('TRIM(t."schema") = :schema_name')
      parameters.push({name: 'schema_name', value: schema})
    }
  }

  return {parameters, where}
}

/** The SQL for the error rows (table names through SVV_TABLE_INFO, which both kinds of cluster have). */
export function errorsSql(request: LoadErrorsRequest): {parameters: Array<{name: string; value: string}>; sql: string} {
  if (request.source === 'stl') {
    const {parameters, where} = queryFilter(request, 'e.query', 'e.starttime')
    return {
      parameters,
      sql: `SELECT e.query, TRIM(t."schema") || '.' || TRIM(t."table") AS table_name, e.starttime, TRIM(e.filename) AS filename, e.line_number, TRIM(e.colname) AS colname, TRIM(e.type) AS type, TRIM(e.col_length) AS col_length, e.position, TRIM(e.raw_line) AS raw_line, TRIM(e.raw_field_value) AS raw_field_value, e.err_code, TRIM(e.err_reason) AS err_reason
FROM stl_load_errors e LEFT JOIN svv_table_info t ON t.table_id = e.tbl${where.length > 0 ? `\nWHERE ${where.join(' AND ')}` : ''}
ORDER BY e.starttime DESC, e.line_number
LIMIT ${request.limit}`,
    }
  }

  const {parameters, where} = queryFilter(request, 'e.query_id', 'e.start_time')
  return {
    parameters,
    sql: `SELECT e.query_id, TRIM(t."schema") || '.' || TRIM(t."table") AS table_name, e.start_time, TRIM(e.file_name) AS file_name, e.line_number, TRIM(e.column_name) AS column_name, TRIM(e.column_type) AS column_type, TRIM(e.column_length) AS column_length, e.position, e.error_code, TRIM(e.error_message) AS error_message
FROM sys_load_error_detail e LEFT JOIN svv_table_info t ON t.table_id = e.table_id${where.length > 0 ? `\nWHERE ${where.join(' AND ')}` : ''}
ORDER BY e.start_time DESC, e.line_number
LIMIT ${request.limit}`,
  }
}

function num(value: Cell | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

function str(value: Cell | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value).trim()
}

export async function loadErrors(
  clients: LoadErrorsClients,
  request: LoadErrorsRequest,
  ctx: RunContext,
): Promise<LoadErrorsResult> {
  const result = request.errorsFile ? offline(request.errorsFile) : await online(clients, request, ctx)
  if (request.fetchLines) {
    if (!clients.s3) throw new UsageError('--fetch-lines needs AWS settings to read the S3 objects')
    await attachLines(clients.s3(), result, request.zstdPath, ctx)
  }

  return result
}

/** Each example's line from its S3 object, with the logged value located in it. */
async function attachLines(
  s3: S3Client,
  result: LoadErrorsResult,
  zstdPath: string | undefined,
  ctx: RunContext,
): Promise<void> {
  const examples = result.groups.flatMap((g) => g.examples)
  const wanted = examples.filter((e) => e.file !== undefined && e.line !== undefined)
  const lines = await fetchLines(
    s3,
    wanted.map((e) => ({file: e.file!.trim(), line: e.line!})),
    {zstdPath},
    ctx,
  )
  for (const [i, e] of wanted.entries()) {
    const got = lines[i]!
    if ('problem' in got) e.lineUnread = got.problem
    else {
      e.lineText = got.text
      e.mark = markField(got.text, e.value)
    }
  }

  for (const e of examples)
    if (!wanted.includes(e))
      e.lineUnread = e.file === undefined ? 'no file in the error row' : 'no line number in the error row'
}

async function online(
  clients: LoadErrorsClients,
  request: LoadErrorsRequest,
  ctx: RunContext,
): Promise<LoadErrorsResult> {
  if (!request.target || !clients.data)
    throw new UsageError('give --cluster or --workgroup (with --database), or --errors-file')
  if (request.source === 'stl' && 'workgroup' in request.target)
    throw new UsageError('--source stl needs a provisioned cluster: Serverless has no STL_LOAD_ERRORS', {
      suggestions: ['Leave --source at sys (SYS_LOAD_ERROR_DETAIL) for Serverless.'],
    })
  const client = clients.data()
  const {target} = request
  const {parameters, sql} = errorsSql(request)
  let result
  try {
    result = await runStatement(client, target, {name: 'pipeops-load-errors', parameters, sql}, ctx)
  } catch (error) {
    if (
      error instanceof StatementFailedError &&
      /permission denied/i.test(error.serverMessage) &&
      request.source === 'stl'
    )
      throw new InputError(`STL_LOAD_ERRORS is not readable here: ${error.serverMessage}`, {
        suggestions: ['On Serverless, or without access to STL views, use --source sys (SYS_LOAD_ERROR_DETAIL).'],
      })
    throw error
  }

  const rows = result.rows.map((r) => normaliseRow(r))
  const queryIds = [...new Set(rows.map((r) => r.queryId).filter((q): q is number => q !== undefined))]
  if (request.queryId !== undefined && !queryIds.includes(request.queryId)) queryIds.unshift(request.queryId)
  const loads = await loadHistory(client, target, queryIds.slice(0, 20), ctx)
  const copyText = queryIds.length === 1 ? await copyTextOf(client, target, queryIds[0]!, ctx) : undefined
  const groups = groupErrors(rows)
  return {
    copyText,
    correctedCopy: copyText === undefined ? undefined : correctCopy(copyText, groups),
    groups,
    loads,
    queryIds,
    rows: rows.length,
    source: request.source === 'stl' ? 'STL_LOAD_ERRORS' : 'SYS_LOAD_ERROR_DETAIL',
  }
}

function offline(file: {content: string; name: string}): LoadErrorsResult {
  let raw
  try {
    raw = parseErrorsFile(file.content)
  } catch (error) {
    if (error instanceof ErrorsFileError)
      throw new InputError(`--errors-file ${file.name}: ${error.message}`, {
        code: 'InvalidErrorsFile',
        suggestions: [
          'Give the JSON of aws redshift-data get-statement-result, or a CSV/TSV export (with its header row) of STL_LOAD_ERRORS or SYS_LOAD_ERROR_DETAIL.',
        ],
      })
    throw error
  }

  const rows = raw.map((r) => normaliseRow(r))
  const queryIds = [...new Set(rows.map((r) => r.queryId).filter((q): q is number => q !== undefined))]
  return {
    copyText: undefined,
    correctedCopy: undefined,
    groups: groupErrors(rows),
    loads: [],
    queryIds,
    rows: rows.length,
    source: file.name,
  }
}

/** SYS_LOAD_HISTORY rows of the loads (provisioned and Serverless); unreadable = none, never an error. */
async function loadHistory(
  client: RedshiftDataClient,
  target: DataApiTarget,
  queryIds: number[],
  ctx: RunContext,
): Promise<LoadRecord[]> {
  if (queryIds.length === 0) return []
  try {
    const result = await runStatement(
      client,
      target,
      {
        name: 'pipeops-load-history',
        sql: `SELECT query_id, status, TRIM(table_name) AS table_name, TRIM(data_source) AS data_source, loaded_rows, error_count FROM sys_load_history WHERE query_id IN (${queryIds.map((q) => Math.trunc(q)).join(', ')})`,
      },
      ctx,
    )
    return result.rows.map((r) => ({
      dataSource: str(r.data_source),
      errorCount: num(r.error_count),
      loadedRows: num(r.loaded_rows),
      queryId: num(r.query_id),
      status: str(r.status),
      table: str(r.table_name),
    }))
  } catch (error) {
    if ((error as {name?: string}).name === 'AbortError' || ctx.signal.aborted) throw error
    ctx.warn(`the load's SYS_LOAD_HISTORY row could not be read (${(error as Error).message}); shown without it`)
    return []
  }
}

/** The COPY statement's text (SYS_QUERY_TEXT, in 4,000-character pieces ordered by sequence). */
async function copyTextOf(
  client: RedshiftDataClient,
  target: DataApiTarget,
  queryId: number,
  ctx: RunContext,
): Promise<string | undefined> {
  try {
    const result = await runStatement(
      client,
      target,
      {
        name: 'pipeops-copy-text',
        parameters: [{name: 'query_id', value: String(queryId)}],
        sql: 'SELECT sequence, text FROM sys_query_text WHERE query_id = :query_id ORDER BY sequence',
      },
      ctx,
    )
    const text = result.rows.map((r) => str(r.text) ?? '').join('')
    return text.trim() === '' ? undefined : text.replaceAll(String.raw`\n`, '\n').trim()
  } catch (error) {
    if (ctx.signal.aborted) throw error
    ctx.warn(`the COPY text of query ${queryId} could not be read (${(error as Error).message}); no corrected COPY`)
    return undefined
  }
}
