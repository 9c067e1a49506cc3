/**
 * The subset of Java DateTimeFormatter patterns that Athena partition projection uses for date keys
 * (`yyyy/MM/dd/HH`, `yyyy-MM-dd`, `yyyyMMdd`, …), and the date arithmetic behind `--since` pruning.
 * All times are UTC.
 */
import {UsageError} from '../core/errors.js'

export type DateField = 'day' | 'hour' | 'minute' | 'month' | 'second' | 'year'

export type DateToken = {field: DateField; kind: 'field'; width: number} | {kind: 'literal'; text: string}

export type DateComponents = Partial<Record<DateField, number>>

const LETTERS: Record<string, DateField> = {
  d: 'day',
  H: 'hour',
  M: 'month',
  m: 'minute',
  s: 'second',
  u: 'year',
  y: 'year',
}

/** Parse `yyyy/MM/dd/HH`; quoted text ('T') is literal. Throws a usage error naming the flag on anything else. */
export function parseDateFormat(format: string, where = 'date format'): DateToken[] {
  const tokens: DateToken[] = []
  let i = 0
  while (i < format.length) {
    const ch = format[i]!
    if (ch === "'") {
      const end = format.indexOf("'", i + 1)
      if (end === -1)
        throw new UsageError(`${where} "${format}" has an unclosed quote`, {
          suggestions: ["Quote literal text like this: yyyy-MM-dd'T'HH"],
        })
      pushLiteral(tokens, end === i + 1 ? "'" : format.slice(i + 1, end))
      i = end + 1
      continue
    }

    if (/[A-Za-z]/.test(ch)) {
      let j = i
      while (format[j] === ch) j++
      const field = LETTERS[ch]
      const width = j - i
      if (!field || (field === 'year' && width !== 4 && width !== 2) || (field !== 'year' && width > 2)) {
        throw new UsageError(`${where} "${format}": "${format.slice(i, j)}" is not supported`, {
          suggestions: [
            'Use yyyy, MM, M, dd, d, HH, H, mm, ss and literal separators, as in Athena partition projection (e.g. yyyy/MM/dd/HH).',
          ],
        })
      }

      tokens.push({field, kind: 'field', width})
      i = j
      continue
    }

    pushLiteral(tokens, ch)
    i++
  }

  if (!tokens.some((t) => t.kind === 'field'))
    throw new UsageError(`${where} "${format}" has no date fields`, {
      suggestions: ['Use e.g. yyyy-MM-dd or yyyy/MM/dd/HH.'],
    })
  return tokens
}

function pushLiteral(tokens: DateToken[], text: string): void {
  const last = tokens.at(-1)
  if (last?.kind === 'literal') last.text += text
  else tokens.push({kind: 'literal', text})
}

export function fieldPattern(token: {field: DateField; width: number}): string {
  if (token.field === 'year') return token.width === 4 ? String.raw`\d{4}` : String.raw`\d{2}`
  return token.width === 2 ? String.raw`\d{2}` : String.raw`\d{1,2}`
}

export function escapeRegex(text: string): string {
  return text.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
}

const RANGES: Record<DateField, [number, number]> = {
  day: [1, 31],
  hour: [0, 23],
  minute: [0, 59],
  month: [1, 12],
  second: [0, 59],
  year: [0, 9999],
}

/** Components of `value` in `tokens`' format, or undefined if it does not match exactly or is not a real date. */
const compiled = new WeakMap<DateToken[], {fields: Array<{field: DateField; width: number}>; regex: RegExp}>()

function compile(tokens: DateToken[]): {fields: Array<{field: DateField; width: number}>; regex: RegExp} {
  let hit = compiled.get(tokens)
  if (!hit) {
    const fields: Array<{field: DateField; width: number}> = []
    let source = '^'
    for (const t of tokens) {
      if (t.kind === 'literal') source += escapeRegex(t.text)
      else {
        source += `(${fieldPattern(t)})`
        fields.push(t)
      }
    }

    hit = {fields, regex: new RegExp(`${source}$`)}
    compiled.set(tokens, hit)
  }

  return hit
}

