/**
 * A reader for the JSON of `aws glue get-table(s)` that builds only what the linter uses: each
 * table's name, database, type, location, SerDe class, and its column and partition-key names and
 * types, as parallel arrays (no object per column).
 *
 * Why not JSON.parse: on a big catalogue it builds the whole document (an object per column,
 * parameters, formats) only for the reader to copy what it needs into the schema, and the
 * collector then moves all of it at least once. This reader checks the whole text against the
 * JSON grammar as it goes and makes strings only for the values it keeps: on the benchmark's
 * 1,000-table × 500-column file (19 MB), reading the schema in a fresh process takes ~190 ms
 * instead of ~320 ms.
 *
 * It handles the shapes the AWS CLI prints (`{"TableList": […]}`, `{"Table": {…}}`, a bare table
 * or an array of tables) with the values of the documented types. Anything else (a syntax error,
 * a number where a name should be, a column that is not an object, nesting too deep for the stack)
 * makes it give up and return undefined: the caller then reads the file with JSON.parse as before,
 * so the result, and every error message, is the same as JSON.parse's for any input.
 */

/** Column names and types of one Glue column list, in order; a type is undefined when absent. */
export class ScannedColumns {
  constructor(
    readonly names: string[],
    readonly types: Array<string | undefined>,
  ) {}
}

/** One table as the scanner keeps it: the fields of Glue's `Table` structure the linter reads. */
export interface ScannedTable {
  DatabaseName?: string | undefined
  Name: string
  PartitionKeys?: ScannedColumns | undefined
  StorageDescriptor?:
    | undefined
    | {Columns?: ScannedColumns | undefined; Location?: string | undefined; SerdeInfo?: {SerializationLibrary?: string}}
  TableType?: string | undefined
}

/** Thrown inside the scanner for anything it leaves to JSON.parse; never leaves this module. */
class Unhandled extends Error {}

const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const QUOTE = 0x22
const COMMA = 0x2c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39
const COLON = 0x3a
const OPEN_BRACKET = 0x5b
const BACKSLASH = 0x5c
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d

/** The object keys the scanner acts on; any other key's value is checked and skipped. */
const KEYS = [
  'Columns',
  'DatabaseName',
  'Location',
  'Name',
  'PartitionKeys',
  'SerdeInfo',
  'SerializationLibrary',
  'StorageDescriptor',
  'Table',
  'TableList',
  'TableType',
  'Type',
] as const
type Key = (typeof KEYS)[number]
const KEY_SET: ReadonlySet<string> = new Set(KEYS)
/** The keys by length: a key is compared in place only with those of its length. */
const KEYS_BY_LENGTH: Key[][] = []
for (const key of KEYS) (KEYS_BY_LENGTH[key.length] ??= []).push(key)

/** How the last string's raw text can be turned into its value. */
const PLAIN = 0 // printable ASCII, no escapes: the raw text is the value
const NON_ASCII = 1 // UTF-8 bytes, no escapes: decode the bytes
const ESCAPED = 2 // backslash escapes: decode with JSON.parse

/**
 * The tables of a get-table(s) document, each passed to `finish` as soon as it is read (so what
 * the scanner keeps of a table can be collected young), or undefined when the reader leaves the
 * document to JSON.parse (see the file comment). Tables the document holds but does not list
 * (a `Table` next to a `TableList`) may be finished too, and are left out of the result.
 */
export function scanGlueJson<T>(bytes: Buffer, finish: (table: ScannedTable) => T): T[] | undefined {
  try {
    return new GlueJsonScanner(bytes, finish).document()
  } catch {
    // Unhandled, or a RangeError from nesting deeper than the stack: JSON.parse decides.
    return undefined
  }
}

class GlueJsonScanner<T> {
  /** The end of the last string's raw text (see `start`). */
  end = 0
  /** How the last string's raw text becomes its value: PLAIN, NON_ASCII or ESCAPED. */
  form = PLAIN
  /** Position in `text` (which is also the byte offset: the text is the bytes read as Latin-1). */
  i = 0
  /** The last plain column type made and where its text is: reused while the next types have that text (most do). */
  lastType = ''
  lastTypeEnd = 0
  lastTypeStart = 0
  /** What the root object holds besides a table's own fields. */
  rootTable: T | undefined
  rootTableList: T[] | undefined
  /** The start of the last string's raw text, after its opening quote. */
  start = 0
  readonly text: string

