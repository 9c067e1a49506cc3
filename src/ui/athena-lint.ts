import type {FixReport} from '../lib/athena/fix.js'
import type {LintColumnsResult} from '../lib/athena/lint-columns.js'
import type {Finding} from '../lib/athena/model.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

/**
 * How much of a big report the text output draws. A person does not read 100,000 rows, and
 * cli-table3 takes about a millisecond per row (its width check builds two large patterns per
 * cell): a 1,000-table catalogue took minutes to print. Past these limits the text output
 * summarises and says where the rest is: --json and --format sarif always hold everything.
 */
const MAX_FINDING_ROWS = 500
const MAX_SUMMARY_LINES = 200
const MAX_RENAME_ROWS = 500
const MAX_COMPAT_ROWS = 500
const MAX_SQL_CHARS = 200_000

const count = (n: number): string => n.toLocaleString('en-US')

/** `3 error(s), 1 warning(s)`, coloured by the worst. */
function severityCounts(findings: Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.length - errors
  return paint(errors > 0 ? 'red' : 'yellow', `${errors} error(s), ${warnings} warning(s)`)
}

/** Findings per rule, most frequent first. */
function ruleCounts(findings: Finding[]): Array<{count: number; rule: string; severity: string}> {
  const byRule = new Map<string, {count: number; rule: string; severity: string}>()
  for (const f of findings) {
    const known = byRule.get(f.rule)
    if (known) known.count++
    else byRule.set(f.rule, {count: 1, rule: f.rule, severity: f.severity})
  }

  return [...byRule.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule))
}

/** The findings table: Why and Fix are prose, so below ~20 characters a column rows become lists. */
const PROSE_COLUMN_TEXT = 20

function groupKey(f: Finding): string {
  if (f.table === null) return f.database === null ? '(no database)' : `database ${f.database}`
  return f.database === null ? f.table : `${f.database}.${f.table}`
}

function nameOf(f: Finding): string {
  if (f.path) return f.path
  if (f.column !== null) return f.column
  return f.table ?? f.database ?? ''
}

/**
 * Findings as one table per database/table, then the summary and, with --fix, the artefacts.
 * Tables fit `width` (default: the terminal's; piped output is whole) through renderTable.
 */
export function renderLintReport(result: LintColumnsResult, options: {width?: number | undefined} = {}): string {
  const {width} = options
  const out: string[] = []
  const groups = new Map<string, Finding[]>()
  for (const f of result.findings) {
    const key = groupKey(f)
    const list = groups.get(key)
    if (list) list.push(f)
    else groups.set(key, [f])
  }

  // Whole tables, in order, up to the row limit (the first table always).
  const rest: Array<[string, Finding[]]> = []
  let shownRows = 0
  for (const [key, findings] of groups) {
    if (rest.length > 0 || (shownRows > 0 && shownRows + findings.length > MAX_FINDING_ROWS)) {
      rest.push([key, findings])
      continue
    }

    shownRows += findings.length
    out.push(`${paint('bold', key)}  ${severityCounts(findings)}`)
    const rows = findings.map((f) => [
      paint(f.severity === 'error' ? 'red' : 'yellow', f.severity),
      `${f.rule}\n${paint('dim', `(${f.context})`)}`,
      nameOf(f),
      f.message,
      f.suggestion,
    ])
    out.push(
      renderTable({head: ['Severity', 'Rule', 'Name', 'Why', 'Fix'], minColumnText: PROSE_COLUMN_TEXT, rows, width}),
      '',
    )
  }

  if (rest.length > 0) out.push(...renderRest(rest, result.findings, shownRows, groups.size, width))
  const s = result.summary
  const verdict =
    s.errors > 0
      ? `${paint('red', `${s.errors} error(s)`)}, ${s.warnings} warning(s)`
      : s.warnings > 0
        ? `no errors, ${paint('yellow', `${s.warnings} warning(s)`)}`
        : paint('green', 'no problems found')
  out.push(`${s.tables} table(s), ${s.columns} column(s) and partition key(s) checked: ${verdict}.`)
  if (result.fixes) out.push('', renderFixes(result.fixes, width))
  else if (s.errors + s.warnings > 0)
    out.push(paint('dim', 'Re-run with --fix for a collision-free rename map, a view and SerDe properties.'))
  return out.join('\n')
}

/** The tables past the row limit as one line each, the findings by rule, and where the rest is. */
// eslint-disable-next-line max-params -- internal
function renderRest(
  rest: Array<[string, Finding[]]>,
  all: Finding[],
  shownRows: number,
  tables: number,
  width: number | undefined,
): string[] {
  const out = [paint('bold', `${count(rest.length)} more table(s) with findings:`)]
  for (const [key, findings] of rest.slice(0, MAX_SUMMARY_LINES)) {
    const rules = ruleCounts(findings)
      .map((r) => `${r.rule} ×${r.count}`)
      .join(', ')
    out.push(`  ${key}  ${severityCounts(findings)}: ${rules}`)
  }

  if (rest.length > MAX_SUMMARY_LINES) out.push(`  … and ${count(rest.length - MAX_SUMMARY_LINES)} more`)
  const byRule = renderTable({
    head: ['Rule', 'Severity', 'Findings'],
    rows: ruleCounts(all).map((r) => [r.rule, r.severity, count(r.count)]),
    width,
  })
  out.push(
    '',
    paint('bold', 'All findings by rule'),
    byRule,
    paint(
      'dim',
      `Listed above: ${count(shownRows)} of ${count(all.length)} findings (${count(tables - rest.length)} of ${count(tables)} tables). All of them: --json, or --format sarif --out FILE.`,
    ),
    '',
  )
  return out
}

