/** One rename of the fix map, and how a nested path is shown. */
import type {NameKind} from './model.js'

/**
 * One rename of the fix map. The path of the enclosing struct is kept in a private field, so the
 * object serialises to exactly the `fixes.renames[]` shape.
 */
export class Rename {
  // `declare`: the constructor makes the fields, in this order (`note` too, undefined until set,
  // so it stays where the JSON shape has it); field definitions before it would make every field
  // twice (for each of the many renames of a big catalogue).
  declare column: null | string
  declare database: null | string
  declare from: string
  declare kind: NameKind
  /** Set when the first choice was taken by another name of the table. */
  declare note?: string | undefined
  declare path: null | string
  /** Rule ids that made the rename necessary (shared by the renames of one name: do not change it). */
  declare rules: readonly string[]
  declare table: null | string
  declare to: string
  /** Segments of the enclosing struct ([] for top-level names); undefined for tables and databases. */
  readonly #parent: readonly string[] | undefined

  constructor(
    fields: {
      column: null | string
      database: null | string
      from: string
      kind: NameKind
      path: null | string
      rules: readonly string[]
      table: null | string
      to: string
    },
    parent: readonly string[] | undefined,
  ) {
    this.column = fields.column
    this.database = fields.database
    this.from = fields.from
    this.kind = fields.kind
    this.note = undefined
    this.path = fields.path
    this.rules = fields.rules
    this.table = fields.table
    this.to = fields.to
    this.#parent = parent
  }

  /** Path segments from the top-level column ([] for tables and databases); a new array per call. */
  get segments(): string[] {
    return this.#parent === undefined ? [] : [...this.#parent, this.from]
  }
}

/** `items[].id`, `attrs{}.x`: how a nested path is shown. */
export function formatPath(segments: string[]): string {
  let out = ''
  for (const s of segments) out = appendPath(out, s)
  return out
}

/** The shown path of `shown` (a formatted path) + one more segment. */
export function appendPath(shown: string, segment: string): string {
  if (segment === '[]' || segment === '{}' || segment === '{key}') return shown + segment
  return shown === '' ? segment : `${shown}.${segment}`
}
