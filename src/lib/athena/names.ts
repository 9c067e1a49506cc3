/**
 * Clean, collision-free replacement names and awswrangler's sanitizer, as pure functions.
 */
import anyAscii from 'any-ascii'
import {createHash} from 'node:crypto'

import type {NameKind} from './model.js'

import {isReservedAnywhere} from './reserved-words.js'

export const MAX_NAME_BYTES = 255

/** Invisible characters: format (Cf) and control (Cc) characters other than ordinary whitespace. */
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const INVISIBLE_TEST = /[\p{Cf}\u0000-\u0008\u000E-\u001F\u007F-\u009F]/u

/** A short, stable hash of a name (8 hex digits of SHA-256 over its UTF-8 bytes). */
export function shortHash(name: string, length = 8): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, length)
}

const PREFIX: Record<NameKind, string> = {column: 'col', database: 'db', field: 'col', partition: 'col', table: 'tbl'}

/**
 * A clean name for `name`: lower-case ASCII letters, digits and `_`, starting with a letter, not a
 * reserved word in any list, at most 255 bytes. Non-Latin text is transliterated (any-ascii:
 * `売上` → `maishang`, `Café` → `cafe`); when nothing readable is left, a stable short hash of the
 * original is used (`col_1a2b3c4d`), never a bare `_`. Deterministic: same input, same output.
 * Uniqueness within a table is handled by `uniqueName`.
 */
export function cleanName(name: string, kind: NameKind): string {
  const prefix = PREFIX[kind]
  let s = /^[\w ./:-]*$/.test(name) ? name.trim() : name.normalize('NFKC').replaceAll(INVISIBLE, '').trim()
  // eslint-disable-next-line no-control-regex -- testing for anything outside ASCII
  if (/[^\u0000-\u007F]/.test(s)) s = anyAscii(s)
  s = /^\w+$/.test(s)
    ? s.toLowerCase()
    : s
        .toLowerCase()
        .replaceAll(/[^a-z0-9_]+/g, '\u0001')
        // Replaced runs (with any underscores around them) become one `_`; original `__` elsewhere stays.
        // eslint-disable-next-line no-control-regex -- \u0001 marks replaced runs
        .replaceAll(/_*\u0001[_\u0001]*/g, '_')
  if (s.startsWith('_')) s = s.replace(/^_+/, '')
  if (s.endsWith('_')) s = s.replace(/_+$/, '')
  if (s === '') return `${prefix}_${shortHash(name)}`
  if (/^\d/.test(s)) s = `${prefix}_${s}`
  if (isReservedAnywhere(s)) s = `${s}_${prefix}`
  if (s.length > MAX_NAME_BYTES) s = `${s.slice(0, MAX_NAME_BYTES - 9).replace(/_+$/, '')}_${shortHash(name)}`
  return s
}

/**
 * `candidate`, or `candidate_2`, `_3`, … : the first that is not in `taken` (lower-case names).
 * Adds the result to `taken`.
 */
export function uniqueName(candidate: string, taken: {add(name: string): unknown; has(name: string): boolean}): string {
  let result = candidate
  for (let n = 2; taken.has(result); n++) {
    const suffix = `_${n}`
    result = `${candidate.slice(0, MAX_NAME_BYTES - suffix.length)}${suffix}`
  }

  taken.add(result)
  return result
}

/**
 * What awswrangler's `sanitize_column_name` / `sanitize_table_name` return. `legacy` is ≤ 2.12,
 * which also turned camelCase into snake_case; ≥ 2.13 only lower-cases
 * (awswrangler/catalog/_utils.py `_sanitize_name`; aws-sdk-pandas issues 1143 and 1224).
 */
export function awswranglerName(name: string, legacy: boolean): string {
  let s = [...name.normalize('NFD')].filter((c) => !/\p{Mn}/u.test(c)).join('')
  s = s.replaceAll(/[^A-Za-z0-9_]+/g, '_')
  if (legacy) s = s.replaceAll(/([a-z0-9])([A-Z])/g, '$1_$2')
  return s.toLowerCase()
}

/** A name for people: invisible characters and control characters shown as \u{…}. */
export function displayName(name: string): string {
  if (!INVISIBLE_TEST.test(name)) return name
  return name.replaceAll(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`)
}

const CHAR_NAMES: Record<number, string> = {
  0x00_a0: 'no-break space',
  0x00_ad: 'soft hyphen',
  0x20_0b: 'zero-width space',
  0x20_0c: 'zero-width non-joiner',
  0x20_0d: 'zero-width joiner',
  0x20_60: 'word joiner',
  0xfe_ff: 'byte-order mark',
}

/** `U+FEFF (byte-order mark)` style label of a character. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  const label = CHAR_NAMES[cp]
  return label
    ? `${code} (${label})`
    : cp >= 0x20 && cp < 0x7f
      ? `"${c}"`
      : /\p{Cc}|\p{Cf}/u.test(c)
        ? code
        : `"${c}" ${code}`
}

export {INVISIBLE}
