import {UsageError} from '../errors.js'

export type DurationUnit = 'days' | 'hours' | 'minutes' | 'months' | 'seconds' | 'weeks' | 'years'

/** A parsed duration keeps its calendar parts, because S3 counts a month as 30 days and a year as 365. */
export interface Duration {
  /** The text as the user wrote it, for messages. */
  input: string
  parts: Partial<Record<DurationUnit, number>>
}

const UNIT_ALIASES: Record<string, DurationUnit> = {
  d: 'days',
  day: 'days',
  days: 'days',
  h: 'hours',
  hour: 'hours',
  hours: 'hours',
  hr: 'hours',
  hrs: 'hours',
  m: 'minutes',
  min: 'minutes',
  mins: 'minutes',
  minute: 'minutes',
  minutes: 'minutes',
  mo: 'months',
  mon: 'months',
  month: 'months',
  months: 'months',
  mos: 'months',
  s: 'seconds',
  sec: 'seconds',
  second: 'seconds',
  seconds: 'seconds',
  secs: 'seconds',
  w: 'weeks',
  week: 'weeks',
  weeks: 'weeks',
  wk: 'weeks',
  y: 'years',
  year: 'years',
  years: 'years',
  yr: 'years',
  yrs: 'years',
}

const SECONDS: Record<DurationUnit, number> = {
  days: 86_400,
  hours: 3600,
  minutes: 60,
  // S3 lifecycle arithmetic: a month is 30 days, a year 365 days.
  months: 30 * 86_400,
  seconds: 1,
  weeks: 7 * 86_400,
  years: 365 * 86_400,
}

const EXAMPLES = 'e.g. 15m, 2h, 7d, 6 months, 2y, P6M or PT15M'

/**
 * Parse `15m`, `2h`, `7d`, `6 months`, `1y 6mo`, `2 weeks` or ISO-8601 (`P6M`, `PT15M`, `P1Y2M10DT2H`).
 * `m` means minutes; months are `mo`, `month(s)` or ISO `P…M`.
 */
export function parseDuration(text: string, flag = 'duration'): Duration {
  const input = text.trim()
  if (input === '') throw new UsageError(`${flag} is empty`, {suggestions: [`Give a duration, ${EXAMPLES}.`]})
  const parts = /^p/i.test(input) ? parseIso(input) : parseHuman(input)
  if (!parts) {
    throw new UsageError(`${flag} "${text}" is not a duration`, {
      suggestions: [`Use a number and a unit, ${EXAMPLES}.`],
    })
  }

  return {input, parts}
}

function parseHuman(input: string): Duration['parts'] | undefined {
  const re = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?\s*/giy
  const parts: Duration['parts'] = {}
  let consumed = 0
  let match: null | RegExpExecArray
  while ((match = re.exec(input)) !== null) {
    const unit = UNIT_ALIASES[match[2]!.toLowerCase()]
    if (!unit || parts[unit] !== undefined) return undefined
    parts[unit] = Number(match[1])
    consumed = re.lastIndex
  }

  if (consumed !== input.length || Object.keys(parts).length === 0) return undefined
  return parts
}

function parseIso(input: string): Duration['parts'] | undefined {
  const m =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      input,
    )
  if (!m || input.length < 3 || /T$/i.test(input)) return undefined
  const units: DurationUnit[] = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds']
  const parts: Duration['parts'] = {}
  for (const [i, unit] of units.entries()) {
    const v = m[i + 1]
    if (v !== undefined) parts[unit] = Number(v)
  }

  return Object.keys(parts).length > 0 ? parts : undefined
}

export function durationToSeconds(d: Duration): number {
  let total = 0
  for (const [unit, value] of Object.entries(d.parts) as Array<[DurationUnit, number]>) total += value * SECONDS[unit]
  return total
}

export function durationToMs(d: Duration): number {
  return Math.round(durationToSeconds(d) * 1000)
}

/**
 * Whole days as S3 lifecycle rules count them (month = 30, year = 365). A duration that is not a
 * whole number of days (36h, 90m) is rejected: S3 has no finer unit.
 */
export function durationToDays(d: Duration, flag = 'duration'): number {
  const days = durationToSeconds(d) / 86_400
  if (!Number.isInteger(days)) {
    throw new UsageError(`${flag} "${d.input}" is ${days.toFixed(2)} days; S3 lifecycle rules count whole days`, {
      suggestions: ['Use a whole number of days, weeks, months (30 days) or years (365 days).'],
    })
  }

  return days
}

/** "180 days (6 months × 30)" style explanation for tables. */
export function explainDays(d: Duration): string {
  const terms = (Object.entries(d.parts) as Array<[DurationUnit, number]>).map(([unit, value]) => {
    const perDay = SECONDS[unit] / 86_400
    return perDay === 1 ? `${value} days` : `${value} ${unit} × ${perDay < 1 ? `1/${1 / perDay}` : perDay}`
  })
  return `${durationToSeconds(d) / 86_400} days (${terms.join(' + ')})`
}

export function formatDurationMs(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`
  if (s < 86_400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)}h` : ''}`
}
