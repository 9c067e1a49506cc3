/** Renderer of `sfn lint`: findings per definition, bounded; --json and SARIF always hold everything. */
import type {SfnLintResult} from '../lib/sfn/lint.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

const MAX_ROWS = 500

export function renderSfnLint(result: SfnLintResult): string {
  const parts: string[] = []
  for (const d of result.definitions) {
    const what = `${d.source}${d.type ? ` (${d.type})` : ''}`
    if (d.unreadable) {
      parts.push(`${paint('yellow', '?')} ${what}: not linted — ${d.unreadable}`)
      continue
    }

    const mark = d.errors > 0 ? paint('red', '✘') : d.warnings > 0 ? paint('yellow', '!') : paint('green', '✔')
    parts.push(`${mark} ${what}: ${d.states} state(s), ${d.errors} error(s), ${d.warnings} warning(s)`)
  }

  const shown = result.findings.slice(0, MAX_ROWS)
  if (shown.length > 0) {
    parts.push(
      renderTable({
        head: ['Severity', 'Rule', 'State', 'Finding', 'Path'],
        optional: [4],
        rows: shown.map((f) => [
          f.severity === 'error' ? paint('red', 'error') : paint('yellow', 'warning'),
          f.rule,
          f.state ?? '(top level)',
          result.definitions.length > 1 ? `${f.message}\n${paint('dim', f.source)}` : f.message,
          f.path,
        ]),
      }),
    )
  }

  if (result.findings.length > shown.length)
    parts.push(
      `… ${result.findings.length - shown.length} more finding(s): use --json or --format sarif for all of them.`,
    )
  return parts.join('\n\n')
}
