/**
 * Reading what a COPY check needs before the data: the table's columns from a DDL file and the
 * COPY options from their text, with errors that name the file, the line or the option.
 * Shared by `copy-check` and `copy-split --check-table`.
 */
import type {RedshiftDataClient} from '@aws-sdk/client-redshift-data'

import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'

import type {RunContext} from '../core/run-context.js'

import {InputError, UsageError} from '../core/errors.js'
import {type CopyOptions, CopyOptionsError, parseCopyOptions} from './copy-options.js'
import {type DataApiTarget} from './data-api.js'
import {readTableColumns} from './table-columns.js'
import {DdlError, type DdlParseResult, parseTableDdl, type TableDef} from './table-ddl.js'

export function readCopyOptions(text: string | undefined): CopyOptions {
  try {
    return parseCopyOptions(text ?? '')
  } catch (error) {
    if (error instanceof CopyOptionsError) {
      throw new UsageError(`--copy-options: ${error.message}`, {
        code: 'InvalidCopyOptions',
        suggestions: [
          "Give the options part of the COPY as it runs, e.g. --copy-options \"CSV DELIMITER ',' IGNOREHEADER 1 DATEFORMAT 'auto'\" (a whole COPY … FROM … statement works too).",
          'Options: DG r_COPY.html (data format, data conversion and data load parameters).',
        ],
      })
    }

    throw error
  }
}

export async function readTableDdl(file: string): Promise<DdlParseResult> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const {code} = error as {code?: string}
    throw new InputError(`--table-ddl ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`, {
      cause: error,
      code: 'DdlUnreadable',
      suggestions: ['Give a file holding the CREATE TABLE of the target table.'],
    })
  }

  try {
    return parseTableDdl(text)
  } catch (error) {
    if (error instanceof DdlError)
      throw new InputError(`${file}:${error.line}: ${error.message}`, {
        code: 'InvalidDdl',
        suggestions: ['Check the CREATE TABLE statement (it must run on Redshift as written).'],
      })
    throw error
  }
}

/** The one table to check against: the only CREATE TABLE in the file, or the one `name` picks. */
export function pickTable(parsed: DdlParseResult, file: string, name: string | undefined): TableDef {
  const {tables} = parsed
  if (tables.length === 0) {
    const skipped = parsed.skipped.map((s) => `${s.name} (line ${s.line}: ${s.reason})`).join('; ')
    throw new InputError(`${file} holds no CREATE TABLE with a column list${skipped ? `: ${skipped}` : ''}`, {
      code: 'InvalidDdl',
      suggestions: [
        'Give the CREATE TABLE … (column type, …) of the target table (SHOW TABLE schema.table prints it).',
      ],
    })
  }

  if (name === undefined) {
    if (tables.length === 1) return tables[0]!
    throw new UsageError(`${file} defines ${tables.length} tables: say which one with --table`, {
      suggestions: [`Tables: ${tables.map((t) => t.name).join(', ')}.`],
    })
  }

  const wanted = name.toLowerCase()
  const match =
    tables.find((t) => t.name.toLowerCase() === wanted) ??
    tables.find((t) => t.name.toLowerCase().split('.').at(-1) === wanted.split('.').at(-1))
  if (!match)
    throw new UsageError(`table "${name}" is not defined in ${file}`, {
      suggestions: [`Tables: ${tables.map((t) => t.name).join(', ')}.`],
    })
  return match
}

export interface TableSource {
  /** A CREATE TABLE file. */
  ddlFile?: string | undefined
  /** The table: picks one of the DDL file's tables, or names the table on the cluster. */
  table?: string | undefined
  /** The cluster or workgroup to read the columns from (SVV_COLUMNS), when no DDL file is given. */
  target?: DataApiTarget | undefined
}

/** The table to check against: from a DDL file, or from the cluster's catalog. */
export async function resolveCheckTable(
  source: TableSource,
  data: (() => RedshiftDataClient) | undefined,
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<TableDef> {
  if (source.ddlFile !== undefined) return pickTable(await readTableDdl(source.ddlFile), source.ddlFile, source.table)
  if (source.table === undefined || source.target === undefined || !data)
    throw new UsageError("say where the table's columns come from", {
      suggestions: [
        'Give --table-ddl FILE (the CREATE TABLE), or --table schema.table with --cluster ID or --workgroup NAME and --database D.',
      ],
    })
  return readTableColumns(data(), {table: source.table, target: source.target}, ctx)
}

/**
 * copy-split --check-table takes a DDL file or schema.table: a file that exists is a DDL file; a
 * name with a cluster or workgroup to ask is a table there; anything else is read as a file (so a
 * missing file is reported as one).
 */
export function checkTableSource(
  value: string,
  ddlTable: string | undefined,
  target: DataApiTarget | undefined,
): TableSource {
  if (existsSync(value) || target === undefined) return {ddlFile: value, table: ddlTable}
  return {table: value, target}
}
