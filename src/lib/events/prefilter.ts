/**
 * A byte-level quick rejection for JSON Lines, so that most events a pattern cannot match are
 * never parsed (JSON.parse is the cost of a stream; the matcher itself is cheap).
 *
 * Soundness: a leaf field that every match needs (not under `$or`, no `exists` condition) whose
 * conditions are all exact strings, case-sensitive prefixes or suffixes can only match when the
 * event's JSON text holds the string token: `"value"`, `"prefix…` or `…suffix"`. That holds for
 * the text as written only when the line has no backslash (no JSON escape can spell a character
 * another way) and the value itself needs no escaping; lines with a backslash are always parsed,
 * and values with `"`, `\` or control characters give no needle.
 */
import type {LeafField, PatternNode} from './compile-pattern.js'

/** Needles of one required field: the line must contain at least one of them. */
export type NeedleGroup = Buffer[]

// eslint-disable-next-line no-control-regex -- JSON escapes control characters: such a value gives no needle
const NEEDS_ESCAPE = /["\\\u0000-\u001F]/

function needlesOf(field: LeafField): NeedleGroup | undefined {
  if (field.existsFalse || field.existsTrue) return undefined
  const needles: Buffer[] = []
  for (const condition of field.conditions) {
    const {source} = condition
    let text: string | undefined
    if (condition.kind === 'exact' && typeof source === 'string') text = `"${source}"`
    else if (condition.kind === 'prefix' && typeof source === 'object' && source !== null && !Array.isArray(source)) {
      const operand = source.prefix
      if (typeof operand === 'string') text = `"${operand}`
    } else if (condition.kind === 'suffix' && typeof source === 'object' && source !== null && !Array.isArray(source)) {
      const operand = source.suffix
      if (typeof operand === 'string') text = `${operand}"`
    }

    if (text === undefined || NEEDS_ESCAPE.test(text.slice(1, -1))) return undefined
    needles.push(Buffer.from(text, 'utf8'))
  }

  return needles
}

/** The needle groups of every required field of the pattern, most selective (longest shortest needle) first. */
export function requiredNeedles(root: PatternNode): NeedleGroup[] {
  const groups: NeedleGroup[] = []
  const visit = (node: PatternNode): void => {
    for (const field of node.fields) {
      if (field.kind === 'nested') visit(field.node)
      else {
        const group = needlesOf(field)
        if (group) groups.push(group)
      }
    }
  }

  visit(root)
  const weight = (group: NeedleGroup): number => Math.min(...group.map((n) => n.length)) / group.length
  return groups.sort((a, b) => weight(b) - weight(a))
}

/**
 * Scans one buffer of whole lines. Keeps, per needle, the position of its next occurrence, so a
 * rare needle costs one native search for many lines.
 */
export class LineScanner {
  private backslashAt = -1
  private buffer: Buffer = Buffer.alloc(0)
  /** Per group, per needle: the next occurrence at or after the last line looked at (-2: none left). */
  private next: number[][]
  private order: NeedleGroup[]
  /** Lines each group ruled out since the last reordering. */
  private rejections: number[]
  private sinceReorder = 0
  /** Lines left to pass unscanned: when few lines are ruled out, the scan costs more than it saves. */
  private skip = 0
  private windowLines = 0
  private windowRejected = 0

  constructor(groups: NeedleGroup[]) {
    this.order = [...groups]
    this.next = groups.map((group) => group.map(() => -1))
    this.rejections = groups.map(() => 0)
  }

  /** False when the line certainly cannot match (see the file comment); true when it must be parsed. */
  mayMatch(start: number, end: number): boolean {
    const groups = this.order
    if (groups.length === 0) return true
    if (this.skip > 0) {
      this.skip--
      return true
    }

    if (++this.windowLines === 4096) {
      if (this.windowRejected < 512) this.skip = 65_536
      this.windowLines = 0
      this.windowRejected = 0
    }

    if (this.backslashAt < start) this.backslashAt = this.find(92, start)
    if (this.backslashAt < end) return true
    for (const [g, group] of groups.entries()) {
      if (!this.groupPresent(g, group!, start, end)) {
        this.rejections[g]!++
        this.windowRejected++
        if (++this.sinceReorder === 4096) this.reorder()
        return false
      }
    }

    return true
  }

  /** Start scanning a new chunk. */
  reset(buffer: Buffer): void {
    this.buffer = buffer
    this.backslashAt = -1
    for (const positions of this.next) positions.fill(-1)
  }

  private find(byte: number, from: number): number {
    const at = this.buffer.indexOf(byte, from)
    return at === -1 ? Number.MAX_SAFE_INTEGER : at
  }

  private groupPresent(g: number, group: NeedleGroup, start: number, end: number): boolean {
    const next = this.next[g]!
    for (const [n, element] of group.entries()) {
      let at = next[n]!
      if (at < start && at !== -2) {
        at = this.buffer.indexOf(element!, start)
        next[n] = at === -1 ? -2 : at
      }

      if (at >= start && at + element!.length <= end) return true
    }

    return false
  }

  /** The group that rules out most lines is tried first: one search then settles most lines. */
  private reorder(): void {
    const ranked = this.order.map((group, i) => ({group, next: this.next[i]!, rejected: this.rejections[i]!}))
    ranked.sort((a, b) => b.rejected - a.rejected)
    this.order = ranked.map((r) => r.group)
    this.next = ranked.map((r) => r.next)
    this.rejections = ranked.map(() => 0)
    this.sinceReorder = 0
  }
}
