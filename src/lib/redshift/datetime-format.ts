/**
 * Date and time recognition as COPY does it with DATEFORMAT / TIMEFORMAT.
 *
 * - Defaults (DG r_DATEFORMAT_and_TIMEFORMAT_strings.html): DATE 'YYYY-MM-DD'; TIMESTAMP
 *   'YYYY-MM-DD HH:MI:SS' (fractional seconds to microseconds); TIMESTAMPTZ 'YYYY-MM-DD HH:MI:SSOF'.
 *   A DATE drops a time part that follows; a TIMESTAMP without a time part gets 00:00:00
 *   (DG automatic-recognition.html).
 * - Format strings: the dateparts YY, YYYY, MM, MON (abbreviated or full month name), DD, HH, HH24
 *   (HH is HH24 in COPY), HH12, MI, SS, AM/PM, and separators (same page).
 * - 'auto' (DG automatic-recognition.html): the format-string table's formats plus ISO 8601 with
 *   T and Z, Julian (J2451187), BC, YYYYMMDD HHMISS, YYMMDD HHMISS, YYYY.DDD, DD Mon HH:MI:SS YYYY
 *   TZ, MM/DD/YYYY HH:MI:SS.SS TZ, YYYY-MM-DD HH:MI:SS+/-TZ, DD.MM.YYYY HH:MI:SS TZ. Epoch numbers
 *   are not recognised by 'auto'; 'epochsecs'/'epochmillisecs' take them.
 * A calendar check follows the match (month 1–12, day within the month).
 */
export type DateTimeMatcher = (buf: Uint8Array, s: number, e: number) => boolean

