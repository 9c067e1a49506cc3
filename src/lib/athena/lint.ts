/**
 * The lint engine: every database, table, column, partition key and nested struct field of a
 * schema is checked against the active rules, duplicates are found per namespace (columns +
 * partition keys; the fields of each struct), and every flagged name gets a collision-free rename
 * that the finding's suggestion names.
 */
import {type ColumnDef, type DatabaseDef, type HiveType, LocatedFinding, type NameKind, type Position, type SchemaInput, type TableDef} from './model.js'
import {cleanName, describeChar, displayName, MAX_NAME_BYTES, uniqueName} from './names.js'
import {isReservedLowerCase, reservedLists} from './reserved-words.js'
import {RULES} from './rules.js'
import {backtick, doubleQuote} from './type-string.js'

/**
 * One rename of the fix map. `segments` (the path as a list) is kept in a private field, so the
 * object serialises to exactly the `fixes.renames[]` shape.
 */
export class Rename {
  column: null | string
  database: null | string
  from: string
  kind: NameKind
  /** Set when the first choice was taken by another name of the table. */
  note?: string
  path: null | string
  /** Rule ids that made the rename necessary. */
  rules: string[]
  table: null | string
  to: string
  readonly #segments: string[]

  constructor(fields: {column: null | string; database: null | string; from: string; kind: NameKind; path: null | string; rules: string[]; table: null | string; to: string}, segments: string[]) {
    this.column = fields.column
    this.database = fields.database
    this.from = fields.from
    this.kind = fields.kind
    this.path = fields.path
    this.rules = fields.rules
    this.table = fields.table
    this.to = fields.to
    this.#segments = segments
  }

  /** Path segments from the top-level column ([] for tables and databases). */
  get segments(): string[] {
    return this.#segments
  }
}

export interface LintOutcome {
  findings: LocatedFinding[]
  renames: Rename[]
  summary: {columns: number; errors: number; tables: number; warnings: number}
}

/** Names that must be unique among themselves: a table's columns + partition keys, or one struct's fields. */
interface Namespace {
  /** The top-level column for struct fields; undefined for the table's own columns. */
  column: string | undefined
  items: ReadonlyArray<{name: string; position?: Position | undefined}>
  /** Path of the enclosing struct ([] for top-level names); a name's own path is parent + name. */
  parent: string[]
  /** Items from this index on are partition keys. */
  partitionFrom: number
}

interface NameRef {
  column: null | string
  kind: NameKind
  name: string
  parent: string[]
  partition: boolean
  position?: Position | undefined
}

const TOP: string[] = []

interface Hit {
  message: string
  other?: string
  rule: string
}

