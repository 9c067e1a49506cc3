import type {DoctorReport} from '../lib/doctor/doctor.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function renderDoctor(report: DoctorReport): string {
  const parts = [
    renderKeyValues([
      ['pipeops', report.pipeops],
      ['Node.js', report.node],
      ['Profile', `${report.profile.value} (${report.profile.source})`],
      ['Region', report.region.value ? `${report.region.value} (${report.region.source})` : paint('yellow', 'not set')],
      ['Account', report.identity?.account],
      ['Identity', report.identity?.arn],
    ]),
  ]
  if (report.endpoints.length > 0) {
    parts.push(
      renderTable({
        head: ['Service', 'Endpoint', 'From'],
        optional: [2],
        rows: report.endpoints.map((e) => [e.service, e.url, e.source]),
        title: 'Endpoint overrides',
      }),
    )
  }

  if (report.permissions && 'skipped' in report.permissions) {
    parts.push(paint('yellow', `Permissions not checked: ${report.permissions.skipped}`))
  } else if (report.permissions) {
    parts.push(
      renderTable({
        head: ['Command', 'Allowed', 'Denied'],
        rows: report.permissions.commands.map((c) => [
          c.command,
          String(c.allowed.length),
          c.denied.length === 0 ? paint('green', 'none') : paint('red', c.denied.join('\n')),
        ]),
        title: `Permissions of ${report.permissions.principalArn}`,
      }),
    )
  }

  parts.push(paint('green', '✔ credentials work'))
  return parts.join('\n\n')
}
