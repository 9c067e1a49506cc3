/**
 * The lint engine: every database, table, column, partition key and nested struct field of a
 * schema is checked against the active rules, duplicates are found per namespace (columns +
 * partition keys; the fields of each struct), and every flagged name gets a collision-free rename
 * that the finding's suggestion names.
 */
import {
  type ColumnDef,
  type DatabaseDef,
  type HiveType,
  LocatedFinding,
  type NameKind,
  type PlainNames,
  type Position,
  type SchemaInput,
  type TableDef,
} from './model.js'
import {checkName, type Hit, writtenAs} from './name-checks.js'
import {NameMemo} from './name-memo.js'
import {cleanName} from './names.js'
import {type NamespaceContext, NamespaceLinter} from './namespace-linter.js'
import {appendPath, Rename} from './rename.js'
import {ruleOfHit} from './rules.js'
import {backtick, doubleQuote} from './type-string.js'

export {checkName} from './name-checks.js'
export {formatPath, Rename} from './rename.js'

export interface LintOutcome {
  findings: LocatedFinding[]
  /** What the linter found about each table's top-level names, for `buildFixes`. */
  plainNames: Map<TableDef, PlainNames>
  renames: Rename[]
  summary: {columns: number; errors: number; tables: number; warnings: number}
}

/** Where a nested type is: its path segments from the column and the path as formatPath shows it. */
interface NestedPath {
  segments: string[]
  shown: string
}

const TOP: string[] = []
const NO_KEYS: ColumnDef[] = []

const OPENX = /openx/i

/** Lint a whole schema input with the active rules. */
export function lintSchema(input: SchemaInput, active: ReadonlySet<string>): LintOutcome {
  const findings: LocatedFinding[] = []
  const renames: Rename[] = []
  let columns = 0
  const seenDatabases = new Set<string>()
  const names = new NameMemo(active)
  const lintDatabase = (db: DatabaseDef): void => {
    const key = `${db.database}\u0000${db.source.file ?? ''}`
    if (seenDatabases.has(key)) return
    seenDatabases.add(key)
    const written = writtenAs(db.statement, db.quote)
    const hits = checkName(db.database, {kind: 'database', partition: false, written}, active)
    if (hits.length === 0) return
    const to = cleanName(db.database, 'database')
    renames.push(
      new Rename(
        {
          column: null,
          database: db.database,
          from: db.database,
          kind: 'database',
          path: null,
          rules: hits.map((h) => h.rule),
          table: null,
          to,
        },
        undefined,
      ),
    )
    for (const hit of hits) {
      findings.push(
        makeFinding(
          hit,
          {column: null, database: db.database, source: db.source, table: null},
          'database',
          db.database,
          null,
          db.position,
          `Glue cannot rename databases: create "${to}" and move the tables, or always quote the name.`,
        ),
      )
    }
  }

  for (const db of input.databases) lintDatabase(db)
  const namespaces = new NamespaceLinter(active, names, findings, renames)
  const plainNames = new Map<TableDef, PlainNames>()
  for (const table of input.tables) {
    if (table.database !== null)
      lintDatabase({
        database: table.database,
        position: table.databasePosition,
        quote: table.databaseQuote,
        source: table.source,
        statement: table.statement,
      })
    columns += table.columns.length + table.partitionKeys.length
    const plain: PlainNames = new Uint8Array(table.columns.length + table.partitionKeys.length)
    plainNames.set(table, plain)
    lintTable(table, active, findings, renames, namespaces, plain)
  }

  let errors = 0
  let warnings = 0
  for (const f of findings) {
    if (f.severity === 'error') errors++
    else warnings++
  }

  return {findings, plainNames, renames, summary: {columns, errors, tables: input.tables.length, warnings}}
}

// eslint-disable-next-line max-params -- internal: the run's lists and linter
function lintTable(
  table: TableDef,
  active: ReadonlySet<string>,
  findings: LocatedFinding[],
  renames: Rename[],
  namespaces: NamespaceLinter,
  plain: PlainNames,
): void {
  const base = {database: table.database, source: table.source, table: table.table}
  // The table name itself.
  const written = writtenAs(table.statement, table.tableQuote)
  const tableHits = table.tableNameInferred
    ? []
    : checkName(table.table, {kind: 'table', partition: false, written}, active)
  if (tableHits.length > 0) {
    const to = cleanName(table.table, 'table')
    renames.push(
      new Rename(
        {
          column: null,
          database: table.database,
          from: table.table,
          kind: 'table',
          path: null,
          rules: tableHits.map((h) => h.rule),
          table: table.table,
          to,
        },
        undefined,
      ),
    )
    const how =
      table.kind === 'view'
        ? `re-create the view as "${to}"`
        : `create a view or CTAS named "${to}" (Glue cannot rename tables)`
    for (const hit of tableHits)
      findings.push(
        makeFinding(
          hit,
          {...base, column: null},
          'table',
          table.table,
          null,
          table.tablePosition,
          `Rename: ${how}; until then quote it: ${backtick(table.table)} in DDL, ${doubleQuote(table.table)} in queries.`,
        ),
      )
  }

  const ctx: NamespaceContext = {
    ...base,
    json: OPENX.test(table.serde ?? '') || table.source.kind === 'json-sample',
    statement: table.statement,
  }
  // The columns with nested types are collected by the same pass over the names.
  const nested: ColumnDef[] = []
  namespaces.lint(
    {column: undefined, items: table.columns, keys: table.partitionKeys, nested, parent: TOP, parentShown: '', plain},
    ctx,
  )
  for (const col of nested) {
    const path = {segments: [col.name], shown: appendPath('', col.name)}
    lintNested(col, col.type!, path, ctx, namespaces)
  }
}

/** The struct namespaces inside a column's type; paths are made only for the types that have fields. */
// eslint-disable-next-line max-params -- internal recursion
function lintNested(
  col: ColumnDef,
  type: HiveType,
  path: NestedPath,
  ctx: NamespaceContext,
  namespaces: NamespaceLinter,
): void {
  switch (type.kind) {
    case 'array': {
      if (type.element.kind !== 'primitive') lintNested(col, type.element, deeper(path, '[]'), ctx, namespaces)
      return
    }

    case 'map': {
      if (type.value.kind !== 'primitive') lintNested(col, type.value, deeper(path, '{}'), ctx, namespaces)
      return
    }

    case 'primitive': {
      return
    }

    case 'struct': {
      namespaces.lint(
        {column: col.name, items: type.fields, keys: NO_KEYS, parent: path.segments, parentShown: path.shown},
        ctx,
      )
      for (const f of type.fields)
        if (f.type.kind !== 'primitive') lintNested(col, f.type, deeper(path, f.name), ctx, namespaces)
      return
    }

    case 'union': {
      for (const m of type.members) lintNested(col, m, path, ctx, namespaces)
    }
  }
}

function deeper(path: NestedPath, segment: string): NestedPath {
  return {segments: [...path.segments, segment], shown: appendPath(path.shown, segment)}
}

// eslint-disable-next-line max-params -- hot path: no options object per finding
function makeFinding(
  hit: Hit,
  where: {
    column: null | string
    database: null | string
    source?: TableDef['source'] | undefined
    table: null | string
  },
  kind: NameKind,
  name: string,
  path: null | string,
  position: Position | undefined,
  suggestion: string,
): LocatedFinding {
  return new LocatedFinding(where, ruleOfHit(hit), hit.message, suggestion, kind, name, path, position)
}