export function renderFixes(fixes: FixReport, width?: number): string {
  return [...renderRenames(fixes.renames, width), ...renderSql(fixes), ...renderCompat(fixes.compat ?? [], width)].join(
    '\n',
  )
}

function renderRenames(renames: FixReport['renames'], width: number | undefined): string[] {
  if (renames.length === 0) return [paint('green', 'Nothing to rename.')]
  const rows = renames.slice(0, MAX_RENAME_ROWS).map((r) => {
    const where =
      r.table === null ? `(database ${r.database})` : r.database === null ? r.table : `${r.database}.${r.table}`
    const name = r.kind === 'table' || r.kind === 'database' ? `${r.from} (${r.kind})` : (r.path ?? r.from)
    return [where, name, r.to, r.note ?? '']
  })
  // The table a rename belongs to and the note are the first to go on a narrow terminal.
  const t = renderTable({head: ['Table', 'Name', 'New name', 'Note'], optional: [3, 0], rows, width})
  const out = [paint('bold', 'Rename map (checked against every other name of the table)'), t]
  if (renames.length > MAX_RENAME_ROWS)
    out.push(
      paint(
        'dim',
        `… and ${count(renames.length - MAX_RENAME_ROWS)} more renames (${count(renames.length)} in all): --json has every one (fixes.renames).`,
      ),
    )
  return out
}

/** The views and SerDe tables, up to a size a terminal shows usefully. */
function renderSql(fixes: FixReport): string[] {
  const out: string[] = []
  let chars = 0
  let viewsLeft = 0
  let serdeLeft = 0
  for (const v of fixes.views) {
    if (chars > MAX_SQL_CHARS) {
      viewsLeft++
      continue
    }

    chars += v.sql.length
    out.push(
      '',
      paint('bold', `View with clean names for ${v.database === null ? v.table : `${v.database}.${v.table}`}:`),
      v.sql + ';',
    )
  }

  for (const s of fixes.serdeProperties) {
    if (chars > MAX_SQL_CHARS) {
      serdeLeft++
      continue
    }

    chars += s.sql.length
    out.push(
      '',
      paint(
        'bold',
        `OpenX JSON SerDe table with clean names for ${s.database === null ? s.table : `${s.database}.${s.table}`}:`,
      ),
      s.sql + ';',
    )
    for (const w of s.warnings) out.push(paint('yellow', `Note: ${w}`))
  }

  if (viewsLeft + serdeLeft > 0)
    out.push(
      '',
      paint(
        'dim',
        `… and ${count(viewsLeft)} more view(s) and ${count(serdeLeft)} more SerDe table(s): --json has every SQL text (fixes.views[].sql, fixes.serdeProperties[].sql).`,
      ),
    )
  return out
}

function renderCompat(compat: NonNullable<FixReport['compat']>, width: number | undefined): string[] {
  const out: string[] = []
  let rows = 0
  let left = 0
  for (const c of compat) {
    if (rows > MAX_COMPAT_ROWS) {
      left++
      continue
    }

    out.push(
      '',
      paint(
        'bold',
        `awswrangler would name ${c.database === null ? c.table : `${c.database}.${c.table}`} "${c.tableName.awswrangler}" (≤ 2.12: "${c.tableName.awswranglerLegacy}") and its columns:`,
      ),
    )
    const changed = c.columns
      .filter((col) => col.name !== col.awswrangler || col.name !== col.awswranglerLegacy)
      .map((col) => [col.name, col.awswrangler, col.awswranglerLegacy])
    rows += changed.length + c.collisions.length + c.stillInvalid.length
    out.push(
      changed.length > 0
        ? renderTable({head: ['Column', 'awswrangler ≥ 2.13', 'awswrangler ≤ 2.12'], rows: changed, width})
        : paint('dim', '(all column names unchanged)'),
    )
    for (const k of c.collisions)
      out.push(
        paint(
          'red',
          `Collision (awswrangler ${k.version}): ${k.from.map((n) => `"${n}"`).join(', ')} all become "${k.name}".`,
        ),
      )
    for (const k of c.stillInvalid)
      out.push(paint('yellow', `Still invalid (awswrangler ${k.version}): "${k.name}" ${k.problem}.`))
  }

  if (left > 0)
    out.push(
      '',
      paint('dim', `… and the awswrangler names of ${count(left)} more table(s): --json has them all (fixes.compat).`),
    )
  return out
}