  constructor(
    private readonly bytes: Buffer,
    private readonly finish: (table: ScannedTable) => T,
  ) {
    // One byte, one character: offsets into the text are byte offsets, ASCII slices are the
    // values themselves, and non-ASCII values are decoded from the bytes when they are kept.
    this.text = bytes.toString('latin1')
  }

  document(): T[] {
    const {bytes} = this
    // A UTF-8 byte order mark, which the JSON.parse path strips too.
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) this.i = 3
    this.whitespace()
    let tables: T[]
    const first = this.code()
    if (first === OPEN_BRACKET) tables = this.tableArray()
    else if (first === OPEN_BRACE) {
      // The root is a table itself unless it holds a TableList or a Table.
      const root = this.tableObject(true)
      if (this.rootTableList) tables = this.rootTableList
      else if (this.rootTable) tables = [this.rootTable]
      else tables = [this.finished(root)]
    } else throw new Unhandled()
    this.whitespace()
    if (this.i !== this.text.length) throw new Unhandled()
    return tables
  }

  private code(): number {
    return this.bytes[this.i]!
  }

  /** A list of `Column` structures: `[{"Name": …, "Type": …, "Comment": …, "Parameters": …}, …]`. */
  private columnArray(): ScannedColumns {
    const names: string[] = []
    const types: Array<string | undefined> = []
    if (this.open(OPEN_BRACKET, CLOSE_BRACKET)) return new ScannedColumns(names, types)
    do {
      // An absent name is "", as on the JSON.parse path; the last of repeated keys counts.
      let name = ''
      let type: string | undefined
      if (!this.open(OPEN_BRACE, CLOSE_BRACE)) {
        do {
          const key = this.key()
          if (key === 'Name') name = this.string()
          else if (key === 'Type') type = this.type()
          else this.skipValue()
        } while (this.more(CLOSE_BRACE))
      }

      names.push(name)
      types.push(type)
    } while (this.more(CLOSE_BRACKET))

    return new ScannedColumns(names, types)
  }

  private digits(from: number): number {
    let i = from
    for (let c = this.bytes[i]!; c >= ZERO && c <= NINE; c = this.bytes[++i]!);
    return i
  }

  /** Checks the escape whose letter is at `i`; returns the position after it. */
  private escape(i: number): number {
    const c = this.bytes[i]
    // " \ / b f n r t
    if (
      c === QUOTE ||
      c === BACKSLASH ||
      c === 0x2f ||
      c === 0x62 ||
      c === 0x66 ||
      c === 0x6e ||
      c === 0x72 ||
      c === 0x74
    )
      return i + 1
    if (c !== 0x75) throw new Unhandled() // \u
    for (let k = 1; k <= 4; k++) {
      const h = this.bytes[i + k]!
      const isHex = (h >= ZERO && h <= NINE) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66)
      if (!isHex) throw new Unhandled()
    }

    return i + 5
  }

  private expect(code: number): void {
    this.whitespace()
    if (this.code() !== code) throw new Unhandled()
    this.i++
  }

  /** A table as `finish` makes it; one without a name is left to the JSON.parse path, which names it in its error. */
  private finished(table: ScannedTable): T {
    if (table.Name === undefined) throw new Unhandled()
    return this.finish(table)
  }

  /**
   * The next object key (and its colon) when it is one the scanner acts on, else undefined. Plain
   * keys are compared in place, so no string is made for them.
   */
  private key(): Key | undefined {
    this.whitespace()
    // "Name" and "Type", the keys of every column, are recognised without scanning them as strings.
    const {bytes, i} = this
    if (bytes[i] === QUOTE && bytes[i + 5] === QUOTE) {
      const first = bytes[i + 1]
      if (first === 0x4e && bytes[i + 2] === 0x61 && bytes[i + 3] === 0x6d && bytes[i + 4] === 0x65) {
        this.i = i + 6
        this.expect(COLON)
        return 'Name'
      }

      if (first === 0x54 && bytes[i + 2] === 0x79 && bytes[i + 3] === 0x70 && bytes[i + 4] === 0x65) {
        this.i = i + 6
        this.expect(COLON)
        return 'Type'
      }
    }

    this.scanString()
    this.expect(COLON)
    if (this.form !== PLAIN) {
      const value = this.stringValue()
      return KEY_SET.has(value) ? (value as Key) : undefined
    }

    const {end, start} = this
    const candidates = KEYS_BY_LENGTH[end - start]
    if (candidates === undefined) return undefined

    for (let k = 0; k < candidates.length; k++) if (this.textAt(start, candidates[k]!)) return candidates[k]
    return undefined
  }

  /**
   * After a value inside an object or array: true when another member follows (its comma is
   * consumed), false at the closing character (consumed too).
   */
  private more(close: number): boolean {
    this.whitespace()
    const c = this.code()
    this.i++
    if (c === COMMA) return true
    if (c === close) return false
    throw new Unhandled()
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  private number(): void {
    const {bytes} = this
    let {i} = this
    if (bytes[i] === MINUS) i++
    const lead = bytes[i]!
    if (lead === ZERO) i++
    else if (lead > ZERO && lead <= NINE) i = this.digits(i)
    else throw new Unhandled()
    if (bytes[i] === 0x2e) {
      const after = this.digits(i + 1)
      if (after === i + 1) throw new Unhandled()
      i = after
    }

    const e = bytes[i]
    if (e === 0x65 || e === 0x45) {
      i++
      const sign = bytes[i]
      if (sign === 0x2b || sign === MINUS) i++
      const after = this.digits(i)
      if (after === i) throw new Unhandled()
      i = after
    }

    this.i = i
  }

  /** At `[` or `{`: true when the container is empty (the closing character is consumed). */
  private open(openCode: number, close: number): boolean {
    this.expect(openCode)
    this.whitespace()
    if (this.code() !== close) return false
    this.i++
    return true
  }

  /**
   * Scans the string starting at the current position (which must be a quote), checking its
   * characters and escapes as JSON.parse does, and records its raw text and form.
   */
  private scanString(): void {
    const {bytes} = this
    let {i} = this
    if (bytes[i] !== QUOTE) throw new Unhandled()
    const start = ++i
    let form = PLAIN
    for (;;) {
      const c = bytes[i]!
      if (c === QUOTE) break
      if (!(c >= SPACE)) throw new Unhandled() // a control character, or undefined: the end of the text
      if (c === BACKSLASH) {
        form = ESCAPED
        i = this.escape(i + 1)
        continue
      }

      if (c > 0x7f && form === PLAIN) form = NON_ASCII
      i++
    }

    this.start = start
    this.end = i
    this.form = form
    this.i = i + 1
  }

  private serdeInfo(): {SerializationLibrary?: string} {
    const serde: {SerializationLibrary?: string} = {}
    if (this.open(OPEN_BRACE, CLOSE_BRACE)) return serde
    do {
      if (this.key() === 'SerializationLibrary') serde.SerializationLibrary = this.string()
      else this.skipValue()
    } while (this.more(CLOSE_BRACE))

    return serde
  }

  /** Checks any JSON value and moves past it. */
  private skipValue(): void {
    this.whitespace()
    const c = this.code()
    switch (c) {
      case OPEN_BRACE: {
        if (this.open(OPEN_BRACE, CLOSE_BRACE)) return
        do {
          this.whitespace()
          this.scanString()
          this.expect(COLON)
          this.skipValue()
        } while (this.more(CLOSE_BRACE))

        break
      }

      case OPEN_BRACKET: {
        if (this.open(OPEN_BRACKET, CLOSE_BRACKET)) return
        do this.skipValue()
        while (this.more(CLOSE_BRACKET))

        break
      }

      case QUOTE: {
        this.scanString()
        break
      }

      default: {
        if (c === MINUS || (c >= ZERO && c <= NINE)) this.number()
        else if (this.textAt(this.i, 'true')) this.i += 4
        else if (this.textAt(this.i, 'false')) this.i += 5
        else if (this.textAt(this.i, 'null')) this.i += 4
        else throw new Unhandled()
      }
    }
  }

  private skipWhitespace(): void {
    const {bytes} = this
    let {i} = this
    for (let c = bytes[i]; c === SPACE || c === LF || c === CR || c === TAB; c = bytes[++i]);
    this.i = i
  }

  private storageDescriptor(): NonNullable<ScannedTable['StorageDescriptor']> {
    const sd: NonNullable<ScannedTable['StorageDescriptor']> = {}
    if (this.open(OPEN_BRACE, CLOSE_BRACE)) return sd
    do {
      switch (this.key()) {
        case 'Columns': {
          sd.Columns = this.columnArray()
          break
        }

        case 'Location': {
          sd.Location = this.string()
          break
        }

        case 'SerdeInfo': {
          sd.SerdeInfo = this.serdeInfo()
          break
        }

        default: {
          this.skipValue()
        }
      }
    } while (this.more(CLOSE_BRACE))

    return sd
  }

  /** A string value (anything else is left to JSON.parse). */
  private string(): string {
    this.whitespace()
    this.scanString()
    return this.stringValue()
  }

  /** The value of the string scanned last. */
  private stringValue(): string {
    if (this.form === PLAIN) return this.text.slice(this.start, this.end)
    if (this.form === NON_ASCII) return this.bytes.toString('utf8', this.start, this.end)
    return JSON.parse(this.bytes.toString('utf8', this.start - 1, this.end + 1)) as string
  }

  private tableArray(): T[] {
    const tables: T[] = []
    if (this.open(OPEN_BRACKET, CLOSE_BRACKET)) return tables
    do tables.push(this.finished(this.tableObject(false)))
    while (this.more(CLOSE_BRACKET))
    return tables
  }

  /** A `Table` structure; at the root it may hold `TableList` or `Table` instead. */
  private tableObject(root: boolean): ScannedTable {
    const table: Partial<ScannedTable> = {}
    if (this.open(OPEN_BRACE, CLOSE_BRACE)) return table as ScannedTable
    do {
      switch (this.key()) {
        case 'DatabaseName': {
          table.DatabaseName = this.string()
          break
        }

        case 'Name': {
          table.Name = this.string()
          break
        }

        case 'PartitionKeys': {
          table.PartitionKeys = this.columnArray()
          break
        }

        case 'StorageDescriptor': {
          table.StorageDescriptor = this.storageDescriptor()
          break
        }

        case 'Table': {
          if (root) {
            this.rootTable = this.finished(this.tableObject(false))
          } else {
            this.skipValue()
          }

          break
        }

        case 'TableList': {
          if (root) {
            this.rootTableList = this.tableArray()
          } else {
            this.skipValue()
          }

          break
        }

        case 'TableType': {
          table.TableType = this.string()
          break
        }

        default: {
          this.skipValue()
        }
      }
    } while (this.more(CLOSE_BRACE))

    return table as ScannedTable
  }

  /** Whether the bytes at `at` spell `word` (ASCII). */
  private textAt(at: number, word: string): boolean {
    const {bytes} = this
    for (let k = 0; k < word.length; k++) if (bytes[at + k] !== word.codePointAt(k)) return false
    return true
  }

  /** A column type: the string made last when the raw text is the same (`string`, `bigint`, …). */
  private type(): string {
    this.whitespace()
    this.scanString()
    const {end, start} = this
    if (this.form !== PLAIN) return this.stringValue()
    const last = this.lastTypeStart
    if (end - start === this.lastTypeEnd - last) {
      const {bytes} = this
      let k = 0
      while (k < end - start && bytes[start + k] === bytes[last + k]) k++
      if (k === end - start) return this.lastType
    }

    this.lastType = this.text.slice(start, end)
    this.lastTypeStart = start
    this.lastTypeEnd = end
    return this.lastType
  }

  private whitespace(): void {
    // Compact JSON has none: one test, small enough to be inlined at every call.
    if (this.bytes[this.i]! > SPACE) return
    this.skipWhitespace()
  }
}
