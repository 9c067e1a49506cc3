import type {Explanation, QueryExplanation, RecentReport} from '../lib/athena/explain-error.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function renderExplanation(e: Explanation): string {
  const out: string[] = []
  if (e.match) {
    out.push(
      paint('bold', e.match.title),
      renderKeyValues([
        ['Cause', e.match.cause],
        ['Fix', e.match.fix],
        [
          'Lint rule',
          e.match.rules.length > 0
            ? `${e.match.rules.join(', ')} (pipeops athena lint-columns would have caught it)`
            : 'none (not a naming problem)',
        ],
        ['Source', e.match.source],
      ]),
    )
  } else {
    out.push(paint('yellow', 'Unknown error message.'), e.next ?? '')
  }

  if (e.names.length > 0) {
    out.push('', paint('bold', 'Names in the message that lint-columns flags:'))
    for (const n of e.names) for (const p of n.problems) out.push(`  ${paint('cyan', n.name)}  ${p.rule}: ${p.message}`)
  }

  return out.join('\n')
}

export function renderQueryExplanation(q: QueryExplanation): string {
  const head = renderKeyValues([
    ['Query', q.queryExecutionId],
    ['State', q.state],
    ['Workgroup', q.workgroup],
    ['Submitted', q.submitted],
    [
      'Error',
      q.errorCategory
        ? `${q.errorCategory} (type ${q.errorType ?? '?'})${q.retryable ? ', retryable' : ''}`
        : undefined,
    ],
    ['Reason', q.reason],
  ])
  const sql = q.query ? `\n${paint('dim', q.query.split('\n').slice(0, 12).join('\n'))}` : ''
  if (!q.explanation)
    return `${head}${sql}\n\n${q.state === 'FAILED' ? 'The query failed without a reason to explain.' : `The query did not fail (state ${q.state}): nothing to explain.`}`
  return `${head}${sql}\n\n${renderExplanation(q.explanation)}`
}

export function renderRecent(r: RecentReport): string {
  const where = r.workgroup ? `workgroup ${r.workgroup}` : 'the default workgroup'
  if (r.failed === 0) return `No failed queries among the last ${r.scanned} in ${where}.`
  const rows = r.groups.map((g) => [
    g.count,
    g.cause,
    g.rules.join(', ') || '-',
    g.queries[0]?.queryExecutionId ?? '',
    g.queries[0]?.submitted ?? '',
  ])
  const out = [
    renderTable({
      align: ['right'],
      head: ['Failures', 'Cause', 'Lint rule', 'Latest query', 'Submitted'],
      rows,
      title: `${r.failed} failed queries in the last ${r.scanned} of ${where}, by cause`,
    }),
  ]
  for (const g of r.groups) {
    out.push(
      '',
      `${paint('bold', g.cause)} (${g.count})`,
      g.fix
        ? `  Fix: ${g.fix}`
        : '  Not in the catalogue: run explain-error on one message, or lint the tables involved.',
    )
    for (const q of g.queries.slice(0, 3))
      out.push(paint('dim', `  ${q.queryExecutionId}: ${q.reason.split('\n')[0]!.slice(0, 160)}`))
  }

  if (r.truncated)
    out.push('', paint('yellow', `Stopped after ${r.scanned} queries; fewer failures than asked for were found.`))
  return out.join('\n')
}
