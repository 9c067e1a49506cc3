/* eslint-disable unicorn/text-encoding-identifier-case -- UTF8/UTF16 here are COPY's ENCODING keywords, not Node encoding names */
/**
 * COPY's options, read from the text a user pastes: either the options part
 * (`CSV DELIMITER ',' DATEFORMAT 'auto' EMPTYASNULL`) or a whole `COPY t [(cols)] FROM '…' …;`.
 *
 * Grammar and defaults: DG r_COPY.html (syntax), copy-parameters-data-format.html (the default
 * is pipe-delimited UTF-8 text; CSV makes ',' the default delimiter and '"' the quote; CSV cannot
 * be combined with FIXEDWIDTH, REMOVEQUOTES or ESCAPE), copy-parameters-data-conversion.html
 * (ACCEPTINVCHARS default '?', NULL AS default '\N', DATEFORMAT default 'YYYY-MM-DD', TIMEFORMAT
 * default 'YYYY-MM-DD HH:MI:SS', the 'auto' keyword is case-sensitive), copy-parameters-data-load.html
 * (MAXERROR ≤ 100000), copy-parameters-data-source-s3.html, copy-parameters-authorization.html.
 * Keywords are case-insensitive; an option not in COPY's grammar is refused by name.
 */
import {identifierName, isPunct, isWord, SqlSyntaxError, type Token, tokenize} from './sql-tokens.js'

export type CopyFormat = 'avro' | 'csv' | 'fixedwidth' | 'json' | 'orc' | 'parquet' | 'shapefile' | 'text'

export interface CopyOptions {
  acceptAnyDate: boolean
  /** Replacement character when ACCEPTINVCHARS is given, else undefined. */
  acceptInvChars: string | undefined
  blanksAsNull: boolean
  /** Column list of a whole COPY statement (`COPY t (a, b) FROM …`), else undefined. */
  columns: string[] | undefined
  compression: 'bzip2' | 'gzip' | 'lzop' | 'none' | 'zstd'
  /** 'auto' or a format string; undefined = the default 'YYYY-MM-DD'. */
  dateFormat: string | undefined
  delimiter: string
  emptyAsNull: boolean
  encoding: 'UTF8' | 'UTF16' | 'UTF16BE' | 'UTF16LE'
  escape: boolean
  explicitIds: boolean
  fillRecord: boolean
  /** The FIXEDWIDTH spec as written, or undefined. */
  fixedWidth: string | undefined
  /** The FIXEDWIDTH spec read: one label and width (in bytes) per field, in order. */
  fixedWidths: FixedWidthField[] | undefined
  format: CopyFormat
  /** The argument of JSON/AVRO ('auto', 'auto ignorecase', 'noshred' or a jsonpaths URL). */
  formatArgument: string | undefined
  ignoreBlankLines: boolean
  ignoreHeader: number
  manifest: boolean
  maxError: number
  nullAs: string
  quote: string
  removeQuotes: boolean
  roundec: boolean
  /** FROM of a whole COPY statement. */
  source: string | undefined
  /** Target of a whole COPY statement. */
  table: string | undefined
  /** 'auto', 'epochsecs', 'epochmillisecs' or a format string; undefined = the default. */
  timeFormat: string | undefined
  trimBlanks: boolean
  truncateColumns: boolean
}

export interface FixedWidthField {
  label: string
  width: number
}

export class CopyOptionsError extends Error {
  constructor(
    message: string,
    /** The option the message is about (for the error's suggestion). */
    readonly option: string | undefined,
  ) {
    super(message)
  }
}

