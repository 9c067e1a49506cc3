/**
 * Partition path layouts: Hive-style `k=v/` (the default) or a template in Athena's partition
 * projection syntax (`s3://bucket/prefix/${year}/${month}/${day}/`), where one key may span several
 * path segments through its date format (`${dt}` with `yyyy/MM/dd/HH`, the Firehose layout).
 *
 * A layout is a list of levels, one per path segment below the root. Each level matches one segment
 * and contributes text to one or more keys' values and, for date keys, date components for pruning.
 */
import {UsageError} from '../core/errors.js'
import {parseS3Uri, type S3Location} from '../core/parse/s3-uri.js'
import {
  type DateComponents,
  type DateToken,
  escapeRegex,
  fieldPattern,
  parseDateValue,
  parseTypedDate,
} from './date-format.js'
import {escapePathName, HIVE_DEFAULT_PARTITION, parseHiveSegment} from './hive-path.js'

export interface PartitionKey {
  /** A date format for the key's value (from projection.<key>.format or --key-format). */
  format?: undefined | {text: string; tokens: DateToken[]}
  name: string
  /** Glue column type, lower case: string, int, date, … */
  type: string
}

type PatternToken =
  | {field: DateToken & {kind: 'field'}; key: number; kind: 'field'}
  | {key: number; kind: 'keyLiteral'; text: string}
  | {key: number; kind: 'value'}
  | {kind: 'literal'; text: string}

export type Level =
  | {
      /** Capture group of each date field. */
      fieldGroups: Array<{field: DateToken & {kind: 'field'}; group: number}>
      /** Capture group of each key's text in this segment. */
      keyGroups: Array<{group: number; key: number}>
      kind: 'pattern'
      /** A segment with no placeholder: the walk steps into it without listing. */
      literal?: string | undefined
      regex: RegExp
      source: string
    }
  | {key: number; kind: 'hive'}

export interface Layout {
  keys: PartitionKey[]
  kind: 'hive' | 'template'
  levels: Level[]
  /** Where the walk starts: bucket and a prefix ending in '/' (or '' for the bucket root). */
  root: S3Location
  /** Display form, e.g. s3://b/t/year=${year}/month=${month}/. */
  template: string
}

export type LevelMatch =
  | {
      /** Set when a Hive key matched only case-insensitively. */
      caseMismatch?: undefined | {expected: string; found: string}
      components: DateComponents
      ok: true
      /** Text this segment adds to each key's value (joined with '/' to earlier text of the same key). */
      parts: Array<{key: number; text: string}>
    }
  | {detail: string; kind: AnomalyKind; ok: false}

export type AnomalyKind = 'empty-value' | 'no-template-match' | 'wrong-key-order'

export function hiveLayout(location: string, keys: PartitionKey[]): Layout {
  const root = parseS3Uri(location, 'table location')
  const prefix = root.key === '' || root.key.endsWith('/') ? root.key : `${root.key}/`
  return {
    keys,
    kind: 'hive',
    levels: keys.map((_, i) => ({key: i, kind: 'hive' as const})),
    root: {bucket: root.bucket, key: prefix},
    template: `s3://${root.bucket}/${prefix}${keys.map((k) => `${k.name.toLowerCase()}=\${${k.name}}/`).join('')}`,
  }
}

/**
 * Where a partition with these values lives under the table's layout (Hive: `k=escaped(v)/` per
 * key under the root; a template: its placeholders filled in); undefined when a value is missing.
 */
export function layoutLocation(layout: Layout, values: string[]): string | undefined {
  if (values.length !== layout.keys.length) return undefined
  if (layout.kind === 'hive') {
    const path = layout.keys.map((k, i) => `${k.name.toLowerCase()}=${escapePathName(values[i]!)}/`).join('')
    return `s3://${layout.root.bucket}/${layout.root.key}${path}`
  }

  const byName = new Map(layout.keys.map((k, i) => [k.name.toLowerCase(), i]))
  let missing = false
  const filled = layout.template.replaceAll(/\$\{([^}]+)\}/g, (_, name: string) => {
    const i = byName.get(name.toLowerCase())
    if (i === undefined) missing = true
    return i === undefined ? '' : values[i]!
  })
  return missing ? undefined : filled
}

/**
 * Compile an Athena `storage.location.template`. Rules as Athena's: s3:// URI, a placeholder for
 * every partition key, ending with '/'. Placeholders not naming a key are refused.
 */
