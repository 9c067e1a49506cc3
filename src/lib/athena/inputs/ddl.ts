/**
 * A reader for the DDL people keep in files: CREATE [EXTERNAL] TABLE (Hive syntax, backticks,
 * nested types, PARTITIONED BY, ROW FORMAT SERDE, LOCATION), CREATE TABLE AS SELECT and CREATE
 * [OR REPLACE] VIEW (Trino syntax, double quotes; output names from the select list), and CREATE
 * DATABASE/SCHEMA. Every name keeps its line and column for SARIF. Other statements are skipped
 * with a note. It is a schema reader, not a SQL validator.
 */
import type {ColumnDef, HiveType, Position, SchemaInput, StructField, TableDef} from '../model.js'

import {parseHiveType, TypeParseError} from '../type-string.js'

export class DdlParseError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(`${position.file}:${position.line}:${position.column}: ${message}`)
    this.name = 'DdlParseError'
  }
}

type TokenType = 'bquote' | 'dquote' | 'number' | 'punct' | 'string' | 'word'

interface Token {
  end: number
  start: number
  type: TokenType
  /** Unquoted value (identifier text without quotes, string contents). */
  value: string
}

class Source {
  private readonly lineStarts: number[] = [0]

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1)
  }

  error(message: string, offset: number): DdlParseError {
    return new DdlParseError(message, this.position(offset))
  }

  position(offset: number): Position {
    let lo = 0
    let hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }

    return {column: offset - this.lineStarts[lo]! + 1, file: this.file, line: lo + 1}
  }
}

function tokenize(src: Source): Token[] {
  const s = src.text
  const tokens: Token[] = []
  let i = 0
  // A byte-order mark at the start of the file is not part of the first statement.
  if (s.startsWith('\uFEFF')) i = 1
  while (i < s.length) {
    const ch = s[i]!
    if (/\s/.test(ch)) {
      i++
      continue
    }

    if (ch === '-' && s[i + 1] === '-') {
      while (i < s.length && s[i] !== '\n') i++
      continue
    }

    if (ch === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2)
      if (end === -1) throw src.error('unterminated /* comment', i)
      i = end + 2
      continue
    }

    if (ch === '`' || ch === '"') {
      const start = i
      let value = ''
      i++
      for (;;) {
        if (i >= s.length)
          throw src.error(`unterminated ${ch === '`' ? 'backtick' : 'double-quoted'} identifier`, start)
        if (s[i] === ch) {
          if (s[i + 1] === ch) {
            value += ch
            i += 2
            continue
          }

          i++
          break
        }

        value += s[i]
        i++
      }

      tokens.push({end: i, start, type: ch === '`' ? 'bquote' : 'dquote', value})
      continue
    }

    if (ch === "'") {
      const start = i
      let value = ''
      i++
      for (;;) {
        if (i >= s.length) throw src.error('unterminated string literal', start)
        if (s[i] === '\\' && i + 1 < s.length) {
          value += s[i + 1]
          i += 2
          continue
        }

        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            value += "'"
            i += 2
            continue
          }

          i++
          break
        }

        value += s[i]
        i++
      }

      tokens.push({end: i, start, type: 'string', value})
      continue
    }

    if (/\d/.test(ch)) {
      const m = /^\d[\w.]*/.exec(s.slice(i, i + 300))!
      tokens.push({end: i + m[0].length, start: i, type: /^\d+(\.\d+)?$/.test(m[0]) ? 'number' : 'word', value: m[0]})
      i += m[0].length
      continue
    }

    if (/[\p{L}\p{N}_$]/u.test(ch)) {
      const m = /^[\p{L}\p{N}\p{M}_$]+/u.exec(s.slice(i, i + 1000))!
      tokens.push({end: i + m[0].length, start: i, type: 'word', value: m[0]})
      i += m[0].length
      continue
    }

    tokens.push({end: i + 1, start: i, type: 'punct', value: ch})
    i++
  }

  return tokens
}

const upper = (t: Token | undefined): string => (t && t.type === 'word' ? t.value.toUpperCase() : '')

/** A name as written: its text, where it starts, and its quotes. */
interface Name {
  name: string
  offset: number
  quote?: 'backtick' | 'double' | undefined
}

interface QualifiedName extends Name {
  database?: Name | undefined
}

class StatementParser {
  i = 0

  constructor(
    private readonly src: Source,
    readonly t: Token[],
  ) {}

  at(word: string): boolean {
    return upper(this.t[this.i]) === word
  }