export function defaultCopyOptions(): CopyOptions {
  return {
    acceptAnyDate: false,
    acceptInvChars: undefined,
    blanksAsNull: false,
    columns: undefined,
    compression: 'none',
    dateFormat: undefined,
    delimiter: '|',
    emptyAsNull: false,
    encoding: 'UTF8',
    escape: false,
    explicitIds: false,
    fillRecord: false,
    fixedWidth: undefined,
    fixedWidths: undefined,
    format: 'text',
    formatArgument: undefined,
    ignoreBlankLines: false,
    ignoreHeader: 0,
    manifest: false,
    maxError: 0,
    nullAs: String.raw`\N`,
    quote: '"',
    removeQuotes: false,
    roundec: false,
    source: undefined,
    table: undefined,
    timeFormat: undefined,
    trimBlanks: false,
    truncateColumns: false,
  }
}

/** Options that take no argument and only switch a flag. */
const FLAGS: Record<string, keyof CopyOptions | undefined> = {
  ACCEPTANYDATE: 'acceptAnyDate',
  BLANKSASNULL: 'blanksAsNull',
  EMPTYASNULL: 'emptyAsNull',
  ESCAPE: 'escape',
  EXPLICIT_IDS: 'explicitIds',
  FILLRECORD: 'fillRecord',
  // Accepted and irrelevant to the conversion of values:
  IGNOREALLERRORS: undefined,
  IGNOREBLANKLINES: 'ignoreBlankLines',
  NOLOAD: undefined,
  REMOVEQUOTES: 'removeQuotes',
  ROUNDEC: 'roundec',
  SSH: undefined,
  TRIMBLANKS: 'trimBlanks',
  TRUNCATECOLUMNS: 'truncateColumns',
}

/** Options with one string argument that do not affect conversion (authorization, source, encryption). */
const IGNORED_STRING_OPTIONS = new Set([
  'ACCESS_KEY_ID',
  'CREDENTIALS',
  'EXTENSION',
  'MASTER_SYMMETRIC_KEY',
  'REGION',
  'SECRET_ACCESS_KEY',
  'SESSION_TOKEN',
  // The older name of SESSION_TOKEN in AWS's own examples.
  'TOKEN',
])

const MAX_ERROR_LIMIT = 100_000

