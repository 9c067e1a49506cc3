/**
 * Time-window push-down to a table's partition columns, so that Athena reads only the partitions
 * of the window (and bills only them). Two layouts are recognised:
 *
 * - one string partition column with a date pattern: the partition-projection pattern of the
 *   table (`projection.<col>.format`, e.g. `yyyy/MM/dd/HH` as Firehose writes its default
 *   prefixes) or, without projection, a column named dt/date/ds/day/datehour holding
 *   `yyyy-MM-dd` (or `yyyy-MM-dd-HH` for datehour); a big-endian pattern (year first, then month,
 *   day, hour) sorts like time, so `col BETWEEN first AND last` selects the window's partitions;
 * - year/month/day[/hour] columns (Hive-style dynamic partitioning): one equality per day or hour.
 *
 * Anything else is not pushed down, and the plan says so (the query then scans every partition).
 */
import type {Expr} from './sql-model.js'

import {quoteIdent, quoteString} from './sql-model.js'

export interface PartitionColumn {
  name: string
  type: string
}

export interface TimePartitionPlan {
  /** Predicates to add to the query's WHERE clause. */
  filters: Expr[]
  /** How many partitions the window covers, and the first and last value. */
  partitions: {count: number; first: string; last: string; unit: 'day' | 'hour'}
  /** What is pushed down, in words (shown to the user). */
  summary: string
  /** The partition values the window selects (as rendered in S3 paths), for the scan estimate; undefined when too many. */
  values?: Array<Record<string, string>> | undefined
}

const MAX_LISTED_PARTITIONS = 5000
const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** Format a UTC time with a Java date pattern (the subset partition projection uses: yyyy MM dd HH mm). */
export function formatJavaDate(ms: number, pattern: string): string {
  const d = new Date(ms)
  return pattern.replaceAll(/yyyy|MM|dd|HH|mm/g, (t) => {
    switch (t) {
      case 'dd': {
        return pad(d.getUTCDate())
      }

      case 'HH': {
        return pad(d.getUTCHours())
      }

      case 'MM': {
        return pad(d.getUTCMonth() + 1)
      }

      case 'yyyy': {
        return pad(d.getUTCFullYear(), 4)
      }

      default: {
        return pad(d.getUTCMinutes())
      }
    }
  })
}

/** A pattern whose text order is time order: yyyy before MM before dd before HH, nothing else but separators. */
function isBigEndian(pattern: string): boolean {
  const order = ['yyyy', 'MM', 'dd', 'HH', 'mm'].map((t) => pattern.indexOf(t)).filter((i) => i >= 0)
  if (!pattern.includes('yyyy')) return false
  if (/[a-zA-Z]/.test(pattern.replaceAll(/yyyy|MM|dd|HH|mm/g, ''))) return false
  return order.every((v, i) => i === 0 || v > order[i - 1]!)
}

function stepsOf(startMs: number, endMs: number, unitMs: number): number[] {
  const out: number[] = []
  for (let t = Math.floor(startMs / unitMs) * unitMs; t < endMs; t += unitMs) out.push(t)
  return out
}

const DEFAULT_PATTERNS: Record<string, string> = {
  date: 'yyyy-MM-dd',
  datehour: 'yyyy-MM-dd-HH',
  day: 'yyyy-MM-dd',
  ds: 'yyyy-MM-dd',
  dt: 'yyyy-MM-dd',
}

/**
 * The push-down of [startMs, endMs) for a table with these partition columns and table
 * parameters; `undefined` with a reason when the layout is not recognised.
 */
