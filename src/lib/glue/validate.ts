/**
 * Pre-flight checks of a partition before any write, with Glue's own limits (botocore service
 * model: ValueString 1–1024, LocationString ≤ 2056) and the key's type as Athena parses it.
 */
import {parseTypedDate} from './date-format.js'
import {HIVE_DEFAULT_PARTITION} from './hive-path.js'
import {baseType, type PartitionKey} from './layout.js'

export const MAX_VALUE_LENGTH = 1024
export const MAX_LOCATION_LENGTH = 2056

const INT_RANGES: Record<string, [bigint, bigint]> = {
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  integer: [-(2n ** 31n), 2n ** 31n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
  smallint: [-(2n ** 15n), 2n ** 15n - 1n],
  tinyint: [-128n, 127n],
}

/** Why a value does not parse as the key's type, or undefined when it does. */
export function typeProblem(key: PartitionKey, value: string): string | undefined {
  if (value === HIVE_DEFAULT_PARTITION) return undefined
  const type = baseType(key.type)
  const range = INT_RANGES[type]
  if (range) {
    if (!/^[+-]?\d+$/.test(value)) return `"${value}" is not an integer (${key.name} is ${key.type})`
    const n = BigInt(value)
    return n < range[0] || n > range[1] ? `${value} is out of range for ${key.type} (${key.name})` : undefined
  }

  switch (type) {
    case 'boolean': {
      return /^(true|false)$/i.test(value) ? undefined : `"${value}" is not true or false (${key.name} is boolean)`
    }

    case 'char':
    case 'varchar': {
      const max = Number(/\((\d+)\)/.exec(key.type)?.[1])
      return Number.isFinite(max) && [...value].length > max
        ? `"${value}" is longer than ${key.type} allows (${key.name})`
        : undefined
    }

    case 'date':
    case 'timestamp': {
      return parseTypedDate(value, type)
        ? undefined
        : `"${value}" is not a ${type} (${type === 'date' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm:ss'}) (${key.name})`
    }

    case 'decimal':
    case 'double':
    case 'float':
    case 'real': {
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)
        ? undefined
        : `"${value}" is not a number (${key.name} is ${key.type})`
    }

    default: {
      return undefined
    }
  }
}

const typeCache = new WeakMap<PartitionKey, Map<string, string | undefined>>()

/** typeProblem, remembered per key: a table's partitions repeat the same few values per key. */
function cachedTypeProblem(key: PartitionKey, value: string): string | undefined {
  let cache = typeCache.get(key)
  if (!cache) {
    cache = new Map()
    typeCache.set(key, cache)
  }

  if (!cache.has(value)) {
    if (cache.size > 100_000) cache.clear()
    cache.set(value, typeProblem(key, value))
  }

  return cache.get(value)
}

/** Every reason this partition cannot be written as is (empty when it can). */
export function preflight(keys: PartitionKey[], values: string[], location: string): string[] {
  const problems: string[] = []
  if (values.length !== keys.length) problems.push(`${values.length} value(s) for ${keys.length} partition key(s)`)
  for (const [i, key] of keys.entries()) {
    const value = values[i]
    if (value === undefined) continue
    if (value.length === 0) problems.push(`${key.name} is empty (Glue needs 1–${MAX_VALUE_LENGTH} characters)`)
    else if (value.length > MAX_VALUE_LENGTH)
      problems.push(`${key.name} is ${value.length} characters long (Glue allows ${MAX_VALUE_LENGTH})`)
    const type = cachedTypeProblem(key, value)
    if (type) problems.push(type)
  }

  if (location.length > MAX_LOCATION_LENGTH)
    problems.push(`location is ${location.length} characters long (Glue allows ${MAX_LOCATION_LENGTH})`)
  return problems
}