export function parseCopyOptions(text: string): CopyOptions {
  let tokens: Token[]
  try {
    tokens = tokenize(text)
  } catch (error) {
    if (error instanceof SqlSyntaxError) throw new CopyOptionsError(error.message, undefined)
    throw error
  }

  while (isPunct(tokens.at(-1), ';')) tokens.pop()
  const options = defaultCopyOptions()
  let i = 0
  if (isWord(tokens[0], 'COPY')) i = readStatementHead(tokens, options)
  let delimiterGiven = false
  let quoteGiven = false
  const seen = new Set<string>()
  const take = (what: string): Token => {
    const t = tokens[i]
    if (!t) throw new CopyOptionsError(`${what} needs an argument`, what)
    i++
    return t
  }

  const takeString = (what: string): string => {
    if (isWord(tokens[i], 'AS')) i++
    const t = take(what)
    if (t.kind !== 'string')
      throw new CopyOptionsError(`${what} takes a quoted argument ('…'), not ${JSON.stringify(t.text)}`, what)
    return t.text
  }

  const takeInteger = (what: string): number => {
    if (isWord(tokens[i], 'AS')) i++
    const t = take(what)
    const value = Number(t.kind === 'string' ? t.text : t.text)
    if (!Number.isInteger(value) || value < 0)
      throw new CopyOptionsError(`${what} takes a whole number, not ${JSON.stringify(t.text)}`, what)
    return value
  }

  const setFormat = (format: CopyFormat, keyword: string): void => {
    if (options.format !== 'text' && options.format !== format)
      throw new CopyOptionsError(
        `${keyword} conflicts with ${options.format.toUpperCase()}: give one data format`,
        keyword,
      )
    options.format = format
  }

  while (i < tokens.length) {
    const t = tokens[i]!
    // Options may be separated by commas in older scripts, and WITH may precede them.
    if (isPunct(t, ',') || isWord(t, 'WITH')) {
      i++
      continue
    }

    if (t.kind !== 'word') throw new CopyOptionsError(`expected a COPY option, found ${JSON.stringify(t.text)}`, t.text)
    const keyword = t.text.toUpperCase()
    i++
    if (seen.has(keyword) && keyword !== 'FORMAT') throw new CopyOptionsError(`${keyword} is given twice`, keyword)
    seen.add(keyword)
    if (keyword in FLAGS) {
      const field = FLAGS[keyword]
      if (field) (options as unknown as Record<string, boolean>)[field] = true
      if (keyword === 'ESCAPE' && isWord(tokens[i], 'AS')) {
        throw new CopyOptionsError(
          String.raw`ESCAPE takes no argument: COPY's escape character is always the backslash (\)`,
          keyword,
        )
      }

      continue
    }

    // `CREDENTIALS IAM_ROLE '…'` appears in AWS's examples: the keyword before another authorization.
    if (keyword === 'CREDENTIALS' && ['IAM_ROLE', 'ACCESS_KEY_ID'].some((w) => isWord(tokens[i], w))) continue
    if (IGNORED_STRING_OPTIONS.has(keyword)) {
      takeString(keyword)
      continue
    }

    switch (keyword) {
      case 'ACCEPTINVCHARS': {
        if (isWord(tokens[i], 'AS')) i++
        if (tokens[i]?.kind === 'string') {
          const c = decodeCopyString(tokens[i]!.text)
          i++
          if (c.length !== 1 || c.codePointAt(0)! > 0x7f || c === '\0')
            throw new CopyOptionsError(
              `ACCEPTINVCHARS replacement must be one ASCII character other than NUL, not ${JSON.stringify(c)}`,
              keyword,
            )
          options.acceptInvChars = c
        } else options.acceptInvChars = '?'
        break
      }

      case 'AUTO': {
        // JOB CREATE name AUTO ON|OFF (auto-copy); handled with JOB, but tolerate it standing alone.
        if (isWord(tokens[i], 'ON') || isWord(tokens[i], 'OFF')) i++
        break
      }

      case 'AVRO':
      case 'JSON': {
        setFormat(keyword === 'AVRO' ? 'avro' : 'json', keyword)
        if (isWord(tokens[i], 'AS')) i++
        options.formatArgument = tokens[i]?.kind === 'string' ? take(keyword).text : 'auto'
        break
      }

      case 'BZIP2':
      case 'GZIP':
      case 'LZOP':
      case 'ZSTD': {
        options.compression = keyword.toLowerCase() as CopyOptions['compression']
        break
      }

      case 'COMPROWS':
      case 'READRATIO': {
        takeInteger(keyword)
        break
      }

      case 'COMPUPDATE':
      case 'STATUPDATE': {
        if (['ON', 'OFF', 'TRUE', 'FALSE', 'PRESET'].some((w) => isWord(tokens[i], w))) i++
        break
      }

      case 'CSV': {
        setFormat('csv', keyword)
        if (isWord(tokens[i], 'QUOTE')) {
          i++
          options.quote = decodeCopyString(takeString('QUOTE'))
          quoteGiven = true
        }

        break
      }

      case 'DATEFORMAT': {
        options.dateFormat = takeString(keyword)
        break
      }

      case 'DELIMITER': {
        options.delimiter = decodeCopyString(takeString(keyword))
        delimiterGiven = true
        break
      }

      case 'ENCODING': {
        if (isWord(tokens[i], 'AS')) i++
        const value = take(keyword).text.toUpperCase().replaceAll('-', '')
        if (!['UTF8', 'UTF16', 'UTF16BE', 'UTF16LE'].includes(value))
          throw new CopyOptionsError(`ENCODING ${value} is not one of UTF8, UTF16, UTF16LE, UTF16BE`, keyword)
        options.encoding = value as CopyOptions['encoding']
        break
      }

      case 'ENCRYPTED': {
        if (isWord(tokens[i], 'AUTO')) i++
        break
      }

      case 'FIXEDWIDTH': {
        setFormat('fixedwidth', keyword)
        options.fixedWidth = takeString(keyword)
        options.fixedWidths = parseFixedWidthSpec(options.fixedWidth)
        break
      }

      case 'FORMAT': {
        if (isWord(tokens[i], 'AS')) i++
        const next = tokens[i]
        if (!next || next.kind !== 'word')
          throw new CopyOptionsError('FORMAT must be followed by CSV, JSON, AVRO, PARQUET, ORC, …', keyword)
        // The data format keyword itself follows (FORMAT AS CSV …): read it on the next turn.
        seen.delete('FORMAT')
        break
      }

      case 'IAM_ROLE': {
        if (isWord(tokens[i], 'DEFAULT')) i++
        else takeString(keyword)
        break
      }

      case 'IGNOREHEADER': {
        options.ignoreHeader = takeInteger(keyword)
        break
      }

      case 'JOB': {
        // Auto-copy: JOB CREATE name [AUTO ON|OFF]
        if (isWord(tokens[i], 'CREATE')) i++
        take('JOB CREATE')
        if (isWord(tokens[i], 'AUTO')) {
          i++
          if (isWord(tokens[i], 'ON') || isWord(tokens[i], 'OFF')) i++
        }

        break
      }

      case 'MANIFEST': {
        options.manifest = true
        if (isWord(tokens[i], 'VERBOSE')) i++
        break
      }

      case 'MAXERROR': {
        const value = takeInteger(keyword)
        if (value > MAX_ERROR_LIMIT)
          throw new CopyOptionsError(`MAXERROR ${value} is above COPY's limit of ${MAX_ERROR_LIMIT}`, keyword)
        options.maxError = value
        break
      }

      case 'NULL': {
        options.nullAs = decodeCopyString(takeString('NULL AS'))
        if (options.nullAs === '\n')
          throw new CopyOptionsError(String.raw`NULL AS '\n' is not allowed: newline ends a record`, 'NULL AS')
        break
      }

      case 'ORC':
      case 'PARQUET':
      case 'SHAPEFILE': {
        setFormat(keyword.toLowerCase() as CopyFormat, keyword)
        if (isWord(tokens[i], 'SERIALIZETOJSON')) i++
        if (keyword === 'SHAPEFILE' && isWord(tokens[i], 'SIMPLIFY')) {
          i++
          if (isWord(tokens[i], 'AUTO')) i++
          if (tokens[i]?.kind === 'number') i++
        }

        break
      }

      case 'QUOTE': {
        options.quote = decodeCopyString(takeString(keyword))
        quoteGiven = true
        break
      }

      case 'SERIALIZETOJSON': {
        break
      }

      case 'TIMEFORMAT': {
        options.timeFormat = takeString(keyword)
        break
      }

      default: {
        throw new CopyOptionsError(`${keyword} is not a COPY option`, keyword)
      }
    }
  }

  if (options.format === 'csv' && !delimiterGiven) options.delimiter = ','
  checkCombinations(options, {delimiterGiven, quoteGiven})
  return options
}

