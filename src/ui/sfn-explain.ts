import type {ExplainManyResult} from '../lib/sfn/explain-many.js'
/** Renderer of `sfn explain`. */
import type {ExplainReport} from '../lib/sfn/explain.js'
import type {ContainerExit, TaskRun} from '../lib/sfn/task-run.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function renderExplain(r: ExplainReport, depth = 0): string {
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
  if (r.taskRun) parts.push(renderTaskRun(r.taskRun, depth))
  if (r.alsoFailed.length > 0)
    parts.push(`Also failed: ${r.alsoFailed.map((f) => `"${f.state ?? '?'}" ${f.error ?? f.type}`).join('; ')}`)
  for (const note of r.notes) parts.push(paint('dim', note))
  return parts.join('\n\n')
}

const exitText = (c: ContainerExit): string =>
  `${c.name ?? 'container'}: ${c.exitCode === null ? 'no exit code (it never ran)' : `exit ${c.exitCode}`}${c.reason ? ` — ${c.reason}` : ''}`

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')

/** What the failing state ran, and what its logs or its child execution say. */
function renderTaskRun(run: TaskRun<ExplainReport>, depth: number): string {
  const lines: string[] = []
  switch (run.kind) {
    case 'batch': {
      lines.push(
        `${paint('cyan', 'Batch job')} ${run.jobName ?? '?'} (${run.jobId ?? 'id unknown'}): ${run.statusReason ?? 'no status reason'}`,
      )
      if (run.container) lines.push(`  ${exitText(run.container)}`)
      if (run.logStream) lines.push(`  Log: /aws/batch/job, stream ${run.logStream}`)
      break
    }

    case 'ecs': {
      lines.push(
        `${paint('cyan', 'ECS task')} ${run.taskArn ?? ''} stopped: ${run.stoppedReason ?? 'no reason given'}${run.stopCode ? ` (${run.stopCode})` : ''}`,
      )
      for (const c of run.containers) lines.push(`  ${exitText(c)}`)
      break
    }

    case 'execution': {
      lines.push(
        `${paint('cyan', 'Nested execution')} ${run.executionArn ?? '?'}: ${run.status ?? 'status unknown'}${run.error ? ` with ${run.error}` : ''}`,
      )
      if (run.child) lines.push(indent(renderExplain(run.child, depth + 1)))
      break
    }

    case 'glue': {
      lines.push(
        `${paint('cyan', 'Glue job run')} ${run.jobName ?? '?'} ${run.runId ?? ''}: ${run.state ?? 'state unknown'}`,
        `  ${run.errorMessage ?? 'no error message'}`,
      )
      if (run.logHint) lines.push(`  Error log: ${run.logHint}`)
      break
    }

    case 'lambda': {
      lines.push(
        `${paint('cyan', 'Lambda function')} ${run.functionName ?? '?'}${run.requestId ? `, request ${run.requestId}` : ''}${run.logGroup ? `, log group ${run.logGroup}` : ''}`,
      )
      const shown = run.logLines ?? []
      const streams = [...new Set(shown.map((l) => l.stream))]
      if (streams.length > 0)
        lines.push(`  Log stream${streams.length > 1 ? 's' : ''}: ${streams.slice(0, 3).join(', ')}`)
      for (const l of shown.slice(0, 20))
        lines.push(paint('dim', `  ${l.at} ${l.message.split('\n')[0]!.slice(0, 300)}`))
      if (shown.length > 20) lines.push(paint('dim', `  … ${shown.length - 20} more line(s) in --json`))
      break
    }

    case 'map-run': {
      const c = run.counts
      lines.push(
        `${paint('cyan', 'Map run')} ${run.mapRunArn ?? '?'}${c ? `: ${c.failed} failed, ${c.timedOut} timed out, ${c.aborted} aborted, ${c.succeeded} succeeded of ${c.total}` : ''}`,
      )
      if (run.child) lines.push('  One failed child execution:', indent(renderExplain(run.child, depth + 1)))
      break
    }
  }

  if ('note' in run && run.note) lines.push(paint('dim', `  (${run.note})`))
  return lines.join('\n')
}

/** Groups of failed executions, largest first; each with one example explained. */
export function renderExplainMany(r: ExplainManyResult): string {
  const parts: string[] = [
    `${r.examined} execution(s) of ${r.stateMachineArn} stopped (${r.statuses.join(', ')}) since ${r.since}${r.truncated ? ' — more than --max-executions: the newest were read' : ''}.`,
  ]
  if (r.groups.length === 0 && r.unreadable.length === 0)
    parts.push(paint('green', 'No stopped execution in the window.'))
  if (r.groups.length > 0)
    parts.push(
      renderTable({
        head: ['#', 'Count', 'Failure started in', 'Error', 'Last stopped', 'Redrivable'],
        optional: [4, 5],
        rows: r.groups.map((g, i) => [
          i + 1,
          g.count,
          g.state ?? '(unknown)',
          g.error ?? '(none)',
          g.lastStoppedAt ?? '?',
          `${g.redrivable.yes} yes${g.redrivable.no ? `, ${g.redrivable.no} no` : ''}${g.redrivable.unknown ? `, ${g.redrivable.unknown} ?` : ''}`,
        ]),
        title: 'Failures by where they started',
      }),
    )
  const shown = r.groups.slice(0, 5)
  for (const [i, g] of shown.entries())
    parts.push(
      `${paint('bold', `#${i + 1}`)} ${g.count} × "${g.state ?? '?'}" ${g.error ?? ''} (first ${g.firstStoppedAt ?? '?'}, last ${g.lastStoppedAt ?? '?'}); example:`,
      indent(renderExplain(g.example, 1)),
    )
  if (r.groups.length > shown.length)
    parts.push(paint('dim', `${r.groups.length - shown.length} more group(s) in --json.`))
  if (r.unreadable.length > 0)
    parts.push(
      paint(
        'yellow',
        `${r.unreadable.length} execution(s) could not be read: ${r.unreadable
          .slice(0, 3)
          .map((u) => `${u.executionArn.split(':').at(-1)} (${u.reason})`)
          .join('; ')}`,
      ),
    )
  return parts.join('\n\n')
}