const CLEAN = /^[a-z][a-z0-9_]*$/
const NO_HITS: Hit[] = []
const WHITESPACE = /[\t\n\v\f\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/u
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const INVISIBLE_ONE = /[\p{Cf}\u0000-\u0008\u000E-\u001F\u007F-\u009F]/u
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const INVISIBLE_ALL = /[\p{Cf}\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu
const SPECIAL_ALL = /[\u0020-\u007E]/g
/** ASCII punctuation other than ".", ":" and "_" (those have their own rules). */
const SPECIAL_ONE = /[!-\-/;-@[-^`{-~]/
// eslint-disable-next-line no-control-regex -- the ASCII range
const NON_ASCII = /[^\u0000-\u007E]/

/** `items[].id`, `attrs{}.x`: how a nested path is shown. */
export function formatPath(segments: string[]): string {
  let out = ''
  for (const s of segments) {
    if (s === '[]' || s === '{}' || s === '{key}') out += s === '{key}' ? '{key}' : s
    else out += out === '' ? s : `.${s}`
  }

  return out
}

/** Per-name checks (everything but duplicates). */
export function checkName(name: string, ref: {kind: NameKind; partition: boolean}, active: ReadonlySet<string>): Hit[] {
  if (name.length <= MAX_NAME_BYTES && CLEAN.test(name)) {
    // The common case: a clean name only needs the reserved-word lists.
    if (!isReservedLowerCase(name)) return NO_HITS
    const hits: Hit[] = []
    checkReserved(name, name, active, hits)
    return hits
  }

  const hits: Hit[] = []
  const shown = displayName(name)

  if (name === '') {
    if (active.has('empty-name')) hits.push({message: 'The name is empty: Glue needs 1–255 bytes and Trino rejects "" ("Zero-length delimited identifier not allowed").', rule: 'empty-name'})
    return hits
  }

  // At most 3 UTF-8 bytes per UTF-16 unit: shorter names cannot be too long.
  if (active.has('too-long') && name.length > MAX_NAME_BYTES / 3) {
    const bytes = Buffer.byteLength(name, 'utf8')
    if (bytes > MAX_NAME_BYTES) {
      const chars = [...name].length
      hits.push({message: `"${shortShown(shown)}" is ${bytes} UTF-8 bytes (${chars} characters); Athena and Glue allow at most ${MAX_NAME_BYTES} bytes.`, rule: 'too-long'})
    }
  }

  if (active.has('whitespace') && WHITESPACE.test(name)) {
    const where: string[] = []
    if (WHITESPACE.test(name[0]!)) where.push('leading')
    if (WHITESPACE.test(name.at(-1)!)) where.push('trailing')
    if (WHITESPACE.test(name.trim().replaceAll(INVISIBLE_ALL, ''))) where.push('inner')
    hits.push({
      message: `"${shown}" has ${where.join(' and ')} whitespace: it only works quoted and spelled exactly (backticks in DDL, double quotes in queries).`,
      rule: 'whitespace',
    })
  }

  if (active.has('invisible-character') && INVISIBLE_ONE.test(name)) {
    const chars = [...new Set(name.match(INVISIBLE_ALL) ?? [])].map((c) => describeChar(c))
    const bom = name.startsWith('\uFEFF') ? ' A BOM at the start of a CSV header becomes part of the first column name ("?" in the console).' : ''
    hits.push({
      message: `"${shown}" contains invisible ${chars.join(', ')}: queries that type the name without it fail with "Column … cannot be resolved".${bom}`,
      rule: 'invisible-character',
    })
  }

  if (active.has('dot-or-colon') && /[.:]/.test(name)) {
    const which = [name.includes('.') ? '"."' : '', name.includes(':') ? '":"' : ''].filter(Boolean).join(' and ')
    const nested = ref.kind === 'field' ? ' In a struct type string it breaks the type itself.' : ''
    hits.push({
      message: `"${shown}" contains ${which}: Hive reads them as struct/type separators, so queries on the name fail (Trino: "identifiers must not contain ':'").${nested}`,
      rule: 'dot-or-colon',
    })
  }

  if (active.has('special-character') && SPECIAL_ONE.test(name)) {
    const specials = [...new Set((name.match(SPECIAL_ALL) ?? []).filter((c) => !/[A-Za-z0-9_.: ]/.test(c)))]
    if (specials.length > 0) {
      hits.push({
        message: `"${shown}" contains ${specials.map((c) => `"${c}"`).join(' ')}: Athena supports lower-case letters, digits and "_" only; the name needs quoting in every statement and some DDL fails even quoted (e.g. "missing EOF at '-'").`,
        rule: 'special-character',
      })
    }
  }

  if (active.has('non-ascii') && NON_ASCII.test(name)) {
    const nonAscii = [...new Set([...name].filter((c) => c.codePointAt(0)! > 0x7e && !INVISIBLE_ONE.test(c) && !WHITESPACE.test(c)))]
    if (nonAscii.length > 0) {
      const list = nonAscii.slice(0, 5).map((c) => describeChar(c)).join(', ') + (nonAscii.length > 5 ? ', …' : '')
      hits.push({
        message: `"${shown}" contains non-ASCII ${list}: outside Athena's documented [a-z0-9_] set; it needs quoting and sanitisers such as awswrangler collapse it to "_".`,
        rule: 'non-ascii',
      })
    }
  }

  if (active.has('upper-case') && /\p{Lu}/u.test(name)) {
    hits.push({
      message: `"${shown}" has upper-case letters: Athena lower-cases names (it becomes "${name.toLowerCase()}"), so case cannot distinguish names.`,
      rule: 'upper-case',
    })
  }

  if (active.has('leading-digit') && /^\d/.test(name)) {
    hits.push({message: `"${shown}" starts with a digit: SELECT, CTAS and views must double-quote it ("identifiers must not start with a digit").`, rule: 'leading-digit'})
  }

  if (active.has('leading-underscore') && name.startsWith('_')) {
    const msck = ref.kind === 'partition' ? ' MSCK REPAIR TABLE does not add partition keys that start with "_", so new partitions never appear.' : ''
    hits.push({
      message: `"${shown}" starts with "_": DDL must enclose it in backticks (unquoted it fails with "ParseException … cannot recognize input near '${name}'").${msck}`,
      rule: 'leading-underscore',
    })
  }

  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) checkReserved(name, shown, active, hits)
  return hits
}