export type DateTimeKind = 'date' | 'time' | 'timestamp' | 'timestamptz' | 'timetz'

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
]
const MONTH_NAME = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`
const TIME_PART = String.raw`(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d{1,6})?)?(?:\s*([ap]\.?m\.?))?`
const ZONE = String.raw`(?:\s*(?:z|[+-]\d{1,2}(?::?\d{2})?|[a-z]{2,5}(?:[+-]\d{1,2})?|(?:[a-z_]+\/[a-z_]+)))?`

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

function validDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
}

function validTime(h: number, m: number, sec: number): boolean {
  return h <= 24 && m <= 59 && sec <= 60
}

function monthNumber(name: string): number {
  const lower = name.toLowerCase()
  return MONTHS.findIndex((m) => m.startsWith(lower.slice(0, 3))) + 1
}

function text(buf: Uint8Array, s: number, e: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + s, e - s)
    .toString('latin1')
    .trim()
}

const digit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39
const num2 = (buf: Uint8Array, i: number): number => (buf[i]! - 0x30) * 10 + buf[i + 1]! - 0x30

/** Fast path: YYYY-MM-DD at buf[s]. */
function isoDateAt(buf: Uint8Array, s: number): boolean {
  if (!(digit(buf[s]) && digit(buf[s + 1]) && digit(buf[s + 2]) && digit(buf[s + 3]))) return false
  if (buf[s + 4] !== 0x2d || buf[s + 7] !== 0x2d) return false
  if (!(digit(buf[s + 5]) && digit(buf[s + 6]) && digit(buf[s + 8]) && digit(buf[s + 9]))) return false
  const year = num2(buf, s) * 100 + num2(buf, s + 2)
  return validDate(year, num2(buf, s + 5), num2(buf, s + 8))
}

/** Fast path: HH:MI:SS[.ffffff] at buf[i, e). */
function isoTimeAt(buf: Uint8Array, i: number, e: number, zone: boolean): boolean {
  if (e - i < 5) return false
  if (!(digit(buf[i]) && digit(buf[i + 1]) && buf[i + 2] === 0x3a && digit(buf[i + 3]) && digit(buf[i + 4])))
    return false
  const h = num2(buf, i)
  const m = num2(buf, i + 3)
  let sec = 0
  let j = i + 5
  if (buf[j] === 0x3a) {
    if (!(digit(buf[j + 1]) && digit(buf[j + 2]))) return false
    sec = num2(buf, j + 1)
    j += 3
    if (buf[j] === 0x2e) {
      j++
      const start = j
      while (j < e && digit(buf[j])) j++
      if (j === start || j - start > 6) return false
    }
  }

  if (!validTime(h, m, sec)) return false
  if (j === e) return true
  if (!zone) return false
  // Offset: +hh, +hhmm, +hh:mm (the OF of the default TIMESTAMPTZ format), or Z.
  return /^\s*(?:z|utc|[+-]\d{1,2}(?::?\d{2})?)$/i.test(text(buf, j, e))
}

export function dateTimeMatcher(kind: DateTimeKind, format: string | undefined): DateTimeMatcher {
  if (kind === 'time' || kind === 'timetz') {
    const zone = kind === 'timetz'
    return (buf, s, e) => isoTimeAt(buf, s, e, zone) || matchesAuto('time', text(buf, s, e))
  }

  if (format === 'auto') return (buf, s, e) => matchesDefault(kind, buf, s, e) || matchesAuto(kind, text(buf, s, e))
  if (format === 'epochsecs' || format === 'epochmillisecs')
    return (buf, s, e) => /^-?\d+(?:\.\d+)?$/.test(text(buf, s, e))
  if (format === undefined) return (buf, s, e) => matchesDefault(kind, buf, s, e)
  const pattern = compileFormat(format, kind)
  return (buf, s, e) => pattern(text(buf, s, e))
}

function matchesDefault(kind: DateTimeKind, buf: Uint8Array, s: number, e: number): boolean {
  while (s < e && buf[s] === 0x20) s++
  while (e > s && buf[e - 1] === 0x20) e--
  if (e - s < 10 || !isoDateAt(buf, s)) return false
  if (e - s === 10) return true
  // DATE ignores a time part after the date; TIMESTAMP reads it.
  if (buf[s + 10] !== 0x20) return false
  if (kind === 'date') return true
  return isoTimeAt(buf, s + 11, e, kind === 'timestamptz')
}

const AUTO_PATTERNS: RegExp[] = [
  // Y-M-D with - / . separators, optional time (T or space), optional zone.
  new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:t|\s+)${TIME_PART}${ZONE})?$`, 'i'),
  // M/D/Y, M-D-Y, D.M.Y-like orders with 2- or 4-digit years.
  new RegExp(String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:\s+${TIME_PART}${ZONE})?$`, 'i'),
  // Month names: Mon DD, YYYY / DD Mon YYYY / Mon-DD-YY / YYYY Mon DD, optional time and zone, BC.
  new RegExp(
    String.raw`^(?:${MONTH_NAME}[-\s/.]*\d{1,2}(?:st|nd|rd|th)?,?[-\s/.]*\d{2,4}|\d{1,2}[-\s/.]*${MONTH_NAME}[-\s/.,]*\d{2,4}|\d{4}[-\s/.]*${MONTH_NAME}[-\s/.]*\d{1,2})(?:\s+${TIME_PART}${ZONE})?(?:\s*bc)?$`,
    'i',
  ),
  // DD Mon HH:MI:SS YYYY TZ (the `date` command's output), with an optional weekday.
  new RegExp(
    String.raw`^(?:[a-z]{3},?\s+)?(?:\d{1,2}\s+${MONTH_NAME}|${MONTH_NAME}\s+\d{1,2})\s+${TIME_PART}\s+\d{4}${ZONE}$`,
    'i',
  ),
  // YYYYMMDD [HHMISS], YYMMDD HHMISS
  /^(\d{4})(\d{2})(\d{2})(?:[t\s]?\d{6}(?:\.\d{1,6})?)?$/i,
  /^\d{6}\s+\d{6}$/,
  // Julian day, YYYY.DDD
  /^j\d{1,7}(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$/i,
  /^\d{4}\.\d{3}$/,
]

const TIME_ONLY = new RegExp(String.raw`^${TIME_PART}${ZONE}$`, 'i')

function matchesAuto(kind: 'time' | DateTimeKind, value: string): boolean {
  if (kind === 'time') return TIME_ONLY.test(value)
  for (const [index, pattern] of AUTO_PATTERNS.entries()) {
    const m = pattern.exec(value)
    if (!m) continue
    if (index === 0 || index === 4) return validDate(Number(m[1]), Number(m[2]), Number(m[3]))
    if (index === 1) {
      // Month first (US) or day first: valid if either reading is a date.
      const a = Number(m[1])
      const b = Number(m[2])
      const y = Number(m[3])
      return validDate(y, a, b) || validDate(y, b, a)
    }

    return true
  }

  return false
}

/** A matcher for an explicit DATEFORMAT/TIMEFORMAT string. */
export function compileFormat(format: string, kind: DateTimeKind): (value: string) => boolean {
  const parts: string[] = []
  const groups: Array<'day' | 'hour' | 'minute' | 'month' | 'monthName' | 'second' | 'year2' | 'year4'> = []
  let i = 0
  const upper = format.toUpperCase()
  while (i < format.length) {
    const rest = upper.slice(i)
    const token = ['YYYY', 'HH24', 'HH12', 'MON', 'YY', 'MM', 'DD', 'HH', 'MI', 'SS', 'AM', 'PM'].find((t) =>
      rest.startsWith(t),
    )
    if (token === undefined) {
      const c = format[i]!
      parts.push(/\s/.test(c) ? String.raw`\s*` : c.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`))
      i++
      continue
    }

    i += token.length
    switch (token) {
      case 'AM':
      case 'PM': {
        parts.push(String.raw`\s*[ap]\.?m\.?`)
        break
      }

      case 'DD': {
        parts.push(String.raw`(\d{1,2})`)
        groups.push('day')
        break
      }

      case 'HH':
      case 'HH12':
      case 'HH24': {
        parts.push(String.raw`(\d{1,2})`)
        groups.push('hour')
        break
      }

      case 'MI': {
        parts.push(String.raw`(\d{1,2})`)
        groups.push('minute')
        break
      }

      case 'MM': {
        parts.push(String.raw`(\d{1,2})`)
        groups.push('month')
        break
      }

      case 'MON': {
        parts.push(MONTH_NAME)
        groups.push('monthName')
        break
      }

      case 'SS': {
        parts.push(String.raw`(\d{1,2})(?:\.\d{1,6})?`)
        groups.push('second')
        break
      }

      case 'YY': {
        parts.push(String.raw`(\d{2})`)
        groups.push('year2')
        break
      }

      default: {
        parts.push(String.raw`(\d{4})`)
        groups.push('year4')
      }
    }
  }

  // A DATE keeps only the date: a time part after the pattern is ignored. TIMESTAMPTZ values may
  // carry an offset after the pattern (the format string itself cannot name a zone).
  const tail = kind === 'date' ? String.raw`(?:[\sT].*)?` : kind === 'timestamptz' ? ZONE : ''
  const regex = new RegExp(`^${parts.join('')}${tail}$`, 'i')
  return (value) => {
    const m = regex.exec(value)
    if (!m) return false
    let year = 2000
    let month = 1
    let day = 1
    let hour = 0
    let minute = 0
    let second = 0
    for (const [index, group] of groups.entries()) {
      const v = m[index + 1]!
      switch (group) {
        case 'day': {
          day = Number(v)
          break
        }

        case 'hour': {
          hour = Number(v)
          break
        }

        case 'minute': {
          minute = Number(v)
          break
        }

        case 'month': {
          month = Number(v)
          break
        }

        case 'monthName': {
          month = monthNumber(v)
          break
        }

        case 'year2': {
          year = 2000 + Number(v)
          break
        }

        case 'year4': {
          year = Number(v)
          break
        }

        default: {
          second = Number(v)
        }
      }
    }

    return validDate(year, month, day) && validTime(hour, minute, second)
  }
}
