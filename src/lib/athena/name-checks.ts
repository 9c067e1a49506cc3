/**
 * The rules of one name: per-name checks (characters, case, length, reserved words, …) and the
 * duplicate hit of a name against the name it repeats.
 */
import type {NameKind, Position, Severity} from './model.js'

import {describeChar, displayName, MAX_NAME_BYTES} from './names.js'
import {reservedVerdict} from './reserved-verdicts.js'
import {isReservedLowerCase} from './reserved-words.js'
import {backtick, doubleQuote} from './type-string.js'

/** One rule that a name breaks, with the message for it. */
export interface Hit {
  message: string
  other?: string
  rule: string
  /** Set when the rule's severity depends on how the name is written (see `Written`). */
  severity?: Severity
}

/**
 * How a name is written where it was read, which decides what fails now and what only needs
 * quoting later: not in a statement (a catalog, a file header), in Hive DDL (CREATE TABLE: backticks
 * quote) plain or quoted, or in a Trino statement (CTAS, views: double quotes quote) plain or quoted.
 */
export type Written = 0 | 1 | 2 | 3 | 4
export const NOT_WRITTEN = 0
export const HIVE_PLAIN = 1
export const HIVE_QUOTED = 2
export const TRINO_PLAIN = 3
export const TRINO_QUOTED = 4

/** How a name of a statement is written: quotes count only when they are the statement's own. */
export function writtenAs(statement: 'hive' | 'trino' | undefined, quote: 'backtick' | 'double' | undefined): Written {
  if (statement === 'hive') return quote === 'backtick' ? HIVE_QUOTED : HIVE_PLAIN
  if (statement === 'trino') return quote === 'double' ? TRINO_QUOTED : TRINO_PLAIN
  return NOT_WRITTEN
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
export function checkName(
  name: string,
  ref: {kind: NameKind; partition: boolean; written?: undefined | Written},
  active: ReadonlySet<string>,
): Hit[] {
  const written = ref.written ?? NOT_WRITTEN
  if (name.length <= MAX_NAME_BYTES && CLEAN.test(name)) {
    // The common case: a clean name only needs the reserved-word lists.
    if (!isReservedLowerCase(name)) return NO_HITS
    const hits: Hit[] = []
    checkReserved(name, name, written, active, hits)
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
    const hit = leadingDigit(shown, written)
    if (hit) hits.push(hit)
  }

  if (active.has('leading-underscore') && name.startsWith('_')) {
    const hit = leadingUnderscore(name, shown, ref.kind, written)
    if (hit) hits.push(hit)
  }

  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) checkReserved(name, shown, written, active, hits)
  return hits
}

/** A name starting with a digit: Trino needs double quotes; Hive DDL takes it as it is. */
function leadingDigit(shown: string, written: Written): Hit | undefined {
  const rule = 'leading-digit'
  if (written === TRINO_QUOTED)
    return {
      message: `"${shown}" starts with a digit and is double-quoted here, which works; every query must quote it too ("identifiers must not start with a digit" otherwise).`,
      rule,
      severity: 'warning',
    }
  if (written === HIVE_PLAIN || written === HIVE_QUOTED)
    return {
      message: `"${shown}" starts with a digit: the DDL works, but every SELECT, CTAS and view must double-quote it ("identifiers must not start with a digit").`,
      rule,
      severity: 'warning',
    }
  const where =
    written === TRINO_PLAIN ? 'this statement fails as written:' : 'SELECT, CTAS and views must double-quote it'
  return {message: `"${shown}" starts with a digit: ${where} ("identifiers must not start with a digit").`, rule}
}

/** A name starting with "_": Hive DDL needs backticks; Trino takes it; MSCK skips such partition keys. */
function leadingUnderscore(name: string, shown: string, kind: NameKind, written: Written): Hit | undefined {
  const rule = 'leading-underscore'
  const msck =
    kind === 'partition'
      ? ' MSCK REPAIR TABLE does not add partition keys that start with "_", so new partitions never appear.'
      : ''
  if (written === HIVE_PLAIN || written === NOT_WRITTEN)
    return {
      message: `"${shown}" starts with "_": DDL must enclose it in backticks (unquoted it fails with "ParseException … cannot recognize input near '${name}'").${msck}`,
      rule,
    }
  const how = written === HIVE_QUOTED ? 'is in backticks here, which works' : 'works in queries'
  return {
    message: `"${shown}" starts with "_" and ${how}; every later DDL statement that names it (ALTER TABLE …) must write ${backtick(name)}.${msck}`,
    rule,
    severity: 'warning',
  }
}

