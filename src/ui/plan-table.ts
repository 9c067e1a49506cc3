import type {ApplyReport, Plan} from '../lib/core/plan.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

function formatParams(params: unknown): string {
  if (typeof params !== 'object' || params === null) return String(params)
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n')
}

/** Steps drawn in text: a plan can hold many thousands (the plan file and --json hold them all). */
export const PLAN_TEXT_ROWS = 200

/** The steps of a plan as a table: what will be called, with which parameters, and why. */
export function renderPlan(plan: Plan<unknown, unknown>): string {
  if (plan.steps.length === 0) return paint('green', 'Nothing to do: live state already matches.')
  const table = renderTable({
    head: ['#', 'Operation', 'Parameters', 'Reason', 'Effect'],
    optional: [0, 3],
    rows: plan.steps
      .slice(0, PLAN_TEXT_ROWS)
      .map((s, i) => [String(i + 1), s.operation, formatParams(s.params), s.reason, s.effect ?? '']),
    title: `Plan: ${plan.kind} (${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'})`,
  })
  const rest = plan.steps.length - PLAN_TEXT_ROWS
  return rest > 0
    ? `${table}\n${paint('dim', `… and ${rest} more step(s), not drawn: --json and --plan-out list all ${plan.steps.length}.`)}`
    : table
}

export function renderApplyReport(report: ApplyReport): string {
  const lines = [
    `${paint('green', '✔')} ${report.applied.length} step(s) applied, ${report.skipped.length} already done.`,
  ]
  if (report.failed) lines.push(`${paint('red', '✘')} step ${report.failed.stepId} failed: ${report.failed.message}`)
  return lines.join('\n')
}