  atPunct(p: string): boolean {
    const tok = this.t[this.i]
    return tok !== undefined && tok.type === 'punct' && tok.value === p
  }

  eat(word: string): boolean {
    if (!this.at(word)) return false
    this.i++
    return true
  }

  expectPunct(p: string, what: string): Token {
    const tok = this.t[this.i]
    if (!tok || tok.type !== 'punct' || tok.value !== p)
      throw this.src.error(`expected "${p}" ${what}, found ${describe(tok)}`, tok?.start ?? this.src.text.length)
    this.i++
    return tok
  }

  /**
   * An identifier: quoted, or a bare word. Unquoted names that Hive would split (`glue-athena`,
   * `a-b`) are joined when their tokens touch, so the linter sees the name as written.
   */
  identifier(what: string): Name {
    const tok = this.t[this.i]
    if (!tok) throw this.src.error(`expected ${what}, found the end of the statement`, this.src.text.length)
    if (tok.type === 'bquote' || tok.type === 'dquote') {
      this.i++
      return {name: tok.value, offset: tok.start, quote: tok.type === 'bquote' ? 'backtick' : 'double'}
    }

    if (tok.type !== 'word' && tok.type !== 'number')
      throw this.src.error(`expected ${what}, found ${describe(tok)}`, tok.start)
    let {end} = tok
    this.i++
    for (;;) {
      const next = this.t[this.i]
      if (!next || next.start !== end) break
      if (
        next.type === 'word' ||
        next.type === 'number' ||
        (next.type === 'punct' && /^[-@#$/]$/.test(next.value) && this.t[this.i + 1]?.start === next.end)
      ) {
        end = next.end
        this.i++
        continue
      }

      break
    }

    return {name: this.src.text.slice(tok.start, end), offset: tok.start}
  }

  peek(offset = 0): Token | undefined {
    return this.t[this.i + offset]
  }

  /**
   * `[db.]name`. In Hive DDL one pair of backticks around `db.table` (a form AWS's documentation
   * uses) is read as database + table, as Hive's parser does; Trino reads "db.table" as one name.
   */
  qualifiedName(what: string, statement: 'hive' | 'trino'): QualifiedName {
    const first = this.identifier(what)
    if (this.atPunct('.')) {
      this.i++
      const second = this.identifier(what)
      return {...second, database: first}
    }

    const dot = first.name.indexOf('.')
    if (statement === 'hive' && first.quote === 'backtick' && dot > 0 && dot === first.name.lastIndexOf('.')) {
      const table = first.name.slice(dot + 1)
      if (table !== '')
        return {
          database: {name: first.name.slice(0, dot), offset: first.offset + 1, quote: 'backtick'},
          name: table,
          offset: first.offset + dot + 2,
          quote: 'backtick',
        }
    }

    return first
  }

  /** Skip a balanced (…) group starting at the current "(" and return its inner tokens. */
  skipGroup(): Token[] {
    const startTok = this.t[this.i]!
    let depth = 0
    const from = this.i
    for (; this.i < this.t.length; this.i++) {
      const tok = this.t[this.i]!
      if (tok.type !== 'punct') continue
      if (tok.value === '(') depth++
      else if (tok.value === ')') {
        depth--
        if (depth === 0) {
          this.i++
          return this.t.slice(from + 1, this.i - 1)
        }
      }
    }

    throw this.src.error('unbalanced "(": missing ")"', startTok.start)
  }
}

function describe(tok: Token | undefined): string {
  if (!tok) return 'the end of the statement'
  return tok.type === 'string' ? `'${tok.value}'` : `"${tok.value}"`
}

/** Parse a DDL file's text. Throws DdlParseError with file:line:column on unreadable input. */
export function parseDdl(text: string, file: string): SchemaInput {
  const src = new Source(text, file)
  const tokens = tokenize(src)
  const out: SchemaInput = {databases: [], notes: [], tables: []}
  let stmt: Token[] = []
  const flush = (): void => {
    if (stmt.length > 0) parseStatement(src, stmt, out)
    stmt = []
  }

  for (const tok of tokens) {
    if (tok.type === 'punct' && tok.value === ';') flush()
    else stmt.push(tok)
  }

  flush()
  if (out.tables.length === 0 && out.databases.length === 0) {
    throw new DdlParseError('no CREATE TABLE, CREATE VIEW or CREATE DATABASE statement found', {
      column: 1,
      file,
      line: 1,
    })
  }

  return out
}

function parseStatement(src: Source, tokens: Token[], out: SchemaInput): void {
  const p = new StatementParser(src, tokens)
  const firstPos = src.position(tokens[0]!.start)
  if (!p.eat('CREATE')) {
    out.notes.push(
      `${file(firstPos)}: skipped a ${upper(tokens[0]) || 'non-CREATE'} statement (only CREATE TABLE / VIEW / DATABASE are read)`,
    )
    return
  }

  if (p.eat('OR') && !p.eat('REPLACE')) throw src.error('expected REPLACE after CREATE OR', p.peek()?.start ?? 0)

  p.eat('EXTERNAL')
  p.eat('TEMPORARY')
  if (p.eat('DATABASE') || p.eat('SCHEMA')) {
    eatIfNotExists(p)
    const name = p.identifier('a database name')
    out.databases.push({
      database: name.name,
      position: src.position(name.offset),
      quote: name.quote,
      source: {file: src.file, kind: 'ddl'},
      statement: 'hive',
    })
    return
  }

  if (p.eat('VIEW')) {
    eatIfNotExists(p)
    const name = p.qualifiedName('a view name', 'trino')
    const table = newTable(src, name, 'view', 'trino')
    if (p.atPunct('(')) {
      // Hive-style column list of a view.
      const inner = new StatementParser(src, p.skipGroup())
      while (inner.peek()) {
        const col = inner.identifier('a column name')
        table.columns.push({name: col.name, position: src.position(col.offset), quote: col.quote})
        while (inner.peek() && !inner.atPunct(',')) inner.i++
        if (inner.atPunct(',')) inner.i++
      }
    }

    if (!p.eat('AS')) throw src.error('expected AS before the view query', p.peek()?.start ?? 0)
    if (table.columns.length === 0) readSelectList(src, p, table, out)
    out.tables.push(table)
    return
  }

  if (!p.eat('TABLE')) {
    out.notes.push(`${file(firstPos)}: skipped a CREATE ${upper(p.peek()) || ''} statement`.trimEnd())
    return
  }

  eatIfNotExists(p)
  // A column list makes it Hive DDL; CTAS (no column list) is Trino.
  const name = p.qualifiedName('a table name', 'hive')
  const table = newTable(src, name, 'table', 'hive')
  if (p.atPunct('(')) {
    const open = p.peek()!
    const inner = p.skipGroup()
    table.columns = readColumnList(src, inner, open)
    readTableClauses(src, p, table)
  } else if (p.at('LIKE')) {
    out.notes.push(
      `${file(firstPos)}: "${table.table}" is CREATE TABLE … LIKE: its columns are those of the other table, lint that one`,
    )
    if (table.database !== null)
      out.databases.push({database: table.database, position: table.databasePosition, source: table.source})
    return
  } else {
    // CREATE TABLE … [WITH (…)] AS SELECT: Trino syntax, so its names follow Trino's quoting.
    table.statement = 'trino'
    const partitionedBy: string[] = []
    if (p.eat('WITH')) {
      if (!p.atPunct('(')) throw src.error('expected "(" after WITH', p.peek()?.start ?? 0)
      const props = p.skipGroup()
      readCtasProperties(props, table, partitionedBy)
    }

    if (!p.eat('AS'))
      throw src.error(
        'expected "(" with a column list or AS SELECT after the table name',
        p.peek()?.start ?? src.text.length,
      )
    readSelectList(src, p, table, out)
    if (partitionedBy.length > 0) {
      const wanted = new Set(partitionedBy.map((n) => n.toLowerCase()))
      table.partitionKeys = table.columns.filter((c) => wanted.has(c.name.toLowerCase()))
      table.columns = table.columns.filter((c) => !wanted.has(c.name.toLowerCase()))
    }
  }

  out.tables.push(table)
}

function file(pos: Position): string {
  return `${pos.file}:${pos.line}`
}

function eatIfNotExists(p: StatementParser): void {
  if (p.at('IF')) {
    p.i++
    p.eat('NOT')
    p.eat('EXISTS')
  }
}

function newTable(src: Source, name: QualifiedName, kind: 'table' | 'view', statement: 'hive' | 'trino'): TableDef {
  return {
    columns: [],
    database: name.database?.name ?? null,
    databasePosition: name.database ? src.position(name.database.offset) : undefined,
    databaseQuote: name.database?.quote,
    kind,
    partitionKeys: [],
    source: {file: src.file, kind: 'ddl'},
    statement,
    table: name.name,
    tablePosition: src.position(name.offset),
    tableQuote: name.quote,
  }
}

/** `name type [COMMENT '…'], …` inside the parentheses of CREATE TABLE or PARTITIONED BY. */
function readColumnList(src: Source, tokens: Token[], open: Token): ColumnDef[] {
  const p = new StatementParser(src, tokens)
  const columns: ColumnDef[] = []
  if (tokens.length === 0) throw src.error('empty column list', open.start)
  while (p.peek()) {
    if (p.at('PRIMARY') || p.at('CONSTRAINT') || p.at('FOREIGN')) {
      while (p.peek() && !p.atPunct(',')) {
        if (p.atPunct('(')) p.skipGroup()
        else p.i++
      }

      if (p.atPunct(',')) p.i++
      continue
    }

    const name = p.identifier('a column name')
    const typeTokens: Token[] = []
    let depth = 0
    while (p.peek()) {
      const tok = p.peek()!
      if (tok.type === 'punct' && (tok.value === '<' || tok.value === '(')) depth++
      if (tok.type === 'punct' && (tok.value === '>' || tok.value === ')')) depth--
      if (depth === 0 && tok.type === 'punct' && tok.value === ',') break
      if (depth === 0 && upper(tok) === 'COMMENT') break
      typeTokens.push(tok)
      p.i++
    }

    const column: ColumnDef = {name: name.name, position: src.position(name.offset), quote: name.quote}
    if (typeTokens.length > 0) column.type = parseTypeAt(src, typeTokens[0]!.start, typeTokens.at(-1)!.end)
    if (p.eat('COMMENT')) p.i++
    while (p.peek() && !p.atPunct(',')) p.i++
    if (p.atPunct(',')) p.i++
    columns.push(column)
  }

  return columns
}

function parseTypeAt(src: Source, start: number, end: number): HiveType {
  try {
    const type = parseHiveType(src.text.slice(start, end), start)
    locateFields(src, type)
    return type
  } catch (error) {
    if (error instanceof TypeParseError) throw src.error(error.message, error.offset)
    throw error
  }
}

function locateFields(src: Source, type: HiveType): void {
  const visit = (t: HiveType): void => {
    switch (t.kind) {
      case 'array': {
        visit(t.element)
        break
      }

      case 'map': {
        visit(t.key)
        visit(t.value)
        break
      }

      case 'primitive': {
        break
      }

      case 'struct': {
        for (const f of t.fields as StructField[]) {
          if (f.offset !== undefined) f.position = src.position(f.offset)
          visit(f.type)
        }

        break
      }

      case 'union': {
        for (const m of t.members) visit(m)
      }
    }
  }

  visit(type)
}

/** COMMENT, PARTITIONED BY, ROW FORMAT, STORED AS, LOCATION, TBLPROPERTIES… after the column list. */
function readTableClauses(src: Source, p: StatementParser, table: TableDef): void {
  while (p.peek()) {
    if (p.at('PARTITIONED') && upper(p.peek(1)) === 'BY') {
      p.i += 2
      if (!p.atPunct('(')) throw src.error('expected "(" after PARTITIONED BY', p.peek()?.start ?? src.text.length)
      const open = p.peek()!
      const inner = p.skipGroup()
      // Iceberg: PARTITIONED BY (day(ts), region) refers to columns; Hive: (dt string, …) declares keys.
      const declares = splitTopLevel(inner).some(
        (part) =>
          part.length >= 2 &&
          (part[1]!.type === 'word' || part[1]!.type === 'punct') &&
          !(part[1]!.type === 'punct' && part[1]!.value === '('),
      )
      if (declares) table.partitionKeys = readColumnList(src, inner, open)
      continue
    }

    if (p.at('ROW') && upper(p.peek(1)) === 'FORMAT') {
      p.i += 2
      if (p.eat('SERDE')) {
        const tok = p.peek()
        if (tok?.type === 'string') {
          table.serde = tok.value
          p.i++
        }
      } else if (p.eat('DELIMITED')) {
        table.serde = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
      }

      continue
    }

    if (p.eat('LOCATION')) {
      const tok = p.peek()
      if (tok?.type === 'string') {
        table.location = tok.value
        p.i++
      }

      continue
    }

    if (p.atPunct('(')) {
      p.skipGroup()
      continue
    }

    p.i++
  }
}

function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]]
  let depth = 0
  for (const tok of tokens) {
    if (tok.type === 'punct' && (tok.value === '(' || tok.value === '<')) depth++
    if (tok.type === 'punct' && (tok.value === ')' || tok.value === '>')) depth--
    if (depth === 0 && tok.type === 'punct' && tok.value === ',') parts.push([])
    else parts.at(-1)!.push(tok)
  }

  return parts.filter((part) => part.length > 0)
}

