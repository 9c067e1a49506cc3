/**
 * Ready-to-run fix artefacts built from the collision-free renames: a CREATE OR REPLACE VIEW that
 * selects each bad column by its quoted original name aliased to the clean one (nested fields
 * renamed with a CAST to a ROW type), OpenX JSON SerDe `mapping.*` properties, and the names
 * awswrangler would produce (≥ 2.13 and ≤ 2.12) with their collisions.
 */
import type {Rename} from './lint.js'
import type {ColumnDef, SchemaInput, TableDef} from './model.js'

import {awswranglerName, cleanName, displayName} from './names.js'
import {isReservedAnywhere} from './reserved-words.js'
import {backtick, doubleQuote, type FieldRenamer, formatHiveType, formatTrinoType, hasNestedRename} from './type-string.js'

export interface ViewArtefact {
  database: null | string
  sql: string
  table: string
  view: string
}

export interface SerdeArtefact {
  database: null | string
  properties: Record<string, string>
  sql: string
  table: string
  /** Mapping conflicts the person has to resolve by hand. */
  warnings: string[]
}

export interface CompatColumn {
  awswrangler: string
  awswranglerLegacy: string
  name: string
}

export interface CompatCollision {
  /** The original names that end up with the same name. */
  from: string[]
  name: string
  version: '<=2.12' | '>=2.13'
}

export interface CompatTable {
  collisions: CompatCollision[]
  columns: CompatColumn[]
  database: null | string
  /** Predicted names that Athena would still reject, with the rule. */
  stillInvalid: Array<{name: string; problem: string; version: '<=2.12' | '>=2.13'}>
  table: string
  tableName: {awswrangler: string; awswranglerLegacy: string}
}

/** An entry of the rename map (serialises without its internal path segments). */
export type RenameEntry = Rename

export interface FixReport {
  compat?: CompatTable[]
  renames: RenameEntry[]
  serdeProperties: SerdeArtefact[]
  views: ViewArtefact[]
}

const OPENX = /openx/i
const SAFE = /^[a-z][a-z0-9_]*$/

const tableKey = (database: null | string, table: null | string): string => `${database ?? ''}\u0000${table ?? ''}`

/** Renames of columns, partition keys and fields, grouped by table (one pass over all renames). */
function groupRenames(renames: Rename[]): Map<string, Rename[]> {
  const byTable = new Map<string, Rename[]>()
  for (const r of renames) {
    if (r.kind !== 'column' && r.kind !== 'partition' && r.kind !== 'field') continue
    const key = tableKey(r.database, r.table)
    const list = byTable.get(key)
    if (list) list.push(r)
    else byTable.set(key, [r])
  }

  return byTable
}

function renamerFor(list: Rename[]): {field: FieldRenamer; top: (name: string, partition: boolean) => string | undefined} {
  const fields = new Map<string, string>()
  const columns = new Map<string, string>()
  const keys = new Map<string, string>()
  for (const r of list) {
    if (r.kind === 'field') fields.set(r.segments.join('\u0000'), r.to)
    else if (r.kind === 'partition') keys.set(r.from, r.to)
    else columns.set(r.from, r.to)
  }

  return {
    field: (path) => (fields.size === 0 ? undefined : fields.get(path.join('\u0000'))),
    top: (name, partition) => (partition ? keys : columns).get(name),
  }
}

function qualified(database: null | string, name: string): string {
  return database === null ? doubleQuote(name) : `${doubleQuote(database)}.${doubleQuote(name)}`
}

function selectItem(col: ColumnDef, partition: boolean, renamer: ReturnType<typeof renamerFor>): string {
  const to = renamer.top(col.name, partition)
  const nested = col.type !== undefined && col.type.kind !== 'primitive' && hasNestedRename(col.type, renamer.field, [col.name])
  // A clean, unreserved name needs no quotes; everything else is selected by its quoted original.
  if (!to && !nested && SAFE.test(col.name) && !isReservedAnywhere(col.name)) return col.name
  const source = doubleQuote(col.name)
  if (nested) return `CAST(${source} AS ${formatTrinoType(col.type!, renamer.field, [col.name])}) AS ${doubleQuote(to ?? col.name)}`
  if (to) return `${source} AS ${to}`
  return source
}

