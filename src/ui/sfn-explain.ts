/** Renderer of `sfn explain`. */
import type {ExplainReport} from '../lib/sfn/explain.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function renderExplain(r: ExplainReport): string {
  const parts: string[] = []
  parts.push(
    renderKeyValues([
      ['Execution', r.source],
      ['Status', r.execution.status],
      ['Started', r.execution.startedAt ?? undefined],
      ['Stopped', r.execution.stoppedAt ?? undefined],
      ['Execution error', r.execution.error ?? undefined],
      [
        'Redrive',
        r.redrive?.status ? `${r.redrive.status}${r.redrive.reason ? ` (${r.redrive.reason})` : ''}` : undefined,
      ],
    ]),
  )
  const o = r.origin
  if (o) {
    const where = o.kind === 'task' ? `${o.type}${o.resource ? ` (${o.resource})` : ''}` : o.type
    parts.push(
      `${paint('red', 'Failure started in')} ${paint('bold', `"${o.state ?? '(unknown state)'}"`)} at ${o.at}: ${where}`,
      renderKeyValues([
        ['Error', o.error ?? '(none)'],
        ['Cause', r.cause ? undefined : (o.cause ?? '(none)')],
        ['Error type', r.cause?.errorType],
        ['Message', r.cause?.errorMessage],
        ['Request id', r.cause?.requestId],
      ]),
    )
    if (r.cause && r.cause.trace.length > 0)
      parts.push(
        paint(
          'dim',
          r.cause.trace
            .slice(0, 10)
            .map((l) => `    ${l}`)
            .join('\n'),
        ),
      )
    if (r.explanation) {
      parts.push(
        `${paint('cyan', 'Why:')} ${r.explanation.summary}\n${r.explanation.fix.map((f) => `  → ${f}`).join('\n')}`,
      )
      if (r.explanation.missingPermission)
        parts.push(
          `Minimal statement for the state machine's role:\n${JSON.stringify(r.explanation.missingPermission.statement, null, 2)}`,
        )
    }

    if (r.handledBy)
      parts.push(
        `Caught: went on to "${r.handledBy.next}"${r.handledBy.failState ? `, which ended in the Fail state "${r.handledBy.failState}"${r.handledBy.failStateError ? ` (${r.handledBy.failStateError})` : ''}` : ''}.`,
      )
  } else {
    parts.push(
      paint(
        'green',
        r.execution.status === 'SUCCEEDED' ? '✔ The execution succeeded.' : 'No failure found in this history.',
      ),
    )
  }

  if (r.retries.attempts.length > 1 || r.retries.configured) {
    const configured = r.retries.configured?.attempts ?? []
    parts.push(
      renderTable({
        head: ['Attempt', 'Scheduled', 'Failed with', 'Waited before', 'Configured wait'],
        optional: [1],
        rows: r.retries.attempts.map((a, i) => {
          const before = configured[i - 1]
          const planned = before?.waitRange
            ? before.waitSeconds === null
              ? `0 … ${before.waitRange[1]} s`
              : `${before.waitSeconds} s`
            : i === 0
              ? '—'
              : 'none'
          return [
            a.attempt,
            a.scheduledAt,
            a.error ?? '(succeeded or running)',
            a.waitedSeconds === null ? '—' : `${Number(a.waitedSeconds.toFixed(1))} s`,
            planned,
          ]
        }),
        title: 'Attempts of the failing state',
      }),
    )
  }

  parts.push(`Retries: ${r.retries.summary}.`)
  if (r.alsoFailed.length > 0)
    parts.push(`Also failed: ${r.alsoFailed.map((f) => `"${f.state ?? '?'}" ${f.error ?? f.type}`).join('; ')}`)
  for (const note of r.notes) parts.push(paint('dim', note))
  return parts.join('\n\n')
}