/** CTAS `WITH (format = 'PARQUET', partitioned_by = ARRAY['dt'], external_location = '…')`. */
function readCtasProperties(tokens: Token[], table: TableDef, partitionedBy: string[]): void {
  for (const part of splitTopLevel(tokens)) {
    const key = part[0]?.value.toLowerCase()
    const strings = part.filter((t) => t.type === 'string').map((t) => t.value)
    if (key === 'partitioned_by') partitionedBy.push(...strings)
    if (key === 'external_location' || key === 'location') table.location = strings[0]
    if (key === 'format' && strings[0]?.toUpperCase() === 'JSON') table.serde = 'org.openx.data.jsonserde.JsonSerDe'
  }
}

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.type === 'word' || t.type === 'dquote' || t.type === 'bquote')
}

const CLAUSE_END = new Set([
  'EXCEPT',
  'FROM',
  'GROUP',
  'HAVING',
  'INTERSECT',
  'LIMIT',
  'ORDER',
  'UNION',
  'WHERE',
  'WINDOW',
])

/**
 * Output names of the top-level SELECT after AS: `expr AS name`, `expr name`, `t.col` → `col`,
 * a bare column → itself; an expression without alias gets Athena's `_colN`; `*` is noted.
 */
function readSelectList(src: Source, p: StatementParser, table: TableDef, out: SchemaInput): void {
  // AS (SELECT …): read the query inside the parentheses.
  if (p.atPunct('(') && p.t.slice(p.i + 1).some((t) => upper(t) === 'SELECT')) {
    const inner = new StatementParser(src, p.skipGroup())
    readSelectList(src, inner, table, out)
    return
  }

  let depth = 0
  let selectAt = -1
  for (let j = p.i; j < p.t.length; j++) {
    const tok = p.t[j]!
    if (tok.type === 'punct' && tok.value === '(') depth++
    else if (tok.type === 'punct' && tok.value === ')') depth--
    else if (depth === 0 && upper(tok) === 'SELECT') {
      selectAt = j
      break
    }
  }

  if (selectAt < 0) throw src.error('expected a SELECT after AS', p.peek()?.start ?? src.text.length)
  p.i = selectAt + 1
  if (p.at('DISTINCT') || p.at('ALL')) p.i++
  const items: Token[][] = [[]]
  depth = 0
  while (p.peek()) {
    const tok = p.peek()!
    if (tok.type === 'punct' && tok.value === '(') depth++
    if (tok.type === 'punct' && tok.value === ')') depth--
    if (depth === 0 && CLAUSE_END.has(upper(tok))) {
      const prev = p.peek(-1)
      const qualified = prev?.type === 'punct' && prev.value === '.'
      const needsBy = upper(tok) === 'ORDER' || upper(tok) === 'GROUP'
      if (!qualified && (!needsBy || upper(p.peek(1)) === 'BY')) break
    }

    if (depth === 0 && tok.type === 'punct' && tok.value === ',') items.push([])
    else items.at(-1)!.push(tok)
    p.i++
  }

  for (const [index, item] of items.entries()) {
    if (item.length === 0) continue
    const last = item.at(-1)!
    if (last.type === 'punct' && last.value === '*') {
      out.notes.push(
        `${file(src.position(last.start))}: "${table.table}" selects *: its columns come from the source table, lint that table too`,
      )
      continue
    }

    const before = item.at(-2)
    let named: Token | undefined
    const caseEnd = last.type === 'word' && upper(last) === 'END' && item.some((t) => upper(t) === 'CASE')
    if (
      !caseEnd &&
      isName(last) &&
      (item.length === 1 ||
        upper(before) === 'AS' ||
        (before?.type === 'punct' && before.value === '.') ||
        isName(before) ||
        (before?.type === 'punct' && before.value === ')') ||
        before?.type === 'string' ||
        before?.type === 'number')
    ) {
      named = last
    }

    if (named) {
      const quote = named.type === 'bquote' ? 'backtick' : named.type === 'dquote' ? 'double' : undefined
      table.columns.push({name: named.value, position: src.position(named.start), quote})
    } else {
      table.columns.push({name: `_col${index}`, position: src.position(item[0]!.start)})
      out.notes.push(
        `${file(src.position(item[0]!.start))}: select item ${index + 1} of "${table.table}" has no alias; Athena names it _col${index}`,
      )
    }
  }
}
