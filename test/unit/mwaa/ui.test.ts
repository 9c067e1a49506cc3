import {describe, expect, it} from 'vitest'

import type {TriageResult} from '../../../src/lib/mwaa/types.js'

import {confidenceLabel, renderTriage, renderTriageMarkdown} from '../../../src/ui/mwaa-triage.js'

const result: TriageResult = {
  environment: {
    airflowVersion: '2.10.3',
    arn: null,
    environmentClass: 'mw1.small',
    executionRoleArn: 'arn:aws:iam::123456789012:role/r',
    logging: {},
    maxWorkers: 10,
    minWorkers: 1,
    name: 'prod',
    status: 'AVAILABLE',
  },
  findings: [
    {
      category: 'access-denied',
      cause: 'The caller may not call ecs:RunTask.',
      cloudtrail: [
        {
          action: 'ecs:RunTask',
          eventCategory: 'management',
          eventName: 'RunTask',
          events: [
            {
              consoleUrl: 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e-1',
              errorCode: 'AccessDenied',
              eventId: 'e-1',
              eventTime: '2026-11-22T05:12:01Z',
              offsetSeconds: 1,
              principalArn: null,
            },
          ],
          eventSource: 'ecs.amazonaws.com',
          note: 'CloudTrail event e-1 records this denial.',
          policyStatement: '{\n  "Action": "ecs:RunTask"\n}',
          policyType: 'identity',
          principal: null,
          resource: null,
          roleArn: 'arn:aws:iam::123456789012:role/r',
          simulateCommand: 'aws iam simulate-principal-policy …',
          status: 'matched',
          time: '2026-11-22T05:12:00Z',
        },
      ],
      confidence: 0.95,
      count: 2,
      evidence: [
        {
          line: 'An error occurred (AccessDeniedException) | pipe',
          logGroup: 'airflow-prod-Task',
          stream: 's',
          timestamp: '2026-11-22T05:12:00.000Z',
        },
      ],
      firstSeen: '2026-11-22T05:12:00.000Z',
      fix: ['Add to r:\n{\n  "Action": "ecs:RunTask"\n}'],
      lastSeen: '2026-11-22T05:13:00.000Z',
      rule: 'aws-access-denied',
      severity: 'error',
      title: 'AWS access denied: ecs:RunTask | x',
    },
  ],
  scanned: {bytes: 2048, events: 10, groups: 4, streams: 3},
  window: {end: '2026-11-22T06:00:00.000Z', start: '2026-11-22T04:00:00.000Z'},
}

describe('mwaa triage renderers', () => {
  it('labels confidence', () => {
    expect([confidenceLabel(0.99), confidenceLabel(0.7), confidenceLabel(0.5)]).toEqual(['high', 'medium', 'low'])
  })

  it('prints context, causes, fix, CloudTrail event and evidence', () => {
    const text = renderTriage(result)
    expect(text).toContain('Environment prod (Airflow 2.10.3, mw1.small, workers 1–10, AVAILABLE)')
    expect(text).toContain('Window 2026-11-22T04:00:00.000Z → 2026-11-22T06:00:00.000Z')
    expect(text).toContain('Scanned 4 log group(s), 3 stream(s), 10 event(s), 2.00 KiB')
    expect(text).toMatch(
      /1\. AWS access denied: ecs:RunTask \| x\s+ERROR\s+access-denied · aws-access-denied · confidence high \(0\.95\) · ×2/,
    )
    expect(text).toContain('event e-1 at 2026-11-22T05:12:01Z (+1s)')
    expect(text).toContain('airflow-prod-Task / s')
  })

  it('says so when nothing was found', () => {
    expect(renderTriage({...result, findings: []})).toContain('No known failure signature found.')
    expect(renderTriageMarkdown({...result, findings: []})).toContain('No known failure signature found.')
  })

  it('writes Markdown with a findings table, escaped pipes and fenced policy JSON', () => {
    const md = renderTriageMarkdown(result)
    expect(md).toContain('| 1 | AWS access denied: ecs:RunTask \\| x | `access-denied` | error | high (0.95) | 2 |')
    expect(md).toContain('1. Add to r:\n   ```json\n   {\n     "Action": "ecs:RunTask"\n   }\n   ```')
    expect(md).toContain('- event `e-1` at 2026-11-22T05:12:01Z')
  })
})
