/**
 * Ready-to-run fix artefacts built from the collision-free renames: a CREATE OR REPLACE VIEW that
 * selects each bad column by its quoted original name aliased to the clean one (nested fields
 * renamed with a CAST to a ROW type), OpenX JSON SerDe `mapping.*` properties, and the names
 * awswrangler would produce (≥ 2.13 and ≤ 2.12) with their collisions.
 */
import type {Rename} from './rename.js'

import {type ColumnDef, NAME_NOT_PLAIN, NAME_PLAIN, type PlainNames, type SchemaInput, type TableDef} from './model.js'
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
const DOTTED = /\./

const tableKey = (database: null | string, table: null | string): string => `${database ?? ''}\u0000${table ?? ''}`

/** Renames of columns, partition keys and fields, grouped by table (one pass over all renames). */
function groupRenames(renames: Rename[]): Map<string, Rename[]> {
  const byTable = new Map<string, Rename[]>()
  // The linter makes the renames of a table one after the other: a rename of the same table as
  // the one before joins its list without a key being built.
  let last: Rename[] | undefined
  let lastDatabase: null | string = null
  let lastTable: null | string = null
  for (const r of renames) {
    if (r.kind !== 'column' && r.kind !== 'partition' && r.kind !== 'field') continue
    if (last !== undefined && r.table === lastTable && r.database === lastDatabase) {
      last.push(r)
      continue
    }

    const key = tableKey(r.database, r.table)
    last = byTable.get(key)
    if (last) last.push(r)
    else {
      last = [r]
      byTable.set(key, last)
    }

    lastDatabase = r.database
    lastTable = r.table
  }

  return byTable
}

interface Renamer {
  field: FieldRenamer
  /** True when some struct field of the table is renamed. */
  hasFields: boolean
  /** Renamed partition keys (original → clean). */
  keys: Map<string, string>
  /** What the linter found about the table's top-level names, when known (see `PlainNames`). */
  plain: PlainNames | undefined
  /**
   * True when a column or partition key with a plain name (clean, not reserved) is renamed (only
   * duplicates are): otherwise a plain name needs no look-up in `top` or `keys`.
   */
  plainRenamed: boolean
  /** Renamed data columns (original → clean). */
  top: Map<string, string>
}

function renamerFor(list: Rename[], plain?: PlainNames): Renamer {
  const fields: Rename[] = []
  const columns = new Map<string, string>()
  const keys = new Map<string, string>()
  let plainRenamed = false
  for (const r of list) {
    if (r.kind === 'field') {
      fields.push(r)
      continue
    }

    if (r.kind === 'partition') keys.set(r.from, r.to)
    else columns.set(r.from, r.to)
    plainRenamed ||= isPlain(r.from)
  }

  return {field: fieldRenamer(fields), hasFields: fields.length > 0, keys, plain, plainRenamed, top: columns}
}

/** A clean, unreserved name: selected without quotes. (SAFE names are lower case, so the lower-case reserved-word set answers for every list.) */
const isPlain = (name: string): boolean => SAFE.test(name) && !isReservedLowerCase(name)

/** Whether the table's top-level name at `index` is plain: the linter's answer when it has one. */
function isPlainAt(renamer: Renamer, index: number, name: string): boolean {
  const known = renamer.plain?.[index]
  return known === NAME_PLAIN || (known !== NAME_NOT_PLAIN && isPlain(name))
}

/** A field path in the renamer's tree: the new name of the field that ends here, and the fields below it. */
interface FieldNode {
  below: Map<string, FieldNode> | undefined
  to: string | undefined
}

/**
 * Renamed struct fields by path (from the column). The key of a rename is its path segments joined
 * with U+0000; look-ups walk a tree of the segments instead, so no key is built per look-up. The two
 * agree unless a name contains U+0000: then the joined key answers, as it always did.
 */
