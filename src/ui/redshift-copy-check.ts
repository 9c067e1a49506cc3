import type {CopyCheckResult} from '../lib/redshift/copy-check.js'
import type {CopyOptions} from '../lib/redshift/copy-options.js'
import type {TableDef} from '../lib/redshift/table-ddl.js'

import {formatBytes} from '../lib/core/parse/size.js'
import {codeMeaning} from '../lib/redshift/load-error-codes.js'
import {renderKeyValues, renderTable} from './table.js'

/** Rows of the bad-record table shown in text (the --json result keeps every listed error). */
const SHOWN_ERRORS = 50

/** The copy-check report: totals, counts per code and column, then the bad records with their fix. */
export function renderCopyCheck(result: CopyCheckResult): string {
  const seconds = result.elapsedMs / 1000
  const parts = [
    renderKeyValues([
      ['Input', `${result.input} (${formatBytes(result.bytes)})`],
      ['Table', result.table],
      ['Records', result.records.toLocaleString('en-US')],
      [
        'Verdict',
        result.badRecords === 0
          ? 'every record would load'
          : `${result.badRecords.toLocaleString('en-US')} record(s) would be rejected by COPY`,
      ],
      ['Speed', `${seconds.toFixed(2)} s, ${(result.bytes / 1e6 / seconds).toFixed(0)} MB/s`],
    ]),
  ]
  if (result.badRecords === 0) return parts.join('\n')
  parts.push(
    renderTable({
      align: ['right', 'left', 'left', 'right'],
      head: ['Code', 'Meaning', 'Column', 'Records'],
      rows: Object.entries(result.byCode).map(([code, count]) => [
        Number(code),
        codeMeaning(Number(code)),
        columnsFor(result, Number(code)),
        count,
      ]),
      title: 'Rejected records by error code',
    }),
  )
  const shown = result.errors.slice(0, SHOWN_ERRORS)
  parts.push(
    renderTable({
      head: ['Line', 'Column', 'Code', 'Value', 'Fix'],
      minColumnText: 12,
      optional: [4],
      rows: shown.map((e) => [e.line, e.column ?? '(line)', e.code, e.value, e.fix]),
      title: 'Bad records',
    }),
  )
  const left = result.badRecords - shown.length
  if (left > 0)
    parts.push(
      `… ${left.toLocaleString('en-US')} more bad record(s) not shown${result.errorsTruncated ? ' (counted; raise --max-errors to list them, in --json)' : ' (all listed in --json)'}`,
    )
  return parts.join('\n\n')
}

function columnsFor(result: CopyCheckResult, code: number): string {
  const names = [...new Set(result.errors.filter((e) => e.code === code).map((e) => e.column ?? '(line)'))]
  return names.length > 0 ? names.slice(0, 4).join(', ') + (names.length > 4 ? ', …' : '') : '—'
}

/** Without --input: what was read from the DDL and the options, so a user can check it first. */
export function renderCheckSetup(tables: TableDef[], copy: CopyOptions, skipped: string[]): string {
  const parts: string[] = []
  for (const table of tables) {
    parts.push(
      renderTable({
        head: ['Column', 'Type', 'NOT NULL', 'Identity'],
        rows: table.columns.map((c) => [c.name, c.type, c.notNull ? 'yes' : '', c.identity ?? '']),
        title: `${table.name} (line ${table.line})`,
      }),
    )
  }

  if (skipped.length > 0) parts.push(`Not read: ${skipped.join('; ')}`)
  parts.push(
    renderKeyValues([
      ['Format', copy.format],
      copy.fixedWidths
        ? ['Widths (bytes)', copy.fixedWidths.map((f) => `${f.label}:${f.width}`).join(', ')]
        : ['Delimiter', JSON.stringify(copy.delimiter)],
      ['NULL AS', JSON.stringify(copy.nullAs)],
      ['DATEFORMAT', copy.dateFormat ?? 'default (YYYY-MM-DD)'],
      ['TIMEFORMAT', copy.timeFormat ?? 'default (YYYY-MM-DD HH:MI:SS)'],
      ['IGNOREHEADER', copy.ignoreHeader],
    ]),
  )
  return parts.join('\n\n')
}
