/** The one parser of utilisation levels (--threshold, --below): a fraction of a shard's write limit. */
import {UsageError} from '../lib/core/errors.js'

/** "0.8", "80%", "80 %" → 0.8. Must be above 0 and at most 1 (100 % of a shard's write limit). */
export function parseUtilisation(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text)
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN
  if (!m || !(value > 0) || value > 1) {
    throw new UsageError(`${flag} "${text}" is not a utilisation level`, {
      suggestions: [
        `Give a fraction of one shard's write limit (1 MiB/s or 1000 records/s) above 0 and at most 1, e.g. ${flag} 0.8 or ${flag} 80%.`,
      ],
    })
  }

  return value
}
