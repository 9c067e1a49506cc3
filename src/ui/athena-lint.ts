import Table from 'cli-table3'

import type {FixReport} from '../lib/athena/fix.js'
import type {LintColumnsResult} from '../lib/athena/lint-columns.js'
import type {Finding} from '../lib/athena/model.js'

import {isColorEnabled, paint} from './color.js'

function table(head: string[], widths: number[]): Table.Table {
  return new Table({
    colWidths: widths,
    head: head.map((h) => paint('bold', h)),
    style: isColorEnabled() ? {border: ['grey'], head: []} : {border: [], compact: false, head: []},
    wordWrap: true,
    wrapOnWordBoundary: true,
  })
}

function groupKey(f: Finding): string {
  if (f.table === null) return f.database === null ? '(no database)' : `database ${f.database}`
  return f.database === null ? f.table : `${f.database}.${f.table}`
}

function nameOf(f: Finding): string {
  if (f.path) return f.path
  if (f.column !== null) return f.column
  return f.table ?? f.database ?? ''
}

/** Findings as one table per database/table, then the summary and, with --fix, the artefacts. */
export function renderLintReport(result: LintColumnsResult, options: {width?: number | undefined} = {}): string {
  const width = Math.max(80, Math.min(options.width ?? 120, 200))
  const out: string[] = []
  const groups = new Map<string, Finding[]>()
  for (const f of result.findings) {
    const key = groupKey(f)
    groups.set(key, [...(groups.get(key) ?? []), f])
  }

  const fixed = [10, 24, 22, 30]
  const why = width - fixed.reduce((a, b) => a + b, 0) - 6
  for (const [key, findings] of groups) {
    const errors = findings.filter((f) => f.severity === 'error').length
    const warnings = findings.length - errors
    out.push(
      `${paint('bold', key)}  ${paint(errors > 0 ? 'red' : 'yellow', `${errors} error(s), ${warnings} warning(s)`)}`,
    )
    const t = table(['Severity', 'Rule', 'Name', 'Why', 'Fix'], [fixed[0]!, fixed[1]!, fixed[2]!, why, fixed[3]!])
    for (const f of findings) {
      t.push([
        paint(f.severity === 'error' ? 'red' : 'yellow', f.severity),
        `${f.rule}\n${paint('dim', `(${f.context})`)}`,
        nameOf(f),
        f.message,
        f.suggestion,
      ])
    }

    out.push(t.toString(), '')
  }

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

export function renderFixes(fixes: FixReport, width = 120): string {
  const out: string[] = []
  if (fixes.renames.length === 0) out.push(paint('green', 'Nothing to rename.'))
  else {
    out.push(paint('bold', 'Rename map (checked against every other name of the table)'))
    const t = table(['Table', 'Name', 'New name', 'Note'], [24, 30, 30, Math.max(20, width - 92)])
    for (const r of fixes.renames) {
      const where =
        r.table === null ? `(database ${r.database})` : r.database === null ? r.table : `${r.database}.${r.table}`
      const name = r.kind === 'table' || r.kind === 'database' ? `${r.from} (${r.kind})` : (r.path ?? r.from)
      t.push([where, name, r.to, r.note ?? ''])
    }

    out.push(t.toString())
  }

  for (const v of fixes.views) {
    out.push(
      '',
      paint('bold', `View with clean names for ${v.database === null ? v.table : `${v.database}.${v.table}`}:`),
      v.sql + ';',
    )
  }

  for (const s of fixes.serdeProperties) {
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

  for (const c of fixes.compat ?? []) {
    out.push(
      '',
      paint(
        'bold',
        `awswrangler would name ${c.database === null ? c.table : `${c.database}.${c.table}`} "${c.tableName.awswrangler}" (≤ 2.12: "${c.tableName.awswranglerLegacy}") and its columns:`,
      ),
    )
    const t = table(['Column', 'awswrangler ≥ 2.13', 'awswrangler ≤ 2.12'], [34, 30, 30])
    for (const col of c.columns)
      if (col.name !== col.awswrangler || col.name !== col.awswranglerLegacy)
        t.push([col.name, col.awswrangler, col.awswranglerLegacy])
    out.push(t.length > 0 ? t.toString() : paint('dim', '(all column names unchanged)'))
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

  return out.join('\n')
}
