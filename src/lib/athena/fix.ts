/**
 * Ready-to-run fix artefacts built from the collision-free renames: a CREATE OR REPLACE VIEW that
 * selects each bad column by its quoted original name aliased to the clean one (nested fields
 * renamed with a CAST to a ROW type), OpenX JSON SerDe `mapping.*` properties, and the names
 * awswrangler would produce (≥ 2.13 and ≤ 2.12) with their collisions.
 */
import type {Rename} from './lint.js'
import type {ColumnDef, SchemaInput, TableDef} from './model.js'

import {awswranglerName, cleanName, displayName} from './names.js'
import {isReservedLowerCase} from './reserved-words.js'
import {
  backtick,
  doubleQuote,
  type FieldRenamer,
  formatHiveType,
  formatTrinoType,
  hasNestedRename,
} from './type-string.js'

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

interface Renamer {
  field: FieldRenamer
  /** True when some struct field of the table is renamed. */
  hasFields: boolean
  /** Renamed partition keys (original → clean). */
  keys: Map<string, string>
  /** Renamed data columns (original → clean). */
  top: Map<string, string>
}

function renamerFor(list: Rename[]): Renamer {
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
    hasFields: fields.size > 0,
    keys,
    top: columns,
  }
}

function qualified(database: null | string, name: string): string {
  return database === null ? doubleQuote(name) : `${doubleQuote(database)}.${doubleQuote(name)}`
}

function selectItem(col: ColumnDef, to: string | undefined, renamer: Renamer): string {
  const {type} = col
  const nested =
    renamer.hasFields &&
    type !== undefined &&
    type.kind !== 'primitive' &&
    hasNestedRename(type, renamer.field, [col.name])
  // A clean, unreserved name needs no quotes; everything else is selected by its quoted original.
  // (SAFE names are lower case, so the lower-case reserved-word set answers for every list.)
  if (!to && !nested && SAFE.test(col.name) && !isReservedLowerCase(col.name)) return col.name
  const source = doubleQuote(col.name)
  if (nested)
    return `CAST(${source} AS ${formatTrinoType(type, renamer.field, [col.name])}) AS ${doubleQuote(to ?? col.name)}`
  if (to) return `${source} AS ${to}`
  return source
}

function ddlType(col: ColumnDef, renamer: Renamer): string {
  const {type} = col
  return type ? (type.kind === 'primitive' ? type.name : formatHiveType(type, renamer.field, [col.name])) : 'string'
}

const isJsonTable = (table: TableDef): boolean => OPENX.test(table.serde ?? '') || table.source.kind === 'json-sample'

interface SerdeWanted {
  cleanNames: {database?: string | undefined; table?: string | undefined}
  hasCaseDuplicates: boolean
  /** `mapping.<clean>` property names by clean name, shared by the tables of one buildFixes call. */
  mappingKeys: Map<string, string>
}

/**
 * The view and (for OpenX JSON tables, when asked) the SerDe definition of one table, built in one
 * pass over its columns: each column's rename is looked up once, and each SQL text is one join.
 */
// eslint-disable-next-line max-params -- internal: shared by buildFixes, buildView and buildSerde
function artefactsFor(
  table: TableDef,
  list: Rename[],
  renamer: Renamer,
  tableRename: string | undefined,
  serdeWanted?: SerdeWanted,
): {serde?: SerdeArtefact | undefined; view?: undefined | ViewArtefact} {
  const wantView = list.length > 0 || Boolean(tableRename)
  const wantSerde = serdeWanted !== undefined && list.length > 0 && isJsonTable(table)
  if (!wantView && !wantSerde) return {}
  const viewName = wantView ? `${tableRename ?? cleanName(table.table, 'table')}_clean` : ''
  const view = wantView ? viewHeader(table, list, renamer, viewName) : undefined
  // The SerDe definition is written straight into its parts while the columns are visited.
  const ddl = wantSerde ? serdeHeader(table, serdeWanted.cleanNames) : undefined
  pushColumns(table.columns, false, true, view, ddl, renamer)
  ddl?.push('\n)')
  if (table.partitionKeys.length > 0) {
    ddl?.push('\nPARTITIONED BY (\n')
    pushColumns(table.partitionKeys, true, table.columns.length === 0, view, ddl, renamer)
    ddl?.push('\n)')
  }

  const out: {serde?: SerdeArtefact | undefined; view?: undefined | ViewArtefact} = {}
  if (view) {
    view.push('\nFROM ', qualified(table.database, table.table))
    out.view = {database: table.database, sql: view.join(''), table: table.table, view: viewName}
  }

  if (ddl && serdeWanted) out.serde = finishSerde(table, list, ddl, serdeWanted)
  return out
}

