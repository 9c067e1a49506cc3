/**
 * Hive / Glue column type strings: `struct<a:int,b:array<struct<`c d`:string>>>`, `map<string,x>`,
 * `decimal(10,2)`, `uniontype<…>`. Parsed into a tree so nested field names can be linted, and
 * printed back (Hive form for DDL, Trino form for CAST in views) with renamed fields.
 */
import type {HiveType, StructField} from './model.js'

export class TypeParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
    this.name = 'TypeParseError'
  }
}

/**
 * Parse a type string. `baseOffset` is added to field offsets so a DDL reader can map them back
 * to line and column. Unquoted struct field names run up to the next `:` (Glue stores names with
 * spaces or hyphens that way); backticked names may contain anything, with `` for a backtick.
 */
export function parseHiveType(text: string, baseOffset = 0): HiveType {
  const p = new TypeParser(text, baseOffset)
  const type = p.parseType()
  p.skipWs()
  if (p.i < text.length)
    throw new TypeParseError(`unexpected "${text.slice(p.i, p.i + 10)}" after the type`, baseOffset + p.i)
  return type
}

class TypeParser {
  i = 0

  constructor(
    private readonly s: string,
    private readonly base: number,
  ) {}

  expect(ch: string): void {
    this.skipWs()
    if (this.s[this.i] !== ch) {
      const found = this.i < this.s.length ? `"${this.s[this.i]}"` : 'the end of the type'
      throw new TypeParseError(
        `expected "${ch}" but found ${found} at position ${this.i} of "${this.s}"`,
        this.base + this.i,
      )
    }

    this.i++
  }

  parseFieldName(): {name: string; offset: number} {
    this.skipWs()
    const offset = this.base + this.i
    if (this.s[this.i] === '`') {
      let name = ''
      this.i++
      for (;;) {
        if (this.i >= this.s.length) throw new TypeParseError(`unterminated backtick in "${this.s}"`, offset)
        const ch = this.s[this.i]!
        if (ch === '`') {
          if (this.s[this.i + 1] === '`') {
            name += '`'
            this.i += 2
            continue
          }

          this.i++
          break
        }

        name += ch
        this.i++
      }

      return {name, offset}
    }

    const start = this.i
    while (
      this.i < this.s.length &&
      this.s[this.i] !== ':' &&
      this.s[this.i] !== '<' &&
      this.s[this.i] !== '>' &&
      this.s[this.i] !== ','
    )
      this.i++
    if (this.s[this.i] !== ':')
      throw new TypeParseError(`expected "name:type" in struct at position ${start} of "${this.s}"`, this.base + start)
    // Keep inner spaces (they are part of the name as Glue stores it) but not the padding.
    const raw = this.s.slice(start, this.i)
    const lead = raw.length - raw.trimStart().length
    return {name: raw.trim(), offset: this.base + start + lead}
  }

  parseType(): HiveType {
    this.skipWs()
    const start = this.i
    while (this.i < this.s.length && /\w/.test(this.s[this.i]!)) this.i++
    const word = this.s.slice(start, this.i).trim().toLowerCase()
    if (!word) {
      const found = this.i < this.s.length ? `"${this.s[this.i]}"` : 'the end'
      throw new TypeParseError(
        `type expected at position ${start} of "${this.s}" but ${found} found`,
        this.base + start,
      )
    }

    switch (word) {
      case 'array': {
        this.expect('<')
        const element = this.parseType()
        this.expect('>')
        return {element, kind: 'array'}
      }

      case 'map': {
        this.expect('<')
        const key = this.parseType()
        this.expect(',')
        const value = this.parseType()
        this.expect('>')
        return {key, kind: 'map', value}
      }

      case 'struct': {
        this.expect('<')
        const fields: StructField[] = []
        this.skipWs()
        if (this.s[this.i] === '>') {
          this.i++
          return {fields, kind: 'struct'}
        }

        for (;;) {
          const {name, offset} = this.parseFieldName()
          this.expect(':')
          const type = this.parseType()
          this.skipComment()
          fields.push({name, offset, type})
          this.skipWs()
          if (this.s[this.i] === ',') {
            this.i++
            continue
          }

          this.expect('>')
          return {fields, kind: 'struct'}
        }
      }

      case 'uniontype': {
        this.expect('<')
        const members: HiveType[] = [this.parseType()]
        this.skipWs()
        while (this.s[this.i] === ',') {
          this.i++
          members.push(this.parseType())
          this.skipWs()
        }

        this.expect('>')
        return {kind: 'union', members}
      }

      default: {
        this.skipWs()
        let name = word
        if (this.s[this.i] === '(') {
          const close = this.s.indexOf(')', this.i)
          if (close === -1) throw new TypeParseError(`unclosed "(" in "${this.s}"`, this.base + this.i)
          name += this.s.slice(this.i, close + 1).replaceAll(/\s+/g, '')
          this.i = close + 1
        }

        return {kind: 'primitive', name}
      }
    }
  }