export function timePartitionPlan(
  partitionKeys: readonly PartitionColumn[],
  parameters: Readonly<Record<string, string>>,
  window: {endMs: number; startMs: number},
): {plan: TimePartitionPlan; reason?: undefined} | {plan?: undefined; reason: string} {
  if (partitionKeys.length === 0) return {reason: 'the table is not partitioned: the query scans all of it'}
  const names = new Set(partitionKeys.map((k) => k.name.toLowerCase()))
  // year/month/day[/hour] columns.
  const ymd = ['year', 'month', 'day']
  if (ymd.every((n) => names.has(n))) {
    const withHour = names.has('hour')
    const unitMs = withHour ? HOUR_MS : DAY_MS
    const steps = stepsOf(window.startMs, window.endMs, unitMs)
    if (steps.length > MAX_LISTED_PARTITIONS)
      return {reason: `the window covers ${steps.length} year/month/day partitions, too many to list in the query`}
    const cols = withHour ? [...ymd, 'hour'] : ymd
    const realName = (n: string) => partitionKeys.find((k) => k.name.toLowerCase() === n)!
    const valueOf = (t: number, n: string): string =>
      formatJavaDate(t, {day: 'dd', hour: 'HH', month: 'MM', year: 'yyyy'}[n]!)
    // A string column holds the text the path holds: zero-padded (Firehose's !{timestamp:MM}) unless
    // the table projects it as an integer, which pads to projection.<col>.digits (none: no padding).
    const literal = (n: string, v: string): string => {
      const {name} = realName(n)
      if (!/^(string|varchar)/i.test(realName(n).type)) return String(Number(v))
      if (parameters[`projection.${name}.type`] !== 'integer') return quoteString(v)
      const digits = Number(parameters[`projection.${name}.digits`] ?? 0)
      return quoteString(String(Number(v)).padStart(digits, '0'))
    }

    const terms = steps.map(
      (t) => `(${cols.map((n) => `${quoteIdent(realName(n).name)} = ${literal(n, valueOf(t, n))}`).join(' AND ')})`,
    )
    const values = steps.map((t) => Object.fromEntries(cols.map((n) => [realName(n).name, valueOf(t, n)])))
    const label = (t: number) => cols.map((n) => valueOf(t, n)).join('/')
    return {
      plan: {
        filters: [{sql: `(${terms.join('\n    OR ')})`}],
        partitions: {
          count: steps.length,
          first: label(steps[0]!),
          last: label(steps.at(-1)!),
          unit: withHour ? 'hour' : 'day',
        },
        summary: `${cols.join('/')} = ${label(steps[0]!)} … ${label(steps.at(-1)!)} (${steps.length} partition(s))`,
        values,
      },
    }
  }

  // One date-patterned column (a DATE column compares as dates; its Hive path value is yyyy-MM-dd).
  for (const key of partitionKeys) {
    if (/^date$/i.test(key.type)) {
      const steps = stepsOf(window.startMs, window.endMs, DAY_MS)
      const first = formatJavaDate(steps[0] ?? window.startMs, 'yyyy-MM-dd')
      const last = formatJavaDate(steps.at(-1) ?? window.startMs, 'yyyy-MM-dd')
      return {
        plan: {
          filters: [{sql: `${quoteIdent(key.name)} BETWEEN DATE ${quoteString(first)} AND DATE ${quoteString(last)}`}],
          partitions: {count: steps.length, first, last, unit: 'day'},
          summary: `${key.name} BETWEEN DATE '${first}' AND DATE '${last}' (${steps.length} daily partition(s))`,
          values:
            steps.length <= MAX_LISTED_PARTITIONS
              ? steps.map((t) => ({[key.name]: formatJavaDate(t, 'yyyy-MM-dd')}))
              : undefined,
        },
      }
    }

    const projected = parameters[`projection.${key.name}.format`]
    const pattern = projected ?? DEFAULT_PATTERNS[key.name.toLowerCase()]
    if (!pattern || !/^(string|varchar)/i.test(key.type)) continue
    if (!isBigEndian(pattern))
      return {reason: `partition column ${key.name} has pattern ${pattern}, which does not sort like time`}
    const unitMs = pattern.includes('HH') ? HOUR_MS : DAY_MS
    const steps = stepsOf(window.startMs, window.endMs, unitMs)
    const first = formatJavaDate(steps[0] ?? window.startMs, pattern)
    const last = formatJavaDate(steps.at(-1) ?? window.startMs, pattern)
    const col = quoteIdent(key.name)
    return {
      plan: {
        filters: [{sql: `${col} BETWEEN ${quoteString(first)} AND ${quoteString(last)}`}],
        partitions: {count: steps.length, first, last, unit: unitMs === HOUR_MS ? 'hour' : 'day'},
        summary: `${key.name} BETWEEN '${first}' AND '${last}' (${steps.length} ${unitMs === HOUR_MS ? 'hourly' : 'daily'} partition(s), pattern ${pattern}${projected ? ", from the table's partition projection" : ', assumed from the column name'})`,
        values:
          steps.length <= MAX_LISTED_PARTITIONS
            ? steps.map((t) => ({[key.name]: formatJavaDate(t, pattern)}))
            : undefined,
      },
    }
  }

  return {
    reason: `no time partition recognised among ${partitionKeys.map((k) => k.name).join(', ')}: the query scans every partition (give a table partitioned by a date column, or year/month/day)`,
  }
}