function fieldRenamer(fields: Rename[]): FieldRenamer {
  if (fields.length === 0) return () => undefined
  const root: FieldNode = {below: undefined, to: undefined}
  let nul = false
  for (const r of fields) {
    const {segments} = r
    let node = root
    for (const segment of segments) {
      if (segment.includes('\u0000')) nul = true
      node.below ??= new Map()
      let next = node.below.get(segment)
      if (next === undefined) {
        next = {below: undefined, to: undefined}
        node.below.set(segment, next)
      }

      node = next
    }

    node.to = r.to
  }

  // The joined keys, made only when a name contains U+0000.
  let joined: Map<string, string> | undefined
  const byJoinedKey = (path: readonly string[]): string | undefined => {
    joined ??= new Map(fields.map((r) => [r.segments.join('\u0000'), r.to]))
    return joined.get(path.join('\u0000'))
  }

  return (path) => {
    if (nul) return byJoinedKey(path)
    let node: FieldNode | undefined = root
    for (const segment of path) {
      node = node.below?.get(segment)
      if (node === undefined) break
    }

    if (node?.to !== undefined) return node.to
    for (const segment of path) if (segment.includes('\u0000')) return byJoinedKey(path)
    return undefined
  }
}

function qualified(database: null | string, name: string): string {
  return database === null ? doubleQuote(name) : `${doubleQuote(database)}.${doubleQuote(name)}`
}

/** The select item of a column that is renamed, nested-renamed or needs quotes. */
function quotedSelectItem(col: ColumnDef, to: string | undefined, nested: boolean, renamer: Renamer): string {
  const source = doubleQuote(col.name)
  if (nested)
    return `CAST(${source} AS ${formatTrinoType(col.type!, renamer.field, [col.name])}) AS ${doubleQuote(to ?? col.name)}`
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
  /** Column DDL parts after a name (`"` string,\n  `"`) by type, shared by the tables of one call. */
  columnSuffixes: TypeSuffixes
  hasCaseDuplicates: boolean
  /** The mappings by clean name, shared by the tables of one call. */
  mappings: Mappings
}

/**
 * `mapping.<clean>` properties by clean name, shared by the tables of one call: the same clean
 * names recur across tables, so each property name string is made once, and one look-up per
 * rename also tells whether the current table already mapped that name (and from which key).
 */
class Mappings {
  readonly #byName = new Map<string, {from: string; key: string; table: number}>()
  #table = 0

  /**
   * Map `to` to `from` in the current table and return the property name; when the table already
   * maps `to`, return the key it maps from instead (as `{mapped}`).
   */
  claim(to: string, from: string): string | {mapped: string} {
    const known = this.#byName.get(to)
    if (known === undefined) {
      const key = `mapping.${to}`
      this.#byName.set(to, {from, key, table: this.#table})
      return key
    }

    if (known.table === this.#table) return {mapped: known.from}
    known.table = this.#table
    known.from = from
    return known.key
  }

  /** Start the mappings of the next table. */
  nextTable(): void {
    this.#table++
  }
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
  const {columns, partitionKeys} = table
  // The view: one select item per column, joined with the separator (the texts before and after
  // the list go into the first and last item). The DDL: a list of parts for one join, two per
  // column (the name, then "` type,\n  `" shared by the columns of that type).
  const selectItems = wantView
    ? // eslint-disable-next-line unicorn/no-new-array -- sized once, filled by index
      new Array<string>(columns.length + partitionKeys.length)
    : undefined
  const ddl = wantSerde ? ddlParts(table, list, serdeWanted) : undefined
  const suffixes = serdeWanted?.columnSuffixes ?? new TypeSuffixes()
  if (ddl && columns.length > 0) ddl.add('  `')
  columnTexts(columns, false, 0, selectItems, ddl, renamer, suffixes)
  ddl?.add('\n)')
  if (ddl && partitionKeys.length > 0) {
    ddl.add('\nPARTITIONED BY (\n  `')
    columnTexts(partitionKeys, true, columns.length, selectItems, ddl, renamer, suffixes)
    ddl.add('\n)')
  } else columnTexts(partitionKeys, true, columns.length, selectItems, undefined, renamer, suffixes)

  const out: {serde?: SerdeArtefact | undefined; view?: undefined | ViewArtefact} = {}
  if (selectItems) out.view = viewArtefact(table, list, renamer, tableRename, selectItems)
  if (ddl && serdeWanted) out.serde = finishSerde(table, list, ddl, serdeWanted)
  return out
}

// eslint-disable-next-line max-params -- internal helper of artefactsFor
function viewArtefact(
  table: TableDef,
  list: Rename[],
  renamer: Renamer,
  tableRename: string | undefined,
  selectItems: string[],
): ViewArtefact {
  const view = `${tableRename ?? cleanName(table.table, 'table')}_clean`
  const sql = joinList(
    viewHeader(table, list, renamer, view),
    '  ',
    selectItems,
    ',\n  ',
    `\nFROM ${qualified(table.database, table.table)}`,
  )
  return {database: table.database, sql, table: table.table, view}
}

/** The parts of one SQL text, for one join at the end, in an array sized once (it does not grow). */
class SqlParts {
  #count = 0
  readonly #parts: string[]

