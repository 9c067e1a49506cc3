/**
 * A small SQL tokenizer for the two Redshift statements pipeops reads itself: CREATE TABLE (the
 * column list) and COPY (its options). Why not a parser library: node-sql-parser's "redshift"
 * dialect rejects ENCODE, IDENTITY(…) and VARCHAR(MAX) (tried on the AWS sample DDL), and the
 * PostgreSQL parsers (libpg_query) reject DISTKEY/SORTKEY/ENCODE; both grammars would have to be
 * forked. Reading the column list and the COPY options needs only tokens and bracket depth.
 *
 * Strings: '…' with '' doubling (the quote in a COPY argument). Backslash sequences are left as
 * written here; the COPY options parser decodes them where COPY does (DELIMITER, NULL AS, QUOTE).
 */
export type TokenKind = 'number' | 'punct' | 'quoted-ident' | 'string' | 'word'

export interface Token {
  kind: TokenKind
  /** 1-based line of the token's first character. */
  line: number
  /** The text: a word as written, a string or quoted identifier with its quotes removed. */
  text: string
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message)
  }
}

const WORD_START = /[A-Za-z_\u0080-\uFFFF$#@]/
const WORD_PART = /[\w\u0080-\uFFFF$#@]/

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let line = 1
  let i = 0
  const n = sql.length
  while (i < n) {
    const c = sql[i]!
    if (c === '\n') {
      line++
      i++
      continue
    }

    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\uFEFF') {
      i++
      continue
    }

    // A backslash ending a line: a shell line continuation around a COPY pasted from a script.
    if (c === '\\' && (sql[i + 1] === '\n' || (sql[i + 1] === '\r' && sql[i + 2] === '\n'))) {
      i++
      continue
    }

    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? n : end
      continue
    }

    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      if (end === -1) throw new SqlSyntaxError('a /* comment is never closed', line)
      line += countLines(sql, i, end)
      i = end + 2
      continue
    }

    if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const startLine = line
      let j = c === "'" ? i + 1 : i + 2
      let text = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('a quoted string is never closed', startLine)
        const d = sql[j]!
        if (d === "'") {
          if (sql[j + 1] === "'") {
            text += "'"
            j += 2
            continue
          }

          break
        }

        // \' inside a string: Redshift's COPY arguments accept it (e.g. QUOTE AS '\'').
        if (d === '\\' && sql[j + 1] === "'" && j + 2 < n && sql.includes("'", j + 2)) {
          text += String.raw`\'`
          j += 2
          continue
        }

        if (d === '\n') line++
        text += d
        j++
      }

      tokens.push({kind: 'string', line: startLine, text})
      i = j + 1
      continue
    }

    if (c === '"') {
      const startLine = line
      let j = i + 1
      let text = ''
      for (;;) {
        if (j >= n) throw new SqlSyntaxError('a quoted identifier is never closed', startLine)
        const d = sql[j]!
        if (d === '"') {
          if (sql[j + 1] === '"') {
            text += '"'
            j += 2
            continue
          }

          break
        }

        if (d === '\n') line++
        text += d
        j++
      }

      tokens.push({kind: 'quoted-ident', line: startLine, text})
      i = j + 1
      continue
    }

    if (/\d/.test(c) || (c === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      let j = i + 1
      while (j < n && /[\d.eE]/.test(sql[j]!)) {
        if ((sql[j] === 'e' || sql[j] === 'E') && (sql[j + 1] === '-' || sql[j + 1] === '+')) j++
        j++
      }

      tokens.push({kind: 'number', line, text: sql.slice(i, j)})
      i = j
      continue
    }

    if (WORD_START.test(c)) {
      let j = i + 1
      while (j < n && WORD_PART.test(sql[j]!)) j++
      tokens.push({kind: 'word', line, text: sql.slice(i, j)})
      i = j
      continue
    }

    // Jinja templating ({{ ref('x') }}, {% … %}) in dbt files is kept as punctuation: the parsers
    // treat what they do not know as opaque.
    tokens.push({kind: 'punct', line, text: c})
    i++
  }

  return tokens
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) lines++
  return lines
}

/** True when the token is the keyword `word` (case-insensitive; quoted identifiers are never keywords). */
export function isWord(token: Token | undefined, word: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === word
}

export function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text
}

/** An identifier as Redshift stores it: unquoted names fold to lower case, quoted names keep their case. */
export function identifierName(token: Token): string {
  return token.kind === 'quoted-ident' ? token.text : token.text.toLowerCase()
}
