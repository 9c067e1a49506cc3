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

const COLON = 0x3a
const COMMA = 0x2c
const GREATER = 0x3e
const LESS = 0x3c
/** A COMMENT '…' clause after a struct field's type (sticky: it matches at lastIndex only). */
const COMMENT = /comment\s*'((?:[^'\\]|\\.)*)'/iy
const SPACE = /\s/

/** `\w` of a pattern without the u flag: ASCII letters, digits and "_". */
function isWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x5f
  )
}

/** `\s` at `s[i]`: ASCII answered directly, other characters by the pattern. */
function isSpace(s: string, i: number): boolean {
  const code = s.codePointAt(i)!
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d)
  return SPACE.test(s[i]!)
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

  parseFieldName(): {name: string; offset: number; quote?: 'backtick'} {
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

      return {name, offset, quote: 'backtick'}
    }

    const start = this.i
    const {s} = this
    // Character codes, not one-character strings (those are made anew for non-Latin characters).
    for (let code = s.codePointAt(this.i); this.i < s.length; code = s.codePointAt(++this.i)) {
      if (code === COLON || code === LESS || code === GREATER || code === COMMA) break
    }

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
    while (this.i < this.s.length && isWordChar(this.s.codePointAt(this.i)!)) this.i++
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
          const {name, offset, quote} = this.parseFieldName()
          this.expect(':')
          const type = this.parseType()
          this.skipComment()
          fields.push(quote ? {name, offset, quote, type} : {name, offset, type})
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
    // Only a "c" can start a comment: the pattern is tried (in place, sticky) only then.
    if (((this.s.codePointAt(this.i) ?? 0) | 0x20) !== 0x63) return
    COMMENT.lastIndex = this.i
    const m = COMMENT.exec(this.s)
    if (m) this.i += m[0].length
  }

  skipWs(): void {
    while (this.i < this.s.length && isSpace(this.s, this.i)) this.i++
  }
}

/**
 * Rename function for struct fields: (path of field names from the column) → new name or undefined.
 * The path array is only valid during the call (the printers reuse one array while they walk).
 */
export type FieldRenamer = (path: string[]) => string | undefined

/** Keeps every field name. */
function noRename(): string | undefined {
  return undefined
}

/** Print a type in Hive DDL form, backticking every struct field name, with optional renames. */
export function formatHiveType(type: HiveType, rename: FieldRenamer = noRename, path: readonly string[] = []): string {
  return hiveType(type, rename, [...path])
}

/** `path` is the walk's own stack: each level pushes its segment and pops it before returning. */
function hiveType(type: HiveType, rename: FieldRenamer, path: string[]): string {
  switch (type.kind) {
    case 'array': {
      path.push('[]')
      const element = hiveType(type.element, rename, path)
      path.pop()
      return `array<${element}>`
    }

    case 'map': {
      path.push('{key}')
      const key = hiveType(type.key, rename, path)
      path[path.length - 1] = '{}'
      const value = hiveType(type.value, rename, path)
      path.pop()
      return `map<${key},${value}>`
    }

    case 'primitive': {
      return type.name
    }

    case 'struct': {
      const parts: string[] = []
      for (const f of type.fields) {
        path.push(f.name)
        parts.push(`${backtick(rename(path) ?? f.name)}:${hiveType(f.type, rename, path)}`)
        path.pop()
      }

      return `struct<${parts.join(',')}>`
    }

    case 'union': {
      return `uniontype<${type.members.map((m) => hiveType(m, rename, path)).join(',')}>`
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
export function formatTrinoType(type: HiveType, rename: FieldRenamer = noRename, path: readonly string[] = []): string {
  return trinoType(type, rename, [...path])
}

function trinoType(type: HiveType, rename: FieldRenamer, path: string[]): string {
  switch (type.kind) {
    case 'array': {
      path.push('[]')
      const element = trinoType(type.element, rename, path)
      path.pop()
      return `ARRAY(${element})`
    }

    case 'map': {
      path.push('{key}')
      const key = trinoType(type.key, rename, path)
      path[path.length - 1] = '{}'
      const value = trinoType(type.value, rename, path)
      path.pop()
      return `MAP(${key}, ${value})`
    }

    case 'primitive': {
      const base = type.name.replace(/\(.*$/, '')
      const args = type.name.slice(base.length)
      if (base in TRINO_PRIMITIVES) return TRINO_PRIMITIVES[base]!
      return `${base}${args}`
    }

    case 'struct': {
      const parts: string[] = []
      for (const f of type.fields) {
        path.push(f.name)
        parts.push(`${doubleQuote(rename(path) ?? f.name)} ${trinoType(f.type, rename, path)}`)
        path.pop()
      }

      return `ROW(${parts.join(', ')})`
    }

    case 'union': {
      return 'varchar'
    }
  }
}

/** True when a renamer changes some field below this type. */
export function hasNestedRename(type: HiveType, rename: FieldRenamer, path: readonly string[] = []): boolean {
  return nestedRename(type, rename, [...path])
}

function nestedRename(type: HiveType, rename: FieldRenamer, path: string[]): boolean {
  switch (type.kind) {
    case 'array':
    case 'map': {
      path.push(type.kind === 'array' ? '[]' : '{}')
      const found = nestedRename(type.kind === 'array' ? type.element : type.value, rename, path)
      path.pop()
      return found
    }

    case 'primitive':
    case 'union': {
      return false
    }

    case 'struct': {
      for (const f of type.fields) {
        path.push(f.name)
        const found = rename(path) !== undefined || nestedRename(f.type, rename, path)
        path.pop()
        if (found) return true
      }

      return false
    }
  }
}

export function backtick(name: string): string {
  return name.includes('`') ? `\`${name.replaceAll('`', '``')}\`` : `\`${name}\``
}

export function doubleQuote(name: string): string {
  return name.includes('"') ? `"${name.replaceAll('"', '""')}"` : `"${name}"`
}
