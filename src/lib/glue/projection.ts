/**
 * The Athena partition projection properties that would replace syncing a table, worked out from
 * its layout and the partitions found in S3. Athena recommends traditional partitions when more
 * than half of the projected partitions would be empty, so the suggestion says how dense it is.
 */
import {
  type DateComponents,
  type DateField,
  type DateToken,
  finestField,
  parseDateValue,
  parseTypedDate,
} from './date-format.js'
import {HIVE_DEFAULT_PARTITION} from './hive-path.js'
import {baseType, type Layout} from './layout.js'

export interface ProjectionSuggestion {
  /** Partitions found in S3 divided by partitions the properties would project. */
  density: number
  found: number
  projected: number
  properties: Record<string, string>
  reason: string
  /** True when projection is worth it: the layout is regular and ≥ half of the projected partitions exist. */
  recommended: boolean
  /** True when every prefix follows the layout (the properties describe all of it). */
  regular: boolean
}

const UNIT: Record<DateField, string> = {
  day: 'DAYS',
  hour: 'HOURS',
  minute: 'MINUTES',
  month: 'MONTHS',
  second: 'SECONDS',
  year: 'YEARS',
}
const YYYY_MM_DD: DateToken[] = [
  {field: 'year', kind: 'field', width: 4},
  {kind: 'literal', text: '-'},
  {field: 'month', kind: 'field', width: 2},
  {kind: 'literal', text: '-'},
  {field: 'day', kind: 'field', width: 2},
]

function periodIndex(c: DateComponents, unit: DateField): number {
  const y = c.year ?? 0
  const mo = (c.month ?? 1) - 1
  if (unit === 'year') return y
  if (unit === 'month') return y * 12 + mo
  const ms = Date.UTC(y, mo, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
  const per: Record<string, number> = {day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000}
  return Math.floor(ms / per[unit]!)
}

/** Add `prefix.name = value` in the order given (Athena's documentation order: type, range, format, …). */
function set(props: Record<string, string>, prefix: string, entries: Array<[string, string]>): void {
  for (const [name, value] of entries) props[`${prefix}.${name}`] = value
}

export function suggestProjection(
  layout: Layout,
  partitions: Array<{values: string[]}>,
  irregular: number,
): ProjectionSuggestion | undefined {
  if (partitions.length === 0) return undefined
  const props: Record<string, string> = {'projection.enabled': 'true'}
  let projected = 1
  const notes: string[] = []
  for (const [i, key] of layout.keys.entries()) {
    // Distinct values only: the properties depend on the set of values, not on how often each occurs.
    const values = [...new Set(partitions.map((p) => p.values[i] ?? ''))].filter((v) => v !== HIVE_DEFAULT_PARTITION)
    const p = `projection.${key.name}`
    const tokens = key.format?.tokens ?? (baseType(key.type) === 'date' ? YYYY_MM_DD : undefined)
    const dates = tokens
      ? values.map(
          (v) => parseDateValue(v, tokens) ?? (baseType(key.type) === 'date' ? parseTypedDate(v, 'date') : undefined),
        )
      : []
    if (tokens && dates.length > 0 && dates.every(Boolean)) {
      const unit = finestField(tokens)
      const idx = (dates as DateComponents[]).map((d) => periodIndex(d, unit))
      const min = values[idx.indexOf(Math.min(...idx))]!
      set(props, p, [
        ['type', 'date'],
        ['range', `${min},NOW`],
        ['format', key.format?.text ?? 'yyyy-MM-dd'],
        ['interval', '1'],
        ['interval.unit', UNIT[unit]],
      ])
      projected *= Math.max(...idx) - Math.min(...idx) + 1
      continue
    }

    if (values.length > 0 && values.every((v) => /^-?\d+$/.test(v))) {
      const nums = values.map(Number)
      const min = Math.min(...nums)
      const max = Math.max(...nums)
      set(props, p, [
        ['type', 'integer'],
        ['range', `${min},${max}`],
      ])
      const widths = new Set(values.map((v) => v.length))
      if (widths.size === 1 && values.some((v) => v.length > 1 && v.startsWith('0')))
        props[`${p}.digits`] = String(values[0]!.length)
      projected *= max - min + 1
      continue
    }

    const distinct = [...new Set(values)].sort()
    if (distinct.length <= 40) {
      set(props, p, [
        ['type', 'enum'],
        ['values', distinct.join(',')],
      ])
      projected *= Math.max(1, distinct.length)
    } else {
      props[`${p}.type`] = 'injected'
      notes.push(
        `${key.name} has ${distinct.length} distinct values: injected (every query must filter on ${key.name} with =)`,
      )
    }
  }

  props['storage.location.template'] = layout.template
  const found = partitions.length
  const density = projected > 0 ? found / projected : 0
  const recommended = irregular === 0 && density >= 0.5
  const reason =
    irregular > 0
      ? `${irregular} prefix(es) do not follow the layout; projection would not see them`
      : density >= 0.5
        ? `${found} of ${projected} projected partitions exist (${Math.round(density * 100)} %)${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`
        : `only ${found} of ${projected} projected partitions exist (${Math.round(density * 100)} %); Athena recommends traditional partitions when more than half would be empty`
  return {density, found, projected, properties: props, reason, recommended, regular: irregular === 0}
}
