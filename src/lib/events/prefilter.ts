/**
 * A quick rejection on the text of JSON Lines, so that most events a pattern cannot match are
 * never parsed (JSON.parse is the cost of a stream; the matcher itself is cheap).
 *
 * Soundness: a leaf field that every match needs (not under `$or`, no `exists` condition) whose
 * conditions are all exact strings, case-sensitive prefixes or suffixes can only match when the
 * event's JSON text holds the string token: `"value"`, `"prefix…` or `…suffix"`. That holds for
 * the text as written only when the line has no backslash (no JSON escape can spell a character
 * another way) and the value itself needs no escaping; lines with a backslash are always parsed,
 * and values with `"`, `\` or control characters give no needle.
 *
 * The scan reads a chunk's bytes as one JavaScript string of one character per byte (latin1: a
 * copy, no decoding), so the needles are their UTF-8 bytes in that form and a match in the string
 * is a match in the bytes. `String#indexOf` runs inside V8, while `Buffer#indexOf` crosses into
 * Node's C++ and builds a search table on every call — 40 % of the CPU of a stream when the scan
 * called it per line.
 */
import type {LeafField, PatternNode} from './compile-pattern.js'

/** Needles of one required field: the line must contain at least one of them. */
export type NeedleGroup = string[]

// eslint-disable-next-line no-control-regex -- JSON escapes control characters: such a value gives no needle
const NEEDS_ESCAPE = /["\\\u0000-\u001F]/

function needlesOf(field: LeafField): NeedleGroup | undefined {
  if (field.existsFalse || field.existsTrue) return undefined
  const needles: string[] = []
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
    needles.push(Buffer.from(text, 'utf8').toString('latin1'))
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
 * A needle as searched: `tail` (the needle from `anchor` on) is what `String#indexOf` looks for,
 * and the characters before it are compared where it is found. V8's search runs memchr on the
 * first character of what it looks for, so it starts the tail at the needle's rarest character:
 * every needle begins with `"`, the commonest character of JSON, which cost 4–8× as much.
 */
interface SearchedNeedle {
  anchor: number
  tail: string
  text: string
}

/** Characters of the first text read, counted once to choose each needle's anchor. */
const SAMPLE = 64 * 1024

/**
 * Scans one text of whole lines. Keeps, per needle, the position of its next occurrence, so a
 * rare needle costs one native search for many lines.
 */
export class LineScanner {
  private anchored = false
  private backslashAt = -1
  /** Per group, per needle: the next occurrence at or after the last line looked at (-2: none left). */
  private next: number[][]
  private order: SearchedNeedle[][]
  /** Lines each group ruled out since the last reordering. */
  private rejections: number[]
  private sinceReorder = 0
  /** Lines left to pass unscanned: when few lines are ruled out, the scan costs more than it saves. */
  private skip = 0
  private text = ''
  private windowLines = 0
  private windowRejected = 0

  constructor(groups: NeedleGroup[]) {
    this.order = groups.map((group) => group.map((text) => ({anchor: 0, tail: text, text})))
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

    if (this.backslashAt < start) {
      const at = this.text.indexOf('\\', start)
      this.backslashAt = at === -1 ? Number.MAX_SAFE_INTEGER : at
    }

    if (this.backslashAt < end) return true
    // Indexed loops: this runs once per line of the stream, and an iterator per call showed in profiles.
    for (let g = 0; g < groups.length; g++) {
      if (!this.groupPresent(g, start, end)) {
        this.rejections[g]!++
        this.windowRejected++
        if (++this.sinceReorder === 4096) this.reorder()
        return false
      }
    }

    return true
  }

  /** Start scanning a new chunk: its bytes as latin1 text (one character per byte). */
  reset(text: string): void {
    this.text = text
    this.backslashAt = -1
    for (const positions of this.next) positions.fill(-1)
    if (!this.anchored) this.chooseAnchors(text)
  }

  /** Each needle's anchor: its character least frequent in the first text read. */
  private chooseAnchors(text: string): void {
    this.anchored = true
    const counts = new Uint32Array(256)
    const length = Math.min(text.length, SAMPLE)
    for (let i = 0; i < length; i++) counts[text.codePointAt(i)! & 0xff]!++
    for (const group of this.order) {
      for (const needle of group) {
        let best = 0
        for (let i = 1; i < needle.text.length; i++)
          if (counts[needle.text.codePointAt(i)!]! < counts[needle.text.codePointAt(best)!]!) best = i
        needle.anchor = best
        needle.tail = needle.text.slice(best)
      }
    }
  }

  private groupPresent(g: number, start: number, end: number): boolean {
    const next = this.next[g]!
    const group = this.order[g]!
    // eslint-disable-next-line unicorn/no-for-loop -- once per line: no iterator (see mayMatch)
    for (let n = 0; n < group.length; n++) {
      const needle = group[n]!
      let at = next[n]!
      if (at < start && at !== -2) {
        at = this.occurrence(needle, start)
        next[n] = at
      }

      if (at >= start && at + needle.text.length <= end) return true
    }

    return false
  }

  /** Where `needle` next occurs at or after `from`, or -2. */
  private occurrence({anchor, tail, text: needle}: SearchedNeedle, from: number): number {
    let at = from + anchor
    for (;;) {
      const found = this.text.indexOf(tail, at)
      if (found === -1) return -2
      if (anchor === 0 || this.text.startsWith(needle, found - anchor)) return found - anchor
      at = found + 1
    }
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
