import type {Plan} from '../lib/core/plan.js'
import type {ApplyBaseline, PutParams, RuleChange} from '../lib/s3/lifecycle/apply.js'
import type {Finding} from '../lib/s3/lifecycle/findings.js'
import type {FilesLintResult} from '../lib/s3/lifecycle/lint-files.js'
import type {EstimateOutput, ExplainResult, GenerateResult, LintResult} from '../lib/s3/lifecycle/service.js'

/** Renderers of `s3 lifecycle generate | lint | explain`: pure functions, data → text. */
import {formatBytes} from '../lib/core/parse/size.js'
import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function formatMoney(value: number, currency = 'USD'): string {
  const sign = currency === 'USD' ? '$' : `${currency} `
  if (value === 0) return `${sign}0`
  if (Math.abs(value) < 0.01) return `${sign}${value.toPrecision(3)}`
  return `${sign}${value.toLocaleString('en-US', {maximumFractionDigits: 2, minimumFractionDigits: 2})}`
}

/** Wrap long cell text so tables fit a terminal (cli-table3 does not wrap by itself here). */
export function wrap(text: string, width = 72): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = []
      let current = ''
      for (const word of line.split(' ')) {
        if (current && current.length + word.length + 1 > width) {
          out.push(current)
          current = word
        } else current = current ? `${current} ${word}` : word
      }

      out.push(current)
      return out.join('\n')
    })
    .join('\n')
}

export function renderDays(days: GenerateResult['days']): string {
  if (days.length === 0) return ''
  return renderTable({
    align: ['left', 'left', 'left', 'right', 'left'],
    head: ['Rule', 'Action', 'You wrote', 'Days', 'How S3 counts it'],
    rows: days.map((d) => [d.rule, d.action, d.input, d.days, d.explanation]),
    title: 'Day arithmetic (S3: month = 30 days, year = 365 days)',
  })
}

export function renderFindings(findings: Finding[]): string {
  if (findings.length === 0) return paint('green', '✔ No findings.')
  const rows = findings.map((f) => [
    f.severity === 'error'
      ? paint('red', 'error')
      : f.severity === 'warning'
        ? paint('yellow', 'warning')
        : paint('cyan', 'note'),
    `${f.code}\n${f.id}`,
    f.ruleId ?? (f.ruleIndex === undefined ? '' : `#${f.ruleIndex + 1}`),
    [
      wrap(f.message),
      f.s3Message ? paint('dim', wrap(`S3 says: ${f.s3Message}`)) : '',
      f.suggestion ? wrap(`→ ${f.suggestion}`) : '',
    ]
      .filter(Boolean)
      .join('\n'),
  ])
  return renderTable({head: ['Severity', 'Finding', 'Rule', 'Detail'], rows})
}

export function renderGenerate(result: GenerateResult): string {
  const parts = [renderDays(result.days)]
  if (result.notes.length > 0) parts.push(result.notes.map((n) => `${paint('cyan', 'Note:')} ${n}`).join('\n'))
  if (!result.valid) {
    const errors = result.findings.filter((f) => f.severity === 'error').length
    parts.push(
      renderFindings(result.findings),
      paint(
        'red',
        `✘ S3 would reject this policy (${errors} error(s)): it is not printed. Fix the flags or spec and run again.`,
      ),
    )
    return parts.filter(Boolean).join('\n\n')
  }

  const warnings = result.findings.filter((f) => f.severity === 'warning')
  parts.push(
    warnings.length === 0
      ? paint('green', '✔ Valid: S3 would accept this configuration; no warnings.')
      : `${paint('green', '✔ Valid: S3 would accept this configuration.')} ${paint('yellow', `${warnings.length} warning(s):`)}\n${renderFindings(warnings)}`,
    paint(
      'bold',
      `${result.format === 's3api' ? 's3api JSON' : result.format === 'cloudformation' ? 'CloudFormation' : 'Terraform'}:`,
    ),
    (result.output ?? '').trimEnd(),
  )
  if (result.commandLine)
    parts.push(
      paint(
        'dim',
        `Save as lifecycle.json and apply with:\n  ${result.commandLine}\n(or: pipeops s3 lifecycle generate … --apply --bucket BUCKET, which merges with the rules already there)`,
      ),
    )
  return parts.filter(Boolean).join('\n\n')
}

