/** The schema model every input is turned into, and the lint result shapes. */

export interface Position {
  column: number
  file: string
  line: number
}

export type HiveType =
  | {element: HiveType; kind: 'array'}
  | {fields: StructField[]; kind: 'struct'}
  | {key: HiveType; kind: 'map'; value: HiveType}
  | {kind: 'primitive'; name: string}
  | {kind: 'union'; members: HiveType[]}

export interface StructField {
  name: string
  /** Offset of the name in the parsed text (DDL positions are derived from it). */
  offset?: number | undefined
  position?: Position | undefined
  /** How the name is quoted where it was read (undefined: unquoted, or not from a statement). */
  quote?: 'backtick' | 'double' | undefined
  type: HiveType
}

export interface ColumnDef {
  name: string
  position?: Position | undefined
  /** How the name is quoted where it was read (undefined: unquoted, or not from a statement). */
  quote?: 'backtick' | 'double' | undefined
  /** Undefined when the input has no types (CSV headers). */
  type?: HiveType | undefined
}

export type SourceKind = 'athena' | 'csv' | 'ddl' | 'glue' | 'glue-json' | 'json-sample' | 'parquet'

export interface TableDef {
  columns: ColumnDef[]
  /** Null when the input does not name one (local files, unqualified DDL). */
  database: null | string
  databasePosition?: Position | undefined
  databaseQuote?: 'backtick' | 'double' | undefined
  kind: 'table' | 'view'
  location?: string | undefined
  partitionKeys: ColumnDef[]
  /** SerDe class (`org.openx.data.jsonserde.JsonSerDe`, …) when known. */
  serde?: string | undefined
  source: {file?: string | undefined; kind: SourceKind}
  /**
   * The statement the names are written in: Hive DDL (CREATE TABLE with columns) or Trino (CTAS,
   * views). Undefined for catalogs and files: their names are not written anywhere yet.
   */
  statement?: 'hive' | 'trino' | undefined
  table: string
  /** True when the table name was made up from a file name: it is not linted then. */
  tableNameInferred?: boolean | undefined
  tablePosition?: Position | undefined
  tableQuote?: 'backtick' | 'double' | undefined
}

/** A database named on its own (CREATE DATABASE, --database without tables). */
export interface DatabaseDef {
  database: string
  position?: Position | undefined
  quote?: 'backtick' | 'double' | undefined
  source: {file?: string | undefined; kind: SourceKind}
  /** The statement that writes the name (CREATE DATABASE: 'hive'); undefined for catalogs and flags. */
  statement?: 'hive' | 'trino' | undefined
}

export interface SchemaInput {
  databases: DatabaseDef[]
  /** Things the reader skipped or could not interpret, for the person (warnings). */
  notes: string[]
  tables: TableDef[]
}

export type Severity = 'error' | 'warning'
export type RuleContext = 'both' | 'ddl' | 'dml'

/** One finding, exactly the shape of `--json` (`position` is dropped there, used by SARIF). */
export interface Finding {
  column: null | string
  context: RuleContext
  database: null | string
  message: string
  path: null | string
  rule: string
  severity: Severity
  suggestion: string
  table: null | string
}

/**
 * A finding as the linter makes it: the nine `--json` fields as own properties, and where it comes
 * from (kind, name, position, source; used by SARIF) in private fields, so it serialises to exactly
 * the documented shape without a copy.
 */
export class LocatedFinding implements Finding {
  // `declare`: the constructor makes the fields, in this order; field definitions before it would
  // make every field twice (for each of the many findings of a big catalogue).
  declare column: null | string
  declare context: RuleContext
  declare database: null | string
  declare message: string
  declare path: null | string
  declare rule: string
  declare severity: Severity
  declare suggestion: string
  declare table: null | string
  readonly #kind: NameKind
  readonly #name: string
  readonly #position: Position | undefined
  readonly #source: TableDef['source'] | undefined

  /** Positional on purpose: the linter makes one of these per finding, without a temporary options object. */
  // eslint-disable-next-line max-params -- see above
  constructor(
    where: {
      column: null | string
      database: null | string
      source?: TableDef['source'] | undefined
      table: null | string
    },
    rule: {context: RuleContext; id: string; severity: Severity},
    message: string,
    suggestion: string,
    kind: NameKind,
    name: string,
    path: null | string,
    position: Position | undefined,
  ) {
    this.column = where.column
    this.context = rule.context
    this.database = where.database
    this.message = message
    this.path = path
    this.rule = rule.id
    this.severity = rule.severity
    this.suggestion = suggestion
    this.table = where.table
    this.#kind = kind
    this.#name = name
    this.#position = position
    this.#source = where.source
  }

  /** Which kind of name the finding is about. */
  get kind(): NameKind {
    return this.#kind
  }

  /** The offending name itself. */
  get name(): string {
    return this.#name
  }

  get position(): Position | undefined {
    return this.#position
  }

  get source(): TableDef['source'] | undefined {
    return this.#source
  }
}

export type NameKind = 'column' | 'database' | 'field' | 'partition' | 'table'

/**
 * What the linter found about each top-level name of a table (its columns, then its partition
 * keys), for the fix builder, which would otherwise test every name again: `NAME_PLAIN` (clean and
 * not reserved: selected without quotes), `NAME_NOT_PLAIN`, or 0 (not known: test it).
 */
export type PlainNames = Uint8Array
export const NAME_PLAIN = 1
export const NAME_NOT_PLAIN = 2
