/**
 * Reads, from one JSON Lines event, only the fields a pattern names: the object the matcher then
 * sees is the event JSON.parse would give with every other field left out. When every line must
 * be matched (a pattern most events pass), JSON.parse of each whole line was most of the CPU of
 * a stream: it builds every string, number and object of the event, and the matcher looks at four
 * of them. This reader checks the whole line's grammar but builds only the named values.
 *
 * It answers only where its answer is certainly JSON.parse's, and otherwise returns undefined so
 * that the caller parses the line (and JSON.parse's own error names what is wrong):
 * - the caller gives it only lines with no backslash and no control character (so a string token
 *   is everything between two quotes, and needs no decoding) whose bytes are all ASCII (so the
 *   latin1 text of the bytes is the text);
 * - blanks between tokens other than spaces (tab, carriage return), any grammar error, a key of a
 *   named object that starts with a named key and a dot (`"detail.key"`: `lookup` in match.ts reads
 *   such keys as nested ones), and patterns naming `__proto__` (which JSON.parse makes an own
 *   property and an assignment would not) all give undefined.
 *
 * Duplicate keys: the last one wins, as in JSON.parse (and in Jackson's tree model, which
 * aws/event-ruler reads events with); a named object given twice is replaced whole, as there.
 *
 * A named leaf field's value is built in full (an array or object value by JSON.parse of its
 * text); a named nested field whose value is an object is read selectively, any other value in full.
 * Hand-written rather than a library: JSON parsers for JavaScript build the whole value (that is the
 * cost being removed), and the streaming ones cost more per byte than JSON.parse.
 */
import type {PatternNode} from './compile-pattern.js'

type EventObject = {[key: string]: unknown}

/**
 * The keys of one object level the pattern names, in parallel arrays (indexed loops over a few
 * keys: no map look-up and no string made of each event key). A child undefined is a leaf: its
 * whole value is read.
 */
interface Selection {
  children: Array<Selection | undefined>
  names: string[]
}

const QUOTE = 0x22
const SPACE = 0x20
const COMMA = 0x2c
const COLON = 0x3a
const DOT = 0x2e
const MINUS = 0x2d
const PLUS = 0x2b
const ZERO = 0x30
const NINE = 0x39
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const LOWER_E = 0x65
const UPPER_E = 0x45
/** A position that means "not JSON here": the caller falls back to JSON.parse. */
const FAIL = -1
/** An event key the pattern does not name. */
const NOT_NAMED = -2

/** Adds the keys `node` names (every `$or` alternative's too) to `selection`; false for a key this reader cannot build. */
function addNode(selection: Selection, node: PatternNode): boolean {
  for (const field of node.fields) {
    if (field.key === '__proto__') return false
    let i = selection.names.indexOf(field.key)
    if (i === -1) {
      i = selection.names.push(field.key) - 1
      selection.children.push(field.kind === 'leaf' ? undefined : {children: [], names: []})
    } else if (field.kind === 'leaf') {
      // A key named as a leaf in one `$or` alternative and as an object in another: read it whole.
      selection.children[i] = undefined
    }

    const child = selection.children[i]
    if (field.kind === 'nested' && child && !addNode(child, field.node)) return false
  }

  for (const alternatives of node.ors)
    for (const alternative of alternatives) if (!addNode(selection, alternative)) return false
  return true
}

export class FieldReader {
  private end = 0
  private text = ''

  private constructor(private readonly root: Selection) {}

  /** A reader for the fields of `root`, or undefined when the pattern names a key it cannot read (`__proto__`). */
  static for(root: PatternNode): FieldReader | undefined {
    const selection: Selection = {children: [], names: []}
    return addNode(selection, root) ? new FieldReader(selection) : undefined
  }

  /**
   * The named fields of the JSON object that is `text` from `start` to `end` (exclusive, no blank
   * at either end), or undefined when the line must be parsed whole (see the file comment).
   */
  read(text: string, start: number, end: number): EventObject | undefined {
    this.text = text
    this.end = end
    if (text.codePointAt(start) !== OPEN_BRACE) return undefined
    const out: EventObject = {}
    const after = this.object(start, this.root, out)
    return after === end ? out : undefined
  }

  private array(at: number): number {
    let i = this.spaces(at + 1)
    if (this.at(i) === CLOSE_BRACKET) return i + 1
    for (;;) {
      i = this.skip(i)
      if (i === FAIL) return FAIL
      i = this.spaces(i)
      const code = this.at(i)
      if (code === CLOSE_BRACKET) return i + 1
      if (code !== COMMA) return FAIL
      i = this.spaces(i + 1)
    }
  }

