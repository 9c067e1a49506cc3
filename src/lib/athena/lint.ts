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
  type Position,
  type SchemaInput,
  type TableDef,
} from './model.js'
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

  constructor(
    fields: {
      column: null | string
      database: null | string
      from: string
      kind: NameKind
      path: null | string
      rules: string[]
      table: null | string
      to: string
    },
    segments: string[],
  ) {
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
  items: ReadonlyArray<{name: string; position?: Position | undefined; type?: HiveType | undefined}>
  /** Partition keys, after the items (not copied into one array). */
  keys: ReadonlyArray<{name: string; position?: Position | undefined; type?: HiveType | undefined}>
  /** When set, items and keys with a nested (non-primitive) type are added to it, in order. */
  nested?: ColumnDef[] | undefined
  /** Path of the enclosing struct ([] for top-level names); a name's own path is parent + name. */
  parent: string[]
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
const NO_KEYS: ColumnDef[] = []
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
    if (active.has('empty-name'))
      hits.push({
        message:
          'The name is empty: Glue needs 1–255 bytes and Trino rejects "" ("Zero-length delimited identifier not allowed").',
        rule: 'empty-name',
      })
    return hits
  }

  // At most 3 UTF-8 bytes per UTF-16 unit: shorter names cannot be too long.
  if (active.has('too-long') && name.length > MAX_NAME_BYTES / 3) {
    const bytes = Buffer.byteLength(name, 'utf8')
    if (bytes > MAX_NAME_BYTES) {
      const chars = [...name].length
      hits.push({
        message: `"${shortShown(shown)}" is ${bytes} UTF-8 bytes (${chars} characters); Athena and Glue allow at most ${MAX_NAME_BYTES} bytes.`,
        rule: 'too-long',
      })
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
    const bom = name.startsWith('\uFEFF')
      ? ' A BOM at the start of a CSV header becomes part of the first column name ("?" in the console).'
      : ''
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
    const nonAscii = [
      ...new Set([...name].filter((c) => c.codePointAt(0)! > 0x7e && !INVISIBLE_ONE.test(c) && !WHITESPACE.test(c))),
    ]
    if (nonAscii.length > 0) {
      const list =
        nonAscii
          .slice(0, 5)
          .map((c) => describeChar(c))
          .join(', ') + (nonAscii.length > 5 ? ', …' : '')
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
    hits.push({
      message: `"${shown}" starts with a digit: SELECT, CTAS and views must double-quote it ("identifiers must not start with a digit").`,
      rule: 'leading-digit',
    })
  }

  if (active.has('leading-underscore') && name.startsWith('_')) {
    const msck =
      ref.kind === 'partition'
        ? ' MSCK REPAIR TABLE does not add partition keys that start with "_", so new partitions never appear.'
        : ''
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
    hits.push({
      message: `"${shown}" is in Athena's DDL reserved-word list: CREATE/ALTER statements must write it as ${backtick(name)}.`,
      rule: 'reserved-ddl',
    })
  }

  if (lists.dml && active.has('reserved-dml')) {
    hits.push({
      message: `"${shown}" is in Athena's SELECT reserved-word list: queries and views must write it as ${doubleQuote(name)} (unquoted: "mismatched input" / "Queries of this type are not supported").`,
      rule: 'reserved-dml',
    })
  }

  if (lists.trinoOnly && active.has('reserved-trino')) {
    hits.push({
      message: `"${shown}" is reserved in Trino (not in Athena's published SELECT list): write it as ${doubleQuote(name)} in queries to be safe.`,
      rule: 'reserved-trino',
    })
  }
}

function shortShown(s: string): string {
  return s.length > 40 ? `${s.slice(0, 20)}…${s.slice(-12)}` : s
}

/**
 * Per-run memo of the work for flagged names, by name kind: a catalogue repeats the same bad names
 * across tables (`Order ID`, `_id`), and their hits (messages included) and clean names depend only
 * on the name, its kind and the active rules. Hit arrays are shared and never mutated.
 */
class NameMemo {
  readonly #clean = [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()]
  readonly #hits = [new Map<string, Hit[]>(), new Map<string, Hit[]>(), new Map<string, Hit[]>()]
  readonly #suggestions = [
    new Map<string, {json: boolean; text: string; to: string}>(),
    new Map<string, {json: boolean; text: string; to: string}>(),
    new Map<string, {json: boolean; text: string; to: string}>(),
  ]

  constructor(private readonly active: ReadonlySet<string>) {}

  clean(name: string, kind: 'column' | 'field' | 'partition'): string {
    const cache = this.#clean[kindSlot(kind)]!
    let to = cache.get(name)
    if (to === undefined) {
      to = cleanName(name, kind)
      cache.set(name, to)
    }

    return to
  }

  hits(name: string, kind: 'column' | 'field' | 'partition'): Hit[] {
    const cache = this.#hits[kindSlot(kind)]!
    let hits = cache.get(name)
    if (hits === undefined) {
      hits = checkName(
        name,
        kind === 'partition' ? PARTITION_REF : kind === 'field' ? FIELD_REF : COLUMN_REF,
        this.active,
      )
      cache.set(name, hits)
    }

    return hits
  }

  /** The finding suggestion for renaming `name` to `to`; reused while a name keeps getting the same clean name. */
  suggestion(name: string, kind: 'column' | 'field' | 'partition', to: string, json: boolean): string {
    const cache = this.#suggestions[kindSlot(kind)]!
    const cached = cache.get(name)
    if (cached !== undefined && cached.to === to && cached.json === json) return cached.text
    const quoted =
      kind === 'field' ? '' : ` or keep it and quote it: ${backtick(name)} in DDL, ${doubleQuote(name)} in queries`
    const mapping = json && kind !== 'partition' ? ` (OpenX JSON: "mapping.${to}" = "${name}")` : ''
    const text = `Rename to "${to}"${mapping}${quoted}.`
    cache.set(name, {json, text, to})
    return text
  }
}