/** `COPY table [(col, …)] FROM 'source' …`: returns the index of the first option. */
function readStatementHead(tokens: Token[], options: CopyOptions): number {
  let i = 1
  const parts: string[] = []
  while (tokens[i] && (tokens[i]!.kind === 'word' || tokens[i]!.kind === 'quoted-ident')) {
    if (isWord(tokens[i], 'FROM') && parts.length > 0) break
    parts.push(identifierName(tokens[i]!))
    i++
    if (!isPunct(tokens[i], '.')) break
    i++
  }

  if (parts.length === 0) throw new CopyOptionsError('COPY must be followed by the table name', 'COPY')
  options.table = parts.join('.')
  if (isPunct(tokens[i], '(')) {
    const columns: string[] = []
    i++
    while (tokens[i] && !isPunct(tokens[i], ')')) {
      const t = tokens[i]!
      if (t.kind === 'word' || t.kind === 'quoted-ident') columns.push(identifierName(t))
      i++
    }

    i++
    options.columns = columns
  }

  if (!isWord(tokens[i], 'FROM'))
    throw new CopyOptionsError(
      `expected FROM after COPY ${options.table}, found ${JSON.stringify(tokens[i]?.text ?? 'the end')}`,
      'FROM',
    )
  i++
  const source = tokens[i]
  if (!source || source.kind !== 'string')
    throw new CopyOptionsError("FROM takes the quoted source ('s3://bucket/prefix')", 'FROM')
  options.source = source.text
  return i + 1
}

