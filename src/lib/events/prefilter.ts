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

const NEEDS_ESCAPE = /["\\\u0000-\u001F]/

function needlesOf(field: LeafField): NeedleGroup | undefined {
  if (field.existsFalse || field.existsTrue) return undefined
  const needles: Buffer[] = []
  for (const condition of field.conditions) {
    const source = condition.source
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
  private readonly next: number[][]

  constructor(private readonly groups: NeedleGroup[]) {
    this.next = groups.map((group) => group.map(() => -1))
  }

  /** False when the line certainly cannot match (see the file comment); true when it must be parsed. */
  mayMatch(start: number, end: number): boolean {
    if (this.groups.length === 0) return true
    if (this.backslashAt < start) this.backslashAt = this.find(92, start)
    if (this.backslashAt !== -1 && this.backslashAt < end) return true
    for (const [g, group] of this.groups.entries()) {
      let found = false
      for (const [n, needle] of group.entries()) {
        let at = this.next[g]![n]!
        if (at < start && at !== -2) {
          at = this.buffer.indexOf(needle, start)
          this.next[g]![n] = at === -1 ? -2 : at
        }

        if (at >= start && at + needle.length <= end) {
          found = true
          break
        }
      }

      if (!found) return false
    }

    return true
  }

  /** Start scanning a new buffer. */
  reset(buffer: Buffer): void {
    this.buffer = buffer
    this.backslashAt = -1
    for (const positions of this.next) positions.fill(-1)
  }

  private find(byte: number, from: number): number {
    const at = this.buffer.indexOf(byte, from)
    return at === -1 ? Number.MAX_SAFE_INTEGER : at
  }
}