  constructor(size: number) {
    // eslint-disable-next-line unicorn/no-new-array -- sized once, filled by index: it never grows
    this.#parts = new Array<string>(size)
  }

  add(part: string): void {
    this.#parts[this.#count++] = part
  }

  /** The text: all parts joined. */
  text(): string {
    this.#parts.length = this.#count
    return this.#parts.join('')
  }
}

/** The parts of the SerDe DDL, starting with its header: two per column, five per mapping, and the fixed texts. */
function ddlParts(table: TableDef, list: Rename[], wanted: SerdeWanted): SqlParts {
  const parts = new SqlParts(2 * (table.columns.length + table.partitionKeys.length) + 5 * list.length + 12)
  parts.add(serdeHeader(table, wanted.cleanNames))
  return parts
}

/**
 * `before`, the items joined with `separator` (the first one after `open`), then `after`: one join,
 * with the texts around the list added to the first and last item (changes `items`).
 */
// eslint-disable-next-line max-params -- the parts of one list
function joinList(before: string, open: string, items: string[], separator: string, after: string): string {
  if (items.length === 0) return before + after
  const last = items.length - 1
  items[0] = before + open + items[0]!
  items[last] += after
  return items.join(separator)
}

function viewHeader(table: TableDef, list: Rename[], renamer: Renamer, viewName: string): string {
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
  return view.join('')
}

/**
 * The DDL text between two column definitions, "` type,\n  `" (the type of the first, the
 * separator, the second's opening backtick), by type: shared by the tables of one call.
 */
class TypeSuffixes {
  readonly #byType = new Map<string, string>()
  // The last type asked about: most neighbouring columns have the same type.
  #lastSuffix = ''
  #lastType: string | undefined

