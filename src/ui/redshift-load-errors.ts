import type {ErrorExample, LoadErrorsResult} from '../lib/redshift/load-errors.js'

import {renderKeyValues, renderTable} from './table.js'

/** Groups shown in text (the --json result keeps all). */
const SHOWN_GROUPS = 30

/** The load-errors report: the load, each error group with its meaning and fix, then the corrected COPY. */
export function renderLoadErrors(result: LoadErrorsResult): string {
  const parts: string[] = [
    renderKeyValues([
      ['Source', result.source],
      ['Error rows', result.rows.toLocaleString('en-US')],
      ['Queries', result.queryIds.length > 0 ? result.queryIds.join(', ') : 'unknown'],
    ]),
  ]
  if (result.loads.length > 0) {
    parts.push(
      renderTable({
        align: ['right', 'left', 'left', 'right', 'right', 'left'],
        head: ['Query', 'Status', 'Table', 'Loaded rows', 'Errors', 'Data source'],
        optional: [5],
        rows: result.loads.map((l) => [
          l.queryId ?? '?',
          l.status ?? '?',
          l.table ?? '?',
          l.loadedRows ?? '?',
          l.errorCount ?? '?',
          l.dataSource ?? '?',
        ]),
        title: 'Loads (SYS_LOAD_HISTORY)',
      }),
    )
  }

  if (result.groups.length === 0) {
    parts.push('No load errors in the rows read.')
    return parts.join('\n\n')
  }

  const shown = result.groups.slice(0, SHOWN_GROUPS)
  parts.push(
    renderTable({
      align: ['right', 'left', 'left', 'right', 'left', 'left'],
      head: ['Code', 'Table.column', 'Type', 'Rows', 'Examples (line: value, bytes)', 'Why and fix'],
      minColumnText: 12,
      optional: [2],
      rows: shown.map((g) => [
        g.code ?? '?',
        `${g.table ?? '?'}.${g.column ?? '?'}`,
        `${g.columnType ?? '?'}${g.columnLength && g.columnLength !== '0' ? `(${g.columnLength})` : ''}`,
        g.count,
        g.examples
          .map(
            (e) =>
              `${e.line ?? '?'}: ${e.value === undefined ? '(no value logged)' : `'${e.value}'${e.bytes === undefined ? '' : `, ${e.bytes} B`}`}${exampleLine(e)}`,
          )
          .join('\n'),
        `${g.meaning} ${g.reason ? `"${g.reason}". ` : ''}${g.cause}\nFix: ${g.fix}`,
      ]),
      title: 'Load errors by table, column, code and reason',
    }),
  )
  if (result.groups.length > shown.length)
    parts.push(`… ${result.groups.length - shown.length} more group(s) in --json`)
  if (result.correctedCopy) parts.push(`Corrected COPY, for review (not run):\n\n${result.correctedCopy}`)
  else if (result.copyText) parts.push(`COPY as run:\n\n${result.copyText}`)
  return parts.join('\n\n')
}

/** --fetch-lines: the line with the logged value between » «, or why it was not read. */
function exampleLine(e: ErrorExample): string {
  if (e.lineUnread !== undefined) return `\n  (line not read: ${e.lineUnread})`
  if (e.lineText === undefined) return ''
  const shown = e.mark
    ? `${e.lineText.slice(0, e.mark.start)}»${e.lineText.slice(e.mark.start, e.mark.start + e.mark.length)}«${e.lineText.slice(e.mark.start + e.mark.length)}`
    : `${e.lineText} (value not found in the line)`
  return `\n  line: ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown}`
}
