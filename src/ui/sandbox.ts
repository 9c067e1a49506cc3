import type {SandboxResult} from '../lib/sandbox/types.js'
import type {TourStep} from '../lib/sandbox/types.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

export function renderSandboxReady(result: SandboxResult): string {
  const parts = [
    renderTable({
      head: ['Service', 'Endpoint'],
      rows: [
        ['Kinesis (kinesis-local)', result.endpoints.kinesis],
        ['S3 (s3rver)', result.endpoints.s3],
        ['STS (GetCallerIdentity only)', result.endpoints.sts],
      ],
      title: 'Sandbox endpoints (127.0.0.1 only)',
    }),
  ]
  if (result.resources.length > 0) {
    parts.push(
      renderTable({
        head: ['Kind', 'Name', 'Note'],
        optional: [2],
        rows: result.resources.map((r) => [r.kind, r.name, r.note ?? '']),
        title: 'Demo resources',
      }),
    )
  }

  parts.push(
    `${paint('bold', 'Paste these lines into another shell')} to point pipeops and the AWS CLI at the sandbox:\n\n${result.exports.join('\n')}`,
    `Files: ${result.workDir}`,
  )
  return parts.join('\n\n')
}

export function renderTourHeader(index: number, total: number, step: TourStep, argv: string[]): string {
  return `\n${paint('cyan', `▶ ${index}/${total} ${step.title}`)}\n${paint('dim', step.explain)}\n${paint('bold', `$ pipeops ${argv.map((a) => (/[\s"'$]/.test(a) ? `'${a}'` : a)).join(' ')}`)}\n`
}
