/**
 * The rules of one name: per-name checks (characters, case, length, reserved words, …) and the
 * duplicate hit of a name against the name it repeats.
 */
import type {NameKind, Position} from './model.js'

import {describeChar, displayName, MAX_NAME_BYTES} from './names.js'
import {isReservedLowerCase, reservedLists} from './reserved-words.js'
import {backtick, doubleQuote} from './type-string.js'

/** One rule that a name breaks, with the message for it. */
export interface Hit {
  message: string
  other?: string
  rule: string
}

/** A name of a namespace, as the duplicate rules see it. */
export interface NameRef {
  column: null | string
  kind: NameKind
  name: string
  parent: string[]
  partition: boolean
  position?: Position | undefined
}

/** A clean name's shape: lower-case [a-z0-9_], a letter first. */
export const CLEAN = /^[a-z][a-z0-9_]*$/
export const NO_HITS: Hit[] = []
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

/** The duplicate hit of `ref` against `keeper`, the name that keeps the name they share (undefined: the rule is off). */
export function duplicateHit(
  ref: NameRef,
  keeper: NameRef,
  json: boolean,
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
  const failure = json
    ? '"HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key" (the OpenX JSON SerDe is case-insensitive by default)'
    : '"HIVE_UNKNOWN_ERROR: Multiple entries with same key" or a duplicate-column error'
  return {
    message: `"${displayName(ref.name)}" ${what} "${displayName(keeper.name)}"${ref.kind === 'field' ? ' in the same struct' : ''}: Athena names are case-insensitive, so queries fail with ${failure}.`,
    other: keeper.name,
    rule: 'duplicate-name',
  }
}