export function renderLint(result: LintResult): string {
  const parts: string[] = []
  for (const c of result.configurations) {
    const head = `${paint('bold', c.source)} (${c.format})`
    if (c.status === 'no-configuration') {
      parts.push(
        `${head}: ${paint('dim', 'no configuration')}${c.findings.length > 0 ? `\n${renderFindings(c.findings)}` : ''}`,
      )
      continue
    }

    parts.push(
      `${head}: ${c.rules} rule(s), ${c.errors > 0 ? paint('red', `${c.errors} error(s)`) : '0 errors'}, ${c.warnings > 0 ? paint('yellow', `${c.warnings} warning(s)`) : '0 warnings'}\n${renderFindings(c.findings)}`,
    )
  }

  if (result.estimate) parts.push(renderEstimate(result.estimate))
  // Notes mean something was not checked: never an unqualified all-clear then.
  const notes = result.configurations.reduce((n, c) => n + c.findings.filter((f) => f.severity === 'info').length, 0)
  const reviewed = result.warnings > 0 ? ` (${result.warnings} warning(s) to review)` : ''
  parts.push(
    result.errors > 0
      ? paint('red', `✘ ${result.errors} error(s): S3 would reject this configuration.`)
      : result.configurations.every((c) => c.status === 'no-configuration')
        ? paint(
            'dim',
            `No lifecycle configuration to check${notes > 0 ? '; see the notes for what was not followed' : ''}.`,
          )
        : notes > 0
          ? paint(
              'yellow',
              `No error in what was checked${reviewed}; ${notes} note(s) name the values that were not known (not checked) or checked for a default only.`,
            )
          : paint('green', `✔ S3 would accept this configuration${reviewed}.`),
  )
  return parts.join('\n\n')
}

/** Several files: each file's own lint (or why it could not be read), then one line over all of them. */
export function renderFilesLint(result: FilesLintResult): string {
  const parts: string[] = []
  for (const f of result.files) {
    parts.push(
      f.status === 'error'
        ? `${paint('bold', f.file)}: ${paint('red', `not checked: ${f.error.message}`)}`
        : `${paint('bold', f.file)}\n${renderLint(f.result)}`,
    )
  }

  const {errors, failed, files, filesWithErrors, warnings} = result.summary
  const counts = `${files} file(s): ${filesWithErrors} with errors (${errors} error(s)), ${warnings} warning(s)${failed > 0 ? `, ${failed} not checked` : ''}`
  parts.push(
    errors > 0 || failed > 0 ? paint('red', `✘ ${counts}.`) : paint(warnings > 0 ? 'yellow' : 'green', `✔ ${counts}.`),
  )
  return parts.join('\n\n')
}

export function renderEstimate(est: EstimateOutput): string {
  const cur = est.prices.currency
  const parts: string[] = [
    paint('bold', `Estimate over ${est.horizonDays} days`) +
      paint(
        'dim',
        ` — prices as of ${est.prices.asOf}, ${est.prices.region}${est.prices.fallbackFrom ? ` (no table for ${est.prices.fallbackFrom})` : ''}, ${est.prices.source}`,
      ),
  ]
  if (est.sample) {
    const s = est.sample
    parts.push(
      renderTable({
        align: ['left', 'right', 'right'],
        head: ['Object size', 'Objects', 'Bytes'],
        rows: s.sizes.map((b) => [b.label, b.objects.toLocaleString('en-US'), formatBytes(b.bytes)]),
        title: `Sample of s3://${s.bucket}/${s.prefix}: ${s.objects.toLocaleString('en-US')} objects, ${formatBytes(s.bytes)}${s.complete ? '' : ' (listing stopped at the limit)'}`,
      }),
    )
  }

  for (const sc of est.scenarios) {
    const lines: Array<[string, string]> = [
      [
        'Objects',
        `${sc.objects.toLocaleString('en-US')} (${formatBytes(sc.bytes)}; ${sc.smallObjects.toLocaleString('en-US')} under 128 KiB)`,
      ],
      [
        'Transition requests',
        sc.transitions.length === 0
          ? 'none'
          : sc.transitions
              .map((t) => `${t.requests.toLocaleString('en-US')} → ${t.storageClass} ${formatMoney(t.cost, cur)}`)
              .join('; '),
      ],
      ['Storage', formatMoney(sc.totals.storage, cur)],
      ...(sc.totals.monitoring > 0
        ? [['Intelligent-Tiering monitoring', formatMoney(sc.totals.monitoring, cur)] as [string, string]]
        : []),
      ...(sc.totals.earlyDeletion > 0
        ? [['Minimum-duration charges', formatMoney(sc.totals.earlyDeletion, cur)] as [string, string]]
        : []),
      ['Total with lifecycle', paint('bold', formatMoney(sc.totals.total, cur))],
      ['Without lifecycle', `${formatMoney(sc.baseline.storage, cur)} (${sc.baseline.description})`],
      [
        'Difference',
        sc.baseline.storage - sc.totals.total >= 0
          ? paint('green', `saves ${formatMoney(sc.baseline.storage - sc.totals.total, cur)}`)
          : paint('red', `costs ${formatMoney(sc.totals.total - sc.baseline.storage, cur)} more`),
      ],
      ...(sc.deletedObjects > 0
        ? [['Deleted within the horizon', sc.deletedObjects.toLocaleString('en-US')] as [string, string]]
        : []),
    ]
    parts.push(`${paint('bold', sc.name)}\n${renderKeyValues(lines)}`)
    // Months where the mix of classes changes, plus the first and last.
    const rows = sc.monthly.filter(
      (m, i, all) =>
        i === 0 ||
        i === all.length - 1 ||
        Object.keys(m.byClass).join(',') !== Object.keys(all[i - 1]!.byClass).join(','),
    )
    const classes = [...new Set(sc.monthly.flatMap((m) => Object.keys(m.byClass)))]
    if (classes.length > 0) {
      parts.push(
        renderTable({
          align: ['right', ...classes.map(() => 'right' as const), 'right'],
          head: ['Month', ...classes, 'Per month'],
          rows: rows.map((m) => [
            m.month,
            ...classes.map((c) => {
              const v = m.byClass[c as keyof typeof m.byClass]
              return v ? `${formatMoney(v.cost, cur)}\n${formatBytes(Math.round(v.gb * 2 ** 30))}` : ''
            }),
            formatMoney(m.total, cur),
          ]),
          title: 'Monthly storage by class (months where the mix changes)',
        }),
      )
    }
  }

  if (est.notes.length > 0) parts.push(est.notes.map((n) => paint('dim', `• ${n}`)).join('\n'))
  return parts.join('\n\n')
}

