/**
 * One namespace at a time (a table's columns and partition keys, or one struct's fields): the
 * per-name rules, duplicates, and a collision-free rename (with its findings) for every flagged name.
 */
import type {ColumnDef, HiveType, PlainNames, Position, TableDef} from './model.js'

import {KeyIndex} from './key-index.js'
import {LocatedFinding, NAME_NOT_PLAIN, NAME_PLAIN} from './model.js'
import {CLEAN, duplicateHit, type Hit, type NameRef, NO_HITS, type Written, writtenAs} from './name-checks.js'
import {type BulkKind, type KindWork, type NameMemo} from './name-memo.js'
import {cleanName, MAX_NAME_BYTES, uniqueName} from './names.js'
import {appendPath, Rename} from './rename.js'
import {isReservedLowerCase} from './reserved-words.js'
import {ruleOfHit} from './rules.js'

const NO_RULES: string[] = []
const newHitMap = (): Map<string, Map<string, Hit | null>> => new Map()

/** A column, partition key or struct field as the namespace linter reads it. */
interface NamedItem {
  name: string
  position?: Position | undefined
  quote?: 'backtick' | 'double' | undefined
  type?: HiveType | undefined
}

/** Names that must be unique among themselves: a table's columns + partition keys, or one struct's fields. */
export interface Namespace {
  /** The top-level column for struct fields; undefined for the table's own columns. */
  column: string | undefined
  items: readonly NamedItem[]
  /** Partition keys, after the items (not copied into one array). */
  keys: readonly NamedItem[]
  /** When set, items and keys with a nested (non-primitive) type are added to it, in order. */
  nested?: ColumnDef[] | undefined
  /** Path of the enclosing struct ([] for top-level names); a name's own path is parent + name. */
  parent: string[]
  /** `parent` as formatPath shows it. */
  parentShown: string
  /** When set, filled with what the pass found about each name (see `PlainNames`). */
  plain?: PlainNames | undefined
}

/** The table a namespace belongs to. */
export interface NamespaceContext {
  database: null | string
  json: boolean
  source: TableDef['source']
  /** The statement the names were written in (undefined: a catalog or a file). */
  statement: TableDef['statement']
  table: string
}