const kindSlot = (kind: 'column' | 'field' | 'partition'): number => (kind === 'column' ? 0 : kind === 'field' ? 1 : 2)
const COLUMN_REF = {kind: 'column' as const, partition: false}
const FIELD_REF = {kind: 'field' as const, partition: false}
const PARTITION_REF = {kind: 'partition' as const, partition: true}

const OPENX = /openx/i

/** Lint a whole schema input with the active rules. */
export function lintSchema(input: SchemaInput, active: ReadonlySet<string>): LintOutcome {
  const findings: LocatedFinding[] = []
  const renames: Rename[] = []
  let columns = 0
  const seenDatabases = new Set<string>()
  const names = new NameMemo(active)
  const lintDatabase = (
    db: DatabaseDef | {database: string; position?: Position | undefined; source: TableDef['source']},
  ): void => {
    const key = `${db.database}\u0000${db.source.file ?? ''}`
    if (seenDatabases.has(key)) return
    seenDatabases.add(key)
    const hits = checkName(db.database, {kind: 'database', partition: false}, active)
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
        [],
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
  for (const table of input.tables) {
    if (table.database !== null)
      lintDatabase({database: table.database, position: table.databasePosition, source: table.source})
    columns += table.columns.length + table.partitionKeys.length
    lintTable(table, active, findings, renames, names)
  }

  let errors = 0
  let warnings = 0
  for (const f of findings) {
    if (f.severity === 'error') errors++
    else warnings++
  }

  return {findings, renames, summary: {columns, errors, tables: input.tables.length, warnings}}
}

// eslint-disable-next-line max-params -- internal recursion helpers share these
function lintTable(
  table: TableDef,
  active: ReadonlySet<string>,
  findings: LocatedFinding[],
  renames: Rename[],
  names: NameMemo,
): void {
  const base = {database: table.database, source: table.source, table: table.table}
  // The table name itself.
  const tableHits = table.tableNameInferred ? [] : checkName(table.table, {kind: 'table', partition: false}, active)
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
        [],
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

  const ctx: NamespaceContext = {...base, json: OPENX.test(table.serde ?? '') || table.source.kind === 'json-sample'}
  // The columns with nested types are collected by the same pass over the names.
  const nested: ColumnDef[] = []
  lintNamespace(
    {column: undefined, items: table.columns, keys: table.partitionKeys, nested, parent: TOP},
    ctx,
    active,
    findings,
    renames,
    names,
  )
  for (const col of nested) lintNested(col, col.type!, [col.name], ctx, active, findings, renames, names)
}

// eslint-disable-next-line max-params -- internal recursion helpers share these
function lintNested(
  col: ColumnDef,
  type: HiveType,
  path: string[],
  ctx: NamespaceContext,
  active: ReadonlySet<string>,
  findings: LocatedFinding[],
  renames: Rename[],
  names: NameMemo,
): void {
  switch (type.kind) {
    case 'array': {
      lintNested(col, type.element, [...path, '[]'], ctx, active, findings, renames, names)
      return
    }

    case 'map': {
      lintNested(col, type.value, [...path, '{}'], ctx, active, findings, renames, names)
      return
    }

    case 'primitive': {
      return
    }

    case 'struct': {
      lintNamespace(
        {column: col.name, items: type.fields, keys: NO_KEYS, parent: path},
        ctx,
        active,
        findings,
        renames,
        names,
      )
      for (const f of type.fields) lintNested(col, f.type, [...path, f.name], ctx, active, findings, renames, names)
      return
    }

    case 'union': {
      for (const m of type.members) lintNested(col, m, path, ctx, active, findings, renames, names)
    }
  }
}

interface NamespaceContext {
  database: null | string
  json: boolean
  source: TableDef['source']
  table: string
}

/** Namespaces up to this size find duplicates with a list instead of a Map (struct fields). */
const SMALL_NAMESPACE = 16

function itemOf(ns: Namespace, i: number): {name: string; position?: Position | undefined} {
  return i < ns.items.length ? ns.items[i]! : ns.keys[i - ns.items.length]!
}

function refOf(ns: Namespace, i: number): NameRef {
  const item = itemOf(ns, i)
  const partition = i >= ns.items.length
  return {
    column: ns.column ?? item.name,
    kind: ns.column === undefined ? (partition ? 'partition' : 'column') : 'field',
    name: item.name,
    parent: ns.parent,
    partition,
    position: item.position,
  }
}

/** Per-name rules, duplicates, and collision-free renames for one namespace. */
// eslint-disable-next-line max-params -- hot path: called once per table and per struct
function lintNamespace(
  ns: Namespace,
  ctx: NamespaceContext,
  active: ReadonlySet<string>,
  findings: LocatedFinding[],
  renames: Rename[],
  names: NameMemo,
): void {
  const {items, keys, nested} = ns
  const partitionFrom = items.length
  const n = partitionFrom + keys.length
  const field = ns.column !== undefined
  const nameKind = field ? 'field' : 'column'
  // Per-name rules and duplicate detection in one pass. A clean name (lower-case [a-z0-9_], not
  // reserved) has no hits and is its own lower-case key: it allocates nothing.
  const hitsByRef: Hit[][] = []
  let flaggedCount = 0
  let groups: Map<string, number[]> | undefined
  // Lower-case key → first index: a Map for a table's columns, a plain list for a struct's few fields.
  const firstIndex = n > SMALL_NAMESPACE ? new Map<string, number>() : undefined
  const smallKeys: string[] = []
  for (let i = 0; i < n; i++) {
    const item = i < partitionFrom ? items[i]! : keys[i - partitionFrom]!
    const {name} = item
    if (nested && item.type && item.type.kind !== 'primitive') nested.push(item as ColumnDef)
    let hits: Hit[]
    let key: string
    if (name.length <= MAX_NAME_BYTES && CLEAN.test(name)) {
      key = name
      hits = isReservedLowerCase(name) ? names.hits(name, i >= partitionFrom ? 'partition' : nameKind) : NO_HITS
    } else {
      key = name.toLowerCase()
      hits = names.hits(name, i >= partitionFrom ? 'partition' : nameKind)
    }

    hitsByRef.push(hits)
    if (hits.length > 0) flaggedCount++
    let first: number | undefined
    if (firstIndex) {
      first = firstIndex.get(key)
      if (first === undefined) {
        firstIndex.set(key, i)
        continue
      }
    } else {
      const at = smallKeys.indexOf(key)
      smallKeys.push(key)
      if (at === -1) continue
      first = at
    }

    // Duplicates: in each group of names equal ignoring case, one keeps the name (a data column
    // before a partition key, a clean name before a flagged one, else the first); the others are flagged.
    groups ??= new Map()
    const group = groups.get(key)
    if (group) group.push(i)
    else groups.set(key, [first, i])
  }

  if (flaggedCount === 0 && !groups) return
  let duplicateOf: Set<number> | undefined
  if (groups) {
    duplicateOf = flagDuplicates(
      groups,
      hitsByRef,
      partitionFrom,
      (i) => refOf(ns, i),
      (ref, keeper) => duplicateHit(ref, keeper, ctx, active),
    )
    if (duplicateOf) flaggedCount = hitsByRef.reduce((count, hits) => count + (hits.length > 0 ? 1 : 0), 0)
  }

  if (flaggedCount === 0) return
  // Collision-free renames: names without findings keep theirs (lower-cased, as Athena sees them).
  // A lower-cased name is taken when a name that keeps it (no findings) has it, or a rename got it.
  const assigned = new Set<string>()
  const taken = {
    add(name: string): void {
      assigned.add(name)
    },
    has(name: string): boolean {
      if (assigned.has(name)) return true
      const first = firstIndex ? firstIndex.get(name) : smallKeys.includes(name) ? smallKeys.indexOf(name) : undefined
      if (first === undefined) return false
      const group = groups?.get(name)
      return group ? group.some((i) => hitsByRef[i]!.length === 0) : hitsByRef[first]!.length === 0
    },
  }

  // Both constructors copy these fields: one scratch object per namespace, updated per name.
  const where: {column: null | string; database: null | string; source: TableDef['source']; table: string} = {
    column: ns.column ?? null,
    database: ctx.database,
    source: ctx.source,
    table: ctx.table,
  }
  const fields: ConstructorParameters<typeof Rename>[0] = {
    column: null,
    database: ctx.database,
    from: '',
    kind: 'column',
    path: null,
    rules: [],
    table: ctx.table,
    to: '',
  }
  const renameOne = (i: number, out: LocatedFinding[]): void => {
    const item = itemOf(ns, i)
    const {name} = item
    const kind: NameKind = field ? 'field' : i >= partitionFrom ? 'partition' : 'column'
    const hits = hitsByRef[i]!
    const wanted = names.clean(name, kind)
    const to = uniqueName(wanted, taken)
    const segments = ns.parent.length === 0 ? [name] : [...ns.parent, name]
    const path = segments.length > 1 ? formatPath(segments) : null
    const column = field ? ns.column! : name
    const rules: string[] = []
    for (const hit of hits) rules.push(hit.rule)
    fields.column = column
    fields.from = name
    fields.kind = kind
    fields.path = path
    fields.rules = rules
    fields.to = to
    const rename = new Rename(fields, segments)
    if (to !== wanted) rename.note = `"${wanted}" is already used in this ${field ? 'struct' : 'table'}`
    renames.push(rename)
    const suggestion = names.suggestion(name, kind, to, ctx.json)
    where.column = column
    for (const hit of hits) out.push(makeFinding(hit, where, kind, name, path, item.position, suggestion))
  }

  if (duplicateOf) renameDuplicatesLast(hitsByRef, duplicateOf, renameOne, findings)
  else for (let i = 0; i < n; i++) if (hitsByRef[i]!.length > 0) renameOne(i, findings)
}

/**
 * In each group of names equal ignoring case, one keeps the name (a data column before a partition
 * key, a clean name before a flagged one, else the first); the others get a duplicate hit (added to
 * a copy of their hits). Returns the indexes flagged as duplicates, if any.
 */
// eslint-disable-next-line max-params -- internal helper of lintNamespace
function flagDuplicates(
  groups: Map<string, number[]>,
  hitsByRef: Hit[][],
  partitionFrom: number,
  refAt: (i: number) => NameRef,
  hitFor: (ref: NameRef, keeper: NameRef) => Hit | undefined,
): Set<number> | undefined {
  let duplicateOf: Set<number> | undefined
  for (const idxs of groups.values()) {
    const dataColumns = idxs.filter((i) => i < partitionFrom)
    const pool = dataColumns.length > 0 ? dataColumns : idxs
    const keeperIndex = pool.find((i) => hitsByRef[i]!.length === 0) ?? pool[0]!
    const keeper = refAt(keeperIndex)
    for (const i of idxs) {
      if (i === keeperIndex) continue
      const hit = hitFor(refAt(i), keeper)
      if (!hit) continue
      const before = hitsByRef[i]!
      hitsByRef[i] = before.length === 0 ? [hit] : [...before, hit]
      duplicateOf ??= new Set()
      duplicateOf.add(i)
    }
  }

  return duplicateOf
}

/**
 * Names flagged only as duplicates are renamed last, so the name they share goes to the keeper;
 * findings stay in name order.
 */
function renameDuplicatesLast(
  hitsByRef: Hit[][],
  duplicateOf: Set<number>,
  renameOne: (i: number, out: LocatedFinding[]) => void,
  findings: LocatedFinding[],
): void {
  // Findings of each flagged name (in name order), filled in rename order.
  const flagged: number[] = []
  const perFlagged: LocatedFinding[][] = []
  // A plain index loop: entries() would allocate a pair per name.
  // eslint-disable-next-line unicorn/no-for-loop -- see above
  for (let i = 0; i < hitsByRef.length; i++) {
    if (hitsByRef[i]!.length === 0) continue
    const out: LocatedFinding[] = []
    flagged.push(i)
    perFlagged.push(out)
    if (!duplicateOf.has(i)) renameOne(i, out)
  }

  for (const [k, i] of flagged.entries()) if (duplicateOf.has(i)) renameOne(i, perFlagged[k]!)
  for (const out of perFlagged) for (const f of out) findings.push(f)
}

function duplicateHit(
  ref: NameRef,
  keeper: NameRef,
  ctx: NamespaceContext,
  active: ReadonlySet<string>,
): Hit | undefined {
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
  return new LocatedFinding(where, RULE_BY_ID.get(hit.rule)!, hit.message, suggestion, kind, name, path, position)
}
