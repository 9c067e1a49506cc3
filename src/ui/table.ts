import Table from 'cli-table3'

import {isColorEnabled, paint} from './color.js'

export interface TableSpec {
  /** Column alignment, by column index. */
  align?: Array<'center' | 'left' | 'right'>
  head: string[]
  /**
   * Fewest characters of text per column that still read as a table (default 8); below it rows
   * are drawn as lists. Tables of long prose cells set more.
   */
  minColumnText?: number
  /**
   * Columns that may be left out when the table does not fit the terminal, by index, the first
   * to go first (secondary detail such as a region or a request id; `--json` keeps them).
   */
  optional?: number[]
  rows: Array<Array<number | string>>
  title?: string
  /** Width to fit, in columns; default: the terminal's (see setTerminalWidth), none when piped. */
  width?: number | undefined
}

/** Below this many characters of text per column a table is unreadable: rows become lists. */
const MIN_CELL_TEXT = 8
/** One space of padding on each side of a cell's text (cli-table3's default). */
const CELL_PADDING = 2

let terminalWidth: number | undefined

/**
 * Set once by BaseCommand: the width of the terminal stdout is drawn on, or undefined when stdout
 * is not a terminal (a file or a pipe keeps the whole table, whatever its width).
 */
export function setTerminalWidth(width: number | undefined): void {
  terminalWidth = width !== undefined && width > 0 ? width : undefined
}

export function getTerminalWidth(): number | undefined {
  return terminalWidth
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[\d;]*m/g

/** Display width of the widest line of a cell (ANSI colour codes take no room). */
function textWidth(text: string): number {
  let widest = 0
  for (const line of text.replace(ANSI, '').split('\n')) widest = Math.max(widest, [...line].length)
  return widest
}

/** A table's drawn width: each column's text and padding, plus one border between and around. */
function drawnWidth(columnWidths: number[]): number {
  return columnWidths.reduce((sum, w) => sum + w + CELL_PADDING, 0) + columnWidths.length + 1
}

/**
 * Column text widths that fit `width`: narrow columns keep their width, the room left is shared
 * among the wide ones (water-filling). Undefined when some column would get less than
 * MIN_CELL_TEXT characters.
 */
function fitWidths(natural: number[], width: number, minText = MIN_CELL_TEXT): number[] | undefined {
  let room = width - drawnWidth(natural.map(() => 0))
  const fitted = [...natural]
  let open = natural.map((_, i) => i)
  for (;;) {
    const share = Math.floor(room / open.length)
    const narrow = open.filter((i) => natural[i]! <= share)
    if (narrow.length === 0) {
      if (share < minText) return undefined
      let extra = room - share * open.length
      for (const i of open) fitted[i] = share + (extra-- > 0 ? 1 : 0)
      return fitted
    }

    for (const i of narrow) room -= natural[i]!
    open = open.filter((i) => natural[i]! > share)
    if (open.length === 0) return fitted
  }
}

/** Rows as indented lists ("Head: value"), for terminals too narrow for the columns. */
function renderList(head: string[], rows: string[][], width: number): string {
  const blocks = rows.map((row) => {
    const [first, ...rest] = row
    const lines = [paint('bold', `${head[0]}: ${first}`)]
    for (const [i, cell] of rest.entries()) {
      if (cell === '') continue
      const label = `  ${head[i + 1]}: `
      lines.push(...wrapText(label, cell, width))
    }

    return lines.join('\n')
  })
  return blocks.join('\n\n')
}

/** `label` then `text` wrapped at word boundaries to `width`, later lines indented under the text. */
function wrapText(label: string, text: string, width: number): string[] {
  const indent = ' '.repeat(Math.min(label.length, 4))
  const out: string[] = []
  for (const paragraph of text.split('\n')) {
    let line = out.length === 0 ? paint('dim', label) : indent
    let used = out.length === 0 ? label.length : indent.length
    for (const word of paragraph.split(' ')) {
      const w = textWidth(word)
      if (used + w > width && used > indent.length) {
        out.push(line.trimEnd())
        line = indent
        used = indent.length
      }

      line += `${word} `
      used += w + 1
    }

    out.push(line.trimEnd())
  }

  return out
}

function withoutColumn<T>(cells: T[], index: number): T[] {
  return cells.filter((_, i) => i !== index)
}

/**
 * Words longer than a column are broken across lines: cli-table3 would cut them short with an
 * ellipsis, and a cut S3 key or ARN cannot be copied.
 */
function breakLongWords(cell: string, width: number): string {
  if (textWidth(cell) <= width || cell.includes('\u001B')) return cell
  return cell.replace(/\S+/g, (word) => {
    const chars = [...word]
    if (chars.length <= width) return word
    const pieces: string[] = []
    for (let at = 0; at < chars.length; at += width) pieces.push(chars.slice(at, at + width).join(''))
    return pieces.join('\n')
  })
}

/**
 * Render rows as a boxed table; plain (no ANSI) unless colour is enabled. On a terminal the table
 * fits its width: optional columns are left out first, then wide cells wrap, and where columns
 * would become too narrow to read each row is drawn as a list instead. Piped output is whole.
 */
export function renderTable(spec: TableSpec): string {
  const {width = terminalWidth} = spec
  let {head} = spec
  let rows = spec.rows.map((row) => row.map(String))
  let align = spec.align ?? []
  const natural = (): number[] => head.map((h, i) => Math.max(textWidth(h), ...rows.map((r) => textWidth(r[i] ?? ''))))
  let colWidths: number[] | undefined
  if (width !== undefined && drawnWidth(natural()) > width) {
    for (const drop of spec.optional ?? []) {
      const dropped = head.indexOf(spec.head[drop] ?? '')
      rows = rows.map((r) => withoutColumn(r, dropped))
      align = withoutColumn(align, dropped)
      head = withoutColumn(head, dropped)
      if (drawnWidth(natural()) <= width) break
    }

    if (drawnWidth(natural()) > width) {
      colWidths = fitWidths(natural(), width, spec.minColumnText)
      if (colWidths === undefined) {
        const list = renderList(head, rows, width)
        return spec.title ? `${paint('bold', spec.title)}\n${list}` : list
      }
    }
  }

  const table = new Table({
    colAligns: align,
    ...(colWidths ? {colWidths: colWidths.map((w) => w + CELL_PADDING), wordWrap: true} : {}),
    head: head.map((h) => paint('bold', h)),
    style: isColorEnabled() ? {border: ['grey'], head: []} : {border: [], compact: false, head: []},
  })
  for (const row of rows)
    table.push(colWidths ? row.map((cell, i) => breakLongWords(cell, colWidths[i] ?? cell.length)) : row)
  const body = table.toString()
  return spec.title ? `${paint('bold', spec.title)}\n${body}` : body
}

/** Two-column key/value block for summaries ("Region   us-east-1 (AWS_REGION)"). */
export function renderKeyValues(pairs: Array<[string, number | string | undefined]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${paint('dim', k.padEnd(width))}  ${v}`)
    .join('\n')
}