// eslint-disable-next-line max-params -- internal: one call per reserved name
function checkReserved(name: string, shown: string, written: Written, active: ReadonlySet<string>, hits: Hit[]): void {
  const verdict = reservedVerdict(name)
  if (verdict.ddl !== 'unlisted' && active.has('reserved-ddl')) {
    const hit = reservedDdl(name, shown, verdict.ddl === 'rejected', written)
    if (hit) hits.push(hit)
  }

  if ((verdict.dml === 'rejected' || verdict.dml === 'accepted') && active.has('reserved-dml')) {
    const hit = reservedDml(name, shown, verdict.dml === 'rejected', written)
    if (hit) hits.push(hit)
  }

  if (verdict.dml === 'newer-trino' && active.has('reserved-trino') && written !== TRINO_QUOTED) {
    hits.push({
      message: `"${shown}" is reserved in Trino (not in Athena's published SELECT list): write it as ${doubleQuote(name)} in queries to be safe.`,
      rule: 'reserved-trino',
    })
  }
}

/** A word of Athena's DDL list: an error only where the Hive DDL parser rejects it as written. */
function reservedDdl(name: string, shown: string, rejected: boolean, written: Written): Hit | undefined {
  const rule = 'reserved-ddl'
  const quoted = backtick(name)
  if (!rejected) {
    if (written === HIVE_QUOTED || written === TRINO_PLAIN || written === TRINO_QUOTED) return undefined
    return {
      message: `"${shown}" is on Athena's DDL reserved-word list, but AWS's own published DDL uses it unquoted and the statement works; writing ${quoted} is the safe form.`,
      rule,
      severity: 'warning',
    }
  }

  if (written === HIVE_PLAIN)
    return {
      message: `"${shown}" is a reserved word in Athena DDL: this statement fails unless it is written ${quoted}.`,
      rule,
    }
  if (written === NOT_WRITTEN)
    return {
      message: `"${shown}" is in Athena's DDL reserved-word list: CREATE/ALTER statements must write it as ${quoted}.`,
      rule,
    }
  const how = written === HIVE_QUOTED ? `is written ${quoted} here, which works` : 'is fine in this query'
  return {
    message: `"${shown}" is a reserved word in Athena DDL and ${how}; every later DDL statement that names it (ALTER TABLE …, SHOW PARTITIONS …) must write ${quoted}.`,
    rule,
    severity: 'warning',
  }
}

/** A word of Athena's SELECT list: an error only where a Trino statement writes it plainly and Trino rejects it. */
function reservedDml(name: string, shown: string, rejected: boolean, written: Written): Hit | undefined {
  const rule = 'reserved-dml'
  const quoted = doubleQuote(name)
  if (!rejected) {
    if (written !== TRINO_PLAIN && written !== NOT_WRITTEN) return undefined
    return {
      message: `"${shown}" is on Athena's SELECT reserved-word list, but Trino's grammar accepts it unquoted; writing ${quoted} is the safe form.`,
      rule,
      severity: 'warning',
    }
  }

  if (written === TRINO_PLAIN)
    return {
      message: `"${shown}" is a reserved word in Athena queries: this statement fails unless it is written ${quoted} ("mismatched input" / "Queries of this type are not supported").`,
      rule,
    }
  if (written === NOT_WRITTEN)
    return {
      message: `"${shown}" is in Athena's SELECT reserved-word list: queries and views must write it as ${quoted} (unquoted: "mismatched input" / "Queries of this type are not supported").`,
      rule,
    }
  const how = written === TRINO_QUOTED ? `is written ${quoted} here, which works` : 'is fine in this DDL'
  return {
    message: `"${shown}" is a reserved word in Athena queries and ${how}; every query and view must write ${quoted} too.`,
    rule,
    severity: 'warning',
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