function itemOf(ns: Namespace, i: number): NamedItem {
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

/**
 * Per-name rules, duplicates and collision-free renames, one namespace at a time. Namespaces are
 * linted one after the other (never interleaved), so one linter per run keeps its arrays and
 * scratch objects from one namespace to the next: a catalogue has a namespace per table and per
 * struct, and per-namespace arrays, maps and closures were a good part of the cost of the structs.
 */
export class NamespaceLinter {
  readonly #active: ReadonlySet<string>
  #ctx: NamespaceContext | undefined
  /**
   * Duplicate hits by variant (partition key, field, JSON table), keeper name and name: one per
   * pair of names in a run (null: the rule is off). Hits are shared and never changed.
   */
  readonly #duplicateHits = [newHitMap(), newHitMap(), newHitMap(), newHitMap(), newHitMap()]
  /** Which names are flagged as duplicates (valid below `#n` when `#hasDuplicates`). */
  readonly #duplicateOf: boolean[] = []
  /** Rename constructor fields: one scratch object, updated per name. */
  readonly #fields: ConstructorParameters<typeof Rename>[0] = {
    column: null,
    database: null,
    from: '',
    kind: 'column',
    path: null,
    rules: NO_RULES,
    table: null,
    to: '',
  }
  readonly #findings: LocatedFinding[]
  /** Groups of names equal ignoring case, by lower-case key (first index first), when there are any. */
  #groups: Map<string, number[]> | undefined
  #hasDuplicates = false
  /** The hits of each name (valid below `#n`). */
  readonly #hits: Hit[][] = []
  readonly #keyIndex = new KeyIndex()
  #n = 0
  readonly #names: NameMemo
  #ns: Namespace | undefined
  readonly #renames: Rename[]
  /** What uniqueName asks: is a lower-case name taken in this namespace? */
  readonly #taken = {
    add: (name: string): void => this.#keyIndex.assign(name),
    has: (name: string): boolean => this.#isTaken(name),
  }
  /** LocatedFinding constructor fields: one scratch object, updated per name. */
  readonly #where: {
    column: null | string
    database: null | string
    source: TableDef['source'] | undefined
    table: null | string
  } = {
    column: null,
    database: null,
    source: undefined,
    table: null,
  }
  /** The memo entry of each flagged name (valid below `#n`), undefined for clean names. */
  readonly #works: Array<KindWork | undefined> = []

  constructor(active: ReadonlySet<string>, names: NameMemo, findings: LocatedFinding[], renames: Rename[]) {
    this.#active = active
    this.#names = names
    this.#findings = findings
    this.#renames = renames
  }

  /** Lint one namespace; its nested columns (when asked) are added to `ns.nested`. */
  // eslint-disable-next-line complexity -- the one pass over every name of a catalogue stays in one loop
  lint(ns: Namespace, ctx: NamespaceContext): void {
    const {items, keys, nested, plain} = ns
    const partitionFrom = items.length
    const n = partitionFrom + keys.length
    const nameKind = ns.column === undefined ? 'column' : 'field'
    const hitsByRef = this.#hits
    const workByRef = this.#works
    const names = this.#names
    const keyIndex = this.#keyIndex
    const {statement} = ctx
    this.#ns = ns
    this.#ctx = ctx
    this.#n = n
    this.#groups = undefined
    this.#hasDuplicates = false
    keyIndex.begin(n)
    // Per-name rules and duplicate detection in one pass. A clean name (lower-case [a-z0-9_], not
    // reserved) has no hits and is its own lower-case key: it allocates nothing.
    let flaggedCount = 0
    for (let i = 0; i < n; i++) {
      const item = i < partitionFrom ? items[i]! : keys[i - partitionFrom]!
      const {name} = item
      if (nested && item.type && item.type.kind !== 'primitive') nested.push(item as ColumnDef)
      let work: KindWork | undefined
      let key: string
      if (name.length <= MAX_NAME_BYTES && CLEAN.test(name)) {
        key = name
        const reserved = isReservedLowerCase(name)
        if (reserved)
          work = names.kind(
            names.work(name),
            name,
            i >= partitionFrom ? 'partition' : nameKind,
            writtenAs(statement, item.quote),
          )
        if (plain) plain[i] = reserved ? NAME_NOT_PLAIN : NAME_PLAIN
      } else {
        const nameWork = names.work(name)
        key = nameWork.lower
        work = names.kind(nameWork, name, i >= partitionFrom ? 'partition' : nameKind, writtenAs(statement, item.quote))
        // A clean name over the length limit stays 0: the fix builder tests it itself.
        if (plain && name.length <= MAX_NAME_BYTES) plain[i] = NAME_NOT_PLAIN
      }

      const hits = work === undefined ? NO_HITS : work.hits
      hitsByRef[i] = hits
      workByRef[i] = work
      if (hits.length > 0) flaggedCount++
      const first = keyIndex.firstOrAdd(key, i)
      if (first === -1) continue

      // Duplicates: in each group of names equal ignoring case, one keeps the name (a data column
      // before a partition key, a clean name before a flagged one, else the first); the others are flagged.
      this.#groups ??= new Map()
      const group = this.#groups.get(key)
      if (group) group.push(i)
      else this.#groups.set(key, [first, i])
    }

    if (this.#groups) flaggedCount += this.#flagDuplicates()
    if (flaggedCount === 0) return
    // Collision-free renames: names without findings keep theirs (lower-cased, as Athena sees them).
    this.#where.column = ns.column ?? null
    this.#where.database = ctx.database
    this.#where.source = ctx.source
    this.#where.table = ctx.table
    this.#fields.database = ctx.database
    this.#fields.table = ctx.table
    if (this.#hasDuplicates) this.#renameDuplicatesLast()
    else for (let i = 0; i < n; i++) if (hitsByRef[i]!.length > 0) this.#renameOne(i, this.#findings)
  }

  /** The duplicate hit of name `i` against name `keeper` of the namespace (memo: see `#duplicateHits`). */
  #duplicateHit(i: number, keeper: number): Hit | undefined {
    const ns = this.#ns!
    const {json} = this.#ctx!
    const partitionFrom = ns.items.length
    const variant =
      i >= partitionFrom && keeper < partitionFrom ? 4 : (ns.column === undefined ? 0 : 2) + (json ? 1 : 0)
    const keeperName = itemOf(ns, keeper).name
    const byKeeper = this.#duplicateHits[variant]!
    let known = byKeeper.get(keeperName)
    if (known === undefined) {
      known = new Map()
      byKeeper.set(keeperName, known)
    }

    const {name} = itemOf(ns, i)
    let hit = known.get(name)
    if (hit === undefined) {
      hit = duplicateHit(refOf(ns, i), refOf(ns, keeper), json, this.#active) ?? null
      known.set(name, hit)
    }

    return hit ?? undefined
  }

  /**
   * In each group of names equal ignoring case, one keeps the name (a data column before a
   * partition key, a clean name before a flagged one, else the first); the others get a duplicate
   * hit (added to a copy of their hits) and are marked in `#duplicateOf`. Returns how many of them
   * had no hit before.
   */
  #flagDuplicates(): number {
    const ns = this.#ns!
    const hitsByRef = this.#hits
    const partitionFrom = ns.items.length
    const duplicateOf = this.#duplicateOf
    let newlyFlagged = 0
    for (const idxs of this.#groups!.values()) {
      // The first data column without hits, else the first data column; with no data column in
      // the group, the first name without hits, else the first.
      let keeperIndex = -1
      let firstData = -1
      for (const i of idxs) {
        if (i >= partitionFrom) continue
        if (firstData === -1) firstData = i
        if (hitsByRef[i]!.length === 0) {
          keeperIndex = i
          break
        }
      }

      if (firstData === -1) keeperIndex = idxs.find((i) => hitsByRef[i]!.length === 0) ?? idxs[0]!
      else if (keeperIndex === -1) keeperIndex = firstData
      for (const i of idxs) {
        if (i === keeperIndex) continue
        const hit = this.#duplicateHit(i, keeperIndex)
        if (!hit) continue
        const before = hitsByRef[i]!
        if (before.length === 0) newlyFlagged++
        hitsByRef[i] = before.length === 0 ? [hit] : [...before, hit]
        if (!this.#hasDuplicates) {
          this.#hasDuplicates = true
          for (let k = 0; k < this.#n; k++) duplicateOf[k] = false
        }

        duplicateOf[i] = true
      }
    }

    return newlyFlagged
  }

  /** A lower-cased name is taken when a name that keeps it (no findings) has it, or a rename got it. */
  #isTaken(name: string): boolean {
    const keyIndex = this.#keyIndex
    if (keyIndex.isAssigned(name)) return true
    const first = keyIndex.first(name)
    if (first === -1) return false
    const hitsByRef = this.#hits
    const group = this.#groups?.get(name)
    return group ? group.some((i) => hitsByRef[i]!.length === 0) : hitsByRef[first]!.length === 0
  }

  /**
   * Names flagged only as duplicates are renamed last, so the name they share goes to the keeper;
   * findings stay in name order.
   */
  #renameDuplicatesLast(): void {
    const hitsByRef = this.#hits
    const duplicateOf = this.#duplicateOf
    const n = this.#n
    // Each name makes one finding per hit: the findings of the two rename passes are merged back
    // into name order by counting, without a list per name.
    const first: LocatedFinding[] = []
    const last: LocatedFinding[] = []
    for (let i = 0; i < n; i++) if (hitsByRef[i]!.length > 0 && !duplicateOf[i]) this.#renameOne(i, first)
    for (let i = 0; i < n; i++) if (duplicateOf[i]) this.#renameOne(i, last)
    let fromFirst = 0
    let fromLast = 0
    const findings = this.#findings
    for (let i = 0; i < n; i++) {
      const count = hitsByRef[i]!.length
      if (count === 0) continue
      if (duplicateOf[i]) for (let k = 0; k < count; k++) findings.push(last[fromLast++]!)
      else for (let k = 0; k < count; k++) findings.push(first[fromFirst++]!)
    }
  }

  #renameOne(i: number, out: LocatedFinding[]): void {
    const ns = this.#ns!
    const names = this.#names
    const item = itemOf(ns, i)
    const {name} = item
    const field = ns.column !== undefined
    const kind: BulkKind = field ? 'field' : i >= ns.items.length ? 'partition' : 'column'
    const hits = this.#hits[i]!
    // Clean names are flagged only as duplicates: their memo entry is made now.
    const written: Written = writtenAs(this.#ctx!.statement, (item as NamedItem).quote)
    const work = this.#works[i] ?? names.kind(names.work(name), name, kind, written)
    work.clean ??= cleanName(name, kind)
    const wanted = work.clean
    const to = uniqueName(wanted, this.#taken)
    const path = ns.parent.length === 0 ? null : appendPath(ns.parentShown, name)
    const column = field ? ns.column! : name
    // A duplicate has one hit more than the name itself: its own rule lists.
    const shared = hits === work.hits
    const fields = this.#fields
    fields.column = column
    fields.from = name
    fields.kind = kind
    fields.path = path
    fields.rules = shared ? work.rules : hits.map((hit) => hit.rule)
    fields.to = to
    const rename = new Rename(fields, ns.parent)
    if (to !== wanted) rename.note = names.takenNote(wanted, field)
    this.#renames.push(rename)
    const suggestion = names.suggestion(work, name, kind, to, this.#ctx!.json)
    const where = this.#where
    where.column = column
    // A plain index loop: entries() would allocate a pair per hit.
    // eslint-disable-next-line unicorn/no-for-loop -- see above
    for (let h = 0; h < hits.length; h++) {
      const hit = hits[h]!
      const rule = shared ? work.ruleInfos[h]! : ruleOfHit(hit)
      out.push(new LocatedFinding(where, rule, hit.message, suggestion, kind, name, path, item.position))
    }
  }
}
