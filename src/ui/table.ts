import Table from 'cli-table3'

import {isColorEnabled, paint} from './color.js'

export interface TableSpec {
  /** Column alignment, by column index. */
  align?: Array<'center' | 'left' | 'right'>
  head: string[]
  rows: Array<Array<number | string>>
  title?: string
}

/** Render rows as a boxed table; plain (no ANSI) unless colour is enabled. */
export function renderTable(spec: TableSpec): string {
  const table = new Table({
    colAligns: spec.align ?? [],
    head: spec.head.map((h) => paint('bold', h)),
    style: isColorEnabled() ? {border: ['grey'], head: []} : {border: [], compact: false, head: []},
  })
  for (const row of spec.rows) table.push(row.map(String))
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