function viewHeader(table: TableDef, list: Rename[], renamer: Renamer, viewName: string): string[] {
  const view: string[] = []
  if (renamer.hasFields) {
    // Columns whose nested fields need renaming but whose type is unknown (first column of that name).
    const seen = new Set<null | string>()
    for (const r of list) {
      if (r.kind !== 'field' || seen.has(r.column)) continue
      seen.add(r.column)
      const col = table.columns.find((x) => x.name === r.column) ?? table.partitionKeys.find((x) => x.name === r.column)
      if (!col?.type)
        view.push(
          `-- nested fields of ${doubleQuote(r.column!)} need renaming but its type is unknown: rebuild it with CAST(... AS ROW(...))\n`,
        )
    }
  }

  if (table.database === null) view.push('-- qualify the table with its database:\n')
  view.push('CREATE OR REPLACE VIEW ', qualified(table.database, viewName), ' AS\nSELECT\n')
  return view
}

/**
 * One select item per column into `view` and one column definition into `ddl` (either may be
 * undefined). `firstInView`: the view's select list starts here (partition keys follow the columns
 * in the view, but start their own list in the DDL).
 */
// eslint-disable-next-line max-params -- hot path: one call per column list
function pushColumns(
  cols: ColumnDef[],
  partition: boolean,
  firstInView: boolean,
  view: string[] | undefined,
  ddl: string[] | undefined,
  renamer: Renamer,
): void {
  let sep = firstInView ? '  ' : ',\n  '
  let ddlSep = '  `'
  const renamed = partition ? renamer.keys : renamer.top
  for (const c of cols) {
    const to = renamed.size === 0 ? undefined : renamed.get(c.name)
    view?.push(sep + selectItem(c, to, renamer))
    if (ddl) pushColumnDdl(ddl, ddlSep, to ?? c.name, c, renamer)
    sep = ',\n  '
    ddlSep = ',\n  `'
  }
}

/** `sep` ends with the opening backtick. */
// eslint-disable-next-line max-params -- hot path: one call per column
function pushColumnDdl(parts: string[], sep: string, name: string, col: ColumnDef, renamer: Renamer): void {
  if (name.includes('`')) parts.push(sep.slice(0, -1), backtick(name), ' ', ddlType(col, renamer))
  else parts.push(`${sep}${name}\` ${ddlType(col, renamer)}`)
}

function serdeHeader(table: TableDef, cleanNames: SerdeWanted['cleanNames']): string[] {
  const database = cleanNames.database ?? table.database
  const tableName = cleanNames.table ?? table.table
  const name = database === null ? backtick(tableName) : `${backtick(database)}.${backtick(tableName)}`
  const same = tableName === table.table && database === table.database
  const original =
    table.database === null ? backtick(table.table) : `${backtick(table.database)}.${backtick(table.table)}`
  return [
    same
      ? `-- Replaces the definition of ${original}: run DROP TABLE ${original} first (the data in S3 is not touched).\n`
      : `-- A new definition with clean names next to ${original} (same data in S3).\n`,
    'CREATE EXTERNAL TABLE ',
    name,
    ' (\n',
  ]
}

