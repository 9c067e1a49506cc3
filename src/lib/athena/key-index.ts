/**
 * The lower-case keys of one namespace (a table's columns and partition keys, or one struct's
 * fields) with the index of the first name that has each key, and the names given to renames. The
 * linter visits namespaces one after the other, so one table serves them all: starting a namespace
 * only moves a stamp, and nothing is allocated per name (a Map per namespace grows again for every
 * table, and that garbage is a good part of a big catalogue's GC time).
 */
export class KeyIndex {
  /** Slot → stamp of the namespace that assigned the slot's key to a rename. */
  #assigned = new Uint32Array(0)
  /** Slot → index of the first name with the slot's key (-1: only assigned to a rename). */
  #first = new Int32Array(0)
  /** Slot → key (valid while `#used[slot]` is the current stamp). */
  #keys: string[] = []
  /** The last key looked up and its slot: a rename asks about a name and then takes it. */
  #lastKey: string | undefined
  #lastSlot = 0
  #mask = 0
  #stamp = 0
  /** Slot → stamp of the namespace that uses the slot. */
  #used = new Uint32Array(0)

  /** Record `name` as given to a rename in this namespace. */
  assign(name: string): void {
    const slot = this.#slot(name)
    if (this.#used[slot] !== this.#stamp) this.#take(slot, name, -1)
    this.#assigned[slot] = this.#stamp
  }

  /** Start a namespace of `size` names (renames may add as many again). */
  begin(size: number): void {
    // Load factor at most 1/2 with every name and one rename per name.
    if (this.#first.length < 4 * size) this.#grow(4 * size)
    this.#stamp++
    this.#lastKey = undefined
  }

  /** The index of the first name with `key`, or -1. */
  first(key: string): number {
    const slot = this.#slot(key)
    return this.#used[slot] === this.#stamp ? this.#first[slot]! : -1
  }

  /** The index of the first name with `key`; when there is none, `index` becomes it and -1 is returned. */
  firstOrAdd(key: string, index: number): number {
    const slot = this.#slot(key)
    if (this.#used[slot] !== this.#stamp) {
      this.#take(slot, key, index)
      return -1
    }

    const first = this.#first[slot]!
    if (first === -1) this.#first[slot] = index
    return first
  }

  /** True when `name` was given to a rename in this namespace. */
  isAssigned(name: string): boolean {
    const slot = this.#slot(name)
    return this.#used[slot] === this.#stamp && this.#assigned[slot] === this.#stamp
  }

  #grow(size: number): void {
    let capacity = 64
    while (capacity < size) capacity *= 2
    this.#assigned = new Uint32Array(capacity)
    this.#first = new Int32Array(capacity)
    this.#keys = Array.from({length: capacity}, () => '')
    this.#mask = capacity - 1
    this.#used = new Uint32Array(capacity)
    // Stamps start again in the new arrays (all zero), so the next namespace gets 1.
    this.#stamp = 0
  }

  /** The slot of `key`: where it is in this namespace, or the free slot where it would go. */
  #slot(key: string): number {
    if (key === this.#lastKey) return this.#lastSlot
    const hash = keyHash(key)
    const mask = this.#mask
    const keys = this.#keys
    const used = this.#used
    const stamp = this.#stamp
    let slot = hash & mask
    while (used[slot] === stamp && keys[slot] !== key) slot = (slot + 1) & mask
    this.#lastKey = key
    this.#lastSlot = slot
    return slot
  }

  #take(slot: number, key: string, first: number): void {
    this.#used[slot] = this.#stamp
    this.#keys[slot] = key
    this.#first[slot] = first
    this.#assigned[slot] = 0
  }
}

/**
 * FNV-1a over the code points of `key`. Its own function on purpose: with this loop written inside
 * `#slot`, the first run over a big catalogue spent about 50 ms more in the linter (cold, 79,000
 * renames on the benchmark), as V8 then optimised the callers of `#slot` less well.
 */
function keyHash(key: string): number {
  let hash = 0x81_1c_9d_c5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.codePointAt(i)!, 0x01_00_01_93)
  return hash
}