function checkReserved(name: string, shown: string, active: ReadonlySet<string>, hits: Hit[]): void {
  const lists = reservedLists(name)
  if (lists.ddl && active.has('reserved-ddl')) {
    hits.push({message: `"${shown}" is in Athena's DDL reserved-word list: CREATE/ALTER statements must write it as ${backtick(name)}.`, rule: 'reserved-ddl'})
  }

  if (lists.dml && active.has('reserved-dml')) {
    hits.push({
      message: `"${shown}" is in Athena's SELECT reserved-word list: queries and views must write it as ${doubleQuote(name)} (unquoted: "mismatched input" / "Queries of this type are not supported").`,
      rule: 'reserved-dml',
    })
  }

  if (lists.trinoOnly && active.has('reserved-trino')) {
    hits.push({message: `"${shown}" is reserved in Trino (not in Athena's published SELECT list): write it as ${doubleQuote(name)} in queries to be safe.`, rule: 'reserved-trino'})
  }
}

function shortShown(s: string): string {
  return s.length > 40 ? `${s.slice(0, 20)}…${s.slice(-12)}` : s
}

const OPENX = /openx/i

/** Lint a whole schema input with the active rules. */
export function lintSchema(input: SchemaInput, active: ReadonlySet<string>): LintOutcome {
  const findings: LocatedFinding[] = []
  const renames: Rename[] = []
  let columns = 0
  const seenDatabases = new Set<string>()
  const lintDatabase = (db: DatabaseDef | {database: string; position?: Position | undefined; source: TableDef['source']}): void => {
    const key = `${db.database}\u0000${db.source.file ?? ''}`
    if (seenDatabases.has(key)) return
    seenDatabases.add(key)
    const hits = checkName(db.database, {kind: 'database', partition: false}, active)
    if (hits.length === 0) return
    const to = cleanName(db.database, 'database')
    renames.push(new Rename({column: null, database: db.database, from: db.database, kind: 'database', path: null, rules: hits.map((h) => h.rule), table: null, to}, []))
    for (const hit of hits) {
      findings.push(makeFinding(hit, {column: null, database: db.database, source: db.source, table: null}, 'database', db.database, null, db.position, `Glue cannot rename databases: create "${to}" and move the tables, or always quote the name.`))
    }
  }

  for (const db of input.databases) lintDatabase(db)
  for (const table of input.tables) {
    if (table.database !== null) lintDatabase({database: table.database, position: table.databasePosition, source: table.source})
    columns += table.columns.length + table.partitionKeys.length
    lintTable(table, active, findings, renames)
  }

  let errors = 0
  let warnings = 0
  for (const f of findings) {
    if (f.severity === 'error') errors++
    else warnings++
  }

  return {findings, renames, summary: {columns, errors, tables: input.tables.length, warnings}}
}

function lintTable(table: TableDef, active: ReadonlySet<string>, findings: LocatedFinding[], renames: Rename[]): void {
  const base = {database: table.database, source: table.source, table: table.table}
  // The table name itself.
  const tableHits = table.tableNameInferred ? [] : checkName(table.table, {kind: 'table', partition: false}, active)
  if (tableHits.length > 0) {
    const to = cleanName(table.table, 'table')
    renames.push(new Rename({column: null, database: table.database, from: table.table, kind: 'table', path: null, rules: tableHits.map((h) => h.rule), table: table.table, to}, []))
    const how = table.kind === 'view' ? `re-create the view as "${to}"` : `create a view or CTAS named "${to}" (Glue cannot rename tables)`
    for (const hit of tableHits) findings.push(makeFinding(hit, {...base, column: null}, 'table', table.table, null, table.tablePosition, `Rename: ${how}; until then quote it: ${backtick(table.table)} in DDL, ${doubleQuote(table.table)} in queries.`))
  }

  const ctx: NamespaceContext = {...base, json: OPENX.test(table.serde ?? '') || table.source.kind === 'json-sample'}
  const all = table.partitionKeys.length === 0 ? table.columns : [...table.columns, ...table.partitionKeys]
  lintNamespace({column: undefined, items: all, parent: TOP, partitionFrom: table.columns.length}, ctx, active, findings, renames)
  for (const col of all) {
    if (col.type && col.type.kind !== 'primitive') lintNested(col, col.type, [col.name], ctx, active, findings, renames)
  }
}

