/**
 * The `--json` envelope written in pieces, byte for byte what `JSON.stringify(value, null, 2)`
 * and a line feed print.
 *
 * A large result as one string costs twice: the string itself (two bytes per character as soon as
 * one name is not Latin-1: a 112 MB athena lint result was a 225 MB string) and its UTF-8 copy made
 * by the write. Measured end to end on the 1,000 × 500 athena benchmark catalogue (built CLI):
 * 759 → 255 MB peak RSS, output 2.9 → 1.9 s of CPU (docs/benchmarks.md). Chunks stay below V8's
 * large-object size (32 K characters), so they die young instead of piling up in the old
 * generation until a full collection. The top levels (the envelope, the result)
 * and every long list are walked here; each other value is left to the native `JSON.stringify`
 * and re-indented. That is safe because JSON.stringify escapes line feeds inside strings: every
 * "\n" in its output is a line break between tokens. (A streaming library such as
 * json-stream-stringify serialises every value in JavaScript and is slower than the native call.)
 */

/** Levels walked here; deeper values are one native JSON.stringify each, except long lists (below). */
const DEPTH = 3
/** A list longer than this is walked at any depth (a result's findings, renames, views). */
const LONG_LIST = 16
/** Numbers of a long list joined into one piece (below the chunk size, with their indentation). */
const NUMBERS_PER_PIECE = 2048
/** Characters gathered before one write. */
const CHUNK = 1 << 15
/** Items of the first native batch of a deep list; later batches are sized from the text it made. */
const ITEMS_PER_BATCH = 32

/** Write `value` as `JSON.stringify(value, null, 2) + '\n'`, in chunks of about 1 MiB, through `write`. */
export function writeJson(value: unknown, write: (chunk: string) => void): void {
  if (!isPlainContainer(value)) {
    write(`${JSON.stringify(value, null, 2)}\n`)
    return
  }

  let pieces: string[] = []
  let size = 0
  const push = (s: string): void => {
    pieces.push(s)
    size += s.length
    if (size >= CHUNK) {
      write(pieces.join(''))
      pieces = []
      size = 0
    }
  }

  const walk = (v: unknown, indent: string, depth: number): void => {
    if (!isPlainContainer(v) || (depth >= DEPTH && !(Array.isArray(v) && v.length > LONG_LIST))) {
      push(nativeJson(v, indent) ?? 'null')
      return
    }

    const inner = `${indent}  `
    if (Array.isArray(v)) {
      if (v.length === 0) {
        push('[]')
        return
      }

      if (v.length > LONG_LIST && v.every((item) => typeof item === 'number' && Number.isFinite(item))) {
        // A long list of numbers (line numbers of millions of events): joined a slice at a time,
        // instead of one JSON.stringify per number. A finite number's JSON is its String form.
        const separator = `,\n${inner}`
        push(`[\n${inner}`)
        for (let i = 0; i < v.length; i += NUMBERS_PER_PIECE) {
          if (i > 0) push(separator)
          push(v.slice(i, i + NUMBERS_PER_PIECE).join(separator))
        }

        push(`\n${indent}]`)
        return
      }

      if (depth + 1 >= DEPTH) nativeBatches(v, indent, depth)
      else {
        let open = '['
        for (const item of v as unknown[]) {
          push(`${open}\n${inner}`)
          open = ','
          // As JSON.stringify: what has no JSON form is null in an array.
          if (omitted(item)) push('null')
          else walk(item, inner, depth + 1)
        }
      }

      push(`\n${indent}]`)
      return
    }

    let first = true
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key]
      // As JSON.stringify: a property with no JSON form is left out.
      if (omitted(item)) continue
      push(`${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `)
      first = false
      walk(item, inner, depth + 1)
    }

    push(first ? '{}' : `\n${indent}}`)
  }

  /**
   * Items at this depth are native JSON.stringify anyway (except long lists, walked): runs of them
   * go to one native call per batch instead of one per item (104,000 athena findings). The JSON of
   * a slice is the items' JSON joined as in the whole array, so the bytes are the same.
   */
  const nativeBatches = (v: unknown[], indent: string, depth: number): void => {
    const inner = `${indent}  `
    let open = '['
    let batch = ITEMS_PER_BATCH
    for (let i = 0; i < v.length;) {
      if (isLongList(v[i])) {
        push(`${open}\n${inner}`)
        walk(v[i], inner, depth + 1)
        open = ','
        i++
        continue
      }

      let end = i + 1
      while (end < v.length && end - i < batch && !isLongList(v[end])) end++
      const text = nativeJson(v.slice(i, end), indent)!
      // "[" + "\n<inner>item" per item, comma-separated + "\n<indent>]": keep the items with their line breaks.
      push(open)
      push(text.slice(1, text.length - indent.length - 2))
      open = ','
      // The next batch aims at about half a chunk of text.
      batch = Math.max(1, Math.min(4 * batch, Math.round(((end - i) * CHUNK) / 2 / text.length)))
      i = end
    }
  }

  walk(value, '', 0)
  push('\n')
  if (size > 0) write(pieces.join(''))
}

function isLongList(v: unknown): boolean {
  return Array.isArray(v) && v.length > LONG_LIST
}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol'
}

/** Arrays and plain objects without toJSON: the values whose JSON form this module can build itself. */
function isPlainContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false
  if (typeof (v as {toJSON?: unknown}).toJSON === 'function') return false
  if (Array.isArray(v)) return true
  const proto: unknown = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** JSON.stringify(v, null, 2) with every line after the first indented by `indent`. */
function nativeJson(v: unknown, indent: string): string | undefined {
  const text = JSON.stringify(v, null, 2) as string | undefined
  if (text === undefined || indent === '' || !text.includes('\n')) return text
  return text.replaceAll('\n', `\n${indent}`)
}