  /** The character code at `at`, or -1 past the line's end. */
  private at(at: number): number {
    return at < this.end ? this.text.codePointAt(at)! : -1
  }

  private digits(at: number): number {
    let i = at
    for (let code = this.at(i); code >= ZERO && code <= NINE; code = this.at(i)) i++
    return i
  }

  /**
   * Which named key the event key from `start` to `end` is: its index, NOT_NAMED, or FAIL for a
   * key `named.…` that `lookup` in match.ts would read as a nested one.
   */
  private namedKey(selection: Selection, start: number, end: number): number {
    const length = end - start
    const {names} = selection
    for (const [k, name_] of names.entries()) {
      const name = name_!
      if (name.length === length) {
        if (this.text.startsWith(name, start)) return k
      } else if (
        name.length < length &&
        this.text.codePointAt(start + name.length) === DOT &&
        this.text.startsWith(name, start)
      )
        return FAIL
    }

    return NOT_NAMED
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(at: number): number {
    let i = at
    if (this.at(i) === MINUS) i++
    if (this.at(i) === ZERO) i++
    else {
      const first = i
      i = this.digits(i)
      if (i === first) return FAIL
    }

    if (this.at(i) === DOT) {
      const first = ++i
      i = this.digits(i)
      if (i === first) return FAIL
    }

    const e = this.at(i)
    if (e === LOWER_E || e === UPPER_E) {
      i++
      const sign = this.at(i)
      if (sign === PLUS || sign === MINUS) i++
      const first = i
      i = this.digits(i)
      if (i === first) return FAIL
    }

    return i
  }

  /**
   * The object at `at` (its `{`): the named keys' values put in `out` (when given), every other
   * value checked and passed over. Returns the position after its `}`, or FAIL.
   */
  private object(at: number, selection: Selection | undefined, out: EventObject | undefined): number {
    let i = this.spaces(at + 1)
    if (this.at(i) === CLOSE_BRACE) return i + 1
    for (;;) {
      if (this.at(i) !== QUOTE) return FAIL
      const keyStart = i + 1
      const keyEnd = this.text.indexOf('"', keyStart)
      if (keyEnd === -1 || keyEnd >= this.end) return FAIL
      i = this.spaces(keyEnd + 1)
      if (this.at(i) !== COLON) return FAIL
      i = this.spaces(i + 1)
      const named = selection ? this.namedKey(selection, keyStart, keyEnd) : NOT_NAMED
      if (named === NOT_NAMED) i = this.skip(i)
      else if (named === FAIL) return FAIL
      else {
        const name = selection!.names[named]!
        const child = selection!.children[named]
        const valueStart = i
        if (child && this.at(i) === OPEN_BRACE) {
          const inner: EventObject = {}
          i = this.object(i, child, inner)
          out![name] = inner
        } else {
          i = this.skip(i)
          if (i !== FAIL) out![name] = this.value(valueStart, i)
        }
      }

      if (i === FAIL) return FAIL
      i = this.spaces(i)
      const code = this.at(i)
      if (code === CLOSE_BRACE) return i + 1
      if (code !== COMMA) return FAIL
      i = this.spaces(i + 1)
    }
  }

  /** Passes over (and checks) the value at `at`; the position after it, or FAIL. */
  private skip(at: number): number {
    const code = this.at(at)
    switch (code) {
      case 0x66: {
        return this.text.startsWith('false', at) && at + 5 <= this.end ? at + 5 : FAIL
      }

      case 0x6e: {
        return this.text.startsWith('null', at) && at + 4 <= this.end ? at + 4 : FAIL
      }

      case 0x74: {
        return this.text.startsWith('true', at) && at + 4 <= this.end ? at + 4 : FAIL
      }

      case OPEN_BRACE: {
        return this.object(at, undefined, undefined)
      }

      case OPEN_BRACKET: {
        return this.array(at)
      }

      case QUOTE: {
        const close = this.text.indexOf('"', at + 1)
        return close === -1 || close >= this.end ? FAIL : close + 1
      }

      default: {
        return this.number(at)
      }
    }
  }

  private spaces(at: number): number {
    let i = at
    while (this.at(i) === SPACE) i++
    return i
  }

  /** The value from `start` to `end` (already checked), built as JSON.parse builds it. */
  private value(start: number, end: number): unknown {
    const code = this.text.codePointAt(start)
    if (code === QUOTE) return this.text.slice(start + 1, end - 1)
    if (code === OPEN_BRACE || code === OPEN_BRACKET) return JSON.parse(this.text.slice(start, end))
    if (code === 0x74) return true
    if (code === 0x66) return false
    if (code === 0x6e) return null
    // A checked JSON number: Number reads it to the same double as JSON.parse.
    return Number(this.text.slice(start, end))
  }
}