  skipComment(): void {
    this.skipWs()
    const m = /^comment\s*'((?:[^'\\]|\\.)*)'/i.exec(this.s.slice(this.i))
    if (m) this.i += m[0].length
  }

  skipWs(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++
  }
}

/** Rename function for struct fields: (path of field names from the column) → new name or undefined. */
export type FieldRenamer = (path: string[]) => string | undefined

/** Keeps every field name. */
function noRename(): string | undefined {
  return undefined
}

/** Print a type in Hive DDL form, backticking every struct field name, with optional renames. */
export function formatHiveType(type: HiveType, rename: FieldRenamer = noRename, path: string[] = []): string {
  switch (type.kind) {
    case 'array': {
      return `array<${formatHiveType(type.element, rename, [...path, '[]'])}>`
    }

    case 'map': {
      return `map<${formatHiveType(type.key, rename, [...path, '{key}'])},${formatHiveType(type.value, rename, [...path, '{}'])}>`
    }

    case 'primitive': {
      return type.name
    }

    case 'struct': {
      return `struct<${type.fields
        .map(
          (f) =>
            `${backtick(rename([...path, f.name]) ?? f.name)}:${formatHiveType(f.type, rename, [...path, f.name])}`,
        )
        .join(',')}>`
    }

    case 'union': {
      return `uniontype<${type.members.map((m) => formatHiveType(m, rename, path)).join(',')}>`
    }
  }
}

const TRINO_PRIMITIVES: Record<string, string> = {
  bigint: 'bigint',
  binary: 'varbinary',
  boolean: 'boolean',
  date: 'date',
  double: 'double',
  float: 'real',
  int: 'integer',
  integer: 'integer',
  smallint: 'smallint',
  string: 'varchar',
  timestamp: 'timestamp',
  tinyint: 'tinyint',
}

/** Print a type in Trino form (`ROW("a" integer)`), for `CAST(col AS …)` in a view. */
export function formatTrinoType(type: HiveType, rename: FieldRenamer = noRename, path: string[] = []): string {
  switch (type.kind) {
    case 'array': {
      return `ARRAY(${formatTrinoType(type.element, rename, [...path, '[]'])})`
    }

    case 'map': {
      return `MAP(${formatTrinoType(type.key, rename, [...path, '{key}'])}, ${formatTrinoType(type.value, rename, [...path, '{}'])})`
    }

    case 'primitive': {
      const base = type.name.replace(/\(.*$/, '')
      const args = type.name.slice(base.length)
      if (base in TRINO_PRIMITIVES) return TRINO_PRIMITIVES[base]!
      return `${base}${args}`
    }

    case 'struct': {
      return `ROW(${type.fields.map((f) => `${doubleQuote(rename([...path, f.name]) ?? f.name)} ${formatTrinoType(f.type, rename, [...path, f.name])}`).join(', ')})`
    }

    case 'union': {
      return 'varchar'
    }
  }
}

/** True when a renamer changes some field below this type. */
export function hasNestedRename(type: HiveType, rename: FieldRenamer, path: string[] = []): boolean {
  switch (type.kind) {
    case 'array': {
      return hasNestedRename(type.element, rename, [...path, '[]'])
    }

    case 'map': {
      return hasNestedRename(type.value, rename, [...path, '{}'])
    }

    case 'primitive':
    case 'union': {
      return false
    }

    case 'struct': {
      return type.fields.some(
        (f) => rename([...path, f.name]) !== undefined || hasNestedRename(f.type, rename, [...path, f.name]),
      )
    }
  }
}

export function backtick(name: string): string {
  return name.includes('`') ? `\`${name.replaceAll('`', '``')}\`` : `\`${name}\``
}

export function doubleQuote(name: string): string {
  return name.includes('"') ? `"${name.replaceAll('"', '""')}"` : `"${name}"`
}
