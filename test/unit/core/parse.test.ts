import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/lib/core/errors.js'
import {
  durationToDays,
  durationToMs,
  explainDays,
  formatDurationMs,
  parseDuration,
} from '../../../src/lib/core/parse/duration.js'
import {parseCommaList, parseKeyValueList, parsePositiveInt} from '../../../src/lib/core/parse/lists.js'
import {formatS3Uri, isS3Uri, parseS3Uri} from '../../../src/lib/core/parse/s3-uri.js'
import {formatBytes, parseSize} from '../../../src/lib/core/parse/size.js'
import {parseInstant, parseTimeWindow} from '../../../src/lib/core/parse/time-window.js'

describe('parseDuration', () => {
  it.each([
    ['15m', 15 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['90s', 90_000],
    ['2 weeks', 14 * 86_400_000],
    ['1h 30m', 90 * 60_000],
    ['PT15M', 15 * 60_000],
    ['P1DT2H', 26 * 3_600_000],
  ])('%s = %i ms', (text, ms) => {
    expect(durationToMs(parseDuration(text))).toBe(ms)
  })

  it.each([
    ['6 months', 180],
    ['6months', 180],
    ['6mo', 180],
    ['P6M', 180],
    ['2y', 730],
    ['P2Y', 730],
    ['1 year', 365],
    ['30d', 30],
    ['1y 6mo', 545],
  ])('%s = %i days as S3 counts them', (text, days) => {
    expect(durationToDays(parseDuration(text))).toBe(days)
  })

  it('explains the day arithmetic', () => {
    expect(explainDays(parseDuration('6 months'))).toBe('180 days (6 months × 30)')
  })

  it.each(['', 'soon', '15', 'm15', '5 parsecs', '2h2h', 'P', 'PT', 'P1H'])(
    'rejects %j with a usage error naming the value',
    (text) => {
      expect(() => parseDuration(text, '--since')).toThrow(UsageError)
      if (text !== '') expect(() => parseDuration(text, '--since')).toThrow(new RegExp(`--since "${text}"`))
    },
  )

  it('rejects fractions of a day for S3 day counts', () => {
    expect(() => durationToDays(parseDuration('36h'), '--ia-after')).toThrow(/whole days/)
  })

  it('formats durations compactly', () => {
    expect(formatDurationMs(45_000)).toBe('45s')
    expect(formatDurationMs(90_000)).toBe('1m 30s')
    expect(formatDurationMs(2 * 3_600_000)).toBe('2h')
    expect(formatDurationMs(26 * 3_600_000)).toBe('1d 2h')
  })

  it('round-trips any whole number of days', () => {
    fc.assert(
      fc.property(fc.integer({max: 100_000, min: 1}), (days) => {
        expect(durationToDays(parseDuration(`${days}d`))).toBe(days)
        expect(durationToDays(parseDuration(`P${days}D`))).toBe(days)
      }),
    )
  })
})

describe('parseSize', () => {
  it.each([
    ['512', 512],
    ['128KB', 128_000],
    ['128KiB', 131_072],
    ['100MB', 100_000_000],
    ['1.5GiB', 1_610_612_736],
    ['1 gb', 1_000_000_000],
    ['5MiB', 5_242_880],
  ])('%s = %i bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each(['', 'big', '10 XB', '-5MB', '1e3'])('rejects %j', (text) => {
    expect(() => parseSize(text, '--target-size')).toThrow(UsageError)
  })

  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.50 KiB')
    expect(formatBytes(100 * 2 ** 20)).toBe('100 MiB')
  })
})

describe('parseTimeWindow', () => {
  const now = new Date('2026-11-22T12:00:00Z')

  it('--since ends now', () => {
    expect(parseTimeWindow({now, since: '2h'})).toEqual({end: now, start: new Date('2026-11-22T10:00:00Z')})
  })

  it('falls back to the default look-back', () => {
    expect(parseTimeWindow({fallbackSince: '15m', now}).start).toEqual(new Date('2026-11-22T11:45:00Z'))
  })

  it('accepts ISO, dates, epoch seconds, epoch ms and durations ago', () => {
    expect(parseTimeWindow({end: '2026-11-22T11:00:00Z', now, start: '2026-11-22T10:00:00Z'})).toEqual({
      end: new Date('2026-11-22T11:00:00Z'),
      start: new Date('2026-11-22T10:00:00Z'),
    })
    expect(parseInstant('2026-11-21', '--start', now)).toEqual(new Date('2026-11-21T00:00:00Z'))
    expect(parseInstant('1763805600', '--start', now)).toEqual(new Date(1_763_805_600_000))
    expect(parseInstant('1763805600000', '--start', now)).toEqual(new Date(1_763_805_600_000))
    expect(parseInstant('3h', '--start', now)).toEqual(new Date('2026-11-22T09:00:00Z'))
  })

  it('rejects conflicting and empty windows with usage errors', () => {
    expect(() => parseTimeWindow({now, since: '1h', start: '2h'})).toThrow(/--since cannot be combined/)
    expect(() => parseTimeWindow({end: '1h', now})).toThrow(/--end needs --start/)
    expect(() => parseTimeWindow({end: '3h', now, start: '1h'})).toThrow(/window is empty/)
    expect(() => parseTimeWindow({now})).toThrow(/no time window/)
    expect(() => parseTimeWindow({now, start: 'yesterday-ish'})).toThrow(/--start "yesterday-ish" is not a time/)
  })
})

describe('parseS3Uri', () => {
  it('splits bucket and key', () => {
    expect(parseS3Uri('s3://my-bucket/a/b/c.gz')).toEqual({bucket: 'my-bucket', key: 'a/b/c.gz'})
    expect(parseS3Uri('s3://my-bucket')).toEqual({bucket: 'my-bucket', key: ''})
    expect(parseS3Uri('s3a://my.bucket/x/')).toEqual({bucket: 'my.bucket', key: 'x/'})
    expect(isS3Uri('s3://b/k')).toBe(true)
    expect(isS3Uri('/tmp/x')).toBe(false)
    expect(formatS3Uri({bucket: 'b-1', key: 'k'})).toBe('s3://b-1/k')
  })

  it.each(['http://b/k', 'bucket/key', 's3://', 's3://UPPER/k', 's3://ab/k', 's3://192.168.1.1/k', 's3://a..b/k'])(
    'rejects %j',
    (text) => {
      expect(() => parseS3Uri(text, '--input')).toThrow(UsageError)
    },
  )
})

describe('lists', () => {
  it('splits, trims and flattens comma lists', () => {
    expect(parseCommaList(' a, b,,c ')).toEqual(['a', 'b', 'c'])
    expect(parseCommaList(['a,b', 'c'])).toEqual(['a', 'b', 'c'])
    expect(parseCommaList()).toEqual([])
  })

  it('parses key=value lists on the first =', () => {
    expect(parseKeyValueList('year=2026,expr=a=b', '--where')).toEqual({expr: 'a=b', year: '2026'})
    expect(() => parseKeyValueList('year', '--where')).toThrow(/--where "year" is not key=value/)
  })

  it('checks whole numbers in range', () => {
    expect(parsePositiveInt('16', '--concurrency', {max: 64})).toBe(16)
    expect(() => parsePositiveInt('0', '--concurrency')).toThrow(/--concurrency must be a whole number/)
    expect(() => parsePositiveInt('2.5', '--concurrency')).toThrow(UsageError)
    expect(() => parsePositiveInt('100', '--concurrency', {max: 64})).toThrow(/from 1 to 64/)
  })
})
