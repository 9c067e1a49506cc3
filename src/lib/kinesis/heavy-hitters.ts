/**
 * Bounded weighted heavy hitters: Misra–Gries ("Frequent") with batched decrements, the
 * deterministic equivalent of Space-Saving.
 *
 * Keeps at most 2·capacity counters. When the table overflows, the (capacity+1)-th largest counter
 * value d is subtracted from every counter and counters that reach 0 are dropped; `errorBound`
 * accumulates the d's. Guarantees, for every key with true total weight w:
 *   estimate ≤ w ≤ estimate + errorBound,   errorBound ≤ totalWeight / (capacity + 1)
 * (each batch removes at least (capacity+1)·d weight from the table), so every key whose weight is
 * more than totalWeight/(capacity+1) is still in the table. Updates are amortised O(1).
 */
export interface HeavyHitter<M> {
  /** Lower bound of the key's total weight; the true value is at most estimate + errorBound. */
  estimate: number
  key: string
  meta: M
}

interface Counter<M> {
  meta: M
  w: number
}

export class HeavyHitters<M> {
  /** Sum of the batch decrements: the maximum under-count of any key. */
  errorBound = 0
  /** Total weight added. */
  total = 0
  private readonly counters = new Map<string, Counter<M>>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, not ${capacity}`)
  }

  get size(): number {
    return this.counters.size
  }

  add(key: string, weight: number, meta: M): void {
    if (!(weight > 0)) return
    this.total += weight
    const c = this.counters.get(key)
    if (c) {
      c.w += weight
      return
    }

    // A copy: a key sliced from a large read buffer would otherwise keep the whole buffer alive.
    this.counters.set(structuredClone(key), {meta, w: weight})
    if (this.counters.size > 2 * this.capacity) this.compact()
  }

  /** Lower-bound estimate of one key (0 when not tracked). */
  estimate(key: string): number {
    return this.counters.get(key)?.w ?? 0
  }

  /** Tracked keys, heaviest first. */
  top(limit = Number.POSITIVE_INFINITY): Array<HeavyHitter<M>> {
    const all = [...this.counters.entries()].map(([key, c]) => ({estimate: c.w, key, meta: c.meta}))
    all.sort((a, b) => b.estimate - a.estimate || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return all.slice(0, limit)
  }

  private compact(): void {
    const weights = new Float64Array(this.counters.size)
    let i = 0
    for (const c of this.counters.values()) weights[i++] = c.w
    // d = the (capacity+1)-th largest weight.
    const d = kthLargest(weights, this.capacity + 1)
    this.errorBound += d
    for (const [key, c] of this.counters) {
      c.w -= d
      if (c.w <= 0) this.counters.delete(key)
    }
  }
}

/** The k-th largest value (1-based) by quickselect; reorders `values`. */
export function kthLargest(values: Float64Array, k: number): number {
  let lo = 0
  let hi = values.length - 1
  const target = k - 1
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!
    let i = lo
    let j = hi
    while (i <= j) {
      while (values[i]! > pivot) i++
      while (values[j]! < pivot) j--
      if (i <= j) {
        const t = values[i]!
        values[i] = values[j]!
        values[j] = t
        i++
        j--
      }
    }

    if (target <= j) hi = j
    else if (target >= i) lo = i
    else return values[target]!
  }

  return values[target]!
}