export function renderExplain(r: ExplainResult): string {
  const cur = r.prices.currency
  const tags = Object.entries(r.object.tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const parts = [
    renderKeyValues([
      ['Object', r.object.key],
      ['Size', `${formatBytes(r.object.size)} (${r.object.size} bytes)`],
      ['Tags', tags || '(none)'],
      ['Configuration', r.source],
      ['At age', `${r.atAge.ageDays} days: ${r.atAge.storageClass === 'deleted' ? 'deleted' : r.atAge.storageClass}`],
    ]),
    renderTable({
      head: ['Rule', 'Matches', 'Why'],
      rows: r.matches.map((m) => [m.label, m.matches ? paint('green', 'yes') : paint('dim', 'no'), m.reason]),
      title: 'Rules',
    }),
  ]
  if (r.precedence.length > 0) parts.push(r.precedence.join('\n'))
  parts.push(
    renderTable({
      align: ['right', 'left', 'left', 'right', 'right', 'right'],
      head: ['Day', 'Event', 'Rule', 'Storage / month', 'Request', 'Cost so far'],
      rows: r.steps.map((s) => [
        s.day,
        s.action === 'start'
          ? `written to ${s.storageClass}`
          : s.action === 'expire'
            ? paint('red', 'deleted (expired)')
            : `→ ${s.storageClass}`,
        s.rule ?? '',
        s.action === 'expire' ? '' : formatMoney(s.monthlyStorage, cur),
        s.requestCost ? formatMoney(s.requestCost, cur) : '',
        formatMoney(s.costSoFar, cur),
      ]),
      title: 'Timeline of this object (per object; prices as of ' + r.prices.asOf + ', ' + r.prices.region + ')',
    }),
  )
  if (r.skipped.length > 0)
    parts.push(
      r.skipped
        .map((s) => `${paint('yellow', 'Skipped:')} day ${s.day} ${s.to ? `→ ${s.to} ` : ''}(${s.rule}): ${s.reason}`)
        .join('\n'),
    )
  if (r.noncurrent.length > 0) parts.push(r.noncurrent.map((n) => `• ${n}`).join('\n'))
  parts.push(
    renderKeyValues([
      [
        `Cost over ${r.horizonDays} days`,
        `${formatMoney(r.totals.total, cur)} per object (storage ${formatMoney(r.totals.storage, cur)}, requests ${formatMoney(r.totals.requests, cur)}${r.totals.earlyDeletion ? `, minimum-duration ${formatMoney(r.totals.earlyDeletion, cur)}` : ''})`,
      ],
      ['Per million such objects', formatMoney(r.totals.perMillionObjects, cur)],
    ]),
  )
  return parts.join('\n\n')
}

export function renderDiff(changes: RuleChange[], bucket: string): string {
  if (changes.length === 0) return paint('dim', `s3://${bucket} has no rules and none are added.`)
  const mark: Record<RuleChange['change'], string> = {
    add: paint('green', '+ add'),
    keep: paint('dim', '= keep'),
    remove: paint('red', '- remove'),
    replace: paint('yellow', '~ replace'),
    unchanged: paint('dim', '= unchanged'),
  }
  return renderTable({
    head: ['Change', 'Rule ID', 'Detail'],
    rows: changes.map((c) => [
      mark[c.change],
      c.id,
      c.change === 'replace'
        ? `changes ${c.fields?.join(', ')}`
        : c.change === 'keep'
          ? 'not in the new policy; kept (use --replace-all to remove)'
          : c.change === 'remove'
            ? 'removed by --replace-all'
            : '',
    ]),
    title: `Lifecycle rules of s3://${bucket}`,
  })
}

/** The apply plan for people: the rule diff and the one PUT it takes. */
export function renderApplyPlan(plan: Plan<ApplyBaseline, PutParams>): string {
  const parts = [renderDiff(plan.baseline.changes, plan.baseline.bucket)]
  const step = plan.steps[0]
  parts.push(
    step
      ? `${paint('bold', 'Plan:')} ${step.operation} on s3://${step.params.bucket} — ${step.effect ?? ''}.\nThe previous configuration is saved to ${step.params.backupFile} first, and the result is read back to verify.`
      : paint('green', `s3://${plan.baseline.bucket} already has these rules: nothing to do.`),
  )
  return parts.join('\n')
}