export function templateLayout(template: string, keys: PartitionKey[], where = '--template'): Layout {
  const text = template.trim()
  const loc = parseS3Uri(text, where)
  if (!text.endsWith('/')) {
    throw new UsageError(
      `${where} "${template}" must end with "/" (Athena requires templated locations to end with a forward slash)`,
      {
        suggestions: [`Write it as ${text}/`],
      },
    )
  }

  const byName = new Map(keys.map((k, i) => [k.name.toLowerCase(), i]))
  const segments = loc.key.split('/').slice(0, -1)
  const seen = new Set<number>()
  let rootSegments = 0
  while (rootSegments < segments.length && !segments[rootSegments]!.includes('${')) rootSegments++
  const levels: Level[] = []
  // Tokens of the path below the root; a key with a multi-segment date format contributes '/' literals.
  const tokens: PatternToken[] = []
  for (const [i, segment] of segments.slice(rootSegments).entries()) {
    if (i > 0) tokens.push({kind: 'literal', text: '/'})
    const re = /\$\{([^}]*)\}/g
    let last = 0
    let m: null | RegExpExecArray
    while ((m = re.exec(segment)) !== null) {
      if (m.index > last) tokens.push({kind: 'literal', text: segment.slice(last, m.index)})
      const name = m[1]!.trim()
      const key = byName.get(name.toLowerCase())
      if (key === undefined) {
        throw new UsageError(`${where}: \${${name}} is not a partition key of the table`, {
          suggestions: [`Partition keys: ${keys.map((k) => k.name).join(', ') || '(none)'}.`],
        })
      }

      if (seen.has(key))
        throw new UsageError(`${where}: \${${name}} appears twice`, {suggestions: ['Use each partition key once.']})
      seen.add(key)
      const {format} = keys[key]!
      if (format) {
        for (const t of format.tokens)
          tokens.push(t.kind === 'field' ? {field: t, key, kind: 'field'} : {key, kind: 'keyLiteral', text: t.text})
      } else {
        tokens.push({key, kind: 'value'})
      }

      last = m.index + m[0].length
    }

    if (last < segment.length) tokens.push({kind: 'literal', text: segment.slice(last)})
  }

  const missing = keys.filter((_, i) => !seen.has(i)).map((k) => k.name)
  if (missing.length > 0) {
    throw new UsageError(`${where} "${template}" has no placeholder for ${missing.map((n) => `\${${n}}`).join(', ')}`, {
      suggestions: ['Athena requires a placeholder for every partition key in storage.location.template.'],
    })
  }

  // Split the token stream into path segments on '/' (inside literals and inside key formats).
  let current: PatternToken[] = []
  const flush = () => {
    levels.push(compileLevel(current))
    current = []
  }

  for (const t of tokens) {
    if (t.kind === 'literal' || t.kind === 'keyLiteral') {
      const pieces = t.text.split('/')
      for (const [j, piece] of pieces.entries()) {
        if (j > 0) flush()
        if (piece !== '') current.push({...t, text: piece})
      }
    } else {
      current.push(t)
    }
  }

  if (current.length > 0) flush()
  const prefix = segments
    .slice(0, rootSegments)
    .map((s) => `${s}/`)
    .join('')
  return {keys, kind: 'template', levels, root: {bucket: loc.bucket, key: prefix}, template: text}
}

function compileLevel(tokens: PatternToken[]): Level {
  if (tokens.every((t) => t.kind === 'literal')) {
    const literal = tokens.map((t) => (t as {text: string}).text).join('')
    return {
      fieldGroups: [],
      keyGroups: [],
      kind: 'pattern',
      literal,
      regex: new RegExp(`^${escapeRegex(literal)}$`),
      source: literal,
    }
  }

  let source = '^'
  let group = 0
  const keyGroups: Array<{group: number; key: number}> = []
  const fieldGroups: Array<{field: DateToken & {kind: 'field'}; group: number}> = []
  let openKey: number | undefined
  const closeKey = () => {
    if (openKey !== undefined) source += ')'
    openKey = undefined
  }

  for (const t of tokens) {
    const key = t.kind === 'literal' ? undefined : t.key
    if (key !== openKey) {
      closeKey()
      if (key !== undefined) {
        source += '('
        keyGroups.push({group: ++group, key})
        openKey = key
      }
    }

    switch (t.kind) {
      case 'field': {
        source += `(${fieldPattern(t.field)})`
        fieldGroups.push({field: t.field, group: ++group})
        break
      }

      case 'keyLiteral':
      case 'literal': {
        source += escapeRegex(t.text)
        break
      }

      case 'value': {
        source += '.+?'
        break
      }
    }
  }

  closeKey()
  return {
    fieldGroups,
    keyGroups,
    kind: 'pattern',
    regex: new RegExp(`${source}$`, 's'),
    source: tokens.map((t) => describeToken(t)).join(''),
  }
}