  for(typeText: string): string {
    if (typeText === this.#lastType) return this.#lastSuffix
    let suffix = this.#byType.get(typeText)
    if (suffix === undefined) {
      suffix = `\` ${typeText},\n  \``
      this.#byType.set(typeText, suffix)
    }

    this.#lastType = typeText
    this.#lastSuffix = suffix
    return suffix
  }
}

/**
 * The select item of each column into `selectItems` (from index `at`), and its DDL column
 * definition into the parts of `ddl` (after the opening backtick, up to the next one); either may
 * be undefined.
 */
// eslint-disable-next-line max-params -- hot path: one call per column list
function columnTexts(
  cols: ColumnDef[],
  partition: boolean,
  at: number,
  selectItems: string[] | undefined,
  ddl: SqlParts | undefined,
  renamer: Renamer,
  suffixes: TypeSuffixes,
): void {
  const renamed = partition ? renamer.keys : renamer.top
  const last = cols.length - 1
  // A plain index loop: entries() would allocate a pair per column.
  // eslint-disable-next-line unicorn/no-for-loop -- see above
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!
    const {name, type} = c
    const plainName = isPlainAt(renamer, at + i, name)
    const to = renamed.size === 0 || (plainName && !renamer.plainRenamed) ? undefined : renamed.get(name)
    // A clean, unreserved name needs no quotes (and has no backtick); everything else is selected
    // by its quoted original.
    const nested =
      renamer.hasFields &&
      type !== undefined &&
      type.kind !== 'primitive' &&
      hasNestedRename(type, renamer.field, [name])
    const plain = !to && !nested && plainName
    if (selectItems) selectItems[at + i] = plain ? name : quotedSelectItem(c, to, nested, renamer)
    if (!ddl) continue
    const ddlName = to ?? name
    ddl.add(!plain && ddlName.includes('`') ? ddlName.replaceAll('`', '``') : ddlName)
    const typeText = ddlType(c, renamer)
    if (i === last) ddl.add(`\` ${typeText}`)
    // Only a primitive type's suffix is shared (a nested type is printed for its column).
    else if (type === undefined || type.kind === 'primitive') ddl.add(suffixes.for(typeText))
    else ddl.add(`\` ${typeText},\n  \``)
  }
}

function serdeHeader(table: TableDef, cleanNames: SerdeWanted['cleanNames']): string {
  const database = cleanNames.database ?? table.database
  const tableName = cleanNames.table ?? table.table
  const name = database === null ? backtick(tableName) : `${backtick(database)}.${backtick(tableName)}`
  const same = tableName === table.table && database === table.database
  const original =
    table.database === null ? backtick(table.table) : `${backtick(table.database)}.${backtick(table.table)}`
  const comment = same
    ? `-- Replaces the definition of ${original}: run DROP TABLE ${original} first (the data in S3 is not touched).\n`
    : `-- A new definition with clean names next to ${original} (same data in S3).\n`
  return `${comment}CREATE EXTERNAL TABLE ${name} (\n`
}

const sqlString = (v: string): string =>
  /['\\]/.test(v) ? v.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`) : v

/** The mapping properties, appended to the DDL parts already in `parts`; then the one join. */
function finishSerde(
  table: TableDef,
  list: Rename[],
  parts: SqlParts,
  {hasCaseDuplicates, mappings}: SerdeWanted,
): SerdeArtefact {
  // A dictionary from the start (no prototype): as a plain object each table's ~80 mapping keys
  // would each make a hidden class, thrown away with the next table (~10 ms on 1,000 tables).
  // It prints as the same JSON.
  const properties = Object.create(null) as Record<string, string>
  const warnings: string[] = []
  mappings.nextTable()
  parts.add("\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nWITH SERDEPROPERTIES (\n")
  let sep = "  '"
  if (hasCaseDuplicates) {
    properties['case.insensitive'] = 'FALSE'
    parts.add("  'case.insensitive' = 'FALSE'")
    sep = ",\n  '"
  }

  // Partition values come from S3 paths, not from the JSON: only data columns and fields are mapped.
  for (const r of list) {
    if (r.kind === 'partition') continue
    const key = mappings.claim(r.to, r.from)
    if (typeof key !== 'string') {
      if (key.mapped !== r.from) {
        warnings.push(
          `"${r.to}" would map to both "${displayName(key.mapped)}" and "${displayName(r.from)}" (nested fields of different structs); OpenX mappings are by key name, rename one of them by hand`,
        )
      }

      continue
    }

    properties[key] = r.from
    parts.add(sep)
    parts.add(key)
    parts.add("' = '")
    parts.add(sqlString(r.from))
    parts.add("'")
    sep = ",\n  '"
  }

  parts.add("\n)\nLOCATION '")
  parts.add(table.location ?? 's3://REPLACE-WITH-THE-TABLE-LOCATION/')
  parts.add("'")
  return {database: table.database, properties, sql: parts.text(), table: table.table, warnings}
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
  return artefactsFor(table, list, renamerFor(list), undefined, {
    cleanNames,
    columnSuffixes: new TypeSuffixes(),
    hasCaseDuplicates,
    mappings: new Mappings(),
  }).serde
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
  options: {
    compat?: 'awswrangler' | undefined
    duplicateTables: Set<string>
    /** The linter's `plainNames`: spares testing every name again. */
    plainNames?: Map<TableDef, PlainNames> | undefined
  },
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

  const mappings = new Mappings()
  const columnSuffixes = new TypeSuffixes()
  for (const table of input.tables) {
    const key = tableKey(table.database, table.table)
    const list = byTable.get(key) ?? []
    const tableRename = tableRenames.get(key)
    if (list.length === 0 && !tableRename) continue
    const {serde, view} = artefactsFor(table, list, renamerFor(list, options.plainNames?.get(table)), tableRename, {
      cleanNames: {database: databaseRenames.get(table.database), table: tableRename},
      columnSuffixes,
      hasCaseDuplicates: options.duplicateTables.has(key),
      mappings,
    })
    // A view on a name with a "." would reference it as one quoted identifier ("db.table"), which
    // Trino looks up as a table of that name: such a table gets its rename, not a view.
    if (view && !DOTTED.test(table.table) && !DOTTED.test(table.database ?? '')) report.views.push(view)
    if (serde) report.serdeProperties.push(serde)
  }

  if (options.compat === 'awswrangler') report.compat = input.tables.map((t) => buildCompat(t))
  return report
}
