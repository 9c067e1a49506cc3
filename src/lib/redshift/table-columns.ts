/**
 * A table's columns from the cluster, for `copy-check --table` and `copy-split --check-table
 * schema.table`: SVV_COLUMNS through the Data API (data-api.ts), on provisioned clusters and
 * Serverless alike.
 *
 * SVV_COLUMNS (DG r_SVV_COLUMNS.html, r_SVV_ALL_COLUMNS.html) gives data_type without its length
 * (`character varying`, `numeric`, `timestamp without time zone`), the length in
 * character_maximum_length (bytes, for Redshift), precision and scale in numeric_precision /
 * numeric_scale (for integers numeric_precision is in bits: not a DECIMAL precision), NOT NULL as
 * is_nullable = 'NO', and an IDENTITY column's default as `"identity"(…)`. It is visible to all
 * users and, unlike pg_table_def, not limited to the search_path.
 */
import type {RedshiftDataClient} from '@aws-sdk/client-redshift-data'

import type {RunContext} from '../core/run-context.js'
import type {ColumnDef, TableDef} from './table-ddl.js'

import {InputError, UsageError} from '../core/errors.js'
import {type Cell, type DataApiTarget, runStatement} from './data-api.js'
import {DdlError, parseColumnType} from './table-ddl.js'

/** The statement for a table name, with a schema condition only when the name has one. */
export function columnsSql(schema: string): string {
  return `SELECT table_schema, table_name, column_name, ordinal_position, data_type,
  character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default
FROM svv_columns
WHERE table_name = :table_name${schema === '' ? '' : ' AND table_schema = :table_schema'}
ORDER BY table_schema, ordinal_position`
}

export interface TableColumnsRequest {
  /** schema.table, or table (then every schema is searched and exactly one must hold it). */
  table: string
  target: DataApiTarget
}

/** Unquoted names fold to lower case, as Redshift folds them; "Quoted" parts keep their case. */
export function splitTableName(name: string): {schema: string; table: string} {
  const parts = [...name.matchAll(/"((?:[^"]|"")*)"|([^.]+)/g)].map((m) =>
    m[1] === undefined ? m[2]!.trim().toLowerCase() : m[1].replaceAll('""', '"'),
  )
  if (parts.length === 0 || parts.length > 2 || parts.includes(''))
    throw new UsageError(`--table "${name}" is not a table name`, {
      suggestions: ['Give schema.table (or table, when one schema holds it).'],
    })
  return parts.length === 2 ? {schema: parts[0]!, table: parts[1]!} : {schema: '', table: parts[0]!}
}

export async function readTableColumns(
  client: RedshiftDataClient,
  request: TableColumnsRequest,
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<TableDef> {
  const {schema, table} = splitTableName(request.table)
  const result = await runStatement(
    client,
    request.target,
    {
      name: 'pipeops-copy-check-columns',
      parameters: [
        {name: 'table_name', value: table},
        ...(schema === '' ? [] : [{name: 'table_schema', value: schema}]),
      ],
      sql: columnsSql(schema),
      timeoutMs: 60_000,
    },
    ctx,
  )
  const schemas = [...new Set(result.rows.map((r) => text(r.table_schema)))].sort()
  if (result.rows.length === 0)
    throw new InputError(`table ${request.table} was not found in SVV_COLUMNS of database ${request.target.database}`, {
      code: 'TableNotFound',
      suggestions: [
        'Check the schema, the table name and --database; unquoted names are folded to lower case.',
        'With metadata security on, the user must have a privilege on the table to see its columns.',
      ],
    })
  if (schemas.length > 1)
    throw new UsageError(`table ${table} exists in several schemas (${schemas.join(', ')}): give schema.table`, {
      suggestions: [`For example --table ${schemas[0]}.${table}.`],
    })
  return {
    columns: result.rows.map((row) => catalogColumn(row)),
    line: 1,
    name: `${schemas[0]}.${table}`,
  }
}

/** One SVV_COLUMNS row as a column definition (the same shape a CREATE TABLE gives). */
export function catalogColumn(row: Record<string, Cell>): ColumnDef {
  const name = text(row.column_name)
  const dataType = text(row.data_type)
  const length = whole(row.character_maximum_length)
  const precision = whole(row.numeric_precision)
  const scale = whole(row.numeric_scale)
  let typeText = dataType
  if (!dataType.includes('(')) {
    if (/^(character|char|bpchar|character varying|varchar|nchar|nvarchar)$/i.test(dataType) && length !== undefined)
      typeText = `${dataType}(${length})`
    else if (/^(numeric|decimal)$/i.test(dataType) && precision !== undefined)
      typeText = `${dataType}(${precision},${scale ?? 0})`
  }

  let type: ReturnType<typeof parseColumnType>
  try {
    type = parseColumnType(typeText)
  } catch (error) {
    // A type this reader does not know is not checked (unknown is not an error).
    if (!(error instanceof DdlError)) throw error
    type = {kind: 'unchecked', type: typeText.toUpperCase()}
  }

  const fallback = text(row.column_default)
  return {
    // IDENTITY(seed, step) and GENERATED BY DEFAULT AS IDENTITY both show as "identity"(…); the
    // catalog does not say which, so it is read as IDENTITY (left out of a COPY without a column list).
    identity: /^"?identity"?\s*\(/i.test(fallback) ? 'always' : undefined,
    name,
    notNull: text(row.is_nullable).toUpperCase() === 'NO',
    ...type,
  }
}

function text(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? '' : String(cell)
}

function whole(cell: Cell | undefined): number | undefined {
  if (cell === null || cell === undefined || cell === '') return undefined
  const n = Number(cell)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}