function describeToken(t: PatternToken): string {
  switch (t.kind) {
    case 'field': {
      return ({day: 'd', hour: 'H', minute: 'm', month: 'M', second: 's', year: 'y'} as const)[t.field.field].repeat(
        t.field.width,
      )
    }

    case 'value': {
      return `\${${t.key}}`
    }

    default: {
      return t.text
    }
  }
}

/** Date components that a complete value of a key carries (for --since), if any. */
export function keyComponents(key: PartitionKey, value: string): DateComponents | undefined {
  if (value === HIVE_DEFAULT_PARTITION) return undefined
  if (key.format) return parseDateValue(value, key.format.tokens)
  const type = baseType(key.type)
  if (type === 'date' || type === 'timestamp') return parseTypedDate(value, type)
  const field = DATE_KEY_NAMES[key.name.toLowerCase()]
  if (field && /^\d{1,4}$/.test(value)) return {[field]: Number(value)}
  return undefined
}

/** Keys whose name says which part of a date they hold (year=2024/month=01/day=15). */
export const DATE_KEY_NAMES: Record<string, 'day' | 'hour' | 'month' | 'year'> = {
  day: 'day',
  hour: 'hour',
  month: 'month',
  year: 'year',
}

/** `varchar(10)` → `varchar`; `decimal(5,2)` → `decimal`. */
export function baseType(type: string): string {
  return type.toLowerCase().replace(/\(.*$/, '').trim()
}

/** Match one path segment (without its trailing '/') at a level. */
/** `dates`: also work out date components (only --since pruning needs them). */
export function matchLevel(layout: Layout, levelIndex: number, segment: string, dates = true): LevelMatch {
  const level = layout.levels[levelIndex]!
  if (level.kind === 'hive') {
    const key = layout.keys[level.key]!
    const parsed = parseHiveSegment(segment)
    if (!parsed)
      return {detail: `"${segment}" is not key=value (expected ${key.name}=…)`, kind: 'no-template-match', ok: false}
    if (parsed.key.toLowerCase() !== key.name.toLowerCase()) {
      const other = layout.keys.findIndex((k) => k.name.toLowerCase() === parsed.key.toLowerCase())
      return other === -1
        ? {
            detail: `key "${parsed.key}" is not a partition key (expected ${key.name} at this level)`,
            kind: 'no-template-match',
            ok: false,
          }
        : {
            detail: `key "${parsed.key}" found where ${key.name} belongs (partition keys are ${layout.keys.map((k) => k.name).join(', ')}, in this order)`,
            kind: 'wrong-key-order',
            ok: false,
          }
    }

    if (parsed.value === '')
      return {
        detail: `"${segment}" has an empty value (Hive writes ${HIVE_DEFAULT_PARTITION} for null)`,
        kind: 'empty-value',
        ok: false,
      }
    return {
      caseMismatch: parsed.key === key.name ? undefined : {expected: key.name, found: parsed.key},
      components: dates ? (keyComponents(key, parsed.value) ?? {}) : {},
      ok: true,
      parts: [{key: level.key, text: parsed.value}],
    }
  }

  const m = level.regex.exec(segment)
  if (!m) return {detail: `"${segment}" does not match "${level.source}"`, kind: 'no-template-match', ok: false}
  const components: DateComponents = {}
  for (const {field, group} of level.fieldGroups) {
    let n = Number(m[group])
    if (field.field === 'year' && field.width === 2) n += 2000
    components[field.field] = n
  }

  const parts = level.keyGroups.map(({group, key}) => ({key, text: m[group] ?? ''}))
  if (dates) {
    for (const p of parts) {
      const key = layout.keys[p.key]!
      if (!key.format) Object.assign(components, keyComponents(key, p.text) ?? {})
    }
  }

  return {components, ok: true, parts}
}

/** The keys (by index) whose value is complete after matching levels 0..levelIndex. */
export function keysCompleteAfter(layout: Layout, levelIndex: number): Set<number> {
  const lastLevel = new Map<number, number>()
  for (const [i, level] of layout.levels.entries()) {
    if (level.kind === 'hive') lastLevel.set(level.key, i)
    else for (const g of level.keyGroups) lastLevel.set(g.key, i)
  }

  return new Set([...lastLevel.entries()].filter(([, i]) => i <= levelIndex).map(([k]) => k))
}