/** CREATE OR REPLACE VIEW selecting every column, bad ones by quoted original name aliased to the clean one. */
export function buildView(table: TableDef, renames: Rename[], tableRename: string | undefined): undefined | ViewArtefact {
  const list = groupRenames(renames).get(tableKey(table.database, table.table)) ?? []
  return viewFor(table, list, tableRename)
}

function viewFor(table: TableDef, list: Rename[], tableRename: string | undefined): undefined | ViewArtefact {
  if (list.length === 0 && !tableRename) return undefined
  const renamer = renamerFor(list)
  const view = `${tableRename ?? cleanName(table.table, 'table')}_clean`
  const items = [...table.columns.map((c) => selectItem(c, false, renamer)), ...table.partitionKeys.map((c) => selectItem(c, true, renamer))]
  const untyped = list.filter((r) => r.kind === 'field').map((r) => r.column).filter((c, i, a) => a.indexOf(c) === i)
  const notes = untyped
    .filter((c) => {
      const col = [...table.columns, ...table.partitionKeys].find((x) => x.name === c)
      return !col?.type
    })
    .map((c) => `-- nested fields of ${doubleQuote(c!)} need renaming but its type is unknown: rebuild it with CAST(... AS ROW(...))\n`)
  const fromDb = table.database === null ? '-- qualify the table with its database:\n' : ''
  const sql =
    `${notes.join('')}${fromDb}CREATE OR REPLACE VIEW ${qualified(table.database, view)} AS\nSELECT\n` +
    items.map((s) => `  ${s}`).join(',\n') +
    `\nFROM ${qualified(table.database, table.table)}`
  return {database: table.database, sql, table: table.table, view}
}

/** OpenX JSON SerDe properties: `mapping.<clean>` = original key, `case.insensitive` when keys differ only in case. */
export function buildSerde(table: TableDef, renames: Rename[], hasCaseDuplicates: boolean, cleanNames: {database?: string | undefined; table?: string | undefined} = {}): SerdeArtefact | undefined {
  return serdeFor(table, groupRenames(renames).get(tableKey(table.database, table.table)) ?? [], hasCaseDuplicates, cleanNames)
}

function serdeFor(table: TableDef, list: Rename[], hasCaseDuplicates: boolean, cleanNames: {database?: string | undefined; table?: string | undefined}): SerdeArtefact | undefined {
  if (!(OPENX.test(table.serde ?? '') || table.source.kind === 'json-sample')) return undefined
  if (list.length === 0) return undefined
  const properties: Record<string, string> = {}
  const warnings: string[] = []
  if (hasCaseDuplicates) properties['case.insensitive'] = 'FALSE'
  // Partition values come from S3 paths, not from the JSON: only data columns and fields are mapped.
  for (const r of list.filter((x) => x.kind !== 'partition')) {
    const key = `mapping.${r.to}`
    const existing = properties[key]
    if (existing !== undefined && existing !== r.from) {
      warnings.push(`"${r.to}" would map to both "${displayName(existing)}" and "${displayName(r.from)}" (nested fields of different structs); OpenX mappings are by key name, rename one of them by hand`)
      continue
    }

    properties[key] = r.from
  }

  const renamer = renamerFor(list)
  const columnDdl = (cols: ColumnDef[], partition: boolean): string[] =>
    cols.map((c) => `  ${backtick(renamer.top(c.name, partition) ?? c.name)} ${c.type ? (c.type.kind === 'primitive' ? c.type.name : formatHiveType(c.type, renamer.field, [c.name])) : 'string'}`)
  const props = Object.entries(properties)
    .map(([k, v]) => `  '${k}' = '${/['\\]/.test(v) ? v.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`) : v}'`)
    .join(',\n')
  const database = cleanNames.database ?? table.database
  const tableName = cleanNames.table ?? table.table
  const name = database === null ? backtick(tableName) : `${backtick(database)}.${backtick(tableName)}`
  const same = tableName === table.table && database === table.database
  const original = table.database === null ? backtick(table.table) : `${backtick(table.database)}.${backtick(table.table)}`
  const header = same
    ? `-- Replaces the definition of ${original}: run DROP TABLE ${original} first (the data in S3 is not touched).\n`
    : `-- A new definition with clean names next to ${original} (same data in S3).\n`
  const partitions = table.partitionKeys.length > 0 ? `\nPARTITIONED BY (\n${columnDdl(table.partitionKeys, true).join(',\n')}\n)` : ''
  const sql =
    `${header}CREATE EXTERNAL TABLE ${name} (\n${columnDdl(table.columns, false).join(',\n')}\n)${partitions}\n` +
    `ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nWITH SERDEPROPERTIES (\n${props}\n)\n` +
    `LOCATION '${table.location ?? 's3://REPLACE-WITH-THE-TABLE-LOCATION/'}'`
  return {database: table.database, properties, sql, table: table.table, warnings}
}

