/**
 * Reading what a COPY check needs before the data: the table's columns from a DDL file and the
 * COPY options from their text, with errors that name the file, the line or the option.
 * Shared by `copy-check` and `copy-split --check-table`.
 */
import {readFile} from 'node:fs/promises'

import {InputError, UsageError} from '../core/errors.js'
import {type CopyOptions, CopyOptionsError, parseCopyOptions} from './copy-options.js'
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