function checkCombinations(o: CopyOptions, given: {delimiterGiven: boolean; quoteGiven: boolean}): void {
  if (o.format === 'csv') {
    for (const [flag, name] of [
      [o.removeQuotes, 'REMOVEQUOTES'],
      [o.escape, 'ESCAPE'],
    ] as const) {
      if (flag) throw new CopyOptionsError(`CSV cannot be combined with ${name}`, name)
    }
  }

  if (o.format === 'fixedwidth' && given.delimiterGiven)
    throw new CopyOptionsError('FIXEDWIDTH cannot be combined with DELIMITER', 'DELIMITER')
  // DG copy-parameters-data-conversion.html, ESCAPE: "You can't use the ESCAPE parameter for FIXEDWIDTH loads".
  if (o.format === 'fixedwidth' && o.escape)
    throw new CopyOptionsError('FIXEDWIDTH cannot be combined with ESCAPE', 'ESCAPE')
  if (given.quoteGiven && o.format !== 'csv') throw new CopyOptionsError('QUOTE AS applies only with CSV', 'QUOTE')
  if (o.format === 'text' || o.format === 'csv') {
    if ([...o.delimiter].length !== 1)
      throw new CopyOptionsError(
        `DELIMITER must be a single character, not ${JSON.stringify(o.delimiter)}`,
        'DELIMITER',
      )
    if (o.delimiter === '\n') throw new CopyOptionsError('DELIMITER cannot be a newline', 'DELIMITER')
    if (o.delimiter.codePointAt(0)! > 0x7f)
      throw new CopyOptionsError(
        `DELIMITER must be an ASCII character, not ${JSON.stringify(o.delimiter)}`,
        'DELIMITER',
      )
  }

  if (o.format === 'csv' && [...o.quote].length !== 1)
    throw new CopyOptionsError(`QUOTE must be a single character, not ${JSON.stringify(o.quote)}`, 'QUOTE')
  if (o.format === 'csv' && o.quote === o.delimiter)
    throw new CopyOptionsError('QUOTE and DELIMITER must differ', 'QUOTE')
  for (const [value, name] of [
    [o.dateFormat, 'DATEFORMAT'],
    [o.timeFormat, 'TIMEFORMAT'],
  ] as const) {
    // 'auto' is case-sensitive (DG copy-parameters-data-conversion.html): 'AUTO' is read as a pattern.
    if (value !== undefined && value !== 'auto' && value.toLowerCase() === 'auto')
      throw new CopyOptionsError(
        `${name} '${value}': the keyword is 'auto' in lower case (COPY reads '${value}' as a pattern)`,
        name,
      )
  }
}

/**
 * `'label:width,label:width,…'` (DG copy-parameters-data-format.html, FIXEDWIDTH): a label of the
 * user's choosing (letters, digits; it has no relation to the column names) and a whole width per
 * field, the pairs in the order of the target columns. White space around labels and widths is
 * allowed (AWS's own tutorial writes `c_region :12`).
 */
export function parseFixedWidthSpec(spec: string): FixedWidthField[] {
  const fields: FixedWidthField[] = []
  for (const pair of spec.split(',')) {
    const colon = pair.lastIndexOf(':')
    const label = colon === -1 ? '' : pair.slice(0, colon).trim()
    const widthText = colon === -1 ? pair.trim() : pair.slice(colon + 1).trim()
    if (colon === -1 || label === '' || !/^\d+$/.test(widthText) || Number(widthText) === 0)
      throw new CopyOptionsError(
        `FIXEDWIDTH '${spec}': ${JSON.stringify(pair.trim())} is not label:width (a label, a colon, a whole width above 0)`,
        'FIXEDWIDTH',
      )
    fields.push({label, width: Number(widthText)})
  }

  return fields
}