function lintNested(col: ColumnDef, type: HiveType, path: string[], ctx: NamespaceContext, active: ReadonlySet<string>, findings: LocatedFinding[], renames: Rename[]): void {
  switch (type.kind) {
    case 'array': {
      lintNested(col, type.element, [...path, '[]'], ctx, active, findings, renames)
      return
    }

    case 'map': {
      lintNested(col, type.value, [...path, '{}'], ctx, active, findings, renames)
      return
    }

    case 'primitive': {
      return
    }

    case 'struct': {
      lintNamespace({column: col.name, items: type.fields, parent: path, partitionFrom: type.fields.length}, ctx, active, findings, renames)
      for (const f of type.fields) lintNested(col, f.type, [...path, f.name], ctx, active, findings, renames)
      return
    }

    case 'union': {
      for (const m of type.members) lintNested(col, m, path, ctx, active, findings, renames)
    }
  }
}

interface NamespaceContext {
  database: null | string
  json: boolean
  source: TableDef['source']
  table: string
}

/** Per-name rules, duplicates, and collision-free renames for one namespace. */
function lintNamespace(ns: Namespace, ctx: NamespaceContext, active: ReadonlySet<string>, findings: LocatedFinding[], renames: Rename[]): void {
  const {items} = ns
  const n = items.length
  const field = ns.column !== undefined
  const refAt = (i: number): NameRef => {
    const item = items[i]!
    const partition = i >= ns.partitionFrom
    return {column: ns.column ?? item.name, kind: field ? 'field' : partition ? 'partition' : 'column', name: item.name, parent: ns.parent, partition, position: item.position}
  }

  const refKind = {kind: field ? ('field' as const) : ('column' as const), partition: false}
  const partitionKind = {kind: 'partition' as const, partition: true}
  const hitsByRef: Hit[][] = Array.from({length: n})
  let anyHits = false
  for (let i = 0; i < n; i++) {
    const hits = checkName(items[i]!.name, i >= ns.partitionFrom ? partitionKind : refKind, active)
    hitsByRef[i] = hits
    if (hits.length > 0) anyHits = true
  }

  // Duplicates: in each group of names equal ignoring case, one keeps the name (a data column
  // before a partition key, a clean name before a flagged one, else the first); the others are flagged.
  const firstIndex = new Map<string, number>()
  let groups: Map<string, number[]> | undefined
  for (let i = 0; i < n; i++) {
    const key = items[i]!.name.toLowerCase()
    const first = firstIndex.get(key)
    if (first === undefined) {
      firstIndex.set(key, i)
      continue
    }

    groups ??= new Map()
    const group = groups.get(key)
    if (group) group.push(i)
    else groups.set(key, [first, i])
  }

  if (!anyHits && !groups) return
  const duplicateOf = new Set<number>()
  for (const idxs of groups?.values() ?? []) {
    const dataColumns = idxs.filter((i) => i < ns.partitionFrom)
    const pool = dataColumns.length > 0 ? dataColumns : idxs
    const keeperIndex = pool.find((i) => hitsByRef[i]!.length === 0) ?? pool[0]!
    const keeper = refAt(keeperIndex)
    for (const i of idxs) {
      if (i === keeperIndex) continue
      const ref = refAt(i)
      const hit = duplicateHit(ref, keeper, ctx, active)
      if (!hit) continue
      hitsByRef[i] = [...hitsByRef[i]!, hit]
      duplicateOf.add(i)
    }
  }

  // Collision-free renames: names without findings keep theirs (lower-cased, as Athena sees them).
  const flagged: number[] = []
  for (let i = 0; i < n; i++) if (hitsByRef[i]!.length > 0) flagged.push(i)
  // A lower-cased name is taken when a name that keeps it (no findings) has it, or a rename got it.
  const assigned = new Set<string>()
  const taken = {
    add(name: string): void {
      assigned.add(name)
    },
    has(name: string): boolean {
      if (assigned.has(name)) return true
      const first = firstIndex.get(name)
      if (first === undefined) return false
      const group = groups?.get(name)
      return group ? group.some((i) => hitsByRef[i]!.length === 0) : hitsByRef[first]!.length === 0
    },
  }

  if (flagged.length === 0) return
  // Names flagged only as duplicates are renamed last, so the name they share goes to the keeper.
  const order = duplicateOf.size === 0 ? flagged : [...flagged.filter((i) => !duplicateOf.has(i)), ...flagged.filter((i) => duplicateOf.has(i))]
  const perRef = new Map<number, LocatedFinding[]>()
  for (const i of order) {
    const ref = refAt(i)
    const hits = hitsByRef[i]!
    const wanted = cleanName(ref.name, ref.kind)
    const to = uniqueName(wanted, taken)
    const segments = ref.parent.length === 0 ? [ref.name] : [...ref.parent, ref.name]
    const path = segments.length > 1 ? formatPath(segments) : null
    const rename = new Rename({column: ref.column, database: ctx.database, from: ref.name, kind: ref.kind, path, rules: hits.map((h) => h.rule), table: ctx.table, to}, segments)
    if (to !== wanted) rename.note = `"${wanted}" is already used in this ${ref.kind === 'field' ? 'struct' : 'table'}`
    renames.push(rename)
    const quoted = ref.kind === 'partition' || ref.kind === 'column' ? ` or keep it and quote it: ${backtick(ref.name)} in DDL, ${doubleQuote(ref.name)} in queries` : ''
    const mapping = ctx.json && ref.kind !== 'partition' ? ` (OpenX JSON: "mapping.${to}" = "${ref.name}")` : ''
    const suggestion = `Rename to "${to}"${mapping}${quoted}.`
    perRef.set(
      i,
      hits.map((hit) => makeFinding(hit, {column: ref.column, database: ctx.database, source: ctx.source, table: ctx.table}, ref.kind, ref.name, path, ref.position, suggestion)),
    )
  }

  for (const i of flagged) for (const f of perRef.get(i)!) findings.push(f)
}