const sqlString = (v: string): string =>
  /['\\]/.test(v) ? v.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`) : v

/** The mapping properties, appended to the column DDL already in `parts`. */
function finishSerde(
  table: TableDef,
  list: Rename[],
  parts: string[],
  {hasCaseDuplicates, mappingKeys}: SerdeWanted,
): SerdeArtefact {
  const properties: Record<string, string> = {}
  const warnings: string[] = []
  // Clean name → original key: finds clashes without a property lookup per rename.
  const mapped = new Map<string, string>()
  parts.push("\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nWITH SERDEPROPERTIES (\n")
  let sep = "  '"
  if (hasCaseDuplicates) {
    properties['case.insensitive'] = 'FALSE'
    parts.push("  'case.insensitive' = 'FALSE'")
    sep = ",\n  '"
  }

  // Partition values come from S3 paths, not from the JSON: only data columns and fields are mapped.
  for (const r of list) {
    if (r.kind === 'partition') continue
    const existing = mapped.get(r.to)
    if (existing !== undefined) {
      if (existing !== r.from) {
        warnings.push(
          `"${r.to}" would map to both "${displayName(existing)}" and "${displayName(r.from)}" (nested fields of different structs); OpenX mappings are by key name, rename one of them by hand`,
        )
      }

      continue
    }

    mapped.set(r.to, r.from)
    // The same clean names recur across tables: reuse the property name string.
    let key = mappingKeys.get(r.to)
    if (key === undefined) {
      key = `mapping.${r.to}`
      mappingKeys.set(r.to, key)
    }

    properties[key] = r.from
    parts.push(sep, key, "' = '", sqlString(r.from), "'")
    sep = ",\n  '"
  }

  parts.push("\n)\nLOCATION '", table.location ?? 's3://REPLACE-WITH-THE-TABLE-LOCATION/', "'")
  return {database: table.database, properties, sql: parts.join(''), table: table.table, warnings}
}

/** CREATE OR REPLACE VIEW selecting every column, bad ones by quoted original name aliased to the clean one. */
export function buildView(
  table: TableDef,
  renames: Rename[],
  tableRename: string | undefined,
): undefined | ViewArtefact {
  const list = groupRenames(renames).get(tableKey(table.database, table.table)) ?? []
  return artefactsFor(table, list, renamerFor(list), tableRename).view
}

/** OpenX JSON SerDe properties: `mapping.<clean>` = original key, `case.insensitive` when keys differ only in case. */
export function buildSerde(
  table: TableDef,
  renames: Rename[],
  hasCaseDuplicates: boolean,
  cleanNames: {database?: string | undefined; table?: string | undefined} = {},
): SerdeArtefact | undefined {
  const list = groupRenames(renames).get(tableKey(table.database, table.table)) ?? []
  if (list.length === 0) return undefined
  return artefactsFor(table, list, renamerFor(list), undefined, {cleanNames, hasCaseDuplicates, mappingKeys: new Map()})
    .serde
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
  const columns = cols.map((c) => ({
    awswrangler: awswranglerName(c.name, false),
    awswranglerLegacy: awswranglerName(c.name, true),
    name: c.name,
  }))
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
    stillInvalid: stillInvalid.filter(
      (s, i, a) => a.findIndex((x) => x.name === s.name && x.version === s.version) === i,
    ),
    table: table.table,
    tableName: {
      awswrangler: awswranglerName(table.table, false),
      awswranglerLegacy: awswranglerName(table.table, true),
    },
  }
}

/** All fix artefacts for a linted schema. */
export function buildFixes(
  input: SchemaInput,
  renames: Rename[],
  options: {compat?: 'awswrangler' | undefined; duplicateTables: Set<string>},
): FixReport {
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

  const mappingKeys = new Map<string, string>()
  for (const table of input.tables) {
    const key = tableKey(table.database, table.table)
    const list = byTable.get(key) ?? []
    const tableRename = tableRenames.get(key)
    if (list.length === 0 && !tableRename) continue
    const {serde, view} = artefactsFor(table, list, renamerFor(list), tableRename, {
      cleanNames: {database: databaseRenames.get(table.database), table: tableRename},
      hasCaseDuplicates: options.duplicateTables.has(key),
      mappingKeys,
    })
    if (view) report.views.push(view)
    if (serde) report.serdeProperties.push(serde)
  }

  if (options.compat === 'awswrangler') report.compat = input.tables.map((t) => buildCompat(t))
  return report
}