/** COPY's backslash sequences in DELIMITER, QUOTE, NULL AS: \t, \n, \\, \' and octal \ddd. */
export function decodeCopyString(text: string): string {
  if (!text.includes('\\')) return text
  if (text === String.raw`\N`) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c !== '\\' || i + 1 >= text.length) {
      out += c
      continue
    }

    const next = text[i + 1]!
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1))
    if (octal) {
      out += String.fromCodePoint(Number.parseInt(octal[0], 8))
      i += 3
    } else
      switch (next) {
        case "'":
        case '\\': {
          out += next
          i++

          break
        }

        case 'n': {
          out += '\n'
          i++

          break
        }

        case 'r': {
          out += '\r'
          i++

          break
        }

        case 't': {
          out += '\t'
          i++

          break
        }

        default: {
          out += c
        }
      }
  }

  return out
}

/** The options as COPY text (for the corrected COPY printed for review). */
export function formatCopyOptions(o: CopyOptions): string[] {
  const quote = (s: string): string =>
    `'${s
      .replaceAll('\\', '\\\\')
      .replaceAll("'", String.raw`\'`)
      .replaceAll('\t', String.raw`\t`)}'`
  const lines: string[] = []
  switch (o.format) {
    case 'avro':
    case 'json': {
      lines.push(`FORMAT AS ${o.format.toUpperCase()} '${o.formatArgument ?? 'auto'}'`)
      break
    }

    case 'csv': {
      lines.push(`CSV${o.quote === '"' ? '' : ` QUOTE AS ${quote(o.quote)}`}`)
      break
    }

    case 'fixedwidth': {
      lines.push(`FIXEDWIDTH ${quote(o.fixedWidth ?? '')}`)
      break
    }

    default: {
      if (o.format !== 'text') lines.push(`FORMAT AS ${o.format.toUpperCase()}`)
    }
  }

  if ((o.format === 'text' && o.delimiter !== '|') || (o.format === 'csv' && o.delimiter !== ','))
    lines.push(`DELIMITER ${quote(o.delimiter)}`)
  if (o.ignoreHeader > 0) lines.push(`IGNOREHEADER ${o.ignoreHeader}`)
  if (o.nullAs !== String.raw`\N`) lines.push(`NULL AS ${quote(o.nullAs)}`)
  if (o.dateFormat !== undefined) lines.push(`DATEFORMAT '${o.dateFormat}'`)
  if (o.timeFormat !== undefined) lines.push(`TIMEFORMAT '${o.timeFormat}'`)
  if (o.acceptInvChars !== undefined)
    lines.push(`ACCEPTINVCHARS${o.acceptInvChars === '?' ? '' : ` AS '${o.acceptInvChars}'`}`)
  for (const [flag, name] of [
    [o.acceptAnyDate, 'ACCEPTANYDATE'],
    [o.blanksAsNull, 'BLANKSASNULL'],
    [o.emptyAsNull, 'EMPTYASNULL'],
    [o.escape, 'ESCAPE'],
    [o.explicitIds, 'EXPLICIT_IDS'],
    [o.fillRecord, 'FILLRECORD'],
    [o.ignoreBlankLines, 'IGNOREBLANKLINES'],
    [o.removeQuotes, 'REMOVEQUOTES'],
    [o.roundec, 'ROUNDEC'],
    [o.trimBlanks, 'TRIMBLANKS'],
    [o.truncateColumns, 'TRUNCATECOLUMNS'],
    [o.manifest, 'MANIFEST'],
  ] as const) {
    if (flag) lines.push(name)
  }

  if (o.encoding !== 'UTF8') lines.push(`ENCODING ${o.encoding}`)
  if (o.compression !== 'none') lines.push(o.compression.toUpperCase())
  if (o.maxError > 0) lines.push(`MAXERROR ${o.maxError}`)
  return lines
}