function duplicateHit(ref: NameRef, keeper: NameRef, ctx: NamespaceContext, active: ReadonlySet<string>): Hit | undefined {
  if (ref.partition && !keeper.partition) {
    if (!active.has('partition-key-duplicates-column')) return undefined
    return {
      message: `Partition key "${displayName(ref.name)}" repeats data column "${displayName(keeper.name)}": Athena fails with "HIVE_INVALID_METADATA: … Table descriptor contains duplicate columns".`,
      other: keeper.name,
      rule: 'partition-key-duplicates-column',
    }
  }

  if (!active.has('duplicate-name')) return undefined
  const what = ref.name === keeper.name ? 'repeats' : 'differs only in case from'
  const failure = ctx.json
    ? '"HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key" (the OpenX JSON SerDe is case-insensitive by default)'
    : '"HIVE_UNKNOWN_ERROR: Multiple entries with same key" or a duplicate-column error'
  return {
    message: `"${displayName(ref.name)}" ${what} "${displayName(keeper.name)}"${ref.kind === 'field' ? ' in the same struct' : ''}: Athena names are case-insensitive, so queries fail with ${failure}.`,
    other: keeper.name,
    rule: 'duplicate-name',
  }
}

const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]))

// eslint-disable-next-line max-params -- hot path: no options object per finding
function makeFinding(hit: Hit, where: {column: null | string; database: null | string; source?: TableDef['source'] | undefined; table: null | string}, kind: NameKind, name: string, path: null | string, position: Position | undefined, suggestion: string): LocatedFinding {
  return new LocatedFinding(where, RULE_BY_ID.get(hit.rule)!, hit.message, suggestion, kind, name, path, position)
}
