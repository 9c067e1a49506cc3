import {describe, expect, it} from 'vitest'

import type {FixReport} from '../../src/lib/athena/fix.js'
import type {LintColumnsResult} from '../../src/lib/athena/lint-columns.js'
import type {Finding} from '../../src/lib/athena/model.js'

import {Rename} from '../../src/lib/athena/rename.js'
import {renderLintReport} from '../../src/ui/athena-lint.js'

function finding(table: number, column: number): Finding {
  const upper = column % 3 === 0
  return {
    column: `Col ${column}`,
    context: 'both',
    database: 'db',
    message: upper ? 'Athena lower-cases names.' : 'A space is not allowed.',
    path: null,
    rule: upper ? 'upper-case' : 'whitespace',
    severity: upper ? 'warning' : 'error',
    suggestion: `Rename to "col_${column}".`,
    table: `t${table}`,
  }
}

function report(tables: number, perTable: number): LintColumnsResult {
  const findings: Finding[] = []
  const renames: Rename[] = []
  const fixes: FixReport = {renames, serdeProperties: [], views: []}
  for (let t = 0; t < tables; t++) {
    for (let c = 0; c < perTable; c++) {
      findings.push(finding(t, c))
      renames.push(
        new Rename(
          {
            column: `Col ${c}`,
            database: 'db',
            from: `Col ${c}`,
            kind: 'column',
            path: null,
            rules: [],
            table: `t${t}`,
            to: `col_${c}`,
          },
          [],
        ),
      )
    }

    fixes.views.push({
      database: 'db',
      sql: `CREATE OR REPLACE VIEW "db"."t${t}_clean" AS\nSELECT\n${'  x,\n'.repeat(2000)}  y\nFROM "db"."t${t}"`,
      table: `t${t}`,
      view: `t${t}_clean`,
    })
  }

  const errors = findings.filter((f) => f.severity === 'error').length
  return {findings, fixes, summary: {columns: tables * perTable, errors, tables, warnings: findings.length - errors}}
}

describe('renderLintReport', () => {
  it('draws every finding, rename and view of a small report', () => {
    const text = renderLintReport(report(3, 10))
    expect(text).toContain('db.t0')
    expect(text).toContain('db.t2')
    expect(text.match(/Col 9/g)!.length).toBeGreaterThanOrEqual(6)
    expect(text).toContain('View with clean names for db.t2:')
    expect(text).not.toContain('Listed above')
    expect(text).not.toMatch(/more renames|more view/)
  })

  it('summarises a big report quickly and says where the rest is', () => {
    const started = performance.now()
    const text = renderLintReport(report(1000, 100))
    // Drawn in full, every row would take cli-table3 minutes.
    expect(performance.now() - started).toBeLessThan(5000)
    expect(text).toContain('db.t0  ')
    expect(text).toContain('995 more table(s) with findings:')
    expect(text).toMatch(/ {2}db\.t5 {2}66 error\(s\), 34 warning\(s\): whitespace ×66, upper-case ×34/)
    expect(text).toContain('… and 795 more')
    expect(text).toContain('All findings by rule')
    expect(text).toMatch(/whitespace\s+│ error\s+│ 66,000/)
    expect(text).toContain(
      'Listed above: 500 of 100,000 findings (5 of 1,000 tables). All of them: --json, or --format sarif --out FILE.',
    )
    expect(text).toContain('… and 99,500 more renames (100,000 in all): --json has every one (fixes.renames).')
    expect(text).toMatch(/… and 9\d\d more view\(s\) and 0 more SerDe table\(s\): --json has every SQL text/)
    expect(text).toContain('1000 table(s), 100000 column(s) and partition key(s) checked')
  })

  it.each([60, 80, 120])('fits a %i-column terminal: no line of a table is wider, no padding rows', (width) => {
    const text = renderLintReport(report(2, 4), {width})
    // Table rows, and the lines of the list layout (the summary sentence is prose the terminal wraps).
    const tableLines = text.split('\n').filter((l) => /^([┌│├└]|Severity:| {2})/.test(l))
    expect(tableLines.length).toBeGreaterThan(8)
    for (const line of tableLines) expect([...line].length, line).toBeLessThanOrEqual(width)
    // A column squeezed to a character pads rows with near-empty lines: there are none.
    expect(tableLines.filter((l) => /^│(\s*│)+\s*$/.test(l))).toEqual([])
    // Every finding's text is there, whole words (wrapped, not cut).
    expect(text.replaceAll(/[\s│]+/g, ' ')).toContain('A space is not allowed.')
  })

  it('below a readable width the findings become lists, above it a table', () => {
    expect(renderLintReport(report(1, 2), {width: 60})).toMatch(/^Severity: error$/m)
    expect(renderLintReport(report(1, 2), {width: 120})).toMatch(/^│ Severity │/m)
  })
})
