/** Renderer of `events test-pattern`: the verdict, the explanation table, or the counts of a stream. */
import type {EventStreamResult, TestPatternResult} from '../lib/events/test-pattern.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

/** Line numbers shown in text; --json has them all. */
const LINES_SHOWN = 20

function show(value: unknown): string {
  return value === undefined ? '(missing)' : JSON.stringify(value)
}

function lineList(lines: number[]): string {
  const shown = lines.slice(0, LINES_SHOWN).join(', ')
  return lines.length > LINES_SHOWN ? `${shown}, … (${lines.length - LINES_SHOWN} more in --json)` : shown
}

function renderStream(r: EventStreamResult): string {
  const expectation = {all: 'every event matches', any: 'at least one event matches', none: 'no event matches'}[
    r.expect
  ]
  return [
    renderKeyValues([
      ['Events', String(r.events)],
      ['Matched', String(r.matched)],
      ['Not matched', String(r.unmatched)],
      ['Matched lines', r.matched > 0 ? lineList(r.matchedLines) : undefined],
      ['Lines not matched', r.unmatched > 0 ? lineList(r.unmatchedLines) : undefined],
    ]),
    r.expectationMet
      ? paint('green', `✔ ${expectation} (--expect ${r.expect})`)
      : paint('red', `✘ expected: ${expectation} (--expect ${r.expect})`),
    r.unmatched > 0 && r.expect !== 'none'
      ? paint('dim', `Why a line did not match: sed -n 'Np' ${r.source} > e.json, then --event e.json`)
      : '',
  ]
    .filter(Boolean)
    .join('\n')
}

export function renderTestPattern(r: TestPatternResult): string {
  if (r.mode === 'events') return renderStream(r)
  const table = renderTable({
    head: ['', 'Field', 'Pattern', 'Event value'],
    minColumnText: 10,
    rows: r.explanation.map((e) => [
      e.ok ? '✔' : '✘',
      e.branch ? `${e.field} (${e.branch})` : e.field,
      JSON.stringify(e.pattern),
      show(e.value),
    ]),
  })
  const verdict = r.matches ? paint('green', '✔ The pattern matches the event.') : paint('red', '✘ No match.')
  return r.explanation.length > 0 ? `${table}\n${verdict}` : verdict
}
