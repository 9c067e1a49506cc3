import type {RedrivePlan} from '../lib/sfn/redrive.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

/** Rows drawn in text; --json carries every execution. */
const TEXT_LIMIT = 50

export function renderRedrivePlan(plan: RedrivePlan): string {
  const {summary} = plan
  const lines: string[] = [
    `${paint('bold', 'Redrive plan')} for ${plan.target.stateMachine}: ${plan.steps.length} execution(s) to redrive, ${summary.notRedrivable.length} that cannot be, ${summary.filteredOut} left out by the filters (${summary.examined} examined).`,
  ]
  if (plan.steps.length > 0)
    lines.push(
      renderTable({
        head: ['execution', 'status', 'stopped', 'error', 'redrives so far'],
        optional: [4, 3],
        rows: plan.steps
          .slice(0, TEXT_LIMIT)
          .map((s) => [
            s.params.name,
            s.params.status,
            s.params.stoppedAt,
            s.params.error ?? '',
            String(s.params.redriveCount),
          ]),
      }),
    )
  if (plan.steps.length > TEXT_LIMIT) lines.push(`… and ${plan.steps.length - TEXT_LIMIT} more (--json lists all).`)
  if (summary.notRedrivable.length > 0) {
    lines.push(
      '',
      paint('bold', 'Cannot be redriven:'),
      renderTable({
        head: ['execution', 'status', 'why'],
        minColumnText: 12,
        rows: summary.notRedrivable.slice(0, TEXT_LIMIT).map((n) => [n.name, n.status, n.reason]),
      }),
    )
    if (summary.notRedrivable.length > TEXT_LIMIT)
      lines.push(`… and ${summary.notRedrivable.length - TEXT_LIMIT} more (--json lists all).`)
  }

  if (summary.truncated)
    lines.push(
      paint('yellow', 'More executions are in the window than --max-executions allows: raise it to see them all.'),
    )
  return lines.join('\n')
}
