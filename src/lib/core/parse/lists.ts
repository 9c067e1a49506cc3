import {UsageError} from '../errors.js'

/** `a, b,,c` → ['a', 'b', 'c']; repeated flags may be passed as several values and are flattened. */
export function parseCommaList(values?: string | string[]): string[] {
  if (values === undefined) return []
  const all = Array.isArray(values) ? values : [values]
  return all
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}

/** `k=v,k2=v2` → {k: 'v', k2: 'v2'}; splits on the first `=` only, so values may contain `=`. */
export function parseKeyValueList(values: string | string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of parseCommaList(values)) {
    const eq = item.indexOf('=')
    if (eq <= 0) {
      throw new UsageError(`${flag} "${item}" is not key=value`, {
        suggestions: [`Write it as ${flag} key=value[,key2=value2].`],
      })
    }

    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim()
  }

  return out
}

export function parsePositiveInt(
  text: string,
  flag: string,
  {max, min = 1}: {max?: number; min?: number} = {},
): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
    throw new UsageError(
      `${flag} must be a whole number${max === undefined ? ` ≥ ${min}` : ` from ${min} to ${max}`}, not "${text}"`,
    )
  }

  return n
}