export function parseDateValue(value: string, tokens: DateToken[]): DateComponents | undefined {
  const {fields, regex} = compile(tokens)
  const m = regex.exec(value)
  if (!m) return undefined
  const out: DateComponents = {}
  for (const [i, f] of fields.entries()) {
    let n = Number(m[i + 1])
    if (f.field === 'year' && f.width === 2) n += 2000
    out[f.field] = n
  }

  return checkComponents(out) ? out : undefined
}

function inRange(n: number | undefined, field: DateField): boolean {
  if (n === undefined) return true
  const [lo, hi] = RANGES[field]
  return Number.isInteger(n) && n >= lo && n <= hi
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

export function checkComponents(c: DateComponents): boolean {
  if (
    !inRange(c.year, 'year') ||
    !inRange(c.month, 'month') ||
    !inRange(c.day, 'day') ||
    !inRange(c.hour, 'hour') ||
    !inRange(c.minute, 'minute') ||
    !inRange(c.second, 'second')
  )
    return false
  return c.day === undefined || c.month === undefined || c.day <= daysInMonth(c.year ?? 2000, c.month)
}

/** `date` (yyyy-MM-dd) and `timestamp` (yyyy-MM-dd HH:mm:ss[.fff]) values as Hive and Glue store them. */
export function parseTypedDate(value: string, type: 'date' | 'timestamp'): DateComponents | undefined {
  const m =
    type === 'date'
      ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
      : /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/.exec(value)
  if (!m) return undefined
  const c: DateComponents = {day: Number(m[3]), month: Number(m[2]), year: Number(m[1])}
  if (type === 'timestamp') Object.assign(c, {hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6] ?? 0)})
  return checkComponents(c) ? c : undefined
}

const ORDER: DateField[] = ['year', 'month', 'day', 'hour', 'minute', 'second']

/**
 * The first instant after everything a prefix with these components can hold (UTC), or undefined
 * when the components do not bound time (no year, or a finer field known without a coarser one).
 */
export function periodEnd(c: DateComponents): number | undefined {
  if (c.year === undefined) return undefined
  let finest = 0
  for (const [i, f] of ORDER.entries()) {
    if (c[f] === undefined) break
    finest = i
  }

  const parts = ORDER.map((f, i) => (i <= finest ? c[f]! : f === 'month' || f === 'day' ? 1 : 0))
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number]
  switch (ORDER[finest]) {
    case 'day': {
      return Date.UTC(y, mo - 1, d + 1)
    }

    case 'hour': {
      return Date.UTC(y, mo - 1, d, h + 1)
    }

    case 'minute': {
      return Date.UTC(y, mo - 1, d, h, mi + 1)
    }

    case 'month': {
      return Date.UTC(y, mo, 1)
    }

    case 'second': {
      return Date.UTC(y, mo - 1, d, h, mi, s + 1)
    }

    default: {
      return Date.UTC(y + 1, 0, 1)
    }
  }
}

/** Format an instant (UTC) in `tokens`' format, e.g. for a pushed-down `>=` Expression. */
export function formatDate(ms: number, tokens: DateToken[]): string {
  const d = new Date(ms)
  const values: Record<DateField, number> = {
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    month: d.getUTCMonth() + 1,
    second: d.getUTCSeconds(),
    year: d.getUTCFullYear(),
  }
  return tokens
    .map((t) => {
      if (t.kind === 'literal') return t.text
      const n = t.field === 'year' && t.width === 2 ? values.year % 100 : values[t.field]
      return String(n).padStart(t.width, '0')
    })
    .join('')
}

/** True when the format sorts like time as text: zero-padded fields from year down, no gaps. */
export function sortsLexically(tokens: DateToken[]): boolean {
  const fields = tokens.filter((t): t is Extract<DateToken, {kind: 'field'}> => t.kind === 'field')
  return fields.every((f, i) => f.field === ORDER[i] && (f.field === 'year' ? f.width === 4 : f.width === 2))
}

/** The finest field of a format: the projection `interval.unit`. */
export function finestField(tokens: DateToken[]): DateField {
  let finest: DateField = 'year'
  for (const t of tokens) if (t.kind === 'field' && ORDER.indexOf(t.field) > ORDER.indexOf(finest)) finest = t.field
  return finest
}