function invalidReason(name: string): string | undefined {
  if (name === '') return 'empty'
  if (name === '_' || /^_+$/.test(name)) return 'only underscores'
  if (/^\d/.test(name)) return 'starts with a digit'
  if (name.startsWith('_')) return 'starts with an underscore'
  return undefined
}

/** awswrangler's names for the table and its top-level columns, collisions and still-invalid names. */
export function buildCompat(table: TableDef): CompatTable {
  const cols = [...table.columns, ...table.partitionKeys]
  const columns = cols.map((c) => ({awswrangler: awswranglerName(c.name, false), awswranglerLegacy: awswranglerName(c.name, true), name: c.name}))
  const collisions: CompatCollision[] = []
  const stillInvalid: CompatTable['stillInvalid'] = []
  for (const version of ['>=2.13', '<=2.12'] as const) {
    const byName = new Map<string, string[]>()
    for (const c of columns) {
      const predicted = version === '>=2.13' ? c.awswrangler : c.awswranglerLegacy
      byName.set(predicted, [...(byName.get(predicted) ?? []), c.name])
      const problem = invalidReason(predicted)
      if (problem) stillInvalid.push({name: predicted, problem, version})
    }

    for (const [name, from] of byName) if (from.length > 1) collisions.push({from, name, version})
  }

  return {
    collisions,
    columns,
    database: table.database,
    stillInvalid: stillInvalid.filter((s, i, a) => a.findIndex((x) => x.name === s.name && x.version === s.version) === i),
    table: table.table,
    tableName: {awswrangler: awswranglerName(table.table, false), awswranglerLegacy: awswranglerName(table.table, true)},
  }
}

/** All fix artefacts for a linted schema. */
export function buildFixes(input: SchemaInput, renames: Rename[], options: {compat?: 'awswrangler' | undefined; duplicateTables: Set<string>}): FixReport {
  const report: FixReport = {
    renames,
    serdeProperties: [],
    views: [],
  }
  const byTable = groupRenames(renames)
  const tableRenames = new Map<string, string>()
  const databaseRenames = new Map<null | string, string>()
  for (const r of renames) {
    if (r.kind === 'table') tableRenames.set(tableKey(r.database, r.table), r.to)
    else if (r.kind === 'database') databaseRenames.set(r.database, r.to)
  }

  for (const table of input.tables) {
    const key = tableKey(table.database, table.table)
    const list = byTable.get(key) ?? []
    const tableRename = tableRenames.get(key)
    const view = viewFor(table, list, tableRename)
    if (view) report.views.push(view)
    const serde = serdeFor(table, list, options.duplicateTables.has(key), {database: databaseRenames.get(table.database), table: tableRename})
    if (serde) report.serdeProperties.push(serde)
  }

  if (options.compat === 'awswrangler') report.compat = input.tables.map((t) => buildCompat(t))
  return report
}
