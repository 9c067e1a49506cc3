/**
 * What part of a table one run looks at: `--where key=value` and `--since 7d`. The same scope prunes
 * the S3 walk (whole prefixes are skipped), filters the catalog partitions read (so nothing outside
 * the scope looks stale), and is pushed down to GetPartitions as an Expression where Glue can.
 */
import {UsageError} from '../core/errors.js'
import {type DateComponents, formatDate, periodEnd, sortsLexically} from './date-format.js'
import {baseType, DATE_KEY_NAMES, keyComponents, type Layout, type PartitionKey} from './layout.js'

export interface Scope {
  /** Instant (ms, UTC): partitions whose whole period ends at or before it are out of scope. */
  sinceMs?: number | undefined
  /** Key index → exact value. */
  where: Map<number, string>
}

export function makeScope(keys: PartitionKey[], where: Record<string, string>, sinceMs?: number): Scope {
  const map = new Map<number, string>()
  for (const [name, value] of Object.entries(where)) {
    const i = keys.findIndex((k) => k.name.toLowerCase() === name.toLowerCase())
    if (i === -1) {
      throw new UsageError(`--where: "${name}" is not a partition key of the table`, {
        suggestions: [`Partition keys: ${keys.map((k) => k.name).join(', ') || '(none)'}.`],
      })
    }

    if (value === '')
      throw new UsageError(`--where ${name}= has no value`, {suggestions: [`Write it as --where ${name}=VALUE.`]})
    map.set(i, value)
  }

  if (sinceMs !== undefined && !keys.some((k) => isDateKey(k))) {
    throw new UsageError('--since needs a date partition key, and this table has none', {
      suggestions: [
        'Date keys are keys of type date or timestamp, keys named year/month/day/hour, or keys with a date format (projection.KEY.format on the table, or --key-format KEY=yyyy/MM/dd/HH).',
        'Use --where KEY=VALUE to limit the run instead.',
      ],
    })
  }

  return {sinceMs, where: map}
}

export function isDateKey(k: PartitionKey): boolean {
  const t = baseType(k.type)
  return Boolean(k.format) || t === 'date' || t === 'timestamp' || k.name.toLowerCase() in DATE_KEY_NAMES
}

export function scopeIsEmpty(scope: Scope): boolean {
  return scope.sinceMs === undefined && scope.where.size === 0
}

/** May a prefix with these complete key values and date components hold partitions in scope? */
export function prefixInScope(scope: Scope, complete: Map<number, string>, components: DateComponents): boolean {
  for (const [key, value] of complete) {
    const wanted = scope.where.get(key)
    if (wanted !== undefined && wanted !== value) return false
  }

  if (scope.sinceMs !== undefined) {
    const end = periodEnd(components)
    if (end !== undefined && end <= scope.sinceMs) return false
  }

  return true
}

/** Is a complete partition (values in key order) in scope? Partitions whose dates cannot be read stay in. */
export function valuesInScope(scope: Scope, keys: PartitionKey[], values: string[]): boolean {
  if (scope.sinceMs === undefined && scope.where.size === 0) return true
  const complete = new Map(values.map((v, i) => [i, v]))
  const components: DateComponents = {}
  if (scope.sinceMs !== undefined)
    for (const [i, k] of keys.entries()) Object.assign(components, keyComponents(k, values[i] ?? '') ?? {})
  return prefixInScope(scope, complete, components)
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

const NUMERIC = new Set(['bigint', 'int', 'integer', 'long', 'smallint', 'tinyint'])

/**
 * A GetPartitions Expression that selects a superset of the scope (Glue's expression language is
 * SQL-like; string keys compare as text). Undefined when nothing can be pushed down.
 */
export function scopeExpression(scope: Scope, layout: Layout): string | undefined {
  const terms: string[] = []
  for (const [i, value] of scope.where) {
    const k = layout.keys[i]!
    const numeric = NUMERIC.has(baseType(k.type)) && /^-?\d+$/.test(value)
    terms.push(`${k.name} = ${numeric ? value : quote(value)}`)
  }

  if (scope.sinceMs !== undefined) {
    const term = sinceTerm(scope.sinceMs, layout.keys)
    if (term) terms.push(term)
  }

  if (terms.length === 0) return undefined
  const expression = terms.join(' AND ')
  // Glue documents 2048 characters; a longer filter is applied client-side only.
  return expression.length <= 2048 ? expression : undefined
}

function sinceTerm(sinceMs: number, keys: PartitionKey[]): string | undefined {
  for (const k of keys) {
    const type = baseType(k.type)
    if (k.format && (type === 'string' || type === 'varchar' || type === 'char') && sortsLexically(k.format.tokens)) {
      // The period containing `since` must stay in: format the start of `since`'s own period.
      return `${k.name} >= ${quote(formatDate(sinceMs, k.format.tokens))}`
    }

    if (!k.format && type === 'date') return `${k.name} >= ${quote(new Date(sinceMs).toISOString().slice(0, 10))}`
    if (!k.format && k.name.toLowerCase() === 'year') {
      const year = new Date(sinceMs).getUTCFullYear()
      if (NUMERIC.has(type)) return `${k.name} >= ${year}`
      if (type === 'string') return `${k.name} >= ${quote(String(year))}`
    }

    if (isDateKey(k)) return undefined
  }

  return undefined
}
