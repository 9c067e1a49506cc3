import type {AccessDeniedAnalysis, Finding, TriageResult} from '../lib/mwaa/types.js'

/**
 * Renderers of `mwaa triage`: a summary for the terminal and Markdown for a ticket.
 */
import {formatBytes} from '../lib/core/parse/size.js'
import {paint} from './color.js'

export function confidenceLabel(c: number): string {
  if (c >= 0.85) return 'high'
  if (c >= 0.6) return 'medium'
  return 'low'
}

function header(result: TriageResult): string[] {
  const lines: string[] = []
  const env = result.environment
  if (env) {
    const bits = [
      env.airflowVersion ? `Airflow ${env.airflowVersion}` : '',
      env.environmentClass ?? '',
      env.minWorkers === null ? '' : `workers ${env.minWorkers}–${env.maxWorkers ?? '?'}`,
      env.status ?? '',
    ]
    lines.push(`Environment ${env.name} (${bits.filter(Boolean).join(', ')})`)
    if (env.executionRoleArn) lines.push(`Execution role ${env.executionRoleArn}`)
  }

  if (result.window.start) lines.push(`Window ${result.window.start} → ${result.window.end}`)
  const s = result.scanned
  lines.push(
    `Scanned ${s.groups} log group(s), ${s.streams} stream(s), ${s.events.toLocaleString('en-US')} event(s), ${formatBytes(s.bytes)}`,
  )
  return lines
}

const SEVERITY_COLOR = {critical: 'red', error: 'red', warning: 'yellow'} as const

function cloudtrailLines(a: AccessDeniedAnalysis): string[] {
  const lines = [`${a.action ?? a.eventName ?? 'call'}${a.resource ? ` on ${a.resource}` : ''} — ${a.status}`]
  for (const e of a.events)
    lines.push(
      `  event ${e.eventId} at ${e.eventTime} (${e.offsetSeconds >= 0 ? '+' : ''}${e.offsetSeconds}s) ${e.consoleUrl}`,
    )
  lines.push(`  ${a.note}`)
  return lines
}

/** The terminal summary: top causes first, with confidence, fix and evidence. */
export function renderTriage(result: TriageResult): string {
  const out = header(result).map((l) => paint('dim', l))
  out.push('')
  if (result.findings.length === 0) {
    out.push(
      paint('green', 'No known failure signature found.'),
      paint(
        'dim',
        'Widen the window (--since), add --dag/--run/--task, or check that the right log groups are enabled.',
      ),
    )
    return out.join('\n')
  }

  out.push(paint('bold', `${result.findings.length} finding(s), most likely cause first:`), '')
  for (const [i, f] of result.findings.entries()) {
    out.push(
      `${paint('bold', `${i + 1}. ${f.title}`)}  ${paint(SEVERITY_COLOR[f.severity], f.severity.toUpperCase())}  ${paint('dim', `${f.category} · ${f.rule} · confidence ${confidenceLabel(f.confidence)} (${f.confidence}) · ×${f.count}`)}`,
    )
    if (f.firstSeen)
      out.push(
        paint('dim', `   seen ${f.firstSeen}${f.lastSeen && f.lastSeen !== f.firstSeen ? ` → ${f.lastSeen}` : ''}`),
      )
    out.push(`   ${f.cause}`, `   ${paint('cyan', 'Fix:')}`)
    for (const [n, step] of f.fix.entries()) out.push(...indent(`${n + 1}. ${step}`, '     '))
    if (f.cloudtrail?.length) {
      out.push(`   ${paint('cyan', 'CloudTrail:')}`)
      for (const a of f.cloudtrail) out.push(...cloudtrailLines(a).map((l) => `     ${l}`))
    }

    if (f.evidence.length > 0) {
      out.push(`   ${paint('cyan', 'Evidence:')}`)
      for (const e of f.evidence) {
        out.push(paint('dim', `     ${e.timestamp ?? '(no time)'}  ${e.logGroup} / ${e.stream}`), `       ${e.line}`)
      }
    }

    out.push('')
  }

  return out.join('\n').trimEnd()
}

function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((l, i) => (i === 0 ? `${prefix}${l}` : `${prefix}   ${l}`))
}

function mdEscape(text: string): string {
  return text.replaceAll('|', String.raw`\|`)
}

/** Markdown for a ticket (redacted by default by the command). */
export function renderTriageMarkdown(result: TriageResult): string {
  const out: string[] = ['## MWAA triage', '']
  for (const l of header(result)) out.push(`- ${l}`)
  out.push('')
  if (result.findings.length === 0) {
    out.push('No known failure signature found.')
    return out.join('\n')
  }

  out.push('| # | Finding | Category | Severity | Confidence | Count |', '|---|---|---|---|---|---|')
  for (const [i, f] of result.findings.entries()) {
    out.push(
      `| ${i + 1} | ${mdEscape(f.title)} | \`${f.category}\` | ${f.severity} | ${confidenceLabel(f.confidence)} (${f.confidence}) | ${f.count} |`,
    )
  }

  for (const [i, f] of result.findings.entries()) out.push('', ...findingMarkdown(f, i + 1))
  return out.join('\n')
}

function findingMarkdown(f: Finding, n: number): string[] {
  const out = [
    `### ${n}. ${f.title}`,
    '',
    `**Rule** \`${f.rule}\` · **first seen** ${f.firstSeen ?? 'n/a'} · **last seen** ${f.lastSeen ?? 'n/a'}`,
    '',
    f.cause,
    '',
    '**Fix**',
    '',
  ]
  for (const [i, step] of f.fix.entries()) {
    const [first, ...rest] = step.split('\n')
    out.push(`${i + 1}. ${first}`)
    if (rest.length > 0) out.push('   ```json', ...rest.map((l) => `   ${l}`), '   ```')
  }

  if (f.cloudtrail?.length) {
    out.push('', '**CloudTrail**', '')
    for (const a of f.cloudtrail) {
      out.push(
        `- \`${a.action ?? a.eventName ?? 'call'}\`${a.resource ? ` on \`${a.resource}\`` : ''}: **${a.status}**. ${a.note}`,
      )
      for (const e of a.events) out.push(`  - event \`${e.eventId}\` at ${e.eventTime}: ${e.consoleUrl}`)
    }
  }

  if (f.evidence.length > 0) {
    out.push('', '**Evidence**', '', '```')
    for (const e of f.evidence) out.push(`${e.timestamp ?? '(no time)'}  ${e.logGroup} / ${e.stream}`, `  ${e.line}`)
    out.push('```')
  }

  return out
}
