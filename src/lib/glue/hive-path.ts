/**
 * Hive partition path encoding, exactly as Hive's FileUtils.escapePathName / unescapePathName and
 * makePartName do it (apache/hive common/src/java/org/apache/hadoop/hive/common/FileUtils.java;
 * see reference/glue-athena.md A4).
 */

/** What Hive writes for a null or empty partition value; Athena (Trino) reads it as NULL. */
export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__'

/** Hive's escape set: U+0000–U+001F, " # % ' * / : = ? \ U+007F { [ ] ^. Nothing ≥ 0x80 is escaped. */
const ESCAPED = new Set<number>()
for (let c = 0; c <= 0x1f; c++) ESCAPED.add(c)
for (const ch of ['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007F', '{', '[', ']', '^'])
  ESCAPED.add(ch.codePointAt(0)!)

export function needsEscape(ch: string): boolean {
  return ESCAPED.has(ch.codePointAt(0)!)
}

/** `2024-01-01 10:00:00` → `2024-01-01 10%3A00%3A00`; empty → __HIVE_DEFAULT_PARTITION__. */
export function escapePathName(value: string): string {
  if (value === '') return HIVE_DEFAULT_PARTITION
  if (/^[\w ,.+@&$!~;<>|}()-]*$/.test(value)) return value
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0)!
    out += code < 0x80 && ESCAPED.has(code) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch
  }

  return out
}

/** Decode `%XX` where two hex digits follow (as Hive does: one char per escape); anything else is kept. */
export function unescapePathName(text: string): string {
  if (!text.includes('%')) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '%' && i + 2 < text.length && /^[\dA-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out += String.fromCodePoint(Number.parseInt(text.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      out += ch
    }
  }

  return out
}

/** One path segment `key=value` (Hive lower-cases the key, escapes both). */
export function makePartSegment(key: string, value: string): string {
  return `${escapePathName(key.toLowerCase())}=${escapePathName(value)}`
}

/** `k1=v1/k2=v2` for the partition's values, in key order. */
export function makePartName(keys: string[], values: string[]): string {
  return keys.map((k, i) => makePartSegment(k, values[i] ?? '')).join('/')
}

export interface HiveSegment {
  /** The key as written in S3, decoded. */
  key: string
  /** The raw (still escaped) value text. */
  rawValue: string
  /** The decoded value; '' when the segment is `k=`. */
  value: string
}

/** Split a path segment on its first `=` only (values may contain `=`); undefined when there is none. */
export function parseHiveSegment(segment: string): HiveSegment | undefined {
  const eq = segment.indexOf('=')
  if (eq <= 0) return undefined
  const rawValue = segment.slice(eq + 1)
  return {key: unescapePathName(segment.slice(0, eq)), rawValue, value: unescapePathName(rawValue)}
}
