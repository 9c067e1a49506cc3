import {UsageError} from '../errors.js'
import {durationToMs, parseDuration} from './duration.js'

export interface TimeWindowInput {
  end?: string | undefined
  /** Default look-back when neither --since nor --start is given (e.g. '15m'). */
  fallbackSince?: string
  now: Date
  since?: string | undefined
  start?: string | undefined
}

export interface TimeWindow {
  end: Date
  start: Date
}

/**
 * `--since 2h`, or `--start T [--end T]`, where T is ISO-8601 (`2026-11-22T10:00:00Z`, `2026-11-22`),
 * epoch seconds or milliseconds, or a duration ago (`--start 3h --end 1h`).
 */
export function parseTimeWindow(input: TimeWindowInput): TimeWindow {
  if (input.since && (input.start || input.end)) {
    throw new UsageError('--since cannot be combined with --start or --end', {
      suggestions: ['Use --since 2h for "the last two hours", or --start and --end for a fixed window.'],
    })
  }

  const {now} = input
  let start: Date
  let end = now
  if (input.start) {
    start = parseInstant(input.start, '--start', now)
    if (input.end) end = parseInstant(input.end, '--end', now)
  } else {
    if (input.end)
      throw new UsageError('--end needs --start', {
        suggestions: ['Add --start, or use --since for a window ending now.'],
      })
    const since = input.since ?? input.fallbackSince
    if (!since) throw new UsageError('no time window given', {suggestions: ['Add --since 2h, or --start and --end.']})
    start = new Date(now.getTime() - durationToMs(parseDuration(since, '--since')))
  }

  if (end.getTime() <= start.getTime()) {
    throw new UsageError(
      `the window is empty: --start ${start.toISOString()} is not before --end ${end.toISOString()}`,
      {
        suggestions: ['Swap the two times, or give a later --end.'],
      },
    )
  }

  return {end, start}
}

export function parseInstant(text: string, flag: string, now: Date): Date {
  const t = text.trim()
  if (/^\d{10}$/.test(t)) return new Date(Number(t) * 1000)
  if (/^\d{13}$/.test(t)) return new Date(Number(t))
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : t)
    if (!Number.isNaN(d.getTime())) return d
  } else {
    try {
      return new Date(now.getTime() - durationToMs(parseDuration(t, flag)))
    } catch {
      // fall through to the error below, which lists every accepted form
    }
  }

  throw new UsageError(`${flag} "${text}" is not a time`, {
    suggestions: ['Use ISO-8601 (2026-11-22T10:00:00Z or 2026-11-22), epoch seconds, or a duration ago (3h).'],
  })
}
